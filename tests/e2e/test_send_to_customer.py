"""Send to Customer from the RO page, end to end: rules, the yellow dialog, the outbox."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.sharing.builders import decide, estimate_for

pytestmark = pytest.mark.browser

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def delivered_in_process(settings, live_server):
    """Deliver each message as soon as its share commits, into the dev outbox."""
    settings.TASKS = IMMEDIATE_TASKS
    settings.DEV_OUTBOX = True
    settings.SITE_URL = live_server.url


def test_send_to_customer_from_the_ro_page_to_the_dev_outbox(
    logged_in_page, live_server, shop, alice, delivered_in_process
):
    est = estimate_for(shop)
    page = logged_in_page(alice)
    ro_url = f"{live_server.url}/ros/{est.ro.pk}/"
    page.goto(ro_url)

    send = page.locator("#send-to-customer-button")
    add = page.locator("#add-operation")
    expect(send).to_be_disabled()
    why = page.locator("#send-to-customer-why")  # in words on the page, not in a tooltip
    expect(why).to_be_visible()
    expect(why).to_contain_text("2 are still pending")
    expect(why).to_contain_text("approved on the customer's behalf")
    expect(send).to_have_attribute("aria-describedby", "send-to-customer-why")
    expect(add).to_have_class(re.compile(r"\bbtn-primary\b"))

    decide(est.brakes, "approved", by=alice)
    page.reload()
    expect(send).to_be_disabled()
    expect(why).to_contain_text("1 is still pending")

    decide(est.wipers, "declined", by=alice)
    page.reload()
    expect(send).to_be_enabled()
    expect(why).to_have_count(0)
    # Now the next step, so the one primary button: Add operation steps back.
    expect(send).to_have_class(re.compile(r"\bbtn-primary\b"))
    expect(add).not_to_have_class(re.compile(r"\bbtn-primary\b"))

    send.click()
    dialog = page.locator("#share-send-to-customer")
    expect(dialog).to_be_visible()
    assert dialog.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 248, 214)"
    submit = dialog.get_by_role("button", name="Share estimate")
    expect(submit).to_be_disabled()

    john = dialog.locator(f'input[name="recipient"][value="{est.primary.pk}"]')
    john.check()
    expect(submit).to_be_enabled()
    john.uncheck()
    expect(submit).to_be_disabled()
    john.check()
    # Send to Customer goes by John's preference (email): shown ticked, not editable.
    john_email = dialog.locator(f'input[name="channel"][value="{est.primary.pk}:email"]')
    expect(john_email).to_be_checked()
    expect(john_email).to_be_disabled()
    dialog.get_by_label("Notes for the customer").fill("Pads are in stock; ready this afternoon.")
    submit.click()

    page.wait_for_url(ro_url)
    expect(page.locator(".flash")).to_contain_text("Version 1 shared with John Doe (email)")
    messages = page.locator("#ro-messages [data-message]")
    expect(messages).to_have_count(1)
    expect(messages.first).to_contain_text("john@mail.example")
    expect(messages.first).to_contain_text("Sent")
    expect(page.locator("#ro-messages [data-link]")).to_contain_text("John Doe")

    page.goto(f"{live_server.url}/dev/outbox/")
    expect(page.locator("main")).to_contain_text("john@mail.example")
    page.get_by_role(
        "link", name=f"Your updated estimate from {shop.name} — {est.ro.label}"
    ).click()

    # The email as John gets it: rendered, with the PDF and his own link.
    rendered = page.frame_locator("iframe").locator("body")
    expect(rendered).to_contain_text("Pads are in stock; ready this afternoon.")
    expect(rendered).to_contain_text("$399.43")
    attachment = page.get_by_role("link", name=f"estimate-RO-{est.ro.number}-v1.pdf")
    pdf = page.request.get(live_server.url + attachment.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert f"{est.ro.number}" in pdf_text and "$399.43" in pdf_text

    with page.context.expect_page() as opened:
        page.locator("main a[href*='/s/']").first.click()
    customer_page = opened.value
    customer_page.wait_for_load_state()
    expect(customer_page.locator("body")).to_contain_text(est.ro.label)
    customer_page.close()

    page.goto(ro_url)
    expect(page.locator("#ro-messages [data-link]")).to_contain_text("first ")
