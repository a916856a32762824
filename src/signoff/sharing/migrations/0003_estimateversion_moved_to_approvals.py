"""EstimateVersion now belongs to approvals (its table stays where it is)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0002_sharelink_token_nonce"),
        ("approvals", "0005_move_versions_and_reasons_here"),
    ]

    state_operations = [
        migrations.AlterField(
            model_name="share",
            name="version",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="shares", to="approvals.estimateversion"),
        ),
        migrations.DeleteModel(name="EstimateVersion"),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
