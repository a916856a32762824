"""Every answer carries the Content-Security-Policy and the Permissions-Policy; no page template
holds what the policy forbids (inline scripts, event handler attributes, style attributes)."""

import re
from pathlib import Path

import pytest

import signoff
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
SRC = Path(signoff.__file__).parent
# Emails carry their styles inline (mail clients ignore stylesheets); no policy applies there.
EMAIL_TEMPLATES = SRC / "sharing" / "templates" / "sharing" / "messages"


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_headers(response) -> None:
    assert policy_of(response) == POLICY
    features = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in features


def test_the_staff_pages_carry_the_policy(alice_client):
    assert_headers(alice_client.get("/"))
    assert_headers(alice_client.get("/nothing-here/"))


def test_the_login_and_the_admin_carry_the_policy(client):
    assert_headers(client.get("/login/"))
    assert_headers(client.get("/admin/login/"))


def test_the_customer_page_and_its_errors_carry_the_policy(client, shared):
    assert_headers(client.get(shared.url))
    assert_headers(client.get(shared.url + "/nothing"))
    assert_headers(client.get("/s/" + "u" * 43))


def test_the_api_carries_the_policy(alice, shop, api_client_for):
    api = api_client_for(alice, shop)
    assert_headers(api.get("/api/v1/repair-orders"))
    assert_headers(api.get("/api/v1/nothing"))


def test_the_api_docs_render_from_this_site_under_the_same_policy(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert_headers(response)
    html = response.content.decode()
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in html
    # No online validator badge, which would load an image from another site.
    assert '"validatorUrl": null' in html


def test_only_the_dev_outbox_email_preview_allows_inline_styles(shop, alice, settings, monkeypatch):
    from tests.web.test_dev_outbox import captured_email

    settings.DEV_OUTBOX = True
    monkeypatch.setattr("signoff.documents.render.estimate_pdf", lambda **kw: b"%PDF-1.4")
    message = captured_email(shop)
    client = client_for(alice)
    preview = policy_of(client.get(f"/dev/outbox/{message.pk}/"))
    assert preview == {**POLICY, "style-src": "'self' 'unsafe-inline'"}
    assert policy_of(client.get("/dev/outbox/")) == POLICY


def _templates():
    for path in SRC.glob("*/templates/**/*.html"):
        if EMAIL_TEMPLATES not in path.parents:
            yield path


def test_no_page_template_holds_inline_script_handlers_or_style_attributes():
    found = []
    for path in _templates():
        text = path.read_text()
        name = path.relative_to(SRC)
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                found.append(f"{name}: inline {tag}")
        for attr in re.findall(r"\s(on[a-z]+|style)\s*=", text):
            found.append(f"{name}: {attr}=")
        if "<style" in text:
            found.append(f"{name}: <style>")
        if "hx-on" in text or re.search(r'hx-trigger="[^"]*\[', text):
            found.append(f"{name}: htmx would eval this")
    assert found == []
