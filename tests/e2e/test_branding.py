"""An owner gives the shop a logo and a light accent colour; the customer page follows, readable
and unbroken at phone and tablet widths."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import TOUCH_TARGET, serious_violations
from tests.e2e.test_responsive import TARGETS
from tests.portal.builders import shared_estimate
from tests.support.logos import HOSTILE_SVGS, brand_shop, png_logo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fresh_logo_storage")]

YELLOW = "rgb(255, 204, 0)"
INK = "rgb(27, 35, 48)"


def _loaded(locator) -> bool:
    return locator.evaluate("img => img.complete && img.naturalWidth > 0")


def test_an_owner_brands_the_shop_and_the_customer_page_follows(
    logged_in_page, live_server, browser, shop, alice, tmp_path
):
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/settings/branding/")
    hostile = tmp_path / "logo.svg"
    hostile.write_bytes(HOSTILE_SVGS["an onload handler"])
    page.set_input_files("input[name=logo]", str(hostile))
    page.click("text=Save branding")
    expect(page.locator("#id_logo_error")).to_contain_text("an event handler (onload= on <svg>)")

    logo = tmp_path / "logo.png"
    logo.write_bytes(png_logo())
    page.set_input_files("input[name=logo]", str(logo))
    page.fill("input[name=accent_color]", "#ffcc00")
    page.click("text=Save branding")
    expect(page.locator(".flash")).to_contain_text("Branding saved.")
    expect(page.locator("#brand-facts")).to_contain_text("with dark text on it")
    assert _loaded(page.locator(".brand-preview-logo"))
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1024, "height": 768})
    assert page.evaluate(TARGETS, TOUCH_TARGET) == []  # Remove logo and the file picker too
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    shared = shared_estimate(shop=shop)
    for width in (390, 1024):
        context = browser.new_context(viewport={"width": width, "height": 844})
        customer = context.new_page()
        customer.goto(live_server.url + shared.url)
        assert _loaded(customer.locator(".shopbar-logo"))
        bar = customer.locator(".shopbar")
        assert bar.evaluate("e => getComputedStyle(e).backgroundColor") == YELLOW
        assert bar.evaluate("e => getComputedStyle(e).color") == INK
        assert customer.evaluate("document.documentElement.scrollWidth <= innerWidth")
        assert serious_violations(customer) == []  # colour contrast included
        context.close()


@pytest.mark.parametrize("accent", ["#ff0000", "#7a1f1f", "#ffee00", "#00ffff"])
def test_any_accent_keeps_the_customer_page_readable(browser, live_server, shop, accent):
    brand_shop(shop, accent=accent)
    shared = shared_estimate(shop=shop)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    customer = context.new_page()
    customer.goto(live_server.url + shared.url)
    assert serious_violations(customer) == []
    context.close()
