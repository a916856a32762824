# Whether a shop has texted a number before (the first text carries the opt-out line) is read
# through this index.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sharing', '0008_message_kind_confirmation'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='message',
            index=models.Index(fields=['shop', 'to_address'], name='message_shop_recipient'),
        ),
    ]
