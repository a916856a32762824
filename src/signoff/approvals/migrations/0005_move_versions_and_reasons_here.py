"""EstimateVersion (from sharing) and ApprovalReason (from shops) now belong to approvals.

Only Django's record of the models moves: the tables keep their names (`db_table`), so no row
is copied and no foreign key in the database changes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0004_event_kind_link_revealed"),
        ("sharing", "0002_sharelink_token_nonce"),
        ("shops", "0001_initial"),
        ("orders", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="ApprovalReason",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(max_length=80)),
                ("kind", models.CharField(choices=[("phone", "Phone call"), ("verbal", "Verbal (in person)"), ("written", "Written (email, text, note)"), ("other", "Other")], default="other", max_length=10)),
                ("position", models.PositiveIntegerField(default=0)),
                ("active", models.BooleanField(default=True)),
                ("shop", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="approval_reasons", to="shops.shop")),
            ],
            options={"db_table": "shops_approvalreason", "ordering": ["position", "id"]},
        ),
        migrations.CreateModel(
            name="EstimateVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("content", models.JSONField()),
                ("content_hash", models.CharField(max_length=64)),
                ("total", models.DecimalField(decimal_places=2, max_digits=12)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("repair_order", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="versions", to="orders.repairorder")),
                ("shop", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="shops.shop")),
            ],
            options={
                "db_table": "sharing_estimateversion",
                "ordering": ["number"],
                "constraints": [models.UniqueConstraint(fields=("repair_order", "number"), name="version_number_unique")],
            },
        ),
        migrations.AlterField(
            model_name="signature",
            name="version",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="signatures", to="approvals.estimateversion"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="version",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="decisions", to="approvals.estimateversion"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="reason",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="approvals.approvalreason"),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
