"""Uncaught errors (`signoff.urls` handler500): a database outage is a 503 with Retry-After, any
other error a 500; JSON under /api/, the customer's language under /s/, a styled staff page
elsewhere. None of them shows a traceback or reads the database, and all recover by themselves.
"""

import json

import pytest
from django.db import IntegrityError, OperationalError, connection
from django.test import Client

from signoff.core.health import is_database_outage
from signoff.shops import middleware
from tests.portal.builders import shared_estimate
from tests.support.clients import api_client_for, client_for

pytestmark = pytest.mark.django_db

REFUSED = "connection to server at 127.0.0.1, port 5432 failed: Connection refused"


def _refusing(*args, **kwargs):
    raise OperationalError(REFUSED)


class Outage:
    """Every query fails as with a stopped server, from `begin()` until `end()`."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def begin(self) -> None:
        self.monkeypatch.setattr(connection, "cursor", _refusing)

    def end(self) -> None:
        self.monkeypatch.undo()


@pytest.fixture
def outage(monkeypatch):
    return Outage(monkeypatch)


def _quiet(client):
    """Answer uncaught errors as a server does (handler500) instead of raising them in the test."""
    client.raise_request_exception = False
    return client


def _no_internals(body: str) -> None:
    assert "Traceback" not in body
    assert "OperationalError" not in body and REFUSED not in body


@pytest.fixture
def api_client(alice, shop):
    return _quiet(api_client_for(alice, shop))


@pytest.fixture
def staff_client(alice):
    """alice, logged in: her session, user and current shop are read before any view runs."""
    return _quiet(client_for(alice))


def _customer():
    return Client(raise_request_exception=False)


def test_the_api_answers_503_in_its_error_shape_with_retry_after(api_client, outage):
    outage.begin()
    response = api_client.get("/api/v1/repair-orders")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    body = json.loads(response.content)
    assert body["error"]["code"] == "unavailable"
    assert body["error"]["fields"] == {}
    assert body["error"]["message"].startswith("Signoff cannot reach its database right now.")
    _no_internals(response.content.decode())


def test_the_api_is_back_when_the_database_is(api_client, outage):
    outage.begin()
    assert api_client.get("/api/v1/repair-orders").status_code == 503
    outage.end()
    assert api_client.get("/api/v1/repair-orders").status_code == 200


def test_a_staff_page_answers_a_styled_503_though_the_session_cannot_be_read(staff_client, outage):
    outage.begin()
    response = staff_client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "<h1>Signoff is briefly unavailable</h1>" in html
    assert "signoff/app.css" in html and 'class="card auth-card"' in html
    _no_internals(html)
    outage.end()
    assert staff_client.get("/").status_code == 200


def test_the_login_page_of_a_signed_in_browser_answers_503(staff_client, outage):
    outage.begin()
    response = staff_client.get("/login/")
    assert response.status_code == 503
    assert "Signoff is briefly unavailable" in response.content.decode()


def test_a_customer_page_answers_503_in_english(shared, outage):
    outage.begin()
    response = _customer().get(shared.url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Your estimate cannot be opened right now" in html
    assert "portal/portal.css" in html
    _no_internals(html)


def test_a_customer_page_answers_503_in_spanish_when_the_browser_asks_for_it(shared, outage):
    outage.begin()
    response = _customer().get(shared.url, headers={"Accept-Language": "es"})
    assert response.status_code == 503
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Su presupuesto no se puede abrir en este momento" in html
    assert "Intentar de nuevo" in html
    assert response["Content-Language"] == "es"
    _no_internals(html)


def test_an_explicit_lang_wins_over_the_browser(shared, outage):
    outage.begin()
    response = _customer().get(shared.url + "?lang=es", headers={"Accept-Language": "en"})
    assert "Tenemos un breve problema técnico" in response.content.decode()


def test_answers_posted_during_an_outage_are_said_not_received(shared, outage):
    outage.begin()
    response = _customer().post(shared.url, {"lang": "es"})
    assert response.status_code == 503
    assert "no se recibieron" in response.content.decode()


# Other errors stay 500s, in the same shapes ---------------------------------------------------


def _boom(*args, **kwargs):
    raise RuntimeError("secret internals")


def test_another_error_under_the_api_is_a_500_in_the_error_shape(api_client, monkeypatch):
    monkeypatch.setattr("signoff.api.auth.TokenAuth.authenticate", _boom)
    response = api_client.get("/api/v1/repair-orders")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert json.loads(response.content)["error"]["code"] == "server_error"
    assert "secret internals" not in response.content.decode()


def test_another_error_on_a_staff_page_is_a_styled_500(staff_client, monkeypatch):
    monkeypatch.setattr(middleware, "_actor", _boom)
    response = staff_client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html and "signoff/app.css" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_another_error_on_a_customer_page_is_a_500_in_their_language(shop, monkeypatch):
    spanish = shared_estimate(shop=shop, language="es")
    monkeypatch.setattr("signoff.portal.views.selectors.share_link_view", _boom)
    response = _customer().get(spanish.url, headers={"Accept-Language": "en"})
    assert response.status_code == 500
    html = response.content.decode()
    assert "Algo salió mal" in html and "secret internals" not in html
    # The link is known, so the page says whom to call.
    assert shop.name in html


def test_a_500_on_an_unknown_link_follows_the_browser_and_names_no_shop(shared, monkeypatch):
    monkeypatch.setattr("signoff.portal.views.selectors.share_link_view", _boom)
    response = _customer().get("/s/" + "u" * 43, headers={"Accept-Language": "es"})
    assert response.status_code == 500
    html = response.content.decode()
    assert "Algo salió mal" in html and shared.ro.shop.name not in html


def test_outages_are_told_apart_from_bugs():
    assert is_database_outage(OperationalError("server closed the connection unexpectedly"))
    assert not is_database_outage(IntegrityError("duplicate key"))
    assert not is_database_outage(RuntimeError("boom"))
    assert not is_database_outage(None)
    try:
        try:
            raise OperationalError("the database is locked")
        except OperationalError as exc:
            raise RuntimeError("while saving") from exc
    except RuntimeError as wrapped:
        assert is_database_outage(wrapped)
