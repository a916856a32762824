import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signoff.approvals.models import Event, EventKind
from signoff.approvals.selectors import latest_decisions, status_of
from signoff.orders.selectors import live_operations
from signoff.sharing.models import Message
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from signoff.web import panels_sharing as panels
from tests.factories import ContactFactory
from tests.sharing.builders import decide, estimate_for, link_for, ready_to_send, url_of

pytestmark = pytest.mark.usefixtures("no_delivery")


@dataclass
class Row:
    """What the RO page hands panels for each operation."""

    op: object
    decision: object
    status: str
    subtotal: Decimal = Decimal("0")


def rows_of(ro):
    ops = list(live_operations().filter(repair_order=ro))
    decisions = latest_decisions(operation_ids=[op.pk for op in ops])
    return [Row(op, decisions.get(op.pk), status_of(decisions.get(op.pk))) for op in ops]


def render_panel(name, template, *, user, shop, ro, rows=None):
    request = RequestFactory().get(f"/ros/{ro.pk}/")
    request.user = user
    actor = actor_for(user=user, shop_id=shop.pk)
    rows = rows_of(ro) if rows is None else rows
    # As a request has it, fresh: what a panel reads once is kept on the RO object.
    vars(ro).pop("_prefetched_objects_cache", None)
    context = getattr(panels, name)(request=request, actor=actor, ro=ro, rows=rows)
    return render_to_string(template, context, request=request)


def actions(user, shop, ro, rows=None):
    return render_panel(
        "ro_actions", "web/sharing/_ro_actions.html", user=user, shop=shop, ro=ro, rows=rows
    )


def outbox(user, shop, ro, rows=None):
    return render_panel(
        "ro_messages", "web/sharing/_ro_messages.html", user=user, shop=shop, ro=ro, rows=rows
    )


def button(html, element_id):
    start = html.index(f'id="{element_id}"')
    return html[html.rindex("<button", 0, start) : html.index(">", start) + 1]


def test_send_to_customer_is_disabled_with_each_unmet_rule_in_words_beside_it(shop, alice):
    est = estimate_for(shop)
    decide(est.brakes, "approved", source="in_person")
    html = actions(alice, shop, est.ro)
    assert "disabled" in button(html, "send-to-customer-button")
    assert 'aria-describedby="send-to-customer-why"' in button(html, "send-to-customer-button")
    why = html[html.index('id="send-to-customer-why"') :]
    why = why[: why.index("</p>")]
    assert "Every operation must be Approved, Deferred or Declined: 1 is still pending." in why
    assert "At least one operation must be approved on the customer&#x27;s behalf." in why
    assert '<p class="share-why" id="send-to-customer-why">' in html


def test_send_to_customer_is_active_once_the_rules_are_met(shop, alice):
    est = estimate_for(shop)
    ready_to_send(est)
    html = actions(alice, shop, est.ro)
    assert "disabled" not in button(html, "send-to-customer-button")
    assert "btn-primary" in button(html, "send-to-customer-button")
    assert "send-to-customer-why" not in html
    assert 'class="share-dialog share-dialog-yellow" id="share-send-to-customer"' in html


def test_a_technician_sees_the_buttons_disabled_and_no_dialogs(shop, bob):
    est = estimate_for(shop)
    ready_to_send(est)
    html = actions(bob, shop, est.ro)
    assert html.count("disabled") == 2
    assert "<dialog" not in html
    assert "can view estimates but not share them" in html


def test_share_estimate_starts_disabled_in_send_to_customer_with_no_one_ticked(shop, alice):
    est = estimate_for(shop)
    ready_to_send(est)
    html = actions(alice, shop, est.ro)
    dialog = html[html.index('id="share-send-to-customer"') :]
    assert f'name="recipient" value="{est.primary.pk}" data-recipient\n' in dialog
    submit = dialog[dialog.index("data-share-submit") : dialog.index("Share estimate")]
    assert "disabled" in submit


def test_request_approval_starts_with_the_primary_ticked_on_their_preferred_channel(shop, alice):
    est = estimate_for(shop)
    html = actions(alice, shop, est.ro)
    dialog = html[
        html.index('id="share-request-approval"') : html.index('id="share-send-to-customer"')
    ]
    assert re.search(rf'value="{est.primary.pk}" data-recipient\s+checked', dialog)
    assert re.search(rf'value="{est.primary.pk}:email" data-channel\s+checked', dialog)
    submit = dialog[dialog.index("data-share-submit") : dialog.index("Share estimate")]
    assert "disabled" not in submit


def test_only_contacts_with_a_valid_email_are_offered_email(shop, alice):
    est = estimate_for(shop)
    est.spouse.email = ""
    est.spouse.save()
    html = actions(alice, shop, est.ro)
    assert f'value="{est.spouse.pk}:email"' not in html
    assert f'value="{est.primary.pk}:email"' in html
    assert "No email address — add one on the customer page." in html


def test_text_is_shown_disabled_with_why_while_the_shop_is_not_approved(shop, alice):
    est = estimate_for(shop)
    html = actions(alice, shop, est.ro)
    assert ":sms" not in html
    assert "Text messaging is not approved for this shop yet — see Shop settings." in html


def test_with_texting_approved_contacts_without_a_mobile_get_a_hint(shop, alice):
    shop.sms_status, shop.sms_sender = "approved", "+15035550199"
    shop.save()
    est = estimate_for(shop)
    est.spouse.mobile = ""
    est.spouse.save()
    html = actions(alice, shop, est.ro)
    assert f'value="{est.primary.pk}:sms"' in html
    assert "(503) 555-1001" in html
    assert f'value="{est.spouse.pk}:sms"' not in html
    assert "No mobile number — add one on the customer page." in html


def test_contact_names_are_escaped_in_the_dialog(shop, alice):
    est = estimate_for(shop)
    ContactFactory(customer=est.ro.customer, name="<img src=x onerror=alert(1)>")
    html = actions(alice, shop, est.ro)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_outbox_shows_each_message_with_channel_recipient_status_and_reason(shop, alice):
    est = estimate_for(shop)
    result = share_create(
        actor=actor_for(user=alice, shop_id=shop.pk),
        ro_id=est.ro.pk,
        kind="request_approval",
        recipients=[Recipient(est.primary.pk, ["email"]), Recipient(est.spouse.pk, ["email"])],
    )
    failed = result.messages[1]
    Message.objects.filter(pk=failed.pk).update(
        status="failed", last_error="Recipient address rejected: mailbox unavailable"
    )
    html = outbox(alice, shop, est.ro)
    assert f'data-message="{result.messages[0].pk}" data-status="queued"' in html
    assert f'data-message="{failed.pk}" data-status="failed"' in html
    assert "Recipient address rejected: mailbox unavailable" in html
    assert "john@mail.example" in html and "jane@mail.example" in html
    assert "Also sent to: Jane Doe (Spouse)" in html
    assert "Version 1 · Request approval" in html


def test_the_outbox_lists_links_with_expiry_opens_and_a_revoke_button(shop, alice, bob):
    est = estimate_for(shop)
    link = link_for(est, est.primary, by=alice)
    for _ in range(3):
        Event.objects.create(
            shop=shop, repair_order=est.ro, kind=EventKind.LINK_OPENED, share_link=link
        )
    html = outbox(alice, shop, est.ro)
    row = html[html.index(f'data-link="{link.pk}"') :]
    assert "John Doe" in row and "Active" in row and "3 times" in row
    assert f"/share-links/{link.pk}/revoke/" in row
    assert "/share-links/" not in outbox(bob, shop, est.ro)


def _opened_cell(user, shop, ro, link) -> str:
    """The Opened column of the link's row in the RO page's links table."""
    html = outbox(user, shop, ro)
    row = html[html.index(f'data-link="{link.pk}"') :]
    cells = row.split("<td>")
    return cells[4].split("</td>")[0]


def test_staff_see_when_the_customer_opened_their_link_and_how_often(shop, alice, client):
    est = estimate_for(shop)
    link = link_for(est, est.primary, by=alice)
    assert "not yet" in _opened_cell(alice, shop, est.ro, link)
    assert client.get(url_of(link)).status_code == 200
    once = _opened_cell(alice, shop, est.ro, link)
    assert "first " in once and "times" not in once
    client.get(url_of(link))
    twice = _opened_cell(alice, shop, est.ro, link)
    assert "first " in twice and "last " in twice and "(2 times)" in twice


def test_editors_get_a_copy_link_button_but_the_link_itself_is_not_in_the_page(shop, alice, bob):
    est = estimate_for(shop)
    link = link_for(est, est.primary, by=alice)
    html = outbox(alice, shop, est.ro)
    assert f'data-copy-link="/share-links/{link.pk}/url/"' in html
    assert "Copy link" in html
    assert url_of(link) not in html and "/s/" not in html
    assert "Copy link" not in outbox(bob, shop, est.ro)
    type(link).objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    assert "Copy link" not in outbox(alice, shop, est.ro)


def test_an_expired_link_is_listed_as_expired_without_copy_or_revoke(shop, alice):
    est = estimate_for(shop)
    result = share_create(
        actor=actor_for(user=alice, shop_id=shop.pk),
        ro_id=est.ro.pk,
        kind="request_approval",
        recipients=[Recipient(est.primary.pk)],
    )
    link = result.links[0]
    type(link).objects.filter(pk=link.pk).update(expires_at=timezone.now())
    html = outbox(alice, shop, est.ro)
    row = html[html.index(f'data-link="{link.pk}"') :]
    assert "Expired" in row and "Active" not in row
    assert "Copy link" not in row and f"/share-links/{link.pk}/revoke/" not in row


def test_the_outbox_says_so_when_nothing_was_sent(shop, alice):
    est = estimate_for(shop)
    assert "Nothing has been sent for this RO yet" in outbox(alice, shop, est.ro)


def test_a_technician_is_not_pointed_at_share_buttons_they_cannot_use(shop, alice, bob):
    est = estimate_for(shop)
    assert "Use Request Approval" in outbox(alice, shop, est.ro)
    html = outbox(bob, shop, est.ro)
    assert "Nothing has been sent for this RO yet" in html
    assert "Use Request Approval" not in html


def count_queries(func):
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def test_panel_queries_do_not_grow_with_the_number_of_messages_and_contacts(shop, alice):
    est = estimate_for(shop)
    actor = actor_for(user=alice, shop_id=shop.pk)

    def share_once():
        share_create(
            actor=actor,
            ro_id=est.ro.pk,
            kind="request_approval",
            recipients=[Recipient(est.primary.pk), Recipient(est.spouse.pk)],
        )

    share_once()
    rows = rows_of(est.ro)
    few_outbox = count_queries(lambda: outbox(alice, shop, est.ro, rows))
    few_actions = count_queries(lambda: actions(alice, shop, est.ro, rows))
    for _ in range(4):
        ContactFactory(customer=est.ro.customer)
        share_once()
    assert Message.objects.filter(repair_order=est.ro).count() == 10
    assert count_queries(lambda: outbox(alice, shop, est.ro, rows)) == few_outbox
    assert count_queries(lambda: actions(alice, shop, est.ro, rows)) == few_actions
    # The actor's membership lookup, then one query for messages, one for links with their
    # openings, and the RO's decisions for the reminders' stop rule (prefetched on the RO page).
    assert few_outbox == 4
    # The membership, then the customer's contacts (both dialogs share them).
    assert few_actions == 2
