from django.db import migrations


class Migration(migrations.Migration):
    """Joins the two 0005s made side by side (the notes limit and the worker heartbeat)."""

    dependencies = [
        ("sharing", "0005_alter_share_notes"),
        ("sharing", "0005_workerheartbeat"),
    ]

    operations = []
