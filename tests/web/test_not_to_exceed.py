"""A not-to-exceed amount signed at the counter at drop-off: the evidence it leaves, what it
authorizes, the on-behalf approvals it covers without a call, and the certificate."""

from decimal import Decimal

import pytest

from signoff.approvals.amounts import ro_amounts
from signoff.approvals.chain import verify_repair_order
from signoff.approvals.models import ApprovalReason, Decision, Signature, Source
from signoff.approvals.services import decision_record
from signoff.core.errors import ValidationFailed
from signoff.documents.render import certificate_pdf
from signoff.orders.models import RepairOrder
from signoff.shops.access import actor_for
from signoff.signing.not_to_exceed import not_to_exceed_consent
from tests.documents.reading import text
from tests.factories import priced_operation, priced_ro
from tests.portal.builders import signature_fields
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def drop_off(shop):
    """An RO just opened at drop-off: a customer with two contacts, no operation yet."""
    built = priced_ro(
        shop,
        customer={"name": "Maria Lopez"},
        contacts=[
            {"name": "Maria Lopez", "is_primary": True, "mobile": "+15035550111"},
            {"name": "Daniel Lopez", "relationship": "Spouse"},
        ],
    )
    return built.ro, *built.contacts


def _screen(ro):
    return f"/ros/{ro.pk}/in-person/not-to-exceed/"


def _sign(client, ro, contact, amount="500.00", **fields):
    data = {"amount": amount, "contact": str(contact.pk), "consent": "yes", **signature_fields()}
    data.update(fields)
    return client.post(_screen(ro), data)


def test_the_ro_page_offers_it_even_before_any_operation(alice, drop_off):
    ro, *_ = drop_off
    html = client_for(alice).get(f"/ros/{ro.pk}/").content.decode()
    assert f'href="/ros/{ro.pk}/not-to-exceed/"' in html and "Not-to-exceed at drop-off" in html


def test_staff_enter_the_amount_and_a_wrong_one_is_refused_before_the_tablet_is_handed_over(
    alice, drop_off
):
    ro, *_ = drop_off
    client = client_for(alice)
    start = client.get(f"/ros/{ro.pk}/not-to-exceed/").content.decode()
    assert f'action="/ros/{ro.pk}/in-person/not-to-exceed/"' in start
    for amount, message in (
        ("", "Enter the amount as a number"),
        ("0", "The amount must be more than $0.00."),
        ("12.345", "Use at most two decimal places"),
        ("NaN", "Enter the amount as a number"),
        ("99999999999", "The amount is too large"),
    ):
        response = client.get(_screen(ro), {"amount": amount})
        assert response.status_code == 422 and message in response.content.decode(), amount
    assert client.get(f"/ros/{ro.pk}/").status_code == 200  # not in customer mode


def test_the_screen_shows_the_consent_sentence_with_the_amount_before_tax(alice, drop_off):
    ro, maria, daniel = drop_off
    html = client_for(alice).get(_screen(ro), {"amount": "$1,250"}).content.decode()
    assert "Up to $1,250.00 before tax on " + ro.label in html
    assert (
        f"You may perform work on {ro.label} up to $1,250.00 before tax without contacting me. "
        f"Beyond that amount, {ro.shop.name} must ask for my authorization again." in html
    )
    assert 'name="amount" value="1250.00"' in html
    assert "data-approver-name>Maria Lopez</span>" in html
    assert "Customers" not in html  # the counter screen: no staff navigation


def test_the_spanish_screen_carries_the_spanish_sentence(alice, drop_off):
    ro, *_ = drop_off
    html = client_for(alice).get(_screen(ro), {"amount": "500", "lang": "es"}).content.decode()
    assert (
        f"Pueden realizar trabajos en la orden {ro.label} por hasta $500.00 antes de impuestos "
        "sin contactarme." in html
    )
    assert "Firmar la cantidad máxima autorizada" in html
    stored = not_to_exceed_consent(
        shop_name=ro.shop.name, ro_label=ro.label, amount=Decimal("500"), language="es"
    )
    assert stored.startswith("Pueden realizar trabajos") and "firma electrónica" in stored


def test_signing_keeps_a_chained_signature_with_the_sentence_shown(alice, drop_off):
    ro, maria, daniel = drop_off
    client = client_for(alice)
    client.get(_screen(ro), {"amount": "500"})  # customer mode from here
    response = _sign(client, ro, daniel)
    assert response.status_code == 302 and "/in-person/done/" in response["Location"]
    signature = Signature.objects.get(repair_order=ro)
    assert (signature.kind, signature.source, signature.amount) == (
        "not_to_exceed",
        Source.IN_PERSON,
        Decimal("500.00"),
    )
    assert (signature.contact_name, signature.recorded_by) == ("Daniel Lopez", alice)
    assert signature.consent_text == not_to_exceed_consent(
        shop_name=ro.shop.name, ro_label=ro.label, amount=Decimal("500"), language="en"
    )
    assert signature.version.repair_order == ro  # bound to the RO as it was
    assert verify_repair_order(repair_order=ro).ok
    # While the customer holds the tablet, staff pages stay locked.
    assert client.get(f"/ros/{ro.pk}/").status_code == 403


def test_a_refused_signature_records_nothing(alice, drop_off):
    ro, maria, _ = drop_off
    client = client_for(alice)
    response = _sign(client, ro, maria, consent="")
    assert response.status_code == 422
    assert "Tick the box to agree to sign electronically." in response.content.decode()
    response = _sign(client, ro, maria, signature_png="", signature_strokes="[]")
    assert response.status_code == 422
    assert not Signature.objects.filter(repair_order=ro).exists()


def test_a_technician_cannot_open_it(bob, drop_off):
    ro, *_ = drop_off
    assert client_for(bob).get(_screen(ro), {"amount": "500"}).status_code == 403


# What it authorizes --------------------------------------------------------------------------


@pytest.fixture
def signed(alice, drop_off):
    ro, maria, daniel = drop_off
    _sign(client_for(alice), ro, maria, amount="500.00")
    return ro, maria


def _phone_approve(user, op, **fields):
    reason = ApprovalReason.objects.get(shop=op.shop, label="Phone call")
    return decision_record(
        actor=actor_for(user=user, shop_id=op.shop_id),
        operation_id=op.pk,
        status="approved",
        reason_id=reason.pk,
        **fields,
    )


def test_on_behalf_approvals_within_it_need_no_call_and_say_so(alice, signed):
    ro, maria = signed
    brakes = priced_operation(repair_order=ro, labor_hours="0", part_price="300.00")
    decision = _phone_approve(alice, brakes, comment="Tech found worn pads.")
    assert decision.phone_number == "" and decision.contact is None
    assert decision.comment.startswith("Tech found worn pads. No call needed: within the ")
    assert "not-to-exceed amount of $500.00 before tax signed by Maria Lopez on" in (
        decision.comment
    )


def test_beyond_it_the_call_is_required_again(alice, signed):
    ro, maria = signed
    brakes = priced_operation(repair_order=ro, labor_hours="0", part_price="300.00")
    _phone_approve(alice, brakes)
    rotors = priced_operation(repair_order=ro, labor_hours="0", part_price="250.00")
    with pytest.raises(ValidationFailed) as refused:
        _phone_approve(alice, rotors)  # $550 > $500
    assert set(refused.value.fields) == {"contact", "phone_number"}
    assert Decision.objects.filter(operation=rotors).count() == 0


def test_it_counts_as_authorized_in_the_over_estimate_check(alice, signed, shop):
    ro, maria = signed
    shop.over_estimate_rule = "california"
    shop.save()
    brakes = priced_operation(repair_order=ro, labor_hours="0", part_price="300.00")
    _phone_approve(alice, brakes)
    RepairOrder.objects.filter(pk=ro.pk).update(status="in_progress")
    priced_operation(repair_order=ro, title="Rotors", labor_hours="0", part_price="200.00")
    amounts = ro_amounts(repair_order=ro)
    assert (amounts.authorized, amounts.current, amounts.limit) == (
        Decimal("300.00"),
        Decimal("500.00"),
        Decimal("500.00"),
    )
    assert not amounts.over  # the customer allowed up to $500 before tax
    priced_operation(repair_order=ro, title="Fluid", labor_hours="0", part_price="0.01")
    assert ro_amounts(repair_order=ro).over


def test_the_certificate_shows_it_with_its_sentence(alice, signed):
    ro, maria = signed
    printed = " ".join(text(certificate_pdf(repair_order=ro)).split())
    assert "Not-to-exceed amount" in printed
    assert "$500.00 before tax" in printed
    assert "Any work up to $500.00 before tax, without contacting the customer" in printed
    assert "You may perform work on" in printed


def test_the_api_reports_it_on_the_ro_and_in_the_summary(alice, signed, api_client_for):
    ro, maria = signed
    client = api_client_for(alice, ro.shop)
    nte = client.get(f"/api/v1/repair-orders/{ro.pk}").json()["amounts"]["not_to_exceed"]
    assert (nte["amount"], nte["signer"]) == ("500.00", "Maria Lopez")
    [entry] = client.get(f"/api/v1/repair-orders/{ro.pk}/authorization-summary").json()
    assert (entry["kind"], entry["amount"], entry["signed_total"]) == (
        "not_to_exceed",
        "500.00",
        None,
    )


def test_a_first_electronic_signature_shows_the_disclosure_and_records_its_acceptance(
    alice, drop_off
):
    from signoff.approvals.models import EsignConsent

    ro, maria, _ = drop_off
    client = client_for(alice)
    html = client.get(_screen(ro), {"amount": "500"}).content.decode()
    assert "data-esign-disclosure" in html and "data-esign-accept" in html
    _sign(client, ro, maria)
    consent = EsignConsent.objects.get(contact=maria)
    assert (consent.repair_order, consent.source) == (ro, Source.IN_PERSON)
    assert verify_repair_order(repair_order=ro).ok
    again = client.get(_screen(ro), {"amount": "600"}).content.decode()
    assert "data-esign-disclosure" not in again  # accepted once per contact and version
