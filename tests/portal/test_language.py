"""Which language the customer page speaks, step by step: the language asked for by this
request (the toggle, the form), then the contact's preference, then the toggle remembered for
the link, then the browser's Accept-Language, then English."""

import pytest

from signoff.portal.language import LANGUAGE_COOKIE
from tests.portal.builders import shared_estimate, signature_fields

pytestmark = pytest.mark.django_db

ENGLISH, SPANISH = '<html lang="en">', '<html lang="es">'


def _page(client, shared, query: str = "", **headers) -> str:
    return client.get(shared.url + query, **headers).content.decode()


@pytest.fixture
def no_preference(shop):
    return shared_estimate(shop=shop, language="")


@pytest.fixture
def prefers_english(shop):
    return shared_estimate(shop=shop, language="en")


def test_the_contacts_preference_comes_before_the_browsers_language(client, prefers_english):
    assert ENGLISH in _page(client, prefers_english, HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")


def test_the_contacts_preference_comes_before_a_remembered_toggle(client, prefers_english):
    client.cookies[LANGUAGE_COOKIE] = "es"
    assert ENGLISH in _page(client, prefers_english)


def test_the_toggle_overrides_the_preference_on_the_page_it_opens(client, prefers_english):
    assert SPANISH in _page(client, prefers_english, "?lang=es")


def test_without_a_preference_the_remembered_toggle_comes_before_the_browser(client, no_preference):
    client.cookies[LANGUAGE_COOKIE] = "en"
    assert ENGLISH in _page(client, no_preference, HTTP_ACCEPT_LANGUAGE="es")


def test_without_a_preference_or_a_toggle_the_browsers_language_is_used(client, no_preference):
    assert SPANISH in _page(client, no_preference, HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9,en;q=0.5")
    assert ENGLISH in _page(client, no_preference, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9,es;q=0.5")


def test_with_nothing_known_the_page_is_in_english(client, no_preference):
    assert ENGLISH in _page(client, no_preference, HTTP_ACCEPT_LANGUAGE="fr-FR,de;q=0.5")
    assert ENGLISH in _page(client, no_preference)


def test_the_toggle_is_remembered_in_a_cookie_for_this_link_only(client, no_preference):
    response = client.get(no_preference.url + "?lang=es")
    cookie = response.cookies[LANGUAGE_COOKIE]
    assert cookie.value == "es"
    assert cookie["path"] == no_preference.url  # /s/<token>: its page, total and thank-you page
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    # Opened again from the text message, without ?lang=, the page stays in Spanish.
    assert SPANISH in _page(client, no_preference, HTTP_ACCEPT_LANGUAGE="en")


def test_opening_the_page_without_the_toggle_sets_no_cookie(client, no_preference):
    assert LANGUAGE_COOKIE not in client.get(no_preference.url).cookies


def test_an_unknown_language_is_neither_shown_nor_remembered(client, no_preference):
    response = client.get(no_preference.url + "?lang=fr", HTTP_ACCEPT_LANGUAGE="es")
    assert SPANISH in response.content.decode()
    assert LANGUAGE_COOKIE not in response.cookies
    client.cookies[LANGUAGE_COOKIE] = "<script>"
    assert SPANISH in _page(client, no_preference, HTTP_ACCEPT_LANGUAGE="es")


def test_the_thank_you_page_is_in_the_language_the_answers_were_given_in(client, prefers_english):
    response = client.post(
        prefers_english.url,
        {
            "version": prefers_english.version.pk,
            "lang": "es",
            f"op-{prefers_english.brakes.pk}": "approved",
            "consent": "yes",
            **signature_fields(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{prefers_english.url}/done?lang=es"
    assert (
        "¡Gracias! Sus respuestas se enviaron." in client.get(response["Location"]).content.decode()
    )


def test_a_gone_link_page_follows_the_same_order(client, no_preference):
    no_preference.link.revoked_at = no_preference.link.created_at
    no_preference.link.save()
    assert SPANISH in _page(client, no_preference, HTTP_ACCEPT_LANGUAGE="es")
    client.cookies[LANGUAGE_COOKIE] = "en"
    assert ENGLISH in _page(client, no_preference, HTTP_ACCEPT_LANGUAGE="es")
