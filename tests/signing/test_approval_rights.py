"""Who may authorize how much: limits on the customer page, view-only contacts, and the rest of
the work routed to the contacts who can approve it (approvals.rights)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from signoff.approvals.models import ApprovalReason, Decision, Event, EventKind, Status
from signoff.approvals.services import decision_record
from signoff.core.errors import ValidationFailed
from signoff.sharing.models import Channel, Message, MessageKind
from signoff.shops.models import SmsStatus
from tests.signing.fleet import fleet_estimate

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet(shop, no_delivery):
    return fleet_estimate(shop=shop)


def _statuses(fleet) -> dict[str, str]:
    latest = {}
    for d in Decision.objects.filter(repair_order=fleet.ro).order_by("sequence"):
        latest[d.operation_id] = d.status
    return {
        name: latest.get(getattr(fleet, name).pk, Status.PENDING)
        for name in ("brakes", "tires", "alignment")
    }


def test_a_fleet_drivers_1000_limit_approves_what_fits_and_routes_the_rest_to_the_fleet_manager(
    client, fleet
):
    response = client.post(
        fleet.url, fleet.answers(brakes="approved", tires="approved", alignment="approved")
    )
    assert response.status_code == 302
    # $600 fits; $600 + $500 would pass $1,000, so Tires waits; $600 + $300 still fits.
    assert _statuses(fleet) == {
        "brakes": Status.APPROVED,
        "tires": Status.PENDING,
        "alignment": Status.APPROVED,
    }
    assert set(
        Decision.objects.filter(repair_order=fleet.ro).values_list("contact_id", flat=True)
    ) == {fleet.driver.pk}

    request = Message.objects.get(repair_order=fleet.ro, kind=MessageKind.APPROVAL_REQUEST)
    assert (request.contact, request.channel) == (fleet.manager, Channel.EMAIL)
    assert request.to_address == fleet.manager.email
    assert "Tires: $500.00" in request.body_text
    assert "Brake job" not in request.body_text
    # The reason: the driver's limit and what they approved on this RO, before tax.
    assert "up to $1,000.00 per repair order before tax" in request.body_text
    # …counting what this submission approved ($600 + $300).
    assert "has approved $900.00 on this one" in request.body_text
    assert request.link.contact == fleet.manager
    assert "{{share_link}}" in request.body_text  # their own link, put in at send time

    routed = Event.objects.get(repair_order=fleet.ro, kind=EventKind.APPROVAL_ROUTED)
    assert routed.data["operations"] == [fleet.tires.pk]
    assert routed.data["to"] == [fleet.manager.pk]
    assert routed.data["contact"] == fleet.driver.pk


def test_the_fleet_manager_approves_the_routed_work_through_their_own_link(client, fleet):
    client.post(fleet.url, fleet.answers(brakes="approved", tires="approved"))
    request = Message.objects.get(repair_order=fleet.ro, kind=MessageKind.APPROVAL_REQUEST)
    from signoff.sharing.links import share_link_token

    url = reverse("portal:page", kwargs={"token": share_link_token(request.link)})
    page = client.get(url).content.decode()
    assert f'name="op-{fleet.tires.pk}"' in page
    response = client.post(url, fleet.answers(tires="approved"))
    assert response.status_code == 302
    assert _statuses(fleet)["tires"] == Status.APPROVED
    assert Decision.objects.filter(operation=fleet.tires).get().contact == fleet.manager


def test_the_limit_counts_what_the_contact_already_approved_on_the_ro(client, fleet, owner):
    reason = ApprovalReason.objects.get(shop=fleet.ro.shop, label="Email")
    decision_record(
        actor=owner,
        operation_id=fleet.brakes.pk,
        status=Status.APPROVED,
        reason_id=reason.pk,
        contact_id=fleet.driver.pk,
    )
    client.post(fleet.url, fleet.answers(tires="approved", alignment="approved"))
    # $600 already approved: $500 more passes $1,000, $300 more does not.
    assert _statuses(fleet) == {
        "brakes": Status.APPROVED,
        "tires": Status.PENDING,
        "alignment": Status.APPROVED,
    }
    request = Message.objects.get(kind=MessageKind.APPROVAL_REQUEST)
    assert "has approved $900.00 on this one" in request.body_text


def test_declines_are_never_held_back_by_a_limit(client, fleet):
    client.post(fleet.url, fleet.answers(brakes="declined", tires="declined", alignment="declined"))
    assert set(_statuses(fleet).values()) == {Status.DECLINED}
    assert not Message.objects.filter(kind=MessageKind.APPROVAL_REQUEST).exists()


def test_the_request_goes_by_text_to_a_manager_who_prefers_texts(client, shop, no_delivery):
    shop.sms_status, shop.sms_sender = SmsStatus.APPROVED, "+15035550100"
    shop.save()
    fleet = fleet_estimate(shop=shop, manager_notify="text")
    client.post(fleet.url, fleet.answers(tires="approved", brakes="approved", alignment="approved"))
    request = Message.objects.get(kind=MessageKind.APPROVAL_REQUEST)
    assert (request.channel, request.to_address) == (Channel.SMS, fleet.manager.mobile)
    assert "Dana Driver (Driver) asks you to approve 1 item" in request.body_text
    assert "$1,000.00" in request.body_text


def test_everything_above_the_limit_records_nothing_routes_once_and_a_retry_is_refused(
    client, shop, no_delivery
):
    fleet = fleet_estimate(shop=shop, driver_limit="100.00")
    data = fleet.answers(tires="approved")
    assert client.post(fleet.url, data).status_code == 302
    assert not Decision.objects.filter(repair_order=fleet.ro).exists()
    assert Message.objects.filter(kind=MessageKind.APPROVAL_REQUEST).count() == 1
    again = client.post(fleet.url, data)
    assert again.status_code == 409
    assert "already sent for approval" in again.content.decode()
    assert Message.objects.filter(kind=MessageKind.APPROVAL_REQUEST).count() == 1


def test_the_live_total_names_who_must_approve_what_is_above_the_limit(client, fleet):
    total_url = reverse("portal:total", kwargs={"token": fleet.token})
    data = fleet.answers(brakes="approved", tires="approved")
    html = client.post(total_url, data).content.decode()
    assert "data-routed" in html
    assert "Tires" in html and "needs approval from Pat Fleet (Primary)" in html
    assert "Dana Driver may approve up to $1,000.00 on this repair order (before tax)" in html
    # The consent names only what the driver authorizes: Brake job, $600.00 + 8.25 % tax.
    assert "for a total of $649.50 including tax" in html


def test_a_refused_page_marks_the_held_back_operation_on_its_card(client, fleet):
    data = fleet.answers(brakes="approved", tires="approved")
    data.pop("consent")
    html = client.post(fleet.url, data).content.decode()
    card = html.split(f'id="op-{fleet.tires.pk}"', 1)[1].split("</article>", 1)[0]
    assert "Above your approval limit: needs approval from Pat Fleet (Primary)" in card


def test_a_view_only_contacts_link_shows_the_estimate_and_takes_no_answer(client, fleet):
    url = fleet.link_for(fleet.viewer)
    html = client.get(url).content.decode()
    assert "data-view-only" in html
    assert "approving it is for" in html and "Pat Fleet (Primary)" in html
    assert f'name="op-{fleet.brakes.pk}"' not in html
    assert "Sign and send my answers" not in html
    brakes = html.split(f'id="op-{fleet.brakes.pk}"', 1)[1].split("</article>", 1)[0]
    # Brake job ($600) is within Dana's limit too; Tires needs the manager (or Dana, up to $1,000).
    assert "Needs approval from Pat Fleet (Primary), Dana Driver (Driver)" in brakes
    response = client.post(url, fleet.answers(brakes="approved"))
    assert response.status_code == 422
    assert not Decision.objects.exists()


def test_a_view_only_contact_cannot_be_named_as_the_approver(client, fleet):
    data = fleet.answers(brakes="approved")
    data["contact"] = fleet.viewer.pk
    response = client.post(fleet.url, data)
    assert response.status_code == 422
    assert "Vic Viewer can view this estimate but not approve" in response.content.decode()
    assert not Decision.objects.exists()
    page = client.get(fleet.url).content.decode()
    assert (
        f'value="{fleet.viewer.pk}"' not in page.split('id="approver"', 1)[1].split("</select>")[0]
    )


def test_a_view_only_link_cannot_answer_in_an_approvers_name(client, fleet):
    data = fleet.answers(brakes="approved")
    data["contact"] = fleet.manager.pk
    response = client.post(fleet.link_for(fleet.viewer), data)
    assert response.status_code == 422
    assert not Decision.objects.exists()


def test_a_link_with_a_limit_cannot_borrow_the_managers_authority(client, fleet):
    data = fleet.answers(brakes="approved", tires="approved", alignment="approved")
    data["contact"] = fleet.manager.pk  # the driver's link, naming the manager
    response = client.post(fleet.url, data)
    assert response.status_code == 422
    assert "Choose who is approving from the list." in response.content.decode()
    assert not Decision.objects.exists()
    page = client.get(fleet.url).content.decode()
    offered = page.split('id="approver"', 1)[1].split("</select>")[0]
    assert f'value="{fleet.manager.pk}"' not in offered
    assert f'value="{fleet.driver.pk}"' in offered


# --- Staff decisions on the customer's behalf -----------------------------------------------


def _decide(actor, fleet, op, contact, status=Status.APPROVED):
    reason = ApprovalReason.objects.get(shop=fleet.ro.shop, label="Email")
    return decision_record(
        actor=actor, operation_id=op.pk, status=status, reason_id=reason.pk, contact_id=contact.pk
    )


def test_on_behalf_an_approval_above_the_named_contacts_limit_is_refused_naming_it(owner, fleet):
    _decide(owner, fleet, fleet.brakes, fleet.driver)
    with pytest.raises(ValidationFailed) as refused:
        _decide(owner, fleet, fleet.tires, fleet.driver)
    message = refused.value.fields["contact"]
    assert "would bring what Dana Driver has approved on this RO to $1,100.00" in message
    assert "over their limit of $1,000.00 per RO" in message
    assert "needs approval from Pat Fleet (Primary)" in message
    assert Decision.objects.filter(operation=fleet.tires).count() == 0
    # Within the limit it is recorded; re-deciding the same operation does not count it twice.
    _decide(owner, fleet, fleet.alignment, fleet.driver)
    _decide(owner, fleet, fleet.alignment, fleet.driver)
    assert Decision.objects.filter(operation=fleet.alignment).count() == 2


def test_on_behalf_a_view_only_contact_decides_nothing(owner, fleet):
    for status in (Status.APPROVED, Status.DECLINED, Status.DEFERRED):
        with pytest.raises(ValidationFailed, match="Vic Viewer is view only"):
            _decide(owner, fleet, fleet.brakes, fleet.viewer, status)
    assert not Decision.objects.exists()


def test_the_api_refuses_an_on_behalf_approval_above_the_limit_with_a_422(
    api_client_for, carol, shop, fleet
):
    api = api_client_for(carol, shop)
    reason = ApprovalReason.objects.get(shop=shop, label="Email")
    body = {"status": "approved", "reason": reason.pk, "contact": fleet.driver.pk}
    ok = api.post(
        f"/api/v1/operations/{fleet.brakes.pk}/decisions", body, content_type="application/json"
    )
    assert ok.status_code == 201, ok.content
    refused = api.post(
        f"/api/v1/operations/{fleet.tires.pk}/decisions", body, content_type="application/json"
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "invalid"
    assert "over their limit of $1,000.00 per RO" in error["message"]
    assert "contact" in error["fields"]


def test_the_portal_api_reports_rights_limits_and_routing(client, fleet):
    body = client.get(f"/api/v1/portal/{fleet.token}").json()
    driver = next(c for c in body["contacts"] if c["id"] == fleet.driver.pk)
    assert driver["approval_limit"] == "1000.00"
    assert (driver["approved_on_ro"], driver["remaining"]) == ("0.00", "1000.00")
    assert fleet.viewer.pk not in [c["id"] for c in body["contacts"]]
    assert body["view_only"] is False
    answers = [
        {"operation_id": fleet.brakes.pk, "status": "approved"},
        {"operation_id": fleet.tires.pk, "status": "approved"},
    ]
    from tests.portal.builders import data_url
    from tests.support.png import png_rgba

    payload = {
        "version_id": body["version"]["id"],
        "decisions": answers,
        "signature": {"png": data_url(png_rgba()), "strokes": [[[10, 10], [90, 90]]]},
        "consent": True,
    }
    result = client.post(
        f"/api/v1/portal/{fleet.token}/approval", payload, content_type="application/json"
    )
    assert result.status_code == 201, result.content
    routed = result.json()["routed"]
    assert routed == [
        {
            "operation_id": fleet.tires.pk,
            "title": "Tires",
            "amount": "500.00",
            "needs_approval_from": [fleet.manager.pk],
            "needs_approval_from_names": "Pat Fleet (Primary)",
        }
    ]
    assert [d["operation_id"] for d in result.json()["decisions"]] == [fleet.brakes.pk]
    after = client.get(f"/api/v1/portal/{fleet.token}").json()
    driver = next(c for c in after["contacts"] if c["id"] == fleet.driver.pk)
    assert (driver["approved_on_ro"], driver["remaining"]) == ("600.00", "400.00")
    assert Decimal(result.json()["amount"]) == Decimal("649.50")  # with tax


def test_the_thank_you_page_says_what_was_sent_on_and_to_whom(client, fleet):
    response = client.post(fleet.url, fleet.answers(brakes="approved", tires="approved"))
    html = client.get(response["Location"]).content.decode()
    sent_on = html.split("data-sent-on", 1)[1].split("</div>", 1)[0]
    assert "Tires — to Pat Fleet (Primary)" in sent_on
    assert "Brake job" not in sent_on
