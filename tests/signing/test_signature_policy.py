"""The shop's signature policy (never / first authorization only / always), as Shopmonkey's
e-signature setting offers it: on the customer page, at the counter and in the portal API."""

import pytest

from signoff.approvals.chain import verify_repair_order
from signoff.approvals.models import Decision, Signature
from signoff.shops.models import SignaturePolicy
from tests.portal.builders import data_url, shared_estimate, signature_fields
from tests.support.clients import client_for
from tests.support.png import png_rgba

pytestmark = pytest.mark.django_db


def _policy(shop, policy):
    shop.signature_policy = policy
    shop.save(update_fields=["signature_policy"])


def _answers(shared, op, **extra):
    return {"version": shared.version.pk, f"op-{op.pk}": "approved", "consent": "yes", **extra}


def test_never_asks_for_a_typed_name_and_records_no_drawing(client, shop):
    _policy(shop, SignaturePolicy.NEVER)
    shared = shared_estimate(shop=shop)
    html = client.get(shared.url).content.decode()
    assert 'name="typed_name"' in html and "data-signature-canvas" not in html

    refused = client.post(shared.url, _answers(shared, shared.brakes))
    assert refused.status_code == 422
    assert "Type your full name to sign." in refused.content.decode()
    assert not Decision.objects.exists()

    response = client.post(shared.url, _answers(shared, shared.brakes, typed_name="Jordan Lee"))
    assert response.status_code == 302
    signature = Signature.objects.get(repair_order=shared.ro)
    assert (signature.typed_name, signature.policy, signature.drawing_required) == (
        "Jordan Lee",
        "never",
        False,
    )
    assert (signature.svg, bytes(signature.png)) == ("", b"")
    assert verify_repair_order(repair_order=shared.ro).ok


def test_never_still_requires_the_consent_box(client, shop):
    _policy(shop, SignaturePolicy.NEVER)
    shared = shared_estimate(shop=shop)
    data = _answers(shared, shared.brakes, typed_name="Jordan Lee")
    data.pop("consent")
    assert client.post(shared.url, data).status_code == 422
    assert not Signature.objects.exists()


def test_first_authorization_draws_once_then_takes_a_typed_name(client, shop):
    _policy(shop, SignaturePolicy.FIRST)
    shared = shared_estimate(shop=shop)
    assert "data-signature-canvas" in client.get(shared.url).content.decode()
    without = client.post(shared.url, _answers(shared, shared.brakes, typed_name="Jordan Lee"))
    assert without.status_code == 422  # the first one must be drawn
    client.post(shared.url, _answers(shared, shared.brakes, **signature_fields()))
    first = Signature.objects.get(repair_order=shared.ro)
    assert (first.policy, first.drawing_required, first.typed_name) == ("first", True, "")

    html = client.get(shared.url).content.decode()
    assert 'name="typed_name"' in html and "data-signature-canvas" not in html
    client.post(shared.url, _answers(shared, shared.tires, typed_name="Jordan Lee"))
    second = Signature.objects.filter(repair_order=shared.ro).latest("sequence")
    assert (second.policy, second.drawing_required, second.typed_name) == (
        "first",
        False,
        "Jordan Lee",
    )


def test_always_needs_a_drawing_every_time_and_says_so_on_the_record(client, shop):
    shared = shared_estimate(shop=shop)
    assert shop.signature_policy == SignaturePolicy.ALWAYS
    typed = client.post(shared.url, _answers(shared, shared.brakes, typed_name="Jordan Lee"))
    assert typed.status_code == 422
    client.post(shared.url, _answers(shared, shared.brakes, **signature_fields()))
    client.post(shared.url, _answers(shared, shared.tires, **signature_fields()))
    assert list(Signature.objects.values_list("policy", "drawing_required")) == [
        ("always", True),
        ("always", True),
    ]


def test_the_counter_honours_the_policy_too(shop, alice):
    _policy(shop, SignaturePolicy.NEVER)
    shared = shared_estimate(shop=shop)
    staff = client_for(alice)
    url = f"/ros/{shared.ro.pk}/in-person/"
    assert 'name="typed_name"' in staff.get(url).content.decode()
    data = _answers(shared, shared.brakes, typed_name="Jordan Lee", contact=shared.primary.pk)
    assert staff.post(url, data).status_code == 302
    signature = Signature.objects.get(repair_order=shared.ro)
    assert (signature.source, signature.typed_name, signature.drawing_required) == (
        "in_person",
        "Jordan Lee",
        False,
    )


def test_the_portal_api_reports_the_policy_and_takes_a_typed_name(client, shop):
    _policy(shop, SignaturePolicy.NEVER)
    shared = shared_estimate(shop=shop)
    body = client.get(f"/api/v1/portal/{shared.token}").json()
    assert (body["signature_policy"], body["drawing_required"]) == ("never", False)
    payload = {
        "version_id": body["version"]["id"],
        "decisions": [{"operation_id": shared.brakes.pk, "status": "approved"}],
        "consent": True,
    }
    url = f"/api/v1/portal/{shared.token}/approval"
    missing = client.post(url, payload, content_type="application/json")
    assert missing.status_code == 422
    assert "typed_name" in missing.json()["error"]["fields"]
    done = client.post(
        url, {**payload, "typed_name": "Jordan Lee"}, content_type="application/json"
    )
    assert done.status_code == 201, done.content
    signature = done.json()["signatures"][0]
    assert (signature["policy"], signature["drawing_required"], signature["typed_name"]) == (
        "never",
        False,
        "Jordan Lee",
    )


def test_the_portal_api_requires_a_drawing_under_always(client, shop):
    shared = shared_estimate(shop=shop)
    body = client.get(f"/api/v1/portal/{shared.token}").json()
    assert (body["signature_policy"], body["drawing_required"]) == ("always", True)
    payload = {
        "version_id": body["version"]["id"],
        "decisions": [{"operation_id": shared.brakes.pk, "status": "approved"}],
        "consent": True,
        "typed_name": "Jordan Lee",
    }
    url = f"/api/v1/portal/{shared.token}/approval"
    assert client.post(url, payload, content_type="application/json").status_code == 422
    signed = {
        **payload,
        "signature": {"png": data_url(png_rgba()), "strokes": [[[1, 1], [90, 80]]]},
    }
    assert client.post(url, signed, content_type="application/json").status_code == 201


def test_the_authorization_summary_and_certificate_show_a_typed_signature(client, shop, alice):
    _policy(shop, SignaturePolicy.NEVER)
    shared = shared_estimate(shop=shop)
    client.post(shared.url, _answers(shared, shared.brakes, typed_name="Jordan Q. Lee"))
    staff = client_for(alice)
    page = staff.get(f"/ros/{shared.ro.pk}/").content.decode()
    assert "Typed name: <strong>Jordan Q. Lee</strong>" in page
    from tests.documents.reading import text

    printed = text(staff.get(f"/ros/{shared.ro.pk}/certificate.pdf").content)
    assert "Typed name: Jordan Q. Lee" in printed
    signature = Signature.objects.get()
    assert staff.get(f"/ros/{shared.ro.pk}/signatures/{signature.pk}.png").status_code == 404


def test_the_settings_page_saves_the_policy_with_its_help(alice_client, shop):
    from signoff.web.forms import ShopSettingsForm

    page = alice_client.get("/settings/").content.decode()
    assert "Drawn signature on approvals" in page
    assert "Never: they type their name and tick the consent instead." in page
    data = {k: v for k, v in ShopSettingsForm.initial_from(shop).items() if v not in (None, False)}
    data["signature_policy"] = "first"
    response = alice_client.post("/settings/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    shop.refresh_from_db()
    assert shop.signature_policy == SignaturePolicy.FIRST
    data["signature_policy"] = "sometimes"
    refused = alice_client.post("/settings/", data)
    assert "Choose never, first authorization only, or always." in refused.content.decode()
