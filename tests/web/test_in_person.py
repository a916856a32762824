"""Approval in person: the counter screen staff open from the RO page."""

from decimal import Decimal

import pytest

from signoff.approvals.models import Decision, EstimateVersion, Signature, Source, Status
from tests.factories import RepairOrderFactory, priced_ro
from tests.portal.builders import signature_fields
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(shop):
    """An RO that was never shared: no version yet."""
    built = priced_ro(
        shop,
        customer={"name": "Maria Lopez"},
        contacts=[
            {"name": "Maria Lopez", "is_primary": True},
            {"name": "Daniel Lopez", "relationship": "Spouse"},
        ],
        operations=[
            {"title": "Front brake pads"},
            {"title": "Oil service", "labor_hours": "0.5", "part_price": "45.00"},
        ],
    )
    return built.ro, *built.contacts, *built.operations


def test_opening_the_screen_freezes_a_version_when_there_is_none(alice, counter):
    ro, maria, *_ = counter
    response = client_for(alice).get(f"/ros/{ro.pk}/in-person/")
    assert response.status_code == 200
    version = EstimateVersion.objects.get(repair_order=ro)
    html = response.content.decode()
    assert f'name="version" value="{version.pk}"' in html
    assert "Front brake pads" in html and "Oil service" in html


def test_the_approver_name_is_a_blue_button_over_a_list_of_contacts(alice, counter):
    ro, maria, daniel, *_ = counter
    html = client_for(alice).get(f"/ros/{ro.pk}/in-person/").content.decode()
    assert 'class="approver-name"' in html and "data-approver-name>Maria Lopez</span>" in html
    assert "data-approver-relationship> (Primary)</span>" in html
    assert (
        f'<option value="{daniel.pk}" data-name="Daniel Lopez" data-relationship="Spouse">'
        "Daniel Lopez (Spouse)</option>" in html
    )


def test_the_screen_has_no_staff_navigation(alice, counter):
    ro, *_ = counter
    html = client_for(alice).get(f"/ros/{ro.pk}/in-person/").content.decode()
    assert "Customers" not in html and "Settings" not in html


def test_signing_in_person_records_the_contact_and_the_staff_member_present(carol, counter):
    ro, maria, daniel, brakes, oil = counter
    client = client_for(carol)
    client.get(f"/ros/{ro.pk}/in-person/")
    version = EstimateVersion.objects.get(repair_order=ro)
    response = client.post(
        f"/ros/{ro.pk}/in-person/",
        {
            "version": version.pk,
            f"op-{brakes.pk}": "approved",
            f"op-{oil.pk}": "declined",
            "contact": daniel.pk,
            "consent": "yes",
            **signature_fields(),
        },
        HTTP_USER_AGENT="CounterTablet/1",
    )
    assert response.status_code == 302
    assert response["Location"] == f"/ros/{ro.pk}/in-person/done/?lang=en"
    decisions = list(Decision.objects.filter(repair_order=ro).order_by("sequence"))
    assert [(d.operation_id, d.status) for d in decisions] == [
        (brakes.pk, Status.APPROVED),
        (oil.pk, Status.DECLINED),
    ]
    for d in decisions:
        assert (d.source, d.recorded_by, d.contact, d.via_link) == (
            Source.IN_PERSON,
            carol,
            daniel,
            None,
        )
    signature = Signature.objects.get()
    assert (signature.source, signature.recorded_by, signature.contact_name) == (
        Source.IN_PERSON,
        carol,
        "Daniel Lopez",
    )
    assert signature.amount == Decimal("340.98")
    assert signature.version_hash == version.content_hash
    assert (
        "Thank you! Your answers are recorded." in client.get(response["Location"]).content.decode()
    )


def test_an_empty_signature_in_person_is_refused(alice, counter):
    ro, maria, daniel, brakes, oil = counter
    client = client_for(alice)
    client.get(f"/ros/{ro.pk}/in-person/")
    version = EstimateVersion.objects.get(repair_order=ro)
    response = client.post(
        f"/ros/{ro.pk}/in-person/",
        {"version": version.pk, f"op-{brakes.pk}": "approved", "consent": "yes"},
    )
    assert response.status_code == 422
    assert "Please sign in the box" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_technician_cannot_open_the_screen_or_use_it(bob, counter):
    ro, *_ = counter
    client = client_for(bob)
    assert client.get(f"/ros/{ro.pk}/in-person/").status_code == 403
    assert client.post(f"/ros/{ro.pk}/in-person/", {}).status_code == 403
    assert client.post(f"/ros/{ro.pk}/in-person/total", {}).status_code == 403
    assert not EstimateVersion.objects.filter(repair_order=ro).exists()


def test_another_shops_staff_get_404(charlie, counter):
    ro, *_ = counter
    client = client_for(charlie)
    assert client.get(f"/ros/{ro.pk}/in-person/").status_code == 404
    assert client.post(f"/ros/{ro.pk}/in-person/total", {}).status_code == 404
    assert client.get(f"/ros/{ro.pk}/in-person/done/").status_code == 404


def test_signed_out_visitors_are_sent_to_the_login_page(client, counter):
    ro, *_ = counter
    response = client.get(f"/ros/{ro.pk}/in-person/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_ro_page_offers_the_in_person_button_to_editors_only(alice, bob, counter):
    ro, *_ = counter
    assert (
        f'href="/ros/{ro.pk}/in-person/"'
        in client_for(alice).get(f"/ros/{ro.pk}/").content.decode()
    )
    assert (
        f'href="/ros/{ro.pk}/in-person/"'
        not in client_for(bob).get(f"/ros/{ro.pk}/").content.decode()
    )


def test_an_ro_without_operations_cannot_be_signed_in_person(alice, shop):
    ro = RepairOrderFactory(shop=shop)
    response = client_for(alice).get(f"/ros/{ro.pk}/in-person/")
    assert response.status_code == 422
    assert "Add an operation to the estimate" in response.content.decode()


def test_a_customer_without_contacts_gets_a_clear_refusal_not_an_error(alice, shop):
    built = priced_ro(shop, customer={"name": "Walk-in Fleet"}, operations=[{"title": "Brakes"}])
    response = client_for(alice).get(f"/ros/{built.ro.pk}/in-person/")
    assert response.status_code == 422
    assert "Add a contact for Walk-in Fleet first" in response.content.decode()
    assert not EstimateVersion.objects.filter(repair_order=built.ro).exists()


def test_at_the_counter_a_disclosure_edited_after_the_screen_opened_is_refused(alice, counter):
    from signoff.approvals.esign import disclosure_update
    from signoff.approvals.models import EsignConsent
    from signoff.shops.access import actor_for

    ro, maria, daniel, brakes, oil = counter
    client = client_for(alice)
    html = client.get(f"/ros/{ro.pk}/in-person/").content.decode()
    shown = html.split('name="esign_sha256" value="', 1)[1].split('"', 1)[0]
    assert len(shown) == 64
    disclosure_update(
        actor=actor_for(user=alice, shop_id=ro.shop_id), text_en="Edited meanwhile.", text_es=""
    )
    version = EstimateVersion.objects.get(repair_order=ro)
    answers = {
        "version": version.pk,
        f"op-{brakes.pk}": "approved",
        "contact": maria.pk,
        "consent": "yes",
        "esign_sha256": shown,
        **signature_fields(),
    }
    refused = client.post(f"/ros/{ro.pk}/in-person/", answers)
    assert refused.status_code == 409
    assert "Edited meanwhile." in refused.content.decode()
    assert not EsignConsent.objects.exists()
    assert not Decision.objects.filter(repair_order=ro).exists()
