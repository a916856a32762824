"""Copy link on the RO page's links table: the URL is fetched only when asked, then copied."""

import pytest
from playwright.sync_api import expect

from signoff.sharing import services
from tests.sharing.builders import estimate_for, link_for, url_of

pytestmark = pytest.mark.browser


def test_copy_link_puts_the_contacts_link_on_the_clipboard_and_says_so(
    logged_in_page, live_server, shop, alice, monkeypatch
):
    monkeypatch.setattr(services, "_enqueue", lambda message_id: None)
    est = estimate_for(shop)
    link = link_for(est, est.primary, by=alice)
    page = logged_in_page(alice)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/ros/{est.ro.pk}/")
    assert url_of(link) not in page.content()

    row = page.locator(f'tr[data-link="{link.pk}"]')
    row.get_by_role("button", name="Copy link").click()
    expect(row.get_by_role("status")).to_have_text("Link copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == url_of(link)
