"""A contact opens their share link on a phone, answers, signs and sends; staff see exactly that."""

import os

import pytest
from playwright.sync_api import expect

from signoff.approvals.models import Decision, Signature, Source, Status
from tests.portal.builders import shared_estimate

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Screenshots for people reviewing the page by eye; only written when asked for.
SHOTS = os.environ.get("SIGNOFF_SCREENSHOTS", "")


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def draw_signature(page) -> None:
    """Sign with the mouse: a few connected strokes across the pad."""
    canvas = page.locator("[data-signature-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + w * (0.1 + i * 0.05), y + h * (0.3 if i % 2 else 0.7), steps=3)
    page.mouse.up()
    page.mouse.move(x + w * 0.72, y + h * 0.5)
    page.mouse.down()
    page.mouse.move(x + w * 0.9, y + h * 0.45, steps=5)
    page.mouse.up()


def test_a_contact_switches_approver_answers_signs_and_staff_see_it(
    phone, live_server, shop, alice, logged_in_page
):
    alice.save()  # UserFactory does not save the password it sets; the login form needs it.
    shared = shared_estimate(shop=shop)
    phone.goto(live_server.url + shared.url)
    expect(phone.get_by_role("heading", name=f"RO {shared.ro.number}")).to_be_visible()
    _shot(phone, "portal-phone-open")

    approver = phone.get_by_label("Who is approving?")
    expect(approver).to_have_value(str(shared.primary.pk))
    approver.select_option(str(shared.spouse.pk))

    phone.locator(f"#op-{shared.brakes.pk}").get_by_label("Approve", exact=True).check()
    phone.locator(f"#op-{shared.tires.pk}").get_by_label("Approve", exact=True).check()
    phone.locator(f"#op-{shared.wipers.pk}").get_by_label("Decline", exact=True).check()
    # brakes 314.99 + tires 239.99, tax 8.25 % on both: 600.77
    expect(phone.locator("[data-total]")).to_have_text("$600.77")
    expect(phone.locator("#consent-text")).to_contain_text("for a total of $600.77 including tax")

    draw_signature(phone)
    expect(phone.locator("[data-signature-status]")).to_have_text("Signature captured.")
    phone.get_by_label("I agree to sign electronically").check()
    _shot(phone, "portal-phone-signed")
    phone.get_by_role("button", name="Sign and send my answers").click()

    expect(phone.get_by_role("heading", name="Thank you! Your answers were sent.")).to_be_visible()
    _shot(phone, "portal-phone-done")

    decisions = {d.operation_id: d for d in Decision.objects.filter(repair_order=shared.ro)}
    assert {k: d.status for k, d in decisions.items()} == {
        shared.brakes.pk: Status.APPROVED,
        shared.tires.pk: Status.APPROVED,
        shared.wipers.pk: Status.DECLINED,
    }
    assert {(d.source, d.contact_id, d.via_link_id) for d in decisions.values()} == {
        (Source.LINK, shared.spouse.pk, shared.link.pk)
    }
    signature = Signature.objects.get(repair_order=shared.ro)
    assert "$600.77" in signature.consent_text
    assert signature.svg.count("<path") == 2

    staff = logged_in_page(alice)
    staff.goto(f"{live_server.url}/ros/{shared.ro.pk}/")
    for op, status in (
        (shared.brakes, "approved"),
        (shared.tires, "approved"),
        (shared.wipers, "declined"),
        (shared.cabin, "pending"),
    ):
        expect(staff.locator(f"#status-op-{op.pk}")).to_have_attribute("data-status", status)
    summary = staff.locator("#authorization-summary")
    expect(summary).to_contain_text("Sam Lee")
    expect(summary).to_contain_text("(Spouse)")
    expect(summary).to_contain_text("Customer share link")
    expect(summary).to_contain_text("$600.77")
    image = summary.locator(f'img[src="/ros/{shared.ro.pk}/signatures/{signature.pk}.png"]')
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    # The image loads lazily, once scrolled near: wait for it rather than race it.
    staff.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    _shot(staff, "portal-staff-summary")
