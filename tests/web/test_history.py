"""View details: an operation's decisions, newest first, with who, when, why and which version."""

from zoneinfo import ZoneInfo

import pytest

from signoff.approvals.models import ApprovalReason, Status
from signoff.approvals.services import decision_record
from signoff.shops.access import actor_for
from tests.approvals.helpers import ro_with_operations
from tests.factories import ContactFactory, EstimateVersionFactory
from tests.support.clients import api_client_for, client_for

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
    EstimateVersionFactory(repair_order=ro)
    decision_record(actor=actor, operation_id=op.pk, status=Status.APPROVED, reason_id=email.pk)
    return op


def test_details_list_decisions_newest_first_with_who_why_and_whether_shared(alice, decided):
    html = client_for(alice).get(f"/operations/{decided.pk}/history/").content.decode()
    assert html.index("Approved") < html.index("Declined")
    assert "Carol Advisor" in html
    assert "Will wait until payday" in html
    assert "Sam Spouse (Spouse)" in html
    assert "(503) 555-0142" in html
    # Neither was shared after it was made (a version made is not a version shared).
    assert "Not yet shared with the customer" in html
    assert "Not shared with the customer: a later decision replaced it first" in html
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


def _share(actor, ro):
    from signoff.sharing.services import Recipient, share_create

    contact = ro.customer.contacts.order_by("pk").first()
    return share_create(
        actor=actor,
        ro_id=ro.pk,
        kind="request_approval",
        recipients=[Recipient(contact_id=contact.pk, channels=["email"])],
    ).share


def _email(shop):
    return ApprovalReason.objects.get(shop=shop, label="Email").pk


def test_details_say_which_share_carried_a_decision_to_the_customer(shop, carol, alice):
    """Version 1 is shared before the decisions; only a share made after one shows it."""
    actor = actor_for(user=carol, shop_id=shop.pk)
    ro, (op, other) = ro_with_operations(shop)
    first = _share(actor, ro)
    decision_record(actor=actor, operation_id=op.pk, status="declined", reason_id=_email(shop))
    decision_record(actor=actor, operation_id=other.pk, status="approved", reason_id=_email(shop))
    client = client_for(alice)

    html = client.get(f"/operations/{op.pk}/history/").content.decode()
    assert first.version.number == 1
    assert "Not yet shared with the customer" in html  # made after version 1, not in it
    assert "Shared as version" not in html

    second = _share(actor, ro)
    html = client.get(f"/operations/{op.pk}/history/").content.decode()
    when = second.created_at.astimezone(ZoneInfo(shop.timezone))
    assert f"Shared as version 2 on {when.strftime('%a, %b %-d, %Y, %-I:%M %p %Z')}" in html

    api = api_client_for(carol, shop)  # the API says the same
    body = api.get(f"/api/v1/operations/{op.pk}/decisions").json()["decisions"][0]
    assert (body["shared"], body["shared_version"], body["version"]) == ("shared", 2, 1)


def test_a_decision_replaced_before_any_share_is_said_never_to_have_been_shared(shop, carol):
    actor = actor_for(user=carol, shop_id=shop.pk)
    ro, (op, _) = ro_with_operations(shop)
    decision_record(actor=actor, operation_id=op.pk, status="approved", reason_id=_email(shop))
    decision_record(actor=actor, operation_id=op.pk, status="deferred", reason_id=_email(shop))
    _share(actor, ro)
    html = client_for(carol).get(f"/operations/{op.pk}/history/").content.decode()
    deferred, approved = html.split('data-shared="')[1:3]
    assert deferred.startswith('shared">Shared as version 1 on ')
    assert approved.startswith(
        'replaced">Not shared with the customer: a later decision replaced it first'
    )


def test_the_amount_is_named_for_what_the_decision_did(alice, decided):
    html = client_for(alice).get(f"/operations/{decided.pk}/history/").content.decode()
    assert "<dt>Amount authorized</dt><dd>$314.99 before tax</dd>" in html
    assert "<dt>Amount declined</dt><dd>$314.99 before tax</dd>" in html


def test_a_decision_the_customer_gave_names_the_version_they_saw(shop, alice):
    from django.db import transaction

    from signoff.approvals.chain import decision_append
    from signoff.approvals.models import Source

    ro, (op, _) = ro_with_operations(shop)
    version = EstimateVersionFactory(repair_order=ro)
    with transaction.atomic():
        decision_append(operation=op, status="approved", source=Source.LINK, version=version)
    html = client_for(alice).get(f"/operations/{op.pk}/history/").content.decode()
    assert 'data-shared="customer">Given by the customer on version 1</dd>' in html
