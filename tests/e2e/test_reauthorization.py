"""In a real Chromium: a contact approves on their phone, the advisor changes the approved
brake job's labor on the RO page, and the contact's page then says what changed since they
approved."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_pdfs_and_return_totals import _sign_and_send, phone, shared  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_changed_labor_shows_on_the_customer_page_as_changed_since_you_approved(
    phone,  # noqa: F811
    shared,  # noqa: F811
    live_server,
    logged_in_page,
    alice,
):
    phone.goto(live_server.url + shared.url)
    _sign_and_send(phone, {shared.brakes: "Approve", shared.tires: "Approve"})

    staff = logged_in_page(alice)
    staff.goto(f"{live_server.url}/operations/{shared.brakes.pk}/edit/")
    staff.get_by_label("Hours").first.fill("2")
    staff.get_by_role("button", name="Save").click()
    staff.wait_for_url(lambda url: "/edit/" not in url)

    phone.goto(live_server.url + shared.url)
    card = phone.locator(f"#op-{shared.brakes.pk}")
    expect(card.locator(".tag-changed")).to_have_text("Changed since you approved")
    expect(card.locator(".change-details")).to_contain_text("Labor 1.5 h → 2 h")
    expect(card.locator(".change-details")).to_contain_text("$314.99 → $389.99")
    expect(phone.locator(f"#op-{shared.tires.pk} .tag-changed")).to_have_count(0)
    # The brake job asks for an answer again.
    expect(card.get_by_label("Approve", exact=True)).to_be_visible()
