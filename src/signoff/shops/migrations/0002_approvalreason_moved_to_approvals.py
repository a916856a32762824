"""ApprovalReason now belongs to approvals (its table stays where it is)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("shops", "0001_initial"),
        ("approvals", "0005_move_versions_and_reasons_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApprovalReason")]
        )
    ]
