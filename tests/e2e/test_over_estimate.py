"""An RO whose work passed the shop's over-estimate rule, in Chromium: the banner, and Complete
refused on the page with the rule and the amounts."""

import pytest
from playwright.sync_api import expect

from signoff.approvals.models import ApprovalReason
from signoff.approvals.services import decision_record
from signoff.orders.models import RepairOrder
from signoff.shops.access import actor_for
from tests.factories import priced_operation, priced_ro

pytestmark = pytest.mark.browser


@pytest.fixture
def grown_page(logged_in_page, live_server, shop, alice):
    alice.save()  # UserFactory does not save the password it sets; the login form needs it.
    shop.over_estimate_rule = "michigan"
    shop.save()
    built = priced_ro(
        shop,
        contacts=[{"is_primary": True, "name": "Dana", "email": "dana@mail.example"}],
        operations=[{"title": "Brakes", "labor_hours": "0", "part_price": "1000.00"}],
    )
    reason = ApprovalReason.objects.get(shop=shop, label="Email")
    decision_record(
        actor=actor_for(user=alice, shop_id=shop.pk),
        operation_id=built.operations[0].pk,
        status="approved",
        reason_id=reason.pk,
    )
    RepairOrder.objects.filter(pk=built.ro.pk).update(status="ready")
    priced_operation(repair_order=built.ro, title="Coolant", labor_hours="0", part_price="25.00")
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/ros/{built.ro.pk}/")
    return page, built.ro


def test_complete_is_refused_on_the_page_with_the_rule_and_the_amounts(grown_page):
    page, ro = grown_page
    banner = page.locator("#over-limit")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Until then it cannot be marked ready for pickup or completed.")
    expect(page.locator('[data-total="authorized"]')).to_have_text("$1,000.00")
    expect(page.locator('[data-total="current"]')).to_have_text("$1,025.00")
    expect(page.locator('[data-total="difference"]')).to_have_text("$25.00")

    page.locator("#ro-status").get_by_role("button", name="Complete").click()
    message = page.locator("#flash")
    expect(message).to_contain_text(f"{ro.label} cannot be marked Completed")
    expect(message).to_contain_text("Michigan's rule ($10 or 10%, whichever is less)")
    expect(message).to_contain_text("allows up to $1,010.00 before tax")
    expect(message).to_contain_text("$15.00 needs the customer's authorization first")
    expect(page.locator("[data-ro-status]")).to_have_attribute("data-ro-status", "ready")
    ro.refresh_from_db()
    assert ro.status == "ready"
