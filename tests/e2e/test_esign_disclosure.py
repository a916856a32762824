"""A contact reads the e-sign disclosure on their phone, accepts it with the consent box and signs;
the acceptance is recorded once, and the next visit does not ask again."""

import pytest
from playwright.sync_api import expect

from signoff.approvals.esign import standard_text
from signoff.approvals.models import EsignConsent, Signature
from tests.e2e.test_share_link import PHONE, draw_signature
from tests.portal.builders import shared_estimate

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_a_contact_accepts_the_disclosure_before_their_first_signature(phone, live_server, shop):
    shared = shared_estimate(shop=shop)
    phone.goto(live_server.url + shared.url)

    disclosure = phone.locator("[data-esign-disclosure]")
    expect(disclosure).to_be_visible()
    expect(disclosure.get_by_role("heading")).to_have_text(
        "Before you sign: doing business electronically"
    )
    expect(disclosure).to_contain_text("on paper, free of charge")
    expect(disclosure).to_contain_text("withdraw")

    phone.locator(f"#op-{shared.brakes.pk}").get_by_label("Approve", exact=True).check()
    draw_signature(phone)
    accept = phone.get_by_label("I have read the disclosure above", exact=False)
    # The box's description includes the disclosure, for screen readers.
    assert "esign-text" in accept.get_attribute("aria-describedby")
    phone.get_by_role("button", name="Sign and send my answers").click()
    # Not ticked: refused, nothing recorded, the disclosure still there.
    expect(phone.locator("#consent-error")).to_be_visible()
    assert not EsignConsent.objects.exists()

    phone.locator(f"#op-{shared.brakes.pk}").get_by_label("Approve", exact=True).check()
    draw_signature(phone)
    phone.get_by_label("I have read the disclosure above", exact=False).check()
    phone.get_by_role("button", name="Sign and send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you! Your answers were sent.")).to_be_visible()

    consent = EsignConsent.objects.get()
    assert consent.contact == shared.primary
    assert consent.text == standard_text(shop=shop, language="en")
    assert consent.user_agent and consent.ip
    assert Signature.objects.get().prev_hash == consent.content_hash

    phone.goto(live_server.url + shared.url)
    expect(phone.locator(f"#op-{shared.tires.pk}")).to_be_visible()
    expect(phone.locator("[data-esign-disclosure]")).to_have_count(0)
    expect(phone.get_by_label("I agree to sign electronically", exact=True)).to_be_visible()


def test_the_spanish_page_shows_the_spanish_disclosure(phone, live_server, shop):
    shared = shared_estimate(shop=shop, language="es")
    phone.goto(live_server.url + shared.url)
    disclosure = phone.locator("[data-esign-disclosure]")
    expect(disclosure).to_have_attribute("lang", "es")
    expect(disclosure).to_contain_text("Consentimiento para hacer negocios electrónicamente")
    expect(disclosure).to_contain_text("en papel, sin costo")
