"""Approval in person: from the RO page to the counter screen, signed by another contact."""

import pytest
from playwright.sync_api import expect

from signoff.approvals.models import Decision, Signature, Source, Status
from tests.e2e.conftest import TEST_PASSWORD
from tests.e2e.test_share_link import draw_signature
from tests.factories import priced_ro

pytestmark = pytest.mark.browser


def test_staff_open_the_counter_screen_and_the_chosen_contact_signs(
    logged_in_page, live_server, shop, carol
):
    carol.save()  # UserFactory does not save the password it sets; the login form needs it.
    built = priced_ro(
        shop,
        customer={"name": "Cascade Freight Lines", "kind": "business"},
        contacts=[
            {"name": "Pat Moreno", "relationship": "Fleet manager", "is_primary": True},
            {"name": "Lee Chen", "relationship": "Dispatcher"},
        ],
        operations=[
            {"title": "DOT inspection", "labor_hours": "1.0", "part_price": "0"},
            {"title": "Steer tires", "labor_hours": "1.2", "part_price": "420.00"},
        ],
    )
    ro, (_, dispatcher), (inspection, tires) = built.ro, built.contacts, built.operations

    page = logged_in_page(carol)
    page.goto(f"{live_server.url}/ros/{ro.pk}/")
    page.get_by_role("link", name="Approval in person").click()
    page.wait_for_url(f"**/ros/{ro.pk}/in-person/")

    name = page.locator("[data-approver-toggle]")
    # The name in blue, with the relationship beside it.
    expect(name).to_have_text("Pat Moreno (Primary)")
    assert name.evaluate("b => getComputedStyle(b).color") == "rgb(29, 78, 216)"  # blue
    expect(page.get_by_role("combobox", name="Who is approving?")).to_be_hidden()
    name.click()
    approver = page.get_by_role("combobox", name="Who is approving?")
    expect(approver).to_be_visible()
    expect(approver.locator("option")).to_have_text(
        ["Pat Moreno (Primary)", "Lee Chen (Dispatcher)"]
    )
    approver.select_option(str(dispatcher.pk))
    expect(name).to_have_text("Lee Chen (Dispatcher)")

    page.locator(f"#op-{inspection.pk}").get_by_label("Approve", exact=True).check()
    page.locator(f"#op-{tires.pk}").get_by_label("Decline", exact=True).check()
    expect(page.locator("[data-total]")).to_have_text("$162.38")  # 150.00 + 8.25 % tax
    draw_signature(page)
    page.get_by_label("I agree to sign electronically").check()
    page.get_by_role("button", name="Sign and send my answers").click()
    expect(
        page.get_by_role("heading", name="Thank you! Your answers are recorded.")
    ).to_be_visible()

    decisions = list(Decision.objects.filter(repair_order=ro).order_by("sequence"))
    assert [(d.operation_id, d.status) for d in decisions] == [
        (inspection.pk, Status.APPROVED),
        (tires.pk, Status.DECLINED),
    ]
    assert {(d.source, d.recorded_by_id, d.contact_id) for d in decisions} == {
        (Source.IN_PERSON, carol.pk, dispatcher.pk)
    }
    signature = Signature.objects.get(repair_order=ro)

    # The tablet stays in customer mode until staff give their password back at the counter.
    page.get_by_role("link", name="Back to the repair order").click()
    expect(page.get_by_role("heading", name="This tablet is in customer mode")).to_be_visible()
    page.get_by_label(f"Password of {carol.get_full_name()}").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Unlock").click()
    page.wait_for_url(f"**/ros/{ro.pk}/")
    summary = page.locator("#authorization-summary")
    expect(summary).to_contain_text("Lee Chen")
    expect(summary).to_contain_text("(Dispatcher)")
    expect(summary).to_contain_text("In person")
    expect(summary).to_contain_text(f"recorded by {carol.get_full_name()}")
    expect(
        summary.locator(f'img[src="/ros/{ro.pk}/signatures/{signature.pk}.png"]')
    ).to_be_visible()
