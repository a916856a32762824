"""The status drop-down's pop-up: htmx dialog, the same form as a page without JavaScript."""

import json

import pytest
from django.template.loader import render_to_string

from signoff.approvals.models import ApprovalReason, Decision, Status
from signoff.approvals.selectors import status_row
from signoff.shops.access import actor_for
from signoff.web.operations_table import operation_table
from tests.approvals.helpers import ro_with_operations
from tests.support.clients import client_for

HTMX = {"HX-Request": "true"}


def _url(op):
    return f"/operations/{op.pk}/decide/"


@pytest.fixture
def alice_client(alice):
    return client_for(alice)


def _reason(shop, label="Email"):
    return ApprovalReason.objects.get(shop=shop, label=label)


@pytest.fixture
def ro_ops(shop):
    return ro_with_operations(shop)


def test_choosing_a_status_with_htmx_opens_a_dialog_with_the_confirm_button_disabled(
    alice_client, ro_ops
):
    _, (op, _) = ro_ops
    response = alice_client.get(_url(op), {"status": "declined"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<dialog")
    assert "Decline “Job 1”" in html
    assert 'name="status" value="declined"' in html
    assert "data-decide-confirm disabled" in html
    assert "Choose a reason…" in html and "Phone call" in html


def test_without_javascript_the_same_form_is_a_full_page_with_the_button_enabled(
    alice_client, ro_ops
):
    _, (op, _) = ro_ops
    response = alice_client.get(_url(op), {"status": "approved"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and "<dialog" not in html
    assert "Approve “Job 1”" in html
    assert "data-decide-confirm disabled" not in html


def test_the_page_without_a_status_asks_for_one(alice_client, ro_ops):
    _, (op, _) = ro_ops
    html = alice_client.get(_url(op)).content.decode()
    assert 'name="status"' in html and "<select" in html and "Record decision" in html


def test_confirming_without_javascript_records_and_returns_to_the_operations_table(
    alice_client, ro_ops, shop
):
    ro, (op, _) = ro_ops
    response = alice_client.post(
        _url(op), {"status": "declined", "reason": _reason(shop).pk, "comment": "Too much"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/ros/{ro.pk}/#status-op-{op.pk}"
    decision = Decision.objects.get()
    assert (decision.status, decision.comment, decision.reason_label) == (
        "declined",
        "Too much",
        "Email",
    )


def test_confirming_with_htmx_swaps_in_the_updated_table_and_closes_the_dialog(
    alice_client, ro_ops, shop
):
    ro, (op, _) = ro_ops
    response = alice_client.post(
        _url(op), {"status": "declined", "reason": _reason(shop).pk}, headers=HTMX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#ro-estimate"
    event = json.loads(response["HX-Trigger-After-Settle"])
    assert event == {
        "signoff:ro-changed": {"ro": ro.pk},
        "signoff:decision-recorded": {"operation": op.pk, "status": "declined"},
    }
    html = response.content.decode()
    assert 'id="ro-estimate"' in html
    assert f'id="status-op-{op.pk}" data-status="declined"' in html


def test_a_missing_reason_shows_the_form_again_and_records_nothing(alice_client, ro_ops):
    _, (op, _) = ro_ops
    response = alice_client.post(_url(op), {"status": "approved", "comment": "kept"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Choose a reason: how did the customer give this decision?" in html
    assert ">kept</textarea>" in html
    assert not Decision.objects.exists()


def test_an_error_in_the_dialog_replaces_only_the_form(alice_client, ro_ops, shop):
    _, (op, _) = ro_ops
    phone = _reason(shop, "Phone call")
    response = alice_client.post(
        _url(op), {"status": "approved", "reason": phone.pk, "phone_number": "555"}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<form") and "<dialog" not in html
    assert "is not a valid phone number" in html
    assert "choose the contact who gave the approval" in html
    assert not Decision.objects.exists()


def test_the_dialog_prefills_the_primary_contact_and_their_number(alice_client, ro_ops):
    ro, (op, _) = ro_ops
    primary = ro.customer.contacts.get()
    html = alice_client.get(_url(op), {"status": "approved"}, headers=HTMX).content.decode()
    assert f'<option value="{primary.pk}" data-phone=' in html
    assert "Dana Primary (Primary)" in html
    assert f'value="{primary.pk}" data-phone="{_national(primary.mobile)}" selected' in html


def _national(e164):
    return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"


def test_the_dialog_warns_when_approving_passes_the_over_estimate_rule(
    alice_client, ro_ops, shop, alice
):
    from signoff.approvals.services import decision_record

    shop.over_estimate_rule = "california"
    shop.save()
    ro, (op1, op2) = ro_ops
    owner = actor_for(user=alice, shop_id=shop.pk)
    decision_record(actor=owner, operation_id=op1.pk, status="approved", reason_id=_reason(shop).pk)
    html = alice_client.get(_url(op2), {"status": "approved"}, headers=HTMX).content.decode()
    assert "decide-warning" in html
    assert "raises the authorized total from $314.99 to $629.98 before tax" in html
    assert "California&#x27;s rule (any increase needs a new authorization)" in html


def test_operation_titles_are_escaped_in_the_dialog(alice_client, ro_ops):
    _, (op, _) = ro_ops
    op.title = "<script>alert(1)</script>"
    op.save()
    html = alice_client.get(_url(op), {"status": "approved"}, headers=HTMX).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_technician_is_refused_the_pop_up(bob, ro_ops):
    _, (op, _) = ro_ops
    client = client_for(bob)
    assert client.get(_url(op), {"status": "approved"}).status_code == 403
    assert client.post(_url(op), {"status": "approved"}).status_code == 403


def test_another_shops_operation_is_not_found(charlie, ro_ops):
    _, (op, _) = ro_ops
    assert client_for(charlie).get(_url(op)).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, ro_ops):
    _, (op, _) = ro_ops
    response = client.get(_url(op))
    assert response.status_code == 302 and "/login/" in response["Location"]


def _cell(user, shop, op):
    """The operation's row of the RO page's table, rendered alone."""
    actor = actor_for(user=user, shop_id=shop.pk)
    table = operation_table(rows=[status_row(operation=op)], can_edit=actor.can_edit)
    return render_to_string("web/_operation_rows.html", {"table": table})


def test_the_status_cell_offers_approve_defer_decline_to_editors(shop, carol, ro_ops):
    _, (op, _) = ro_ops
    html = _cell(carol, shop, op)
    assert '<option value="" selected>Pending</option>' in html
    for value, label in (("approved", "Approve"), ("deferred", "Defer"), ("declined", "Decline")):
        assert f'<option value="{value}">{label}</option>' in html
    assert f'<form action="/operations/{op.pk}/decide/"' in html
    assert f'href="/operations/{op.pk}/history/"' in html and "View details" in html


def test_technicians_see_the_status_read_only(shop, bob, alice, ro_ops):
    from signoff.approvals.services import decision_record

    _, (op, _) = ro_ops
    owner = actor_for(user=alice, shop_id=shop.pk)
    decision_record(
        actor=owner, operation_id=op.pk, status=Status.DEFERRED, reason_id=_reason(shop).pk
    )
    html = _cell(bob, shop, op)
    assert "<select" not in html
    assert '<span class="badge badge-deferred">Deferred</span>' in html
    assert "View details" in html
