"""The confirmation a contact gets after signing through their link: what the submission just
recorded, put into words for `sharing.services.confirmation_create`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from signoff.approvals.models import Decision, EstimateVersion, Status
from signoff.approvals.selectors import latest_statuses
from signoff.customers.models import Contact
from signoff.orders.models import Operation
from signoff.sharing.compose import Answer, ConfirmationFacts
from signoff.sharing.models import Message, ShareLink
from signoff.sharing.services import confirmation_create
from signoff.signing.selectors import operation_decidable, sections_for


def confirmation_queue(
    *,
    link: ShareLink,
    version: EstimateVersion,
    operations: Sequence[Operation],
    choices: Mapping[int, str],
    approver: Contact,
    authorized: Decimal,
    decisions: Sequence[Decision],
    language: str,
) -> list[Message]:
    """Queue the link contact's confirmation of one submission, in the submission's transaction
    (after its decisions are written, so what is still open is read as it now is)."""
    if not decisions:
        return []
    content = version.content
    sections = sections_for(link)
    show_prices = "prices" in sections
    subtotals = {op["id"]: Decimal(op["subtotal"]) for op in content["operations"]}
    answers = [
        Answer(
            title=op.title,
            status=choices[op.pk],
            amount=subtotals[op.pk] if show_prices and choices[op.pk] == Status.APPROVED else None,
        )
        for op in operations
    ]
    vehicle = (content.get("vehicle") or {}).get("description", "")
    facts = ConfirmationFacts(
        contact=link.contact,
        approver_name=approver.name,
        shop_name=content["shop"]["name"],
        shop_phone=content["shop"]["phone"],
        shop_email=content["shop"]["email"],
        shop_timezone=content["shop"]["timezone"],
        ro_label=content["repair_order"]["label"],
        vehicle=vehicle if "customer_vehicle" in sections else "",
        answered_at=decisions[0].created_at,
        answers=answers,
        authorized=authorized,
        still_open=_still_open(link=link, content=content, sections=sections),
        show_prices=show_prices,
        language=language,
    )
    return confirmation_create(link=link, confirms=decisions[0], facts=facts)


def _still_open(*, link: ShareLink, content: Mapping, sections: frozenset[str]) -> int:
    """How many operations the contact could still answer on their page."""
    kinds = {op["id"]: op["kind"] for op in content["operations"]}
    statuses = latest_statuses(operation_ids=list(kinds))
    return sum(
        1
        for op_id, kind in kinds.items()
        if operation_decidable(
            kind=kind, status=statuses[op_id], shop=link.shop, link=link, sections=sections
        )
    )
