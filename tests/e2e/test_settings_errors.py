"""The settings page after a refused save: the first field in error is in view and focused,
each message sits under its field, and the summary's links take the cursor to theirs."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _in_view(page, selector: str) -> bool:
    """Entirely inside the viewport, clear of the sticky top bar and the sticky save bar."""
    return page.evaluate(
        """(sel) => {
          const r = document.querySelector(sel).getBoundingClientRect();
          const top = document.querySelector(".topbar").getBoundingClientRect().bottom;
          const bar = document.querySelector(".sticky-actions").getBoundingClientRect().top;
          return r.top >= top && r.bottom <= bar;
        }""",
        selector,
    )


@pytest.mark.parametrize("width", [390, 1024, 1440])
def test_after_a_refused_save_the_first_field_in_error_is_in_view_and_focused(
    browser, live_server, shop, alice, width
):
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", alice.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)

    page.goto(f"{live_server.url}/settings/")
    # Two mistakes far down the page; the top of the page is fine.
    page.fill("#id_link_expiry_days", "999")
    page.fill("#id_quiet_hours_start", "21:00")
    page.fill("#id_quiet_hours_end", "")
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_load_state()

    first = page.locator("#id_link_expiry_days")
    expect(first).to_be_focused()
    assert _in_view(page, "#id_link_expiry_days")
    assert (
        page.evaluate("window.scrollY") > 0
    )  # it was scrolled to, the page was not left at the top
    # The message is right under its own field, and in view with it.
    message = page.locator("#id_link_expiry_days_error")
    expect(message).to_have_text("Enter a number of days between 1 and 365.")
    assert _in_view(page, "#id_link_expiry_days_error")
    assert message.evaluate(
        "e => e.closest('.field') === document.querySelector('#id_link_expiry_days').closest('.field')"
    )
    expect(page.locator("#id_quiet_hours_end_error")).to_have_text(
        "Quiet hours need both a start and an end, or leave both empty."
    )

    # The summary at the top names both, and each link takes the cursor to its field.
    page.evaluate("window.scrollTo(0, 0)")
    summary = page.locator(".form-errors")
    expect(summary).to_contain_text("nothing was saved")
    summary.get_by_role("link", name="Quiet hours until:").click()
    expect(page.locator("#id_quiet_hours_end")).to_be_focused()
    assert _in_view(page, "#id_quiet_hours_end")
    context.close()

    shop.refresh_from_db()
    assert shop.link_expiry_days == 30
