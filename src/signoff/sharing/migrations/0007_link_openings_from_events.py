# Openings of a share link are counted from its LINK_OPENED events (one insert per opening,
# always written together with these columns), so the columns go.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0006_alter_share_notes"),
    ]

    operations = [
        migrations.RemoveField(model_name="sharelink", name="first_opened_at"),
        migrations.RemoveField(model_name="sharelink", name="last_opened_at"),
        migrations.RemoveField(model_name="sharelink", name="open_count"),
    ]
