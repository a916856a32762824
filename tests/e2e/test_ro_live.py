"""An open RO page shows what changes elsewhere (another advisor's tablet, a customer's phone,
a delivery report) without a reload, and never under staff's hands."""

import pytest
from playwright.sync_api import expect

from tests.sharing.builders import decide, estimate_for

pytestmark = pytest.mark.browser


@pytest.fixture
def est(shop, alice, settings):
    settings.RO_POLL_SECONDS = 1
    alice.save()  # UserFactory does not save the password it sets; the login form needs it.
    return estimate_for(shop)


def test_a_decision_recorded_elsewhere_shows_on_the_open_page_without_a_reload(
    logged_in_page, live_server, est, alice, carol
):
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/ros/{est.ro.pk}/")
    page.evaluate("window.__stillThisPage = true")
    approved = page.locator('[data-total="approved"]')
    expect(approved).to_have_text("$0.00")

    decide(est.brakes, "approved", by=carol)  # on another advisor's tablet

    summary = page.locator("#authorization-summary")
    expect(summary).to_contain_text("Approved Front brake pads", timeout=8000)
    expect(approved).not_to_have_text("$0.00", timeout=8000)
    expect(page.locator("#status-history-heading")).to_be_visible()
    assert page.evaluate("window.__stillThisPage === true")


def test_the_estimate_waits_while_an_operation_form_is_open_then_catches_up(
    logged_in_page, live_server, est, alice, carol
):
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/ros/{est.ro.pk}/")
    page.locator("#add-operation").click()
    title = page.locator("#op-form input[name=title]")
    title.fill("Half typed")

    decide(est.brakes, "approved", by=carol)

    expect(page.locator("#authorization-summary")).to_contain_text(
        "Approved Front brake pads", timeout=8000
    )
    page.wait_for_timeout(2500)  # two more polls: the estimate is left alone meanwhile
    expect(title).to_have_value("Half typed")
    approved = page.locator('[data-total="approved"]')
    expect(approved).to_have_text("$0.00")

    page.locator("#op-form").get_by_role("link", name="Cancel").click()
    expect(approved).not_to_have_text("$0.00", timeout=8000)
