"""Feedback on the staff pages: an htmx action's control shows progress and cannot be pressed
again until its answer comes, and the answer's message is seen where the user is looking."""

import re

import pytest
from playwright.sync_api import expect

from signoff.approvals.models import Decision
from tests.approvals.helpers import ro_with_operations

pytestmark = pytest.mark.browser

TABLET = {"width": 1024, "height": 768}


@pytest.fixture
def ro_page(browser, live_server, shop, alice):
    """An RO with eight operations (far taller than the window) open at 1024 × 768 as alice."""
    ro, ops = ro_with_operations(shop, count=8)
    context = browser.new_context(viewport=TABLET)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", alice.get_username())
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"{live_server.url}/ros/{ro.pk}/")
    yield page, ro, ops
    context.close()


class Held:
    """Requests to URLs matching `pattern` wait until `release()`: the page sees a slow server."""

    def __init__(self, page, pattern: str, method: str = "POST"):
        self.routes = []
        self.method = method
        page.route(re.compile(pattern), self._hold)

    def _hold(self, route):
        if route.request.method == self.method:
            self.routes.append(route)
        else:
            route.continue_()

    def wait(self, page):
        for _ in range(100):
            if self.routes:
                return
            page.wait_for_timeout(50)
        raise AssertionError("the request never left")

    def release(self):
        while self.routes:
            self.routes.pop().continue_()


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def test_a_reorder_button_is_disabled_and_busy_while_its_request_runs(ro_page):
    page, ro, ops = ro_page
    down = page.get_by_role("button", name=f"Move “{ops[0].title}” down")
    held = Held(page, r"/operations/\d+/move/$")
    down.click()
    held.wait(page)
    expect(down).to_be_disabled()
    expect(down).to_have_class(re.compile(r"\bis-busy\b"))
    expect(down).to_have_attribute("aria-busy", "true")
    # The spinner is drawn beside the arrow.
    assert down.evaluate("b => getComputedStyle(b, '::after').animationName") == "signoff-spin"
    held.release()
    # The answer re-renders the table: the operation is second now, its buttons usable again.
    expect(page.locator(".op-row").nth(1)).to_have_id(f"op-{ops[0].pk}")
    expect(page.get_by_role("button", name=f"Move “{ops[0].title}” down")).to_be_enabled()
    expect(page.locator(".is-busy")).to_have_count(0)


def test_a_link_that_posts_stops_taking_clicks_until_it_is_answered(ro_page):
    page, ro, ops = ro_page
    page.on("dialog", lambda d: d.accept())  # Remove asks first
    remove = page.locator(f"#op-{ops[7].pk}").get_by_role("link", name="Remove")
    remove.scroll_into_view_if_needed()
    held = Held(page, r"/operations/\d+/remove/$")
    remove.click()
    held.wait(page)
    expect(remove).to_have_attribute("aria-disabled", "true")
    assert remove.evaluate("a => getComputedStyle(a).pointerEvents") == "none"
    held.release()
    expect(page.locator(f"#op-{ops[7].pk}")).to_have_count(0)
    message = page.locator("#flash .flash-msg")
    expect(message).to_contain_text(ops[7].title)
    assert in_viewport(page, message)


def test_the_decision_s_message_is_seen_where_the_user_decided_without_a_scroll(ro_page):
    page, ro, ops = ro_page
    last = ops[-1]
    select = page.locator(f"#status-op-{last.pk} select")
    select.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 600  # the flash area at the top of the page is far out of view
    select.select_option("approved")
    dialog = page.locator("dialog[data-approval-dialog]")
    expect(dialog).to_be_visible()
    assert page.evaluate("window.scrollY") == scrolled  # opening the pop-up keeps the place
    dialog.get_by_label("Reason").select_option(label="Email")
    confirm = dialog.get_by_role("button", name="Approve", exact=True)

    held = Held(page, r"/operations/\d+/decide/$")
    confirm.click()
    held.wait(page)
    expect(confirm).to_be_disabled()
    expect(confirm).to_have_class(re.compile(r"\bis-busy\b"))
    confirm.evaluate("b => b.click()")  # a second press while it runs sends nothing
    held.release()

    message = page.get_by_text(f"“{last.title}” is now Approved.")
    expect(message).to_be_visible()
    assert page.evaluate("window.scrollY") == scrolled
    assert in_viewport(page, message)
    expect(page.locator("#flash")).to_have_attribute("aria-live", "polite")
    # It does not cover the drop-down just used.
    m, s = message.bounding_box(), select.bounding_box()
    assert m["y"] + m["height"] <= s["y"] or s["y"] + s["height"] <= m["y"]
    assert Decision.objects.filter(operation=last).count() == 1
    # It can be dismissed.
    page.get_by_role("button", name="Dismiss this message").click()
    expect(message).to_have_count(0)


def test_an_error_while_a_pop_up_is_open_is_said_inside_the_pop_up(ro_page):
    page, ro, ops = ro_page
    page.locator(f"#status-op-{ops[0].pk} select").select_option("declined")
    dialog = page.locator("dialog[data-approval-dialog]")
    dialog.get_by_label("Reason").select_option(label="Email")
    decide_url = re.compile(r"/operations/\d+/decide/$")
    page.route(decide_url, lambda route: route.fulfill(status=503))
    confirm = dialog.get_by_role("button", name="Decline", exact=True)
    confirm.click()
    expect(dialog.get_by_role("alert")).to_contain_text("cannot reach its database")
    expect(confirm).to_be_enabled()  # it can be tried again
    assert not Decision.objects.exists()
    page.unroute(decide_url)
    confirm.click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_text(f"“{ops[0].title}” is now Declined.")).to_be_visible()
    assert Decision.objects.get().status == "declined"


def test_a_request_nobody_pressed_for_holds_no_control(ro_page):
    """The top bar's Today link asks for its counts by itself: it is not made busy or disabled."""
    page, ro, ops = ro_page
    held = Held(page, r"/today/badge/", method="GET")
    page.reload()
    held.wait(page)
    link = page.locator("#today-link")
    expect(link).not_to_have_attribute("aria-disabled", "true")
    expect(link).not_to_have_class(re.compile(r"\bis-busy\b"))
    held.release()
