"""In a real Chromium: a contact downloads their estimate PDF, signs and sees where each item
stands, comes back to approved / declined / still-to-decide blocks, and the sticky total bar
never covers a control; staff open the draft's PDF in a new tab."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from signoff.approvals.models import EstimateVersion
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_share_link import draw_signature
from tests.portal.builders import shared_estimate

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shared(shop):
    shop.allow_recommendation_approval = True
    shop.save()
    return shared_estimate(shop=shop)


def _pdf_text(path) -> str:
    with open(path, "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _download(page, name: str):
    with page.expect_download() as caught:
        page.get_by_role("link", name=name).click()
    return caught.value


def _sign_and_send(page, answers: dict) -> None:
    for op, label in answers.items():
        page.locator(f"#op-{op.pk}").get_by_label(label, exact=True).check()
    draw_signature(page)
    expect(page.locator("[data-signature-status]")).to_have_text("Signature captured.")
    page.get_by_label("I agree to sign electronically").check()
    page.get_by_role("button", name="Sign and send my answers").click()
    expect(page.get_by_role("heading", name="Thank you! Your answers were sent.")).to_be_visible()


def _group(page, name: str):
    return page.locator(f'[data-standing="{name}"]')


def test_a_contact_downloads_the_estimate_pdf_the_page_shows(phone, live_server, shared):
    phone.goto(live_server.url + shared.url)
    download = _download(phone, "Download estimate (PDF)")
    expected = f"estimate-RO-{shared.ro.number}-v{shared.version.number}.pdf"
    assert download.suggested_filename == expected
    printed = _pdf_text(download.path())
    assert f"Version {shared.version.number}" in printed
    assert "Front brake pads" in printed and "Wiper blades" in printed
    assert "Customer waits in the lobby." in printed


def test_after_signing_the_done_page_says_what_is_decided_and_what_waits(
    phone, live_server, shared
):
    phone.goto(live_server.url + shared.url)
    _sign_and_send(phone, {shared.brakes: "Approve", shared.wipers: "Decline"})

    expect(phone.locator(".done-left")).to_have_text("2 items still need your answer.")
    expect(_group(phone, "approved")).to_contain_text("Front brake pads")
    expect(_group(phone, "approved")).to_contain_text("By Jordan Lee")
    expect(_group(phone, "declined")).to_contain_text("Wiper blades")
    still = _group(phone, "open")
    expect(still).to_contain_text("Mount and balance tires")
    expect(still).to_contain_text("Cabin air filter")
    expect(phone.get_by_text("Waiting for your answer")).to_have_count(0)
    assert serious_violations(phone) == []

    signed = _download(phone, "Download your signed copy (PDF)")
    assert signed.suggested_filename == f"signed-RO-{shared.ro.number}.pdf"
    printed = _pdf_text(signed.path())
    assert "Jordan Lee" in printed and "Record chain intact" in printed

    phone.get_by_role("link", name="Answer the rest").click()
    expect(phone.locator("#estimate-heading")).to_have_text("2 items still need your answer")


def test_a_return_visit_shows_approved_declined_and_what_is_left(phone, live_server, shared):
    phone.goto(live_server.url + shared.url)
    expect(phone.locator("#estimate-heading")).to_have_text("Work to approve")
    expect(phone.locator("#standing-heading")).to_have_count(0)
    _sign_and_send(phone, {shared.brakes: "Approve", shared.wipers: "Decline"})

    phone.goto(live_server.url + shared.url)
    expect(phone.locator("#standing-heading")).to_have_text("Where things stand")
    approved = _group(phone, "approved")
    expect(approved).to_contain_text("Already approved")
    expect(approved).to_contain_text("$340.98")
    expect(approved).to_contain_text("By Jordan Lee ·")
    expect(_group(phone, "declined")).to_contain_text("Wiper blades")
    expect(_group(phone, "open")).to_contain_text("Mount and balance tires")
    expect(phone.locator("#estimate-heading")).to_have_text("2 items still need your answer")

    total = phone.locator("#approval-total")
    expect(total).to_contain_text("This submission adds")
    expect(total.locator("[data-total]")).to_have_text("$0.00")
    phone.locator(f"#op-{shared.tires.pk}").get_by_label("Approve", exact=True).check()
    expect(total.locator("[data-total]")).to_have_text("$259.79")
    assert serious_violations(phone) == []

    _sign_and_send(phone, {shared.cabin: "Decline"})
    expect(phone.locator(".done-left")).to_have_text("Everything on this estimate is answered.")
    phone.goto(live_server.url + shared.url)
    expect(phone.locator("#estimate-heading")).to_have_text("Everything is answered")


def _overlap(a: dict, b: dict) -> bool:
    return a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def test_the_sticky_total_bar_never_covers_a_control(phone, live_server, shared):
    phone.goto(live_server.url + shared.url)
    bar = phone.locator("#approval-total")
    choices = phone.locator(".ops .choice-option")
    count = choices.count()
    assert count == 8  # Approve and Decline for three estimate items and a recommendation
    # Reached from the keyboard, every answer stops clear of the bar.
    for i in range(count):
        phone.evaluate("window.scrollTo(0, 0)")
        choices.nth(i).locator("input").focus()
        control, covering = choices.nth(i).locator("span").bounding_box(), bar.bounding_box()
        assert control["y"] >= 0 and control["y"] + control["height"] <= PHONE["height"], i
        assert not _overlap(control, covering), f"answer {i} is under the total bar"
    # Scrolling down by hand, the last control comes fully clear above the bar.
    last = choices.nth(count - 1).locator("span")
    last.scroll_into_view_if_needed()
    clear = False
    for _ in range(40):
        control, covering = last.bounding_box(), bar.bounding_box()
        if control["y"] + control["height"] <= covering["y"]:
            clear = True
            break
        phone.mouse.wheel(0, 40)
        phone.wait_for_timeout(50)
    assert clear, "the last answer never comes out from under the total bar"
    assert control["y"] >= 0
    # A tap right there (no scrolling first) reaches the answer, not the bar.
    phone.touchscreen.tap(control["x"] + control["width"] / 2, control["y"] + control["height"] / 2)
    expect(choices.nth(count - 1).locator("input")).to_be_checked()


def test_staff_open_the_drafts_pdf_in_a_new_tab_without_making_a_version(
    live_server, shop, alice, logged_in_page
):
    alice.save()  # UserFactory does not save the password it sets; the login form needs it.
    shared = shared_estimate(shop=shop)
    staff = logged_in_page(alice)
    staff.goto(f"{live_server.url}/ros/{shared.ro.pk}/")
    versions = EstimateVersion.objects.filter(repair_order=shared.ro).count()
    preview = staff.locator("#preview-pdf")
    expect(preview).to_have_attribute("target", "_blank")
    with staff.context.expect_page() as opened:
        preview.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url.endswith(f"/ros/{shared.ro.pk}/estimate-preview.pdf")
    answer = staff.request.get(tab.url)
    assert answer.headers["content-disposition"].startswith("inline;")
    reader = PdfReader(io.BytesIO(answer.body()))
    assert "Draft: the estimate as it is now" in " ".join(reader.pages[0].extract_text().split())
    assert EstimateVersion.objects.filter(repair_order=shared.ro).count() == versions

    row = staff.locator(f'#ro-versions [data-version="{shared.version.number}"]')
    expect(
        row.get_by_role("link", name=f"PDF of version {shared.version.number}")
    ).to_have_attribute("target", "_blank")
