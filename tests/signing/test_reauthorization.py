"""Re-authorization on change: an edit returns the approved work to Pending with the change in
words; the customer's page, the next share's email and the staff's View details say what
changed since the contact approved, in the contact's language, naming amounts only where the
share shows prices."""

import pytest

from signoff.approvals.models import Source, Status
from signoff.approvals.selectors import latest_decisions
from signoff.orders.services import operation_remove, operation_update
from signoff.sharing.compose import compose_message
from signoff.sharing.models import Share
from tests.portal.builders import shared_estimate, signature_fields

pytestmark = pytest.mark.django_db

LABOR_AND_FLUID = [
    {"kind": "labor", "quantity": "2", "unit_price": "150"},
    {
        "kind": "part",
        "description": "Pads",
        "part_number": "BP-1",
        "quantity": "1",
        "unit_price": "89.99",
    },
    {"kind": "part", "description": "Brake fluid", "quantity": "1", "unit_price": "15.00"},
]
WORDS = "Labor 1.5 h → 2 h; part “Brake fluid” added; $314.99 → $404.99"


def _approve_all(client, shared):
    response = client.post(
        shared.url,
        {
            "version": shared.version.pk,
            f"op-{shared.brakes.pk}": "approved",
            f"op-{shared.tires.pk}": "approved",
            f"op-{shared.wipers.pk}": "declined",
            "contact": shared.primary.pk,
            "consent": "yes",
            **signature_fields(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]


def _card(html, op_id):
    start = html.rindex("<article", 0, html.index(f'id="op-{op_id}"'))
    return html[start : html.index("</article>", start)]


def test_an_edit_of_approved_work_returns_it_to_pending_saying_what_changed(client, shared, owner):
    _approve_all(client, shared)
    operation_update(actor=owner, operation_id=shared.brakes.pk, data={"lines": LABOR_AND_FLUID})
    latest = latest_decisions(operation_ids=[shared.brakes.pk])[shared.brakes.pk]
    assert (latest.status, latest.source) == (Status.PENDING, Source.SYSTEM)
    assert latest.comment == f"Returned to Pending after a change: {WORDS}"


def test_staff_see_the_difference_in_view_details(client, alice_client, shared, owner):
    _approve_all(client, shared)
    operation_update(actor=owner, operation_id=shared.brakes.pk, data={"lines": LABOR_AND_FLUID})
    html = alice_client.get(f"/operations/{shared.brakes.pk}/history/").content.decode()
    assert "Labor 1.5 h → 2 h; part “Brake fluid” added; $314.99 → $404.99" in html


def test_the_customer_page_marks_it_changed_since_you_approved_with_the_words(
    client, shared, owner
):
    _approve_all(client, shared)
    operation_update(actor=owner, operation_id=shared.brakes.pk, data={"lines": LABOR_AND_FLUID})
    html = client.get(shared.url).content.decode()
    card = _card(html, shared.brakes.pk)
    assert "Changed since you approved" in card
    for words in ("Labor 1.5 h → 2 h", "part “Brake fluid” added", "$314.99 → $404.99"):
        assert words in card
    # Only what changed is marked: the tires were approved too and did not change.
    assert "Changed" not in _card(html, shared.tires.pk)
    changes = html[html.index("What changed since your last approval") :]
    assert "Changed since you approved" in changes and "Labor 1.5 h → 2 h" in changes


def test_removing_approved_work_is_shown_the_same_way(client, shared, owner):
    _approve_all(client, shared)
    operation_remove(actor=owner, operation_id=shared.tires.pk)
    html = client.get(shared.url).content.decode()
    changes = html[html.index("What changed since your last approval") :]
    assert "Removed after you approved it" in changes and "Mount and balance tires" in changes


def test_a_declined_operation_that_changed_is_changed_not_changed_since_approved(
    client, shared, owner
):
    _approve_all(client, shared)
    operation_update(actor=owner, operation_id=shared.wipers.pk, data={"title": "Wipers (premium)"})
    card = _card(client.get(shared.url).content.decode(), shared.wipers.pk)
    assert ">Changed<" in card and "since you approved" not in card
    assert "Title “Wiper blades” → “Wipers (premium)”" in card


def test_the_spanish_page_says_it_in_spanish(client, shop, owner):
    shared = shared_estimate(shop=shop, language="es")
    _approve_all(client, shared)
    operation_update(actor=owner, operation_id=shared.brakes.pk, data={"lines": LABOR_AND_FLUID})
    card = _card(client.get(shared.url).content.decode(), shared.brakes.pk)
    assert "Cambió desde que lo aprobó" in card
    assert "Mano de obra 1.5 h → 2 h" in card and "Se añadió pieza “Brake fluid”" in card


def test_a_share_without_prices_names_no_amount(client, shop, owner):
    shared = shared_estimate(shop=shop, sections=["customer_vehicle", "recommendations"])
    _approve_all(client, shared)
    operation_update(actor=owner, operation_id=shared.brakes.pk, data={"lines": LABOR_AND_FLUID})
    card = _card(client.get(shared.url).content.decode(), shared.brakes.pk)
    assert "Labor 1.5 h → 2 h" in card and "part “Brake fluid” added" in card
    assert "$" not in card


def test_the_next_shares_email_lists_what_changed_since_they_approved(client, shared, owner):
    _approve_all(client, shared)
    operation_update(actor=owner, operation_id=shared.brakes.pk, data={"lines": LABOR_AND_FLUID})
    from signoff.approvals.versions import version_freeze

    version, _ = version_freeze(repair_order=shared.ro)
    share = Share.objects.create(
        shop=shared.ro.shop, repair_order=shared.ro, version=version, kind="request_approval"
    )
    email = compose_message(share=share, contact=shared.primary, channel="email")
    assert "Changed since you approved (please look again):" in email.body_text
    assert f"- Front brake pads: {WORDS}" in email.body_text
    assert "Front brake pads: Labor 1.5 h → 2 h" in email.body_html
    # The spouse never approved: nothing is "changed since you approved" for them.
    other = compose_message(share=share, contact=shared.spouse, channel="email")
    assert "Changed since you approved" not in other.body_text
