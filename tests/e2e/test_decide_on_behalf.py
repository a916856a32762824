"""Deciding on the customer's behalf from the RO page's operations table, in Chromium."""

import pytest
from playwright.sync_api import expect

from signoff.approvals.models import Decision
from tests.approvals.helpers import ro_with_operations
from tests.e2e.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def ro_page(logged_in_page, live_server, shop, alice):
    alice.save()  # UserFactory does not save the password it sets; the login form needs it.
    ro, ops = ro_with_operations(shop)
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/ros/{ro.pk}/")
    return page, ro, ops


def test_decline_with_a_reason_then_see_it_in_the_table_and_in_view_details(ro_page):
    page, ro, (brakes, _) = ro_page
    page.evaluate("window.__stillThisPage = true")
    page.locator(f"#status-op-{brakes.pk} select").select_option("declined")

    dialog = page.locator("dialog[data-approval-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Decline “Job 1”")
    confirm = dialog.get_by_role("button", name="Decline", exact=True)
    expect(confirm).to_be_disabled()
    background = "el => getComputedStyle(el).backgroundColor"
    assert confirm.evaluate(background) == "rgb(203, 213, 225)"  # greyed

    dialog.get_by_label("Reason").select_option(label="Email")
    expect(confirm).to_be_enabled()
    assert confirm.evaluate(background) == "rgb(37, 99, 235)"  # blue
    dialog.get_by_label("Additional comments").fill("Customer will wait until spring")
    confirm.click()

    expect(page.locator("dialog[data-approval-dialog]")).to_have_count(0)
    cell = page.locator(f"#status-op-{brakes.pk}")
    expect(cell).to_have_attribute("data-status", "declined")
    expect(cell.locator("select option:checked")).to_have_text("Declined")
    assert page.evaluate("window.__stillThisPage === true")  # no full page reload
    expect(page.get_by_text("“Job 1” is now Declined.")).to_be_visible()

    cell.get_by_role("link", name="View details").click()
    details = page.locator("dialog[data-approval-dialog]")
    expect(details).to_be_visible()
    expect(details).to_contain_text("Declined")
    expect(details).to_contain_text("Email")
    expect(details).to_contain_text("Customer will wait until spring")
    expect(details).to_contain_text("Not yet shared with the customer")
    details.get_by_role("button", name="Close").click()
    expect(page.locator("dialog[data-approval-dialog]")).to_have_count(0)
    assert Decision.objects.get().status == "declined"


def test_cancelling_the_pop_up_changes_nothing(ro_page):
    page, ro, (brakes, _) = ro_page
    select = page.locator(f"#status-op-{brakes.pk} select")
    select.select_option("approved")
    dialog = page.locator("dialog[data-approval-dialog]")
    dialog.get_by_label("Reason").select_option(label="Email")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(select).to_have_value("")
    expect(select.locator("option:checked")).to_have_text("Pending")
    assert not Decision.objects.exists()


def test_a_phone_reason_asks_who_approved_and_prefills_the_number_called(ro_page):
    page, ro, (brakes, _) = ro_page
    page.locator(f"#status-op-{brakes.pk} select").select_option("approved")
    dialog = page.locator("dialog[data-approval-dialog]")
    number = dialog.get_by_label("Number called")
    expect(dialog.get_by_label("Approved by")).to_be_hidden()

    dialog.get_by_label("Reason").select_option(label="Phone call")
    expect(dialog.get_by_label("Approved by")).to_be_visible()
    expect(number).to_be_visible()
    primary = ro.customer.contacts.get()
    digits = primary.mobile[2:]
    expect(number).to_have_value(f"({digits[:3]}) {digits[3:6]}-{digits[6:]}")

    dialog.get_by_label("Reason").select_option(label="Verbal at front counter")
    expect(number).to_be_hidden()
    dialog.get_by_role("button", name="Approve", exact=True).click()

    expect(page.locator(f"#status-op-{brakes.pk}")).to_have_attribute("data-status", "approved")
    decision = Decision.objects.get()
    assert decision.contact == primary and decision.phone_number == ""


def test_with_javascript_off_the_drop_down_leads_to_the_same_form_as_a_page(
    browser, live_server, shop, alice
):
    alice.save()
    ro, (brakes, _) = ro_with_operations(shop)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", alice.get_username())
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/ros/{ro.pk}/")
        cell = page.locator(f"#status-op-{brakes.pk}")
        cell.locator("select").select_option("deferred")
        cell.get_by_role("button", name="Change").click()

        expect(page.get_by_role("heading", name="Defer “Job 1”")).to_be_visible()
        page.get_by_label("Reason").select_option(label="Case note")
        page.get_by_role("button", name="Defer", exact=True).click()

        expect(page).to_have_url(f"{live_server.url}/ros/{ro.pk}/#status-op-{brakes.pk}")
        cell = page.locator(f"#status-op-{brakes.pk}")
        expect(cell).to_have_attribute("data-status", "deferred")
        expect(cell.locator("select option:checked")).to_have_text("Deferred")
        # The page scrolled to the row, and the sticky header does not cover it.
        header = page.locator(".topbar").bounding_box()
        assert cell.bounding_box()["y"] >= header["y"] + header["height"]
    finally:
        context.close()


def test_when_the_pop_up_cannot_open_the_drop_down_goes_back_to_the_status(ro_page):
    from django.utils import timezone

    page, ro, (brakes, _) = ro_page
    brakes.removed_at = timezone.now()  # removed in another tab meanwhile
    brakes.save()
    select = page.locator(f"#status-op-{brakes.pk} select")
    select.select_option("approved")
    expect(page.locator("#flash")).to_contain_text("That item no longer exists. Reload the page.")
    expect(select).to_have_value("")
    expect(page.locator("dialog[data-approval-dialog]")).to_have_count(0)
    assert not Decision.objects.exists()
