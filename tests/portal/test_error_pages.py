"""The customer side's error pages, under /s/<token>…: in the customer's language (the link
contact's when the token is a link, else ?lang= or the browser's), with the shop's name and
phone when the link is known and nothing of the estimate, never technical. An expired form on
the estimate page shows the estimate again with the answers kept."""

import pytest
from django.test import Client

from signoff.approvals.models import Decision, Signature
from signoff.core.errors import RateLimited
from tests.portal.builders import shared_estimate, signature_fields

pytestmark = pytest.mark.django_db

UNKNOWN = "/s/" + "u" * 43
TECHNICAL = ("Traceback", "CSRF", "Bad Request (400)", "RequestDataTooBig", "Forbidden (403)")


@pytest.fixture
def spanish(shop):
    return shared_estimate(shop=shop, language="es")


def _page(response, status: int, *texts: str, language: str) -> str:
    assert response.status_code == status, response.content[:400]
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert response["Content-Language"] == language
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert "portal/portal.css" in html
    for text in texts:
        assert text in html, text
    for word in TECHNICAL:
        assert word not in html, word
    return html


def _names_the_shop_and_nothing_else(html: str, shared) -> None:
    assert shared.ro.shop.name in html
    assert 'href="tel:+15035550100"' in html
    for secret in ("Front brake pads", "Jordan Lee", "2019 Honda Accord", f"RO {shared.ro.number}"):
        assert secret not in html, secret


def _names_no_shop(html: str, shared) -> None:
    assert shared.ro.shop.name not in html and "tel:" not in html


# 404 ----------------------------------------------------------------------------------------


def test_an_unknown_page_under_a_link_is_a_404_naming_the_shop_with_the_way_back(client, shared):
    html = _page(
        client.get(shared.url + "/nothing"),
        404,
        "This page does not exist",
        f'href="{shared.url}">Open your estimate</a>',
        language="en",
    )
    _names_the_shop_and_nothing_else(html, shared)


def test_an_unknown_page_under_a_spanish_contacts_link_is_in_spanish(client, spanish):
    html = _page(
        client.get(spanish.url + "/nothing", headers={"Accept-Language": "en"}),
        404,
        "Esta página no existe",
        "Abrir su presupuesto",
        language="es",
    )
    _names_the_shop_and_nothing_else(html, spanish)


def test_an_unknown_token_is_a_404_in_the_browsers_language_naming_no_shop(client, shared):
    html = _page(
        client.get(UNKNOWN + "/nothing", headers={"Accept-Language": "es"}),
        404,
        "No encontramos este presupuesto",
        language="es",
    )
    _names_no_shop(html, shared)
    _page(client.get(UNKNOWN), 404, "We could not find this estimate", language="en")
    _page(client.get(UNKNOWN + "?lang=es"), 404, "No encontramos este presupuesto", language="es")


def test_error_pages_count_their_lookups_so_they_cannot_test_tokens(client, shared, settings):
    settings.PORTAL_RATE_LIMIT = 2
    for _ in range(2):
        assert client.get(UNKNOWN + "/nothing").status_code == 404
    # Past the limit the error page no longer looks tokens up: even a real link names no shop.
    html = client.get(shared.url + "/nothing").content.decode()
    _names_no_shop(html, shared)
    assert client.get(shared.url).status_code == 429


# 403: an expired form -----------------------------------------------------------------------


def _answers(shared, **extra) -> dict:
    return {
        "version": shared.version.pk,
        f"op-{shared.brakes.pk}": "approved",
        f"op-{shared.wipers.pk}": "declined",
        "contact": shared.spouse.pk,
        "consent": "yes",
        **signature_fields(),
        **extra,
    }


def test_answers_posted_after_the_form_expired_come_back_on_the_estimate_to_send_again(shared):
    client = Client(enforce_csrf_checks=True)
    response = client.post(shared.url, _answers(shared))
    html = _page(
        response,
        403,
        "Your answers were not sent yet.",
        "For your security this page had expired, so nothing was sent yet.",
        language="en",
    )
    assert f'name="op-{shared.brakes.pk}" value="approved" checked' in html
    assert f'name="op-{shared.wipers.pk}" value="declined" checked' in html
    assert f'<option value="{shared.spouse.pk}" data-name="Sam Lee" selected>' in html
    assert not Decision.objects.exists() and not Signature.objects.exists()
    # The page carries a fresh token, so sending again works.
    token = client.cookies["csrftoken"].value
    again = client.post(shared.url, {**_answers(shared), "csrfmiddlewaretoken": token})
    assert again.status_code == 302
    assert Decision.objects.count() == 2


def test_an_expired_form_of_a_spanish_contact_comes_back_in_spanish(spanish):
    response = Client(enforce_csrf_checks=True).post(
        spanish.url, _answers(spanish), headers={"Accept-Language": "en"}
    )
    _page(
        response,
        403,
        "Sus respuestas todavía no se enviaron.",
        "Por su seguridad, esta página había caducado",
        language="es",
    )


def test_an_expired_form_on_an_unknown_link_says_to_open_it_again(shared):
    response = Client(enforce_csrf_checks=True).post(
        UNKNOWN, {"consent": "yes"}, headers={"Accept-Language": "es"}
    )
    html = _page(
        response,
        403,
        "Esta página había caducado",
        "Abra de nuevo el enlace de su correo o mensaje de texto.",
        language="es",
    )
    _names_no_shop(html, shared)


def test_an_expired_live_total_is_a_403_page_not_the_estimate(shared):
    response = Client(enforce_csrf_checks=True).post(
        shared.url + "/total", _answers(shared), headers={"HX-Request": "true"}
    )
    html = _page(response, 403, "This page had expired", "Open your estimate", language="en")
    _names_the_shop_and_nothing_else(html, shared)


# 400 and 413 --------------------------------------------------------------------------------


def test_an_unreadable_post_is_a_friendly_400_naming_the_shop(client, shared, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client.post(shared.url, {f"f{n}": "x" for n in range(10)})
    html = _page(
        response,
        400,
        "This page could not be opened",
        "Nothing was sent to the shop.",
        f'href="{shared.url}">Open your estimate</a>',
        language="en",
    )
    _names_the_shop_and_nothing_else(html, shared)


def test_an_unreadable_post_of_a_spanish_contact_is_in_spanish(client, spanish, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client.post(spanish.url, {f"f{n}": "x" for n in range(10)})
    _page(response, 400, "No se pudo abrir esta página", language="es")


def test_a_post_over_the_upload_limit_is_a_413_naming_the_limit_and_the_shop(client, shared):
    response = client.post(shared.url, _answers(shared, signature_png="x" * 2_700_000))
    html = _page(
        response,
        413,
        "What you sent is too large",
        "It is more than the 2.5\xa0MB this page accepts",
        language="en",
    )
    _names_the_shop_and_nothing_else(html, shared)
    assert not Decision.objects.exists()


def test_a_post_over_the_upload_limit_of_a_spanish_contact_is_in_spanish(client, spanish):
    response = client.post(spanish.url, _answers(spanish, signature_png="x" * 2_700_000))
    _page(response, 413, "Lo que envió es demasiado grande", "Supera los 2,5\xa0MB", language="es")


# 429 and 500 --------------------------------------------------------------------------------


def test_a_refusal_for_too_many_guesses_follows_the_browser_and_names_no_shop(
    client, spanish, settings
):
    settings.PORTAL_RATE_LIMIT = 1
    client.get(UNKNOWN)
    html = _page(
        client.get(spanish.url, headers={"Accept-Language": "en"}),
        429,
        "Please wait before trying again",
        language="en",
    )
    _names_no_shop(html, spanish)
    _page(
        client.get(spanish.url, headers={"Accept-Language": "es"}),
        429,
        "Espere antes de volver a intentarlo",
        language="es",
    )


def test_too_many_approval_posts_through_a_link_are_a_friendly_429(client, shared, monkeypatch):
    def refuse(**kwargs):
        raise RateLimited("Too many attempts from your connection. Wait 3 minutes and try again.")

    monkeypatch.setattr("signoff.signing.services.ratelimit.approval_attempt", refuse)
    response = client.post(shared.url, _answers(shared))
    _page(response, 429, "Please wait before trying again", language="en")


def _boom(**kwargs):
    raise RuntimeError("secret internals")


def test_an_uncaught_error_is_a_500_naming_the_shop_in_the_contacts_language(spanish, monkeypatch):
    monkeypatch.setattr("signoff.portal.views.selectors.share_link_view", _boom)
    response = Client(raise_request_exception=False).get(spanish.url)
    html = _page(response, 500, "Algo salió mal", language="es")
    _names_the_shop_and_nothing_else(html, spanish)
    assert "secret internals" not in html


def test_an_uncaught_error_is_a_500_in_english_for_an_english_contact(shared, monkeypatch):
    monkeypatch.setattr("signoff.portal.views.selectors.share_link_view", _boom)
    response = Client(raise_request_exception=False).get(shared.url)
    _page(response, 500, "Something went wrong", "Try again", language="en")
