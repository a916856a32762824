"""Sharing's panels on the staff RO page: the share buttons and dialogs, and the outbox."""

from __future__ import annotations

from signoff.documents.sections import PDF_SECTIONS
from signoff.sharing import rules, selectors
from signoff.sharing.models import ShareKind
from signoff.sharing.reminders import ro_reminders
from signoff.web.forms.sharing import SLUG_OF, ShareForm


def _statuses(rows) -> list[tuple[str, str | None]]:
    return [(row.status, row.decision.source if row.decision else None) for row in rows]


def share_dialog_context(
    *, ro, kind: str, options, blockers, form: ShareForm | None = None, standalone: bool = False
) -> dict:
    """What `_share_form.html` needs, for the RO page's dialog and the standalone page alike."""
    form = form or ShareForm(kind=kind, options=options)
    rows = form.rows()
    return {
        "ro": ro,
        "kind": kind,
        "slug": SLUG_OF[kind],
        "form": form,
        "rows": rows,
        "any_selected": any(row.selected for row in rows),
        "standalone": standalone,
        "blockers": blockers,
        "sections": PDF_SECTIONS,
        "sections_ticked": form.sections_ticked(),
        "include_etr": form.include_etr_ticked(),
        "sms_enabled": ro.shop.sms_enabled,
        "sms_disabled_reason": rules.sms_disabled_reason(),
        "is_send_to_customer": kind == ShareKind.SEND_TO_CUSTOMER,
    }


def send_blockers_for(ro, rows) -> list[str]:
    """Why Send to Customer cannot run for these rows yet (empty: it may, and is the next step)."""
    return rules.share_blockers(
        kind=ShareKind.SEND_TO_CUSTOMER, statuses=_statuses(rows), repair_order=ro
    )


def ro_actions(*, request, actor, ro, rows) -> dict:
    """Request Approval and Send to Customer; technicians see them disabled."""
    request_blockers = rules.share_blockers(
        kind=ShareKind.REQUEST_APPROVAL, statuses=_statuses(rows), repair_order=ro
    )
    send_blockers = send_blockers_for(ro, rows)
    context = {
        "ro": ro,
        "can_share": actor.can_edit,
        "request_blockers": request_blockers,
        "send_blockers": send_blockers,
    }
    if actor.can_edit:
        # The page's contacts (repair_order_page reads them for the header) serve both dialogs.
        contacts = ro.customer.contacts.all()
        options = selectors.share_recipient_options(repair_order=ro, contacts=contacts)
        context["request_dialog"] = share_dialog_context(
            ro=ro, kind=ShareKind.REQUEST_APPROVAL, options=options, blockers=request_blockers
        )
        context["send_dialog"] = share_dialog_context(
            ro=ro, kind=ShareKind.SEND_TO_CUSTOMER, options=options, blockers=send_blockers
        )
    return context


def ro_messages(*, request, actor, ro, rows) -> dict:
    """Every message and link of the RO, and its reminders sent and planned, in a number of
    queries that does not grow with them."""
    outbox = selectors.ro_messages(repair_order=ro)
    links = selectors.ro_links(repair_order=ro)
    reminders = ro_reminders(repair_order=ro, messages=outbox, links=links)
    for message in outbox:  # the button under a message that was not delivered
        message.fallback_offer = reminders.fallback_offers.get(message.pk, "")
    return {
        "ro": ro,
        "can_revoke": actor.can_edit,
        "outbox": outbox,
        "links": links,
        "reminders": reminders,
    }
