"""The staff pages on a phone (390 px) and a tablet (1024 px): nothing scrolls sideways or is cut
off, the pop-ups fit with their buttons in view, touch targets are 44 px, every status shows a
shape as well as its colour at 4.5:1 or better, and axe-core finds nothing serious."""

import json

import pytest
from playwright.sync_api import expect

from signoff.orders.models import RoStatus
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from tests.e2e.test_accessibility import TOUCH_TARGET, serious_violations
from tests.factories import RepairOrderFactory, api_token_for, priced_ro
from tests.sharing.builders import decide

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
SIZES = pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])

OPERATION_STATUSES = ["pending", "approved", "deferred", "declined"]


@pytest.fixture
def shop_data(shop, alice, no_delivery):
    """An RO whose operations are in every approval status (long labor descriptions, three kinds
    of contact), shared with two of them (its messages and links tables fill), and one more RO
    of the same customer in every RO status, for the lists."""
    built = priced_ro(
        shop,
        customer={"name": "Cascade Freight Lines", "kind": "business"},
        contacts=[
            {
                "is_primary": True,
                "name": "Priya Natarajan",
                "email": "priya.natarajan@cascadefreight.example",
                "mobile": "+12135550147",
                "notify": "email",
            },
            {
                "name": "Tom Becker",
                "relationship": "Dispatcher",
                "email": "dispatch@cascadefreight.example",
                "mobile": "+13105550163",
                "notify": "text",
            },
            {"name": "Robert Hale", "relationship": "Owner", "email": "rhale@cascade.example"},
        ],
        operations=[
            {"title": "Replace front brake pads and rotors"},
            {"title": "Mount and balance four drive tires"},
            {"title": "Oil and filter service"},
            {"title": "Coolant flush", "kind": "recommendation"},
            {"title": "Replace cabin air filter", "kind": "recommendation"},
        ],
    )
    ops = built.operations
    for op, status in zip(ops[1:], OPERATION_STATUSES[1:], strict=False):
        decide(op, status, by=alice)
    share_create(
        actor=actor_for(user=alice, shop_id=shop.pk),
        ro_id=built.ro.pk,
        kind="request_approval",
        recipients=[Recipient(contact.pk) for contact in built.contacts[:2]],
    )
    for status in RoStatus.values:
        RepairOrderFactory(shop=shop, customer=built.ro.customer, status=status)
    api_token_for(user=alice, shop=shop, name="Dealer system")
    return built


@pytest.fixture
def staff_pages(shop_data):
    """Every kind of staff page, by name: its path."""
    ro = shop_data.ro
    return {
        "today": "/today/",
        "repair orders": "/",
        "repair order": f"/ros/{ro.pk}/",
        "new repair order": "/ros/new/",
        "customers": "/customers/",
        "customer": f"/customers/{ro.customer_id}/",
        "settings": "/settings/",
        "branding": "/settings/branding/",
        "approval reasons": "/settings/reasons/",
        "e-sign disclosure": "/settings/esign/",
        "api tokens": "/settings/api-tokens/",
        "profile": "/profile/",
    }


@pytest.fixture
def sized_page(browser, live_server, alice):
    """`sized_page(size, user)`: a page of that viewport, signed in as `user` (alice by default)."""
    contexts = []

    def make(size, user=None):
        context = browser.new_context(viewport=size)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", (user or alice).get_username())
        page.fill("input[name=password]", "correct-horse-battery")
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    yield make
    for context in contexts:
        context.close()


# What is cut off: an element whose box leaves the window sideways, or a box whose content is
# wider than it (scrolling or clipped sideways inside the page). Boxes hidden on purpose (the
# visually-hidden helper, a phone's table header) and a shop name cut with an ellipsis are not.
OVERFLOW = """() => {
  const out = [];
  const width = document.documentElement.clientWidth;
  const roots = [...document.querySelectorAll('.topbar, main, dialog[open]')];
  const walk = (el, insideClip) => {
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.clipPath !== 'none' || el.matches('.visually-hidden, dialog:not([open])')) return;
    if (s.position === 'fixed' && el.id === 'flash') return;
    const r = el.getBoundingClientRect();
    if (!insideClip && r.width && (r.left < -1 || r.right > width + 1))
      out.push([el.tagName, el.className, Math.round(r.left), Math.round(r.right)]);
    const clips = s.overflowX !== 'visible' && !el.matches('input, select, textarea');
    if (clips && s.textOverflow !== 'ellipsis' && el.scrollWidth > el.clientWidth + 1)
      out.push([el.tagName, el.className, 'content', el.scrollWidth, 'in', el.clientWidth]);
    for (const child of el.children) walk(child, insideClip || clips);
  };
  roots.forEach(root => walk(root, false));
  return out;
}"""

# Text of an operation's line that runs into its amount ("Front$297.00").
LINES_OVERLAP = """() => [...document.querySelectorAll('.lines tr')].flatMap(tr => {
  const [, text, , amount] = [...tr.children].map(td => td.getBoundingClientRect());
  const apart = text.right <= amount.left + 1 || text.bottom <= amount.top + 1 || amount.bottom <= text.top + 1;
  return apart ? [] : [tr.textContent.trim()];
})"""


@SIZES
def test_no_staff_page_scrolls_sideways_or_cuts_anything_off(
    sized_page, live_server, staff_pages, size
):
    page = sized_page(size)
    for name, path in staff_pages.items():
        page.goto(live_server.url + path)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{name} at {size['width']} px is {widths[0]} px wide"
        assert page.evaluate(OVERFLOW) == [], f"{name} at {size['width']} px"
    # Every section of the top bar can be reached.
    for link in page.locator(".topnav-links a").all():
        expect(link).to_be_in_viewport()
    page.goto(live_server.url + staff_pages["repair order"])
    assert page.evaluate(LINES_OVERLAP) == []
    status = page.locator(".approval-status-form select").first
    box = status.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
    # The operation form, with its table of lines, opens under the table.
    page.locator("#add-operation").click()
    expect(page.locator("#op-form .line-inputs")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(OVERFLOW) == []


def test_the_repair_order_list_becomes_cards_on_a_phone(sized_page, live_server, staff_pages):
    page = sized_page(PHONE)
    page.goto(live_server.url + staff_pages["repair orders"])
    first = page.locator(".ro-table tbody tr").first
    cells = first.locator("td")
    # Each cell on a line of its own, under its column's name.
    lefts = {round(c.bounding_box()["x"]) for c in cells.all()}
    assert len(lefts) == 1
    labels = [c.evaluate("td => getComputedStyle(td, '::before').content") for c in cells.all()]
    assert labels[:4] == ['"RO"', '"Customer"', '"Vehicle"', '"Status"']


def _fits(page, dialog, button) -> None:
    """The dialog is inside the window, scrolls only up and down, and its button is in view on
    top (not under the dialog's scrolling body)."""
    expect(dialog).to_be_visible()
    size = page.viewport_size
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"]
    assert dialog.evaluate("d => d.scrollWidth <= d.clientWidth")
    expect(button).to_be_in_viewport(ratio=1)
    on_top = button.evaluate(
        """b => { const r = b.getBoundingClientRect();
                  const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                  return b === hit || b.contains(hit); }"""
    )
    assert on_top


@SIZES
def test_the_share_dialog_fits_with_share_estimate_in_view(
    sized_page, live_server, staff_pages, size
):
    page = sized_page(size)
    page.goto(live_server.url + staff_pages["repair order"])
    page.locator("#request-approval-button").click()
    dialog = page.locator("#share-request-approval")
    _fits(page, dialog, dialog.get_by_role("button", name="Share estimate"))
    # Scrolled to its end, the heading and the button are still there.
    dialog.evaluate("d => { d.scrollTop = d.scrollHeight; }")
    _fits(page, dialog, dialog.get_by_role("button", name="Share estimate"))
    expect(dialog.get_by_role("heading", name="Request Approval")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page) == []


@SIZES
def test_the_decision_pop_up_fits_with_its_buttons_in_view(
    sized_page, live_server, staff_pages, shop_data, size
):
    page = sized_page(size)
    page.goto(live_server.url + staff_pages["repair order"])
    brakes = shop_data.operations[0]
    page.locator(f"#status-op-{brakes.pk} select").select_option("approved")
    dialog = page.locator("dialog[data-approval-dialog]")
    # A phone call asks the most: who approved and the number called.
    dialog.get_by_label("Reason").select_option(label="Phone call")
    dialog.get_by_label("Approved by").select_option(index=1)
    _fits(page, dialog, dialog.get_by_role("button", name="Approve", exact=True))
    _fits(page, dialog, dialog.get_by_role("button", name="Cancel"))
    assert serious_violations(page) == []


# Everything a finger presses. A link inside a sentence is exempt (WCAG 2.5.8's inline
# exception); the first link of a list's row is not. A checkbox or radio with words is its label;
# one that is off for good, with its reason beside it (no text messaging yet), presses nothing.
TARGETS = """min => [...document.querySelectorAll(
    'main button, main .btn, main select, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
  + ' dialog[open] button, dialog[open] select, dialog[open] input:not([type=hidden]),'
  + ' .topbar a, .topbar button, .topbar select, .tabs a, .approval-status > a, .table td:first-child > a,'
  + ' main label:has(> input[type=checkbox]), main label:has(> input[type=radio]),'
  + ' main input[type=checkbox]:not(label > input), main input[type=radio]:not(label > input)')]
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.width && !e.closest('.visually-hidden, dialog:not([open]), noscript')
                        && !(e.closest('dialog') && !e.closest('dialog[open]')); })
  .filter(e => !(e.matches('input[type=checkbox], input[type=radio]') && (e.closest('label') || e.disabled)))
  .map(e => { const r = e.getBoundingClientRect();
              return [e.tagName + '.' + e.className + ' ' + (e.textContent || e.name || '').trim().slice(0, 24),
                      Math.round(r.width), Math.round(r.height)]; })
  .filter(([, w, h]) => w < min || h < min)"""


def test_touch_targets_on_the_tablet_layout_are_at_least_44_pixels(
    sized_page, live_server, staff_pages
):
    page = sized_page(TABLET)
    for name, path in staff_pages.items():
        page.goto(live_server.url + path)
        small = page.evaluate(TARGETS, TOUCH_TARGET)
        assert small == [], f"{name}: {json.dumps(small)}"
    page.goto(live_server.url + staff_pages["repair order"])
    # The ones the review measured: reorder 28 × 26, View details 82 × 20, Log out 22 high.
    for target in [
        page.locator(".move .icon-btn").first,
        page.get_by_role("link", name="View details").first,
        page.get_by_role("button", name="Log out"),
    ]:
        box = target.bounding_box()
        assert box["width"] >= TOUCH_TARGET and box["height"] >= TOUCH_TARGET
    page.locator("#add-operation").click()
    expect(page.locator("#op-form .line-inputs")).to_be_visible()
    assert page.evaluate(TARGETS, TOUCH_TARGET) == []
    page.locator("#request-approval-button").click()
    expect(page.locator("#share-request-approval")).to_be_visible()
    assert page.evaluate(TARGETS, TOUCH_TARGET) == []


# The contrast of an element's text with its own background, as WCAG computes it.
CONTRAST = """el => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const s = getComputedStyle(el);
  const [a, b] = [lum(s.color), lum(s.backgroundColor)].sort((x, y) => y - x);
  return Math.round((a + 0.05) / (b + 0.05) * 100) / 100;
}"""
SHAPE = "el => getComputedStyle(el, '::before').content"


def test_every_status_badge_has_a_shape_of_its_own_and_enough_contrast(
    sized_page, live_server, staff_pages, bob
):
    page = sized_page(TABLET)
    page.goto(live_server.url + staff_pages["repair orders"])
    shapes = {}
    for status in RoStatus.values:
        badge = page.locator(f".badge-ro-{status}").first
        shapes[status] = badge.evaluate(SHAPE)
        assert badge.evaluate(CONTRAST) >= 4.5, status
    assert "none" not in shapes.values()
    assert len(set(shapes.values())) == len(RoStatus.values), shapes

    # A technician reads the operations' statuses as badges.
    page = sized_page(TABLET, bob)
    page.goto(live_server.url + staff_pages["repair order"])
    shapes = {}
    for status in OPERATION_STATUSES:
        badge = page.locator(f".op-row .badge-{status}").first
        shapes[status] = badge.evaluate(SHAPE)
        assert badge.evaluate(CONTRAST) >= 4.5, status
    assert shapes == {
        "pending": '"○" / ""',
        "approved": '"✓" / ""',
        "deferred": '"\u23f8\ufe0e" / ""',
        "declined": '"✕" / ""',
    }


def test_the_status_drop_down_shows_the_shape_and_the_row_a_border_in_its_colour(
    sized_page, live_server, staff_pages, shop_data
):
    page = sized_page(TABLET)
    page.goto(live_server.url + staff_pages["repair order"])
    seen = {}
    for op, status in zip(shop_data.operations, OPERATION_STATUSES, strict=False):
        cell = page.locator(f"#status-op-{op.pk}")
        expect(cell).to_have_attribute("data-status", status)
        form = cell.locator(".approval-status-form")
        select = cell.locator("select")
        border = page.locator(f"#op-{op.pk} > td").first.evaluate(
            "td => getComputedStyle(td).boxShadow"
        )
        seen[status] = (
            form.evaluate(SHAPE),
            select.evaluate("s => getComputedStyle(s).color"),
            border,
        )
        assert select.evaluate(CONTRAST) >= 4.5, status
        assert seen[status][1] in border  # the row's left border is the drop-down's colour
    for part in range(3):
        assert len({v[part] for v in seen.values()}) == 4, seen


@SIZES
def test_axe_finds_nothing_serious_on_any_staff_page(
    sized_page, live_server, staff_pages, size, bob
):
    page = sized_page(size)
    for name, path in staff_pages.items():
        page.goto(live_server.url + path)
        assert serious_violations(page) == [], name
    page = sized_page(size, bob)
    page.goto(live_server.url + staff_pages["repair order"])
    assert serious_violations(page) == [], "repair order, read only"
    page.get_by_role("link", name="View details").nth(1).click()
    expect(page.locator("dialog[data-approval-dialog]")).to_be_visible()
    assert serious_violations(page) == [], "an operation's history"
