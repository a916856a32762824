"""The RO page's authorized and current amounts, its over-limit banner, the refusal of Complete
on the page, and the PO number a fleet requires."""

import pytest

from signoff.approvals.models import ApprovalReason
from signoff.approvals.services import decision_record
from signoff.orders.models import RepairOrder
from signoff.shops.access import actor_for
from tests.factories import priced_operation, priced_ro

pytestmark = pytest.mark.usefixtures("no_delivery")


def _op(title, price):
    return {"title": title, "labor_hours": "0", "part_price": price}


def _approve(op, *, user, shop):
    reason = ApprovalReason.objects.get(shop=shop, label="Email")
    actor = actor_for(user=user, shop_id=shop.pk)
    decision_record(actor=actor, operation_id=op.pk, status="approved", reason_id=reason.pk)


@pytest.fixture
def grown(shop, alice):
    shop.over_estimate_rule = "california"
    shop.save()
    built = priced_ro(
        shop,
        contacts=[{"is_primary": True, "name": "Dana", "email": "dana@mail.example"}],
        operations=[_op("Brakes", "400.00"), _op("Wipers", "600.00")],
    )
    for op in built.operations:
        _approve(op, user=alice, shop=shop)
    RepairOrder.objects.filter(pk=built.ro.pk).update(status="in_progress")
    priced_operation(repair_order=built.ro, title="Coolant", labor_hours="0", part_price="500.00")
    return built.ro


def test_an_ro_nobody_authorized_yet_says_so_instead_of_a_zero_limit(alice_client, shop):
    shop.over_estimate_rule = "michigan"
    shop.save()
    built = priced_ro(shop, operations=[_op("Brakes", "400.00")])
    page = alice_client.get(f"/ros/{built.ro.pk}/").content.decode()
    assert "Nothing is authorized yet: the work starts once the customer approves it." in page
    assert "up to $0.00" not in page


def test_the_ro_page_shows_authorized_current_and_difference_before_tax(alice_client, grown):
    page = alice_client.get(f"/ros/{grown.pk}/").content.decode()
    assert 'data-total="authorized">$1,000.00<' in page
    assert 'data-total="current">$1,500.00<' in page
    assert 'data-total="difference">$500.00<' in page
    assert page.count('<span class="tax-words">before tax</span>') == 3
    assert "California&#x27;s rule (any increase needs a new authorization): up to $1,000.00" in (
        page
    )


def test_an_ro_past_the_rule_shows_a_banner_and_complete_is_refused_with_the_rule(
    alice_client, grown
):
    page = alice_client.get(f"/ros/{grown.pk}/").content.decode()
    assert 'id="over-limit"' in page
    assert "Until then it cannot be marked ready for pickup or completed." in page
    response = alice_client.post(f"/ros/{grown.pk}/status/", {"to": "completed"}, follow=True)
    body = response.content.decode()
    assert (
        f"RO {grown.number} cannot be marked Completed: the work comes to $1,500.00 before tax"
        in body
    )
    assert "California&#x27;s rule (any increase needs a new authorization) allows up to" in body
    grown.refresh_from_db()
    assert grown.status == "in_progress"


def test_within_the_authorization_there_is_no_banner(alice_client, grown, alice, shop):
    _approve(grown.operations.get(title="Coolant"), user=alice, shop=shop)
    page = alice_client.get(f"/ros/{grown.pk}/").content.decode()
    assert 'id="over-limit"' not in page
    assert 'data-total="difference">$0.00<' in page


def test_today_lists_the_ro_with_its_amounts(alice_client, grown):
    page = alice_client.get("/today/").content.decode()
    section = page[page.find("today-over") :]
    assert f"/ros/{grown.pk}/" in section
    assert "$500.00</span> past California&#x27;s rule (any increase" in section


# PO numbers ----------------------------------------------------------------------------------


@pytest.fixture
def fleet(shop):
    return priced_ro(
        shop,
        customer={"kind": "business", "name": "Acme Fleet", "requires_po": True},
        contacts=[{"is_primary": True, "name": "Pat Fleet", "email": "pat@fleet.example"}],
        operations=[_op("Brakes", "400.00")],
    )


def test_a_fleet_ro_without_its_po_number_says_so_and_cannot_be_shared(alice_client, fleet):
    page = alice_client.get(f"/ros/{fleet.ro.pk}/").content.decode()
    assert "PO number required: none yet." in page
    assert "Acme Fleet requires a PO number on every repair order" in page  # beside the buttons
    response = alice_client.post(
        f"/ros/{fleet.ro.pk}/share/request-approval/",
        {"recipients": [str(fleet.contacts[0].pk)], f"ch_{fleet.contacts[0].pk}": ["email"]},
    )
    assert "Acme Fleet requires a PO number" in response.content.decode()
    assert not fleet.ro.versions.exists()


def test_the_po_number_is_entered_in_the_ro_details(alice_client, fleet):
    ro = fleet.ro
    alice_client.post(f"/ros/{ro.pk}/edit/", {"po_number": "PO-7731", "advisor_id": ""})
    ro.refresh_from_db()
    assert ro.po_number == "PO-7731"
    page = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    assert 'PO number <span class="strong">PO-7731</span>' in page


def test_a_customer_is_marked_as_requiring_a_po_on_its_form(alice_client, fleet):
    customer = fleet.ro.customer
    form = alice_client.get(f"/customers/{customer.pk}/edit/").content.decode()
    field = form[form.find('name="requires_po"') :]
    assert " checked" in field[: field.find(">")]
    alice_client.post(f"/customers/{customer.pk}/edit/", {"kind": "business", "name": "Acme Fleet"})
    customer.refresh_from_db()
    assert customer.requires_po is False
