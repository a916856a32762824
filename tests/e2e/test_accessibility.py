"""The customer page and the in-person screen pass axe-core and work from the keyboard."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.portal.builders import shared_estimate

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TOUCH_TARGET = 44


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical findings on the page as it is now."""
    assert AXE.exists(), (
        "axe-core is missing: run `npm install --no-save axe-core@4` (make test does)"
    )
    # Evaluated through the driver, not added as an inline <script>: the page's
    # Content-Security-Policy refuses inline scripts, and this test is not about that.
    page.evaluate(AXE.read_text() + "\n;0")
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def shared(shop):
    shop.allow_recommendation_approval = True
    shop.save()
    return shared_estimate(shop=shop)


def test_the_customer_page_has_no_serious_accessibility_violations(phone, live_server, shared):
    phone.goto(live_server.url + shared.url)
    assert serious_violations(phone) == []


def test_the_customer_page_with_errors_shown_has_no_serious_violations(phone, live_server, shared):
    phone.goto(live_server.url + shared.url)
    phone.get_by_role("button", name="Sign and send my answers").click()
    expect(phone.get_by_text("Your answers were not sent yet.")).to_be_visible()
    assert serious_violations(phone) == []


def test_the_customer_page_in_spanish_has_no_serious_violations(phone, live_server, shared):
    phone.goto(live_server.url + shared.url + "?lang=es")
    assert phone.evaluate("document.documentElement.lang") == "es"
    assert serious_violations(phone) == []


def test_the_in_person_screen_has_no_serious_accessibility_violations(
    logged_in_page, live_server, shared, alice
):
    alice.save()  # UserFactory does not save the password it sets; the login form needs it.
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/ros/{shared.ro.pk}/in-person/")
    assert serious_violations(page) == []
    page.locator("[data-approver-toggle]").click()
    assert serious_violations(page) == []


def test_answers_approver_consent_and_submit_are_reachable_by_keyboard(phone, live_server, shared):
    phone.goto(live_server.url + shared.url)
    reached = []
    for _ in range(40):
        phone.keyboard.press("Tab")
        reached.append(
            phone.evaluate(
                "() => { const e = document.activeElement;"
                " return [e.tagName, e.name || '', e.type || '', e.textContent.trim().slice(0, 40)]; }"
            )
        )
    names = {name for _tag, name, _type, _text in reached}
    assert f"op-{shared.brakes.pk}" in names
    assert f"op-{shared.cabin.pk}" in names
    assert {"contact", "consent"} <= names
    assert ["BUTTON", "", "submit", "Sign and send my answers"] in reached
    # Arrow keys choose within an operation's Approve / Decline pair, Space ticks consent.
    phone.focus(f'input[name="op-{shared.brakes.pk}"][value="approved"]')
    phone.keyboard.press("Space")
    expect(phone.locator("[data-total]")).to_have_text("$340.98")
    phone.keyboard.press("ArrowRight")
    assert (
        phone.locator(f'input[name="op-{shared.brakes.pk}"]:checked').get_attribute("value")
        == "declined"
    )


def test_the_signature_pad_has_a_name_and_instructions(phone, live_server, shared):
    phone.goto(live_server.url + shared.url)
    canvas = phone.locator("[data-signature-canvas]")
    expect(canvas).to_have_accessible_name("Sign here")
    description = canvas.evaluate(
        "c => c.getAttribute('aria-describedby').split(' ')"
        ".map(id => document.getElementById(id).textContent.trim()).join(' ')"
    )
    assert "Use your finger, a stylus or the mouse" in description
    assert "The signature box is empty." in description


def test_touch_targets_are_at_least_44_pixels(phone, live_server, shared):
    phone.goto(live_server.url + shared.url)
    sizes = phone.evaluate(
        """() => [...document.querySelectorAll(
              '.choice-option span, .btn, .select, .check, .lang a, .approver-name:not([hidden])')]
            .map(e => { const r = e.getBoundingClientRect();
                        return [e.className || e.tagName, Math.round(r.width), Math.round(r.height)]; })"""
    )
    assert sizes, "no touch targets found"
    small = [s for s in sizes if s[1] < TOUCH_TARGET or s[2] < TOUCH_TARGET]
    assert small == [], json.dumps(small)


def test_the_customer_mode_unlock_page_has_no_serious_violations(
    logged_in_page, live_server, shared, alice
):
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/ros/{shared.ro.pk}/in-person/")
    page.get_by_role("link", name="Exit").click()
    expect(page.get_by_role("heading", name="This tablet is in customer mode")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Unlock").click()  # empty: the error is shown
    expect(page.get_by_text("Enter the staff password.")).to_be_visible()
    assert serious_violations(page) == []
