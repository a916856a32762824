"""The portal's JSON twin: GET /api/v1/portal/{token} and POST …/approval."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from signoff.approvals.models import Decision, Signature, Source
from signoff.sharing.models import ShareLink
from signoff.sharing.selectors import with_openings
from tests.portal.builders import STROKES
from tests.support.png import png_rgba

pytestmark = pytest.mark.django_db


def _body(shared, **extra):
    body = {
        "version_id": shared.version.pk,
        "decisions": [
            {"operation_id": shared.brakes.pk, "status": "approved"},
            {"operation_id": shared.wipers.pk, "status": "declined"},
        ],
        "contact_id": shared.spouse.pk,
        "signature": {"png": base64.b64encode(png_rgba()).decode(), "strokes": STROKES},
        "consent": True,
    }
    body.update(extra)
    return body


def _post(client, shared, body, **headers):
    return client.post(
        f"/api/v1/portal/{shared.token}/approval", body, content_type="application/json", **headers
    )


def test_get_returns_the_ro_current_version_operations_and_contacts(client, shared):
    response = client.get(f"/api/v1/portal/{shared.token}")
    assert response.status_code == 200
    body = response.json()
    assert body["repair_order"]["label"] == shared.ro.label
    assert body["version"]["id"] == shared.version.pk
    assert body["version"]["content_hash"] == shared.version.content_hash
    ops = {op["title"]: op for op in body["operations"]}
    assert ops["Front brake pads"]["subtotal"] == "314.99"
    assert ops["Front brake pads"]["decidable"] is True
    assert ops["Cabin air filter"]["decidable"] is False
    assert body["contacts"] == [
        {
            "id": shared.primary.pk,
            "name": "Jordan Lee",
            "relationship": "Primary",
            "is_link_contact": True,
            "approval_right": "approve",
            "approval_limit": None,
            "approved_on_ro": "0.00",
            "remaining": None,
        },
        {
            "id": shared.spouse.pk,
            "name": "Sam Lee",
            "relationship": "Spouse",
            "is_link_contact": False,
            "approval_right": "approve",
            "approval_limit": None,
            "approved_on_ro": "0.00",
            "remaining": None,
        },
    ]
    assert body["approver_id"] == shared.primary.pk
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert with_openings(ShareLink.objects.filter(pk=shared.link.pk))[0].open_count == 1


def test_get_hides_prices_when_the_share_does(client, shop):
    from tests.portal.builders import shared_estimate

    shared = shared_estimate(shop=shop, sections=["labor", "parts"])
    body = client.get(f"/api/v1/portal/{shared.token}").json()
    assert body["totals"] is None
    assert all(op["subtotal"] is None for op in body["operations"])
    assert all(line["amount"] is None for op in body["operations"] for line in op["lines"])


def test_post_records_the_decisions_and_signature_and_answers_201(client, shared):
    response = _post(client, shared, _body(shared), HTTP_USER_AGENT="FleetApp/2")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(d["operation_id"], d["status"]) for d in body["decisions"]] == [
        (shared.brakes.pk, "approved"),
        (shared.wipers.pk, "declined"),
    ]
    assert body["amount"] == "340.98"
    assert "for a total of $340.98 including tax" in body["consent_text"]
    signature = Signature.objects.get()
    assert signature.contact == shared.spouse and signature.user_agent == "FleetApp/2"
    assert {d.source for d in Decision.objects.all()} == {Source.LINK}


def test_post_against_a_stale_version_is_409_stale_version(client, shared):
    shared.brakes.revision += 1
    shared.brakes.save()
    response = _post(client, shared, _body(shared))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"
    assert not Decision.objects.exists()


def test_post_without_a_signature_is_422_naming_the_field(client, shared):
    response = _post(client, shared, _body(shared, signature=None))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "signature" in error["fields"]
    assert not Decision.objects.exists()


def test_post_answering_an_operation_twice_is_refused(client, shared):
    body = _body(shared)
    body["decisions"].append({"operation_id": shared.brakes.pk, "status": "declined"})
    response = _post(client, shared, body)
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["decisions"] == "Answer each operation once."


def test_posting_the_same_answers_twice_records_them_once(client, shared):
    assert _post(client, shared, _body(shared)).status_code == 201
    again = _post(client, shared, _body(shared))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_decided"
    assert Decision.objects.count() == 2


def test_an_expired_link_is_410_in_the_api(client, shared):
    ShareLink.objects.filter(pk=shared.link.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    response = client.get(f"/api/v1/portal/{shared.token}")
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "link_gone"
    assert _post(client, shared, _body(shared)).status_code == 410


def test_a_revoked_link_is_410_in_the_api(client, shared):
    ShareLink.objects.filter(pk=shared.link.pk).update(revoked_at=timezone.now())
    assert client.get(f"/api/v1/portal/{shared.token}").status_code == 410


def test_an_unknown_token_is_404_and_repeated_guesses_are_429(client, db, settings):
    settings.PORTAL_RATE_LIMIT = 2
    url = "/api/v1/portal/" + "z" * 43
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404
    response = client.get(url)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert response["Referrer-Policy"] == "no-referrer"
    # When to try again: the seconds left in the window, and the minutes in words.
    assert 0 < int(response["Retry-After"]) <= settings.PORTAL_RATE_WINDOW_SECONDS
    assert "Wait " in response.json()["error"]["message"]


def test_the_portal_routes_need_no_staff_token(client, shared):
    assert client.get(f"/api/v1/portal/{shared.token}").status_code == 200
