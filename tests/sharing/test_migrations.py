"""The share kind's rename in stored rows: old "send_updated" shares read as Send to Customer."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from signoff.approvals.models import Event, EventKind
from signoff.sharing import services
from signoff.sharing.models import Share, ShareKind
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from tests.sharing.builders import estimate_for, ready_to_send

BEFORE = [("sharing", "0003_estimateversion_moved_to_approvals")]
AFTER = [("sharing", "0004_share_kind_send_to_customer")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _share_kinds() -> list[str]:
    return list(Share.objects.order_by("id").values_list("kind", flat=True))


def _event_kinds() -> list[str]:
    events = Event.objects.filter(kind=EventKind.SHARE_CREATED).order_by("id")
    return [event.data["kind"] for event in events]


@pytest.mark.django_db(transaction=True)
def test_shares_stored_as_send_updated_become_send_to_customer(shop, alice, monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda message_id: None)
    est = estimate_for(shop)
    actor = actor_for(user=alice, shop_id=shop.pk)
    for kind in (ShareKind.REQUEST_APPROVAL, ShareKind.SEND_TO_CUSTOMER):
        if kind == ShareKind.SEND_TO_CUSTOMER:
            ready_to_send(est)
        share_create(
            actor=actor, ro_id=est.ro.pk, kind=kind, recipients=[Recipient(est.primary.pk)]
        )
    try:
        # Back to before the rename: the rows are spelled as they were stored then.
        _migrate(BEFORE)
        assert _share_kinds() == ["request_approval", "send_updated"]
        assert _event_kinds() == ["request_approval", "send_updated"]

        _migrate(AFTER)
        assert _share_kinds() == ["request_approval", "send_to_customer"]
        assert _event_kinds() == ["request_approval", "send_to_customer"]
        assert Share.objects.order_by("id").last().get_kind_display() == "Send to Customer"
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
