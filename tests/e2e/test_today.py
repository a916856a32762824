"""The Today page: the top bar counts a customer's answer without a reload, the page lists it
until the RO is opened, and it passes axe."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import serious_violations
from tests.sharing.builders import decide, estimate_for

pytestmark = pytest.mark.browser


@pytest.fixture
def est(shop, alice, settings):
    settings.TODAY_POLL_SECONDS = 1
    alice.save()  # UserFactory does not save the password it sets; the login form needs it.
    return estimate_for(shop)


def test_an_answer_shows_in_the_top_bar_without_a_reload_and_until_the_ro_is_opened(
    logged_in_page, live_server, est, alice
):
    page = logged_in_page(alice)  # logging in lands on Today
    expect(page.locator("h1")).to_have_text("Today")
    page.evaluate("window.__stillThisPage = true")
    badge = page.locator("#today-link .count-answered")
    expect(badge).to_have_count(0)

    decide(est.brakes, "approved", source="link")  # the customer answers on their phone

    expect(badge).to_have_text("1 answered since you last looked", timeout=8000)
    assert page.evaluate("window.__stillThisPage === true")
    page.reload()
    answered = page.locator("#answered")
    expect(answered).to_contain_text(est.ro.label)
    assert serious_violations(page) == []

    answered.get_by_role("link", name=est.ro.label).click()
    expect(page.locator("#ro-title")).to_have_text(est.ro.label)
    expect(page.locator("#today-link .count-answered")).to_have_count(0, timeout=8000)
    page.goto(f"{live_server.url}/today/")
    expect(page.locator("#answered")).to_contain_text("No new answers")


def test_the_profile_page_passes_axe(logged_in_page, live_server, est, alice):
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/profile/")
    expect(page.get_by_label("Email me when a customer answers on an RO I advise")).to_be_visible()
    assert serious_violations(page) == []
