"""Name the "Send to Customer" share kind as the button does: "send_updated" becomes
"send_to_customer", in shares and in the "share created" events that repeat it.

Neither value is covered by a hash (the chain hashes decisions, signatures and versions), so
renaming the stored spelling changes no evidence.
"""

from django.db import migrations, models

OLD, NEW = "send_updated", "send_to_customer"


def _rename(apps, old: str, new: str) -> None:
    # Historical models have a plain manager, so the append-only guard does not apply here.
    Share = apps.get_model("sharing", "Share")
    Event = apps.get_model("approvals", "Event")
    Share.objects.filter(kind=old).update(kind=new)
    events = Event.objects.filter(kind="share_created").only("pk", "data")
    for event in events.iterator():
        if isinstance(event.data, dict) and event.data.get("kind") == old:
            Event.objects.filter(pk=event.pk).update(data={**event.data, "kind": new})


def forwards(apps, schema_editor):
    _rename(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0003_estimateversion_moved_to_approvals"),
        ("approvals", "0005_move_versions_and_reasons_here"),
    ]

    operations = [
        migrations.AlterField(
            model_name="share",
            name="kind",
            field=models.CharField(
                choices=[("request_approval", "Request approval"), (NEW, "Send to Customer")],
                max_length=20,
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
