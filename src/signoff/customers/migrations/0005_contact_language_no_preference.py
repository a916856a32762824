# A contact may have no language preference (the customer page then follows their own pick or
# their browser's). Existing contacts keep the language they have.
#
# State only: the column is the same varchar(5) NOT NULL (Django keeps defaults in Python, not in
# the database), and an AlterField would make SQLite rebuild customers_contact, dropping the
# triggers that keep its search index (signoff.core.search) up to date.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0004_text_search'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='contact',
                    name='language',
                    field=models.CharField(blank=True, choices=[('', 'No preference'), ('en', 'English'), ('es', 'Español')], default='', max_length=5),
                ),
            ],
        ),
    ]
