"""The RO page keeps itself current: after a write through htmx every part that depends on it
shows the change without a page reload."""

import pytest
from playwright.sync_api import expect

from signoff.sharing import services
from signoff.sharing.models import ShareLink
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from tests.sharing.builders import decide, estimate_for

pytestmark = pytest.mark.browser


@pytest.fixture
def est(shop, alice):
    alice.save()  # UserFactory does not save the password it sets; the login form needs it.
    return estimate_for(shop)


def test_approving_on_behalf_updates_the_summary_totals_and_send_gate_without_a_reload(
    logged_in_page, live_server, est, alice
):
    decide(est.wipers, "declined", by=alice)
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/ros/{est.ro.pk}/")
    page.evaluate("window.__stillThisPage = true")
    summary = page.locator("#authorization-summary")
    expect(summary.locator(".authz-ops")).to_have_text(["Declined Wiper blades"])
    expect(page.locator('[data-total="approved"]')).to_have_text("$0.00")
    expect(page.locator("#send-to-customer-button")).to_be_disabled()

    page.locator(f"#status-op-{est.brakes.pk} select").select_option("approved")
    dialog = page.locator("dialog[data-approval-dialog]")
    dialog.get_by_label("Reason").select_option(label="Email")
    dialog.get_by_role("button", name="Approve", exact=True).click()

    expect(dialog).to_have_count(0)
    expect(summary).to_contain_text("Approved Front brake pads")
    expect(summary).to_contain_text("Declined Wiper blades")
    expect(page.locator('[data-total="approved"]')).not_to_have_text("$0.00")
    expect(page.locator("#send-to-customer-button")).to_be_enabled()
    assert page.evaluate("window.__stillThisPage === true")  # no full page reload


def test_revoke_asks_once_then_the_links_table_shows_it_revoked_without_a_reload(
    logged_in_page, live_server, est, alice, shop, monkeypatch
):
    monkeypatch.setattr(services, "_enqueue", lambda message_id: None)
    [link] = share_create(
        actor=actor_for(user=alice, shop_id=shop.pk),
        ro_id=est.ro.pk,
        kind="request_approval",
        recipients=[Recipient(est.primary.pk)],
    ).links
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/ros/{est.ro.pk}/")
    page.evaluate("window.__stillThisPage = true")
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    row = page.locator(f'tr[data-link="{link.pk}"]')
    row.get_by_role("button", name="Revoke").click()

    expect(row).to_contain_text("Revoked")
    expect(page.locator("#flash")).to_contain_text("link was revoked")
    assert questions == [f"Revoke {est.primary.name}'s link? It will stop opening at once."]
    assert ShareLink.objects.get(pk=link.pk).revoked_at is not None
    assert page.evaluate("window.__stillThisPage === true")


def test_cancelling_revoke_keeps_the_link(
    logged_in_page, live_server, est, alice, shop, monkeypatch
):
    monkeypatch.setattr(services, "_enqueue", lambda message_id: None)
    [link] = share_create(
        actor=actor_for(user=alice, shop_id=shop.pk),
        ro_id=est.ro.pk,
        kind="request_approval",
        recipients=[Recipient(est.primary.pk)],
    ).links
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/ros/{est.ro.pk}/")
    questions = []

    def refuse(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    row = page.locator(f'tr[data-link="{link.pk}"]')
    row.get_by_role("button", name="Revoke").click()
    page.wait_for_timeout(300)
    assert len(questions) == 1
    expect(row).to_contain_text("Active")
    assert ShareLink.objects.get(pk=link.pk).revoked_at is None
