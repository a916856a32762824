"""The staff side's error pages: 400, 403 (an expired form included), 404, 413, 429 and 500,
styled like the app, saying what to do, never how it failed (the 503 and the 500 of an uncaught
error are in tests/test_error_pages.py)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from signoff.core.errors import RateLimited
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

TECHNICAL = ("Traceback", "CSRF verification failed", "Bad Request (400)", "RequestDataTooBig")


def _friendly(response, status: int, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert "signoff/app.css" in html
    for word in TECHNICAL:
        assert word not in html
    return html


def test_an_unknown_page_is_a_404_inside_the_app(alice_client):
    html = _friendly(alice_client.get("/nothing-here/"), 404, "Not found")
    assert 'href="/">Repair orders</a>' in html
    assert "Log out" in html  # the app's menu is there


def test_a_form_posted_after_its_csrf_token_expired_is_a_403_saying_to_reload(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        "/customers/new/", {"name": "Pat"}, headers={"Referer": "http://testserver/customers/new/"}
    )
    html = _friendly(response, 403, "This page had expired")
    assert "nothing was saved" in html
    assert 'href="http://testserver/customers/new/">Go back and reload</a>' in html
    assert response["X-Signoff-Error"] == "form_expired"


def test_the_login_form_posted_with_an_expired_token_leads_back_to_the_login(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/login/",
        {"username": "a", "password": "b"},
        headers={"Referer": "http://testserver/login/"},
    )
    html = _friendly(response, 403, "This page had expired")
    assert 'href="http://testserver/login/"' in html


def test_a_referer_from_another_site_is_not_offered_as_the_way_back(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        "/customers/new/", {"name": "Pat"}, headers={"Referer": "https://evil.example/x"}
    )
    html = _friendly(response, 403, "This page had expired")
    assert "evil.example" not in html and 'href="/">Go back and reload</a>' in html


def test_a_permission_refused_by_django_is_the_apps_403(db):
    clerk = User.objects.create_user("clerk", password="pw-123456", is_staff=True)
    response = client_for(clerk).get("/admin/shops/shop/add/")
    _friendly(response, 403, "Not allowed")


def test_an_unreadable_request_is_a_friendly_400(alice_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = alice_client.post("/customers/new/", {f"f{n}": "x" for n in range(10)})
    html = _friendly(response, 400, "This request could not be read")
    assert "nothing was saved" in html


def test_a_body_over_the_upload_limit_is_a_413_naming_the_limit(alice_client):
    response = alice_client.post("/customers/new/", {"name": "x" * 2_700_000})
    html = _friendly(response, 413, "That was too large to send")
    assert "larger than the 2.5\xa0MB Signoff accepts at once" in html


def test_a_rate_limited_staff_action_is_a_friendly_429(alice_client, monkeypatch):
    def refuse(**kwargs):
        exc = RateLimited("Too many attempts. Wait 4 minutes and try again.")
        exc.retry_after = 240
        raise exc

    monkeypatch.setattr("signoff.web.views.customers.selectors.customer_search", refuse)
    response = alice_client.get("/customers/")
    html = _friendly(response, 429, "Too many attempts")
    assert "Wait 4 minutes and try again." in html
    assert response["Retry-After"] == "240"


def test_too_many_wrong_passwords_show_the_login_page_with_a_429(alice, settings):
    settings.LOGIN_RATE_LIMIT = 1
    client = Client()
    client.post("/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
