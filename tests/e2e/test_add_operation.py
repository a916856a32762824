"""Adding an operation on the RO page in a real browser: the table and totals update in place."""

import pytest
from playwright.sync_api import expect

from signoff.orders.models import Operation
from tests.factories import RepairOrderFactory, priced_operation, priced_ro

pytestmark = pytest.mark.browser


def test_adding_an_operation_with_labor_and_a_part_updates_the_totals_without_a_reload(
    logged_in_page, live_server, shop, alice
):
    # 225.00 labor + 89.99 part, all taxed at 8.25 %
    ro = priced_ro(shop, number=1042, contacts=[{"is_primary": True}], operations=[{}]).ro
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/ros/{ro.pk}/")
    total = page.locator('[data-total="total"]')
    expect(total).to_have_text("$340.98")
    # Marks this document: a full reload would lose it.
    page.evaluate("window.__sameDocument = true")

    page.click("#add-operation")
    form = page.locator("#op-form form")
    expect(form).to_be_visible()
    form.get_by_label("Title").fill("Replace wiper blades")
    form.get_by_label("Hours").fill("0.5")
    form.get_by_label("Labor rate").fill("150")
    form.get_by_label("Part description").fill("Wiper blade, 22 in.")
    form.get_by_label("Part number").fill("WB-22")
    form.get_by_label("Quantity").fill("2")
    form.get_by_label("Unit price").fill("18.50")
    form.get_by_role("button", name="Add operation").click()

    # 314.99 + 75.00 + 37.00 = 426.99; labor on new lines is untaxed by default:
    # tax = 8.25 % of (314.99 + 37.00) = 29.04.
    expect(page.locator('[data-total="subtotal"]')).to_have_text("$426.99")
    expect(total).to_have_text("$456.03")
    expect(page.locator(".ops-table")).to_contain_text("Replace wiper blades")
    expect(page.locator(".ops-table")).to_contain_text("0.5 h × $150.00/h")
    expect(page.locator("#flash")).to_contain_text("Operation “Replace wiper blades” added.")
    expect(page.locator("#op-form")).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True

    op = Operation.objects.get(title="Replace wiper blades")
    assert sorted(op.lines.values_list("kind", "part_number")) == [("labor", ""), ("part", "WB-22")]


def test_an_error_in_a_line_is_shown_in_the_form_and_nothing_is_added(
    logged_in_page, live_server, shop, alice
):
    ro = RepairOrderFactory(shop=shop)
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/ros/{ro.pk}/")
    page.click("#add-operation")
    form = page.locator("#op-form form")
    form.get_by_label("Title").fill("Alignment")
    form.get_by_label("Hours").fill("one")
    form.get_by_role("button", name="+ Fee").click()
    expect(page.locator("tr.line-fee")).to_have_count(1)
    form.get_by_role("button", name="Add operation").click()
    expect(page.locator(".line-errors")).to_contain_text("Enter the hours as a number")
    expect(page.locator('[data-total="total"]')).to_have_text("$0.00")
    assert not Operation.objects.filter(title="Alignment").exists()


def test_moving_and_removing_operations_update_the_table_in_place(
    logged_in_page, live_server, shop, alice
):
    ro = RepairOrderFactory(shop=shop)
    priced_operation(repair_order=ro, title="Brakes")
    priced_operation(repair_order=ro, title="Wipers", labor_hours="0.5", part_price="20.00")
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/ros/{ro.pk}/")
    page.evaluate("window.__sameDocument = true")
    titles = page.locator(".op-name")
    expect(titles).to_have_text(["Brakes", "Wipers"])

    page.get_by_role("button", name="Move “Wipers” up").click()
    expect(titles).to_have_text(["Wipers", "Brakes"])

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#ro-estimate tr", has_text="Wipers").get_by_role("link", name="Remove").click()
    expect(titles).to_have_text(["Brakes"])
    expect(page.locator('[data-total="total"]')).to_have_text("$340.98")
    assert page.evaluate("window.__sameDocument") is True
