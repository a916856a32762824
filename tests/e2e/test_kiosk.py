"""The counter tablet in customer mode: the customer can only answer, sign and see the
thank-you page; every way out of the screen asks for the staff member's password."""

import pytest
from playwright.sync_api import expect

from signoff.approvals.models import Decision
from tests.e2e.conftest import TEST_PASSWORD
from tests.e2e.test_share_link import draw_signature
from tests.factories import priced_ro

pytestmark = pytest.mark.browser

LOCKED = "This tablet is in customer mode"


def test_the_counter_screen_is_left_only_with_the_staff_password(
    logged_in_page, live_server, shop, carol
):
    built = priced_ro(
        shop,
        customer={"name": "Maria Lopez"},
        contacts=[{"name": "Maria Lopez", "is_primary": True, "language": "en"}],
        operations=[{"title": "Front brake pads"}],
    )
    ro, (brakes,) = built.ro, built.operations
    other = priced_ro(shop, operations=[{"title": "Another customer's job"}]).ro
    page = logged_in_page(carol)
    page.goto(f"{live_server.url}/ros/{ro.pk}/")
    page.get_by_role("link", name="Approval in person").click()
    page.wait_for_url(f"**/ros/{ro.pk}/in-person/")

    # The screen's own way out asks for the password, and offers the way back.
    page.get_by_role("link", name="Exit").click()
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible()
    expect(page.get_by_text("Front brake pads")).to_have_count(0)
    page.get_by_role("link", name="Back to the approval screen").click()
    page.wait_for_url(f"**/ros/{ro.pk}/in-person/**")

    # Typing a staff address, or another RO's counter screen, gets the same page.
    for path in ("/customers/", "/settings/", f"/ros/{other.pk}/in-person/", "/admin/"):
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", name=LOCKED)).to_be_visible()
        expect(page.get_by_text("Another customer's job")).to_have_count(0)
    page.go_back()

    # The customer's own steps work: answer, sign, send, thank-you page.
    page.goto(f"{live_server.url}/ros/{ro.pk}/in-person/")
    page.locator(f"#op-{brakes.pk}").get_by_label("Approve", exact=True).check()
    draw_signature(page)
    page.get_by_label("I agree to sign electronically").check()
    page.get_by_role("button", name="Sign and send my answers").click()
    expect(
        page.get_by_role("heading", name="Thank you! Your answers are recorded.")
    ).to_be_visible()
    assert Decision.objects.get(operation=brakes).status == "approved"

    # Handing back: a wrong password is refused, the right one opens the RO page.
    page.get_by_role("link", name="Back to the repair order").click()
    password = page.get_by_label(f"Password of {carol.get_full_name()}")
    password.fill("not-the-password")
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"That is not the password of {carol.get_full_name()}."
    )
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible()
    page.get_by_label(f"Password of {carol.get_full_name()}").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Unlock").click()
    page.wait_for_url(f"**/ros/{ro.pk}/")
    expect(page.get_by_text("Customer mode ended")).to_be_visible()
    page.get_by_role("link", name="Customers").click()
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()


def test_too_many_wrong_passwords_sign_the_tablet_out(
    logged_in_page, live_server, shop, carol, settings
):
    settings.KIOSK_UNLOCK_LIMIT = 2
    ro = priced_ro(
        shop,
        contacts=[{"name": "Maria Lopez", "is_primary": True}],
        operations=[{"title": "Front brake pads"}],
    ).ro
    page = logged_in_page(carol)
    page.goto(f"{live_server.url}/ros/{ro.pk}/in-person/")
    page.get_by_role("link", name="Exit").click()
    for guess in ("1234", "password"):
        page.get_by_label(f"Password of {carol.get_full_name()}").fill(guess)
        page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_role("heading", name="This tablet was signed out")).to_be_visible()
    page.goto(f"{live_server.url}/ros/{ro.pk}/")
    page.wait_for_url("**/login/**")
