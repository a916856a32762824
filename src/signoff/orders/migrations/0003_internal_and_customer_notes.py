"""The RO's one "Notes" field becomes two: what was there is the staff's (internal notes, never
shown to a customer), and the note for the customer starts empty."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_text_limits")]

    operations = [
        migrations.RenameField(model_name="repairorder", old_name="notes", new_name="internal_notes"),
        migrations.AddField(
            model_name="repairorder",
            name="customer_notes",
            field=models.TextField(blank=True, max_length=10_000),
        ),
    ]
