"""A link's openings through one index, (link, kind, time): first, last and a bounded count read
its ends and a slice of it. The share link's own index, the first column of this one, goes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0006_alter_decision_comment"),
        ("sharing", "0007_link_openings_from_events"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["share_link", "kind", "created_at"], name="event_link_kind_time"
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="share_link",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="sharing.sharelink",
            ),
        ),
    ]
