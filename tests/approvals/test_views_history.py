"""View details: an operation's decisions, newest first, with who, when, why and which version."""

from zoneinfo import ZoneInfo

import pytest

from signoff.approvals.models import Status
from signoff.approvals.services import decision_record
from signoff.shops.access import actor_for
from signoff.shops.models import ApprovalReason
from tests.approvals.helpers import client_for, make_version, ro_with_operations
from tests.factories import ContactFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture
def decided(shop, carol):
    """Job 1 declined by phone (before any version), then approved by email on version 1."""
    carol.first_name, carol.last_name = "Carol", "Advisor"
    carol.save()
    actor = actor_for(user=carol, shop_id=shop.pk)
    ro, (op, _) = ro_with_operations(shop)
    spouse = ContactFactory(customer=ro.customer, name="Sam Spouse", relationship="Spouse")
    phone = ApprovalReason.objects.get(shop=shop, label="Phone call")
    email = ApprovalReason.objects.get(shop=shop, label="Email")
    decision_record(
        actor=actor,
        operation_id=op.pk,
        status=Status.DECLINED,
        reason_id=phone.pk,
        contact_id=spouse.pk,
        phone_number="503-555-0142",
        comment="Will wait until payday",
    )
    make_version(ro)
    decision_record(actor=actor, operation_id=op.pk, status=Status.APPROVED, reason_id=email.pk)
    return op


def test_details_list_decisions_newest_first_with_who_why_and_the_version(alice, decided):
    html = client_for(alice).get(f"/operations/{decided.pk}/history/").content.decode()
    assert html.index("Approved") < html.index("Declined")
    assert "Carol Advisor" in html
    assert "Will wait until payday" in html
    assert "Sam Spouse (Spouse)" in html
    assert "(503) 555-0142" in html
    assert "Not yet shared with the customer" in html
    assert "Shared as version 1 on" in html
    assert "$314.99 before tax" in html


def test_times_are_shown_in_the_shops_time_zone(alice, decided):
    created = decided.decisions.order_by("sequence").first().created_at
    local = created.astimezone(ZoneInfo("America/Los_Angeles"))
    html = client_for(alice).get(f"/operations/{decided.pk}/history/").content.decode()
    assert local.strftime("%a, %b %-d, %Y, %-I:%M %p %Z") in html  # … 4:30 PM PST (or PDT)


def test_a_retired_reason_is_still_shown_on_old_decisions(shop, alice, decided):
    phone = ApprovalReason.objects.get(shop=shop, label="Phone call")
    phone.active = False
    phone.save()
    html = client_for(alice).get(f"/operations/{decided.pk}/history/").content.decode()
    assert 'Phone call <span class="muted">(reason since retired)</span>' in html


def test_with_htmx_the_details_open_as_a_dialog(alice, decided):
    response = client_for(alice).get(f"/operations/{decided.pk}/history/", headers=HTMX)
    html = response.content.decode()
    assert html.startswith("<dialog") and "data-cancel" in html


def test_an_undecided_operation_says_it_is_pending(shop, alice):
    _, (op, _) = ro_with_operations(shop)
    html = client_for(alice).get(f"/operations/{op.pk}/history/").content.decode()
    assert "No decisions yet: the operation is Pending." in html


def test_technicians_may_read_the_history(bob, decided):
    assert client_for(bob).get(f"/operations/{decided.pk}/history/").status_code == 200


def test_another_shops_operation_history_is_not_found(charlie, decided):
    assert client_for(charlie).get(f"/operations/{decided.pk}/history/").status_code == 404
