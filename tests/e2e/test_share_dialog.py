"""The Request Approval dialog's contacts: a contact not chosen shows empty channel boxes."""

import pytest
from playwright.sync_api import expect

from tests.sharing.builders import estimate_for

pytestmark = pytest.mark.browser


def test_a_contact_not_chosen_shows_empty_channel_boxes_and_gets_them_back_when_chosen(
    logged_in_page, live_server, shop, alice
):
    shop.sms_status = "approved"
    shop.sms_sender = "+15035550199"
    shop.save()
    est = estimate_for(shop)
    page = logged_in_page(alice)
    page.goto(f"{live_server.url}/ros/{est.ro.pk}/")
    page.locator("#request-approval-button").click()
    dialog = page.locator("#share-request-approval")
    expect(dialog).to_be_visible()

    jane = dialog.locator(f'input[name="recipient"][value="{est.spouse.pk}"]')
    jane_text = dialog.locator(f'input[name="channel"][value="{est.spouse.pk}:sms"]')
    jane_email = dialog.locator(f'input[name="channel"][value="{est.spouse.pk}:email"]')
    expect(jane).not_to_be_checked()
    # Not greyed and ticked, which reads as "will be sent": empty, and off until she is chosen.
    for box in (jane_text, jane_email):
        expect(box).not_to_be_checked()
        expect(box).to_be_disabled()

    jane.check()
    expect(jane_text).to_be_checked()  # her preference (text) comes back
    expect(jane_text).to_be_enabled()
    expect(jane_email).not_to_be_checked()
    jane_email.check()
    jane.uncheck()
    expect(jane_email).not_to_be_checked()
    jane.check()
    expect(jane_email).to_be_checked()  # what staff ticked comes back too
    expect(jane_text).to_be_checked()
