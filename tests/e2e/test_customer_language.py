"""The customer page's language in a real browser, step by step: the contact's preference,
then the toggle remembered for that link, then the phone's language."""

import pytest
from playwright.sync_api import expect

from signoff.sharing.links import share_link_mint
from tests.portal.builders import shared_estimate

pytestmark = pytest.mark.browser


@pytest.fixture
def spanish_phone(browser):
    """A phone set to Spanish: it sends Accept-Language: es-US."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def test_a_contact_who_prefers_english_reads_english_on_a_spanish_phone(
    spanish_phone, live_server, shop
):
    maria = shared_estimate(shop=shop, language="en")
    spanish_phone.goto(live_server.url + maria.url)
    assert _lang(spanish_phone) == "en"
    expect(spanish_phone.get_by_role("heading", name="Work to approve")).to_be_visible()


def test_without_a_preference_the_phone_then_the_remembered_toggle_decide(
    spanish_phone, live_server, shop
):
    daniel = shared_estimate(shop=shop, language="")
    spanish_phone.goto(live_server.url + daniel.url)
    assert _lang(spanish_phone) == "es"  # the phone's language
    expect(spanish_phone.get_by_role("heading", name="Trabajo por aprobar")).to_be_visible()

    spanish_phone.get_by_role("link", name="English").click()
    spanish_phone.wait_for_url("**?lang=en")
    assert _lang(spanish_phone) == "en"

    # Opened again from the text message: the toggle is remembered for this link.
    spanish_phone.goto(live_server.url + daniel.url)
    assert _lang(spanish_phone) == "en"
    expect(spanish_phone.get_by_role("heading", name="Work to approve")).to_be_visible()

    # Another link on the same phone (another contact's) is not affected.
    _link, token = share_link_mint(share=daniel.share, contact=daniel.spouse)
    spanish_phone.goto(f"{live_server.url}/s/{token}")
    assert _lang(spanish_phone) == "es"


def test_the_toggle_still_switches_a_contact_with_a_preference_page_by_page(
    spanish_phone, live_server, shop
):
    maria = shared_estimate(shop=shop, language="en")
    spanish_phone.goto(live_server.url + maria.url)
    spanish_phone.get_by_role("link", name="Español").click()
    spanish_phone.wait_for_url("**?lang=es")
    assert _lang(spanish_phone) == "es"
    # Her preference comes first when she opens the link again.
    spanish_phone.goto(live_server.url + maria.url)
    assert _lang(spanish_phone) == "en"
