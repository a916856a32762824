"""Editing a contact's approval rights: limit, view only, designated authorizer (staff pages, API)."""

from decimal import Decimal

import pytest

from signoff.core.errors import ValidationFailed
from signoff.customers.models import ApprovalRight
from signoff.customers.services import contact_add, contact_update, customer_create
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet(shop):
    customer = CustomerFactory(shop=shop, name="Rivera Logistics", kind="business")
    manager = ContactFactory(customer=customer, name="Pat Fleet", is_primary=True)
    return customer, manager


def _contact(**extra):
    return {"name": "Dana Driver", "email": "dana@fleet.example", "notify": "email", **extra}


def test_a_contact_gets_a_limit_per_ro_typed_the_way_staff_write_money(owner, fleet):
    customer, _ = fleet
    contact = contact_add(
        actor=owner, customer_id=customer.pk, data=_contact(approval_limit="$1,000")
    )
    assert (contact.approval_right, contact.approval_limit) == ("approve", Decimal("1000.00"))
    assert contact.rights_label == "Can approve up to $1,000.00 per RO (before tax)"
    cleared = contact_update(actor=owner, contact_id=contact.pk, data={"approval_limit": None})
    assert cleared.approval_limit is None


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("lots", "Enter the limit as an amount in dollars"),
        ("0", "Enter a limit between $0.01"),
        ("-5", "Enter a limit between $0.01"),
        ("10.005", "at most 2 decimal places"),
        ("NaN", "Enter the limit as an amount"),
    ],
)
def test_a_limit_that_is_no_amount_is_refused_and_nothing_is_saved(owner, fleet, limit, message):
    customer, _ = fleet
    with pytest.raises(ValidationFailed) as refused:
        contact_add(actor=owner, customer_id=customer.pk, data=_contact(approval_limit=limit))
    assert message in refused.value.fields["approval_limit"]
    assert customer.contacts.count() == 1


def test_a_view_only_contact_has_no_limit(owner, fleet):
    customer, _ = fleet
    with pytest.raises(ValidationFailed) as refused:
        contact_add(
            actor=owner,
            customer_id=customer.pk,
            data=_contact(approval_right="view_only", approval_limit="100"),
        )
    assert "view-only contact approves nothing" in refused.value.fields["approval_limit"]


def test_a_designated_authorizer_records_who_designated_them_and_when(owner, fleet):
    customer, manager = fleet
    with pytest.raises(ValidationFailed) as refused:
        contact_add(
            actor=owner, customer_id=customer.pk, data=_contact(approval_right="designated")
        )
    assert "Choose who designated" in refused.value.fields["designated_by_id"]
    contact = contact_add(
        actor=owner,
        customer_id=customer.pk,
        data=_contact(approval_right="designated", designated_by_id=manager.pk),
    )
    assert contact.designated_by == manager
    assert contact.designated_at is not None
    assert contact.rights_label == "Designated authorizer (by Pat Fleet)"
    # Back to a plain approver: the designation goes.
    plain = contact_update(actor=owner, contact_id=contact.pk, data={"approval_right": "approve"})
    assert (plain.designated_by, plain.designated_at) == (None, None)


def test_only_a_contact_who_can_approve_of_the_same_customer_designates(owner, fleet, shop):
    customer, manager = fleet
    viewer = ContactFactory(customer=customer, approval_right=ApprovalRight.VIEW_ONLY)
    stranger = ContactFactory(customer=CustomerFactory(shop=shop))
    for designator, message in (
        (viewer, "cannot approve on their own"),
        (stranger, "other contacts"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            contact_add(
                actor=owner,
                customer_id=customer.pk,
                data=_contact(approval_right="designated", designated_by_id=designator.pk),
            )
        assert message in refused.value.fields["designated_by_id"]
    with pytest.raises(ValidationFailed) as refused:
        contact_update(
            actor=owner,
            contact_id=manager.pk,
            data={"approval_right": "designated", "designated_by_id": manager.pk},
        )
    assert "Choose one of Rivera" in refused.value.fields["designated_by_id"]


def test_the_first_contact_of_a_new_customer_cannot_be_designated(owner):
    with pytest.raises(ValidationFailed) as refused:
        customer_create(
            actor=owner,
            data={"name": "Acme", "kind": "business"},
            primary=_contact(approval_right="designated"),
        )
    assert "nobody is there yet" in refused.value.fields["primary.approval_right"]


def test_the_api_takes_and_reports_rights_limits_and_designations(
    api_client_for, carol, shop, fleet
):
    customer, manager = fleet
    api = api_client_for(carol, shop)
    created = api.post(
        f"/api/v1/customers/{customer.pk}/contacts",
        {
            **_contact(),
            "approval_right": "designated",
            "approval_limit": "2500.00",
            "designated_by_id": manager.pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["approval_right"] == "designated"
    assert body["approval_limit"] == "2500.00"
    assert body["designated_by_id"] == manager.pk
    assert body["designated_at"] is not None
    patched = api.patch(
        f"/api/v1/contacts/{body['id']}",
        {"approval_limit": None, "approval_right": "view_only"},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["approval_limit"], patched.json()["approval_right"]) == (
        None,
        "view_only",
    )
    assert patched.json()["designated_by_id"] is None
    refused = api.patch(
        f"/api/v1/contacts/{body['id']}",
        {"approval_right": "designated"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "designated_by_id" in refused.json()["error"]["fields"]


def test_the_contact_form_edits_rights_and_the_customer_page_shows_them(alice_client, fleet):
    customer, manager = fleet
    response = alice_client.post(
        f"/customers/{customer.pk}/contacts/new/",
        {
            **_contact(),
            "preferred_number": "mobile",
            "approval_right": "designated",
            "approval_limit": "1000",
            "designated_by_id": str(manager.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = alice_client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Designated authorizer (by Pat Fleet) up to $1,000.00 per RO (before tax)" in page
    form = alice_client.get(f"/customers/{customer.pk}/contacts/new/").content.decode()
    assert "Approval limit per RO" in form and "Designated by" in form
