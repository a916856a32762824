from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from signoff.approvals.chain import decision_append
from signoff.approvals.selectors import OperationRow, repair_order_page, status_row
from signoff.orders.models import Operation
from signoff.shops.access import actor_for
from signoff.web import panels
from tests.factories import (
    ContactFactory,
    LineFactory,
    OperationFactory,
    RepairOrderFactory,
    priced_operation,
)


def test_the_header_shows_customer_contacts_vehicle_advisor_status_etr_and_notes(
    alice_client, shop, alice
):
    ro = RepairOrderFactory(
        shop=shop,
        number=1042,
        advisor=alice,
        status="awaiting",
        internal_notes="Call before 5 PM.",
        etr=datetime(2026, 11, 25, 0, 30, tzinfo=ZoneInfo("UTC")),
    )
    ContactFactory(customer=ro.customer, is_primary=True, name="Maria Lopez", mobile="+13235550123")
    ContactFactory(customer=ro.customer, name="Daniel Lopez", relationship="Spouse")
    body = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    assert "RO 1042" in body
    assert ro.customer.name in body
    assert "Maria Lopez" in body and "(323) 555-0123" in body
    assert "Daniel Lopez" in body and "Spouse" in body
    assert "2019 Honda Accord" in body and "1HGCM82633A004352" in body
    assert alice.get_full_name() in body
    assert "Awaiting approval" in body
    # 00:30 UTC on the 25th is 4:30 PM on the 24th in Los Angeles.
    assert "Tue, Nov 24, 2026, 4:30 PM" in body
    assert "Call before 5 PM." in body


def test_the_operations_table_shows_kind_text_lines_and_subtotals(alice_client, shop):
    ro = RepairOrderFactory(shop=shop)
    op = OperationFactory(
        repair_order=ro,
        title="Front brakes",
        complaint="Grinding",
        cause="Pads worn",
        correction="Replace pads",
    )
    LineFactory(operation=op, kind="labor", quantity=Decimal("1.5"), unit_price=Decimal("150"))
    LineFactory(
        operation=op,
        kind="part",
        part_number="ACT1089",
        description="Pads",
        quantity=Decimal("2"),
        unit_price=Decimal("44.50"),
    )
    LineFactory(operation=op, kind="fee", description="Shop supplies", unit_price=Decimal("12"))
    OperationFactory(repair_order=ro, title="Cabin filter", kind="recommendation")
    body = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    for text in (
        "Front brakes",
        "Grinding",
        "Pads worn",
        "Replace pads",
        "1.5 h × $150.00/h",
        "ACT1089",
        "2 × $44.50",
        "Shop supplies",
        "$326.00",  # 225 + 89 + 12
        "Recommendation",
        "Cabin filter",
    ):
        assert text in body, text


def test_the_totals_box_adds_tax_at_the_shop_rate_and_keeps_recommendations_apart(
    alice_client, shop
):
    ro = RepairOrderFactory(shop=shop)
    priced_operation(repair_order=ro)  # 225.00 labor + 89.99 part, all taxable
    priced_operation(repair_order=ro, kind="recommendation", labor_hours="1", part_price="10.00")
    body = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    assert 'data-total="labor">$225.00<' in body
    assert 'data-total="parts">$89.99<' in body
    assert 'data-total="subtotal">$314.99<' in body
    assert "Tax (8.25%)" in body
    assert 'data-total="tax">$25.99<' in body
    assert 'data-total="total">$340.98<' in body
    assert 'data-total="rec-subtotal">$160.00<' in body
    assert 'data-total="rec-total">$173.20<' in body


def test_the_owner_sees_edit_controls(alice_client, ro):
    body = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    assert "Add operation" in body
    assert "Edit details" in body
    assert f"/operations/{ro.operations.get().pk}/edit/" in body


def test_a_technician_sees_the_estimate_without_any_edit_control(client_for, bob, ro):
    body = client_for(bob).get(f"/ros/{ro.pk}/").content.decode()
    assert "Front brake pads" in body
    assert "Add operation" not in body
    assert "Edit details" not in body
    assert "/edit/" not in body
    assert "/remove/" not in body
    assert "/move/" not in body


def test_removed_operations_are_not_shown_or_totalled(alice_client, shop):
    ro = RepairOrderFactory(shop=shop)
    priced_operation(repair_order=ro, title="Kept")
    gone = priced_operation(repair_order=ro, title="Gone")
    gone.removed_at = gone.created_at
    gone.save()
    body = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    assert "Kept" in body and "Gone" not in body
    assert 'data-total="total">$340.98<' in body


def test_each_row_has_an_approval_status_cell(alice_client, ro):
    body = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    assert "Pending" in body
    assert 'class="col-status"' in body


@override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                    "signoff.shops.context_processors.current_shop",
                ],
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "test/_above.html": "ABOVE {{ greeting }} {{ ro.label }}",
                            "test/_below.html": "BELOW {{ panel.greeting }} {{ rows|length }}",
                        },
                    ),
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
)
def test_panels_render_above_and_below_the_operations_table(alice_client, ro, monkeypatch):
    monkeypatch.setattr(
        panels,
        "RO_PANELS",
        {
            "above": panels.Panel("above", "actions", "test/_above.html", panel_context),
            "below": panels.Panel("below", "after", "test/_below.html", panel_context),
        },
    )
    body = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    assert "ABOVE hello RO 1001" in body
    assert "BELOW hello 1" in body
    assert body.index("ABOVE") < body.index("ops-table") < body.index("BELOW")
    assert 'id="ro-part-above"' in body and 'id="ro-part-below"' in body


def panel_context(*, request, actor, ro, rows):
    return {"greeting": "hello"}


def test_the_page_selector_gives_rows_with_status_and_subtotal(alice, shop, ro):
    page = repair_order_page(actor=actor_for(user=alice, shop_id=shop.pk), ro_id=ro.pk)
    (row,) = page.rows
    assert row.status == "pending" and row.decision is None
    assert row.subtotal == Decimal("314.99")
    assert [line.amount for line in row.lines] == [Decimal("225.00"), Decimal("89.99")]
    assert page.estimate.total == Decimal("340.98")
    assert page.approved.total == Decimal("0.00")


def test_the_status_cell_gets_the_same_row_as_the_page_table(alice, shop, ro):
    (op,) = ro.operations.all()
    decision_append(operation=op, status="approved", source="on_behalf", recorded_by=alice)
    (page_row,) = repair_order_page(actor=actor_for(user=alice, shop_id=shop.pk), ro_id=ro.pk).rows
    cell_row = status_row(operation=op)
    assert type(cell_row) is type(page_row) is OperationRow
    assert cell_row == page_row
    assert (cell_row.status, cell_row.subtotal) == ("approved", Decimal("314.99"))
    assert cell_row.decision == page_row.decision
    assert [ln.amount for ln in cell_row.lines] == [ln.amount for ln in page_row.lines]


def test_the_status_cell_row_reads_no_lines_it_does_not_show(alice, ro, django_assert_num_queries):
    (op,) = Operation.objects.filter(pk=ro.operations.get().pk)
    with django_assert_num_queries(1):  # the latest decision; lines are priced only when read
        row = status_row(operation=op)
        assert row.status == "pending"


def _page_queries(client, ro, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(200) as ctx:
        assert client.get(f"/ros/{ro.pk}/").status_code == 200
    return len(ctx.captured_queries)


def _decided_operations(ro, n, *, kind, alice):
    """n operations, every other one approved on the customer's behalf."""
    for i in range(n):
        op = priced_operation(repair_order=ro, kind=kind)
        if i % 2 == 0:
            with transaction.atomic():
                decision_append(
                    operation=op, status="approved", source="on_behalf", recorded_by=alice
                )


@pytest.mark.parametrize("kind", ["estimate", "recommendation"])
def test_the_ro_page_makes_as_many_queries_for_60_operations_as_for_2(
    alice_client, alice, shop, kind, django_assert_max_num_queries
):
    ro = RepairOrderFactory(shop=shop)
    ContactFactory(customer=ro.customer, is_primary=True)
    _decided_operations(ro, 2, kind=kind, alice=alice)
    few = _page_queries(alice_client, ro, django_assert_max_num_queries)
    _decided_operations(ro, 58, kind=kind, alice=alice)
    with django_assert_max_num_queries(few):
        assert alice_client.get(f"/ros/{ro.pk}/").status_code == 200


def test_the_page_selector_makes_as_many_queries_for_60_operations_as_for_2(
    alice, shop, django_assert_num_queries
):
    actor = actor_for(user=alice, shop_id=shop.pk)
    ro = RepairOrderFactory(shop=shop)
    for _ in range(2):
        priced_operation(repair_order=ro)
    with django_assert_num_queries(5):
        repair_order_page(actor=actor, ro_id=ro.pk)
    for _ in range(58):
        priced_operation(repair_order=ro)
    with django_assert_num_queries(5):
        page = repair_order_page(actor=actor, ro_id=ro.pk)
    assert len(page.rows) == 60


def test_the_odometer_reading_is_shown_even_without_a_vehicle(alice_client, shop):
    ro = RepairOrderFactory(shop=shop, vehicle=None, odometer_in=62000)
    body = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    assert "No vehicle" in body and "62,000 mi in" in body


# Session, user, membership; the RO, its operations, lines, contacts and decisions; messages,
# links (read once for both panels that show them), versions, signatures, status history; the
# not-to-exceed amount (approvals.amounts); the worker's heartbeat and queue. The live page's
# stamp comes with the RO, and a look at an RO no customer answered writes nothing.
SHARED_RO_PAGE_QUERIES = 16


def test_a_shared_ro_page_reads_each_thing_once(alice_client, alice, shop):
    from tests.sharing.builders import estimate_for, link_for

    est = estimate_for(shop)
    link_for(est, est.primary, by=alice)
    link_for(est, est.spouse, by=alice)
    alice_client.get(f"/ros/{est.ro.pk}/")
    with CaptureQueriesContext(connection) as ctx:
        assert alice_client.get(f"/ros/{est.ro.pk}/").status_code == 200
    reads = [q["sql"].split(".")[0].removeprefix("SELECT ") for q in ctx.captured_queries]
    assert reads.count('"sharing_sharelink"') == 1, reads
    assert len(reads) == SHARED_RO_PAGE_QUERIES, reads
