"""Shop settings › RO info › Recommendation approvals: all four combinations (seed 001), on the
link and at the counter. The options are independent: "allow" opens recommendations on the
link, "capture" names and signs whoever approves one, on the link or at the counter."""

from decimal import Decimal

import pytest

from signoff.approvals.authorization import authorization_summary
from signoff.approvals.models import Decision, EstimateVersion, Signature, Status
from tests.portal.builders import signature_fields
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def _configure(shared, *, allow: bool, capture: bool) -> None:
    shop = shared.ro.shop
    shop.allow_recommendation_approval = allow
    shop.capture_recommendation_approver = capture
    shop.save()


def _approve_brakes_and_cabin(client, shared):
    return client.post(
        shared.url,
        {
            "version": shared.version.pk,
            f"op-{shared.brakes.pk}": "approved",
            f"op-{shared.cabin.pk}": "approved",
            "contact": shared.spouse.pk,
            "consent": "yes",
            **signature_fields(),
        },
    )


@pytest.mark.parametrize("capture", [False, True])
def test_with_approval_off_recommendations_are_shown_but_not_approvable(client, shared, capture):
    _configure(shared, allow=False, capture=capture)
    html = client.get(shared.url).content.decode()
    assert "Cabin air filter" in html
    assert f'name="op-{shared.cabin.pk}"' not in html
    response = _approve_brakes_and_cabin(client, shared)
    assert response.status_code == 422
    assert "does not take approval of recommended work here" in response.content.decode()
    assert not Decision.objects.exists() and not Signature.objects.exists()


def test_with_approval_on_and_capture_off_recommendations_are_recorded_without_an_approver(
    client, shared
):
    _configure(shared, allow=True, capture=False)
    assert (
        f'name="op-{shared.cabin.pk}" value="approved"' in client.get(shared.url).content.decode()
    )
    assert _approve_brakes_and_cabin(client, shared).status_code == 302
    cabin = Decision.objects.get(operation=shared.cabin)
    assert cabin.status == Status.APPROVED
    assert (cabin.contact, cabin.contact_name, cabin.contact_relationship) == (None, "", "")
    assert cabin.via_link_id == shared.link.pk
    assert cabin.signature is None
    # The estimate itself is still signed by the chosen approver.
    brakes = Decision.objects.get(operation=shared.brakes)
    assert brakes.contact == shared.spouse and brakes.signature is not None
    assert list(Signature.objects.values_list("kind", flat=True)) == [Signature.Kind.ESTIMATE]


def test_with_both_on_the_approver_and_a_recommendation_signature_are_recorded(client, shared):
    _configure(shared, allow=True, capture=True)
    assert _approve_brakes_and_cabin(client, shared).status_code == 302
    cabin = Decision.objects.get(operation=shared.cabin)
    assert cabin.contact == shared.spouse
    assert (cabin.contact_name, cabin.contact_relationship) == ("Sam Lee", "Spouse")
    assert cabin.signature.kind == Signature.Kind.RECOMMENDATION
    assert cabin.signature.contact == shared.spouse
    # Cabin filter: 0.3 h × 150 + 32.00 = 77.00, tax 8.25 % = 6.35
    assert cabin.signature.amount == Decimal("83.35")
    assert "plus $83.35 including tax for the recommended work I approved" in (
        cabin.signature.consent_text
    )
    estimate = Decision.objects.get(operation=shared.brakes).signature
    assert estimate.kind == Signature.Kind.ESTIMATE and estimate.amount == Decimal("340.98")


def test_recommendations_alone_need_no_signature_when_the_approver_is_not_captured(client, shared):
    _configure(shared, allow=True, capture=False)
    response = client.post(
        shared.url, {"version": shared.version.pk, f"op-{shared.cabin.pk}": "declined"}
    )
    assert response.status_code == 302
    assert Decision.objects.get().status == Status.DECLINED
    assert not Signature.objects.exists()


def test_recommendations_alone_need_a_signature_when_the_approver_is_captured(client, shared):
    _configure(shared, allow=True, capture=True)
    response = client.post(
        shared.url, {"version": shared.version.pk, f"op-{shared.cabin.pk}": "approved"}
    )
    assert response.status_code == 422
    assert not Decision.objects.exists()


def test_signing_for_recommendations_alone_names_only_the_recommended_work(client, shared):
    _configure(shared, allow=True, capture=True)
    response = client.post(
        shared.url,
        {
            "version": shared.version.pk,
            f"op-{shared.cabin.pk}": "approved",
            "consent": "yes",
            **signature_fields(),
        },
    )
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.kind == Signature.Kind.RECOMMENDATION
    assert signature.amount == Decimal("83.35")
    assert signature.consent_text.startswith(
        f"I authorize {shared.ro.shop.name} to do the recommended work I approved above on "
        f"{shared.ro.label}, for a total of $83.35 including tax"
    )
    assert "$0.00" not in signature.consent_text


def _approve_at_the_counter(alice, shared, *, sign: bool = True):
    """The contact at the counter approves the brakes and the recommended cabin filter."""
    client = client_for(alice)
    client.get(f"/ros/{shared.ro.pk}/in-person/")
    fields = {"consent": "yes", **signature_fields()} if sign else {}
    return client.post(
        f"/ros/{shared.ro.pk}/in-person/",
        {
            "version": EstimateVersion.objects.filter(repair_order=shared.ro).last().pk,
            f"op-{shared.brakes.pk}": "approved",
            f"op-{shared.cabin.pk}": "approved",
            "contact": shared.spouse.pk,
            **fields,
        },
    )


@pytest.mark.parametrize("capture", [False, True])
def test_with_link_approval_off_the_counter_still_takes_recommendations(alice, shared, capture):
    _configure(shared, allow=False, capture=capture)
    html = client_for(alice).get(f"/ros/{shared.ro.pk}/in-person/").content.decode()
    assert f'name="op-{shared.cabin.pk}" value="approved"' in html
    assert "it is not part of the estimate you are approving" not in html
    assert _approve_at_the_counter(alice, shared).status_code == 302
    cabin = Decision.objects.get(operation=shared.cabin)
    assert cabin.status == Status.APPROVED and cabin.source == "in_person"


def test_capturing_the_approver_alone_names_and_signs_counter_recommendations(alice, shared):
    _configure(shared, allow=False, capture=True)
    assert _approve_at_the_counter(alice, shared).status_code == 302
    cabin = Decision.objects.get(operation=shared.cabin)
    assert (cabin.contact, cabin.contact_name) == (shared.spouse, "Sam Lee")
    assert cabin.signature.kind == Signature.Kind.RECOMMENDATION
    assert cabin.signature.amount == Decimal("83.35")
    summary = authorization_summary(repair_order=shared.ro)
    assert [(e.kind, e.signer, e.operations) for e in summary] == [
        ("estimate", "Sam Lee", ["Front brake pads"]),
        ("recommendation", "Sam Lee", ["Cabin air filter"]),
    ]


def test_without_capturing_the_approver_counter_recommendations_name_nobody(alice, shared):
    _configure(shared, allow=False, capture=False)
    assert _approve_at_the_counter(alice, shared).status_code == 302
    cabin = Decision.objects.get(operation=shared.cabin)
    assert (cabin.contact, cabin.contact_name, cabin.signature) == (None, "", None)
    assert [s.kind for s in Signature.objects.all()] == [Signature.Kind.ESTIMATE]
    assert [e.kind for e in authorization_summary(repair_order=shared.ro)] == ["estimate"]


def test_capturing_the_approver_alone_keeps_recommendations_off_the_link(client, shared):
    _configure(shared, allow=False, capture=True)
    html = client.get(shared.url).content.decode()
    assert "Cabin air filter" in html
    assert f'name="op-{shared.cabin.pk}"' not in html
    assert "it is not part of the estimate you are approving" in html
