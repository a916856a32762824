"""Who may authorize how much: each contact's approval rights and per-RO limit.

A contact can approve (up to an optional amount per RO), only view, or be a designated
authorizer (California BPC 9884.9(d): the customer designates another person in writing). The
customer page, its JSON twin, the counter screen and staff decisions on the customer's behalf
all ask here, so the rule is the same everywhere.

What counts toward a limit is what the contact's approvals on the RO add up to **before tax**:
the operations whose current decision is an approval naming this contact (at the amount it
was approved at), plus the operations being approved now. Before tax because a limit is on the
work a contact may order, an operation's price is its subtotal, and the amount every decision
records (the oral-authorization record's amount) is that subtotal; tax is worked out once on
the whole RO.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Sum

from signoff.approvals.models import Decision, Status
from signoff.core.formatting import money, person_name
from signoff.customers.models import ApprovalRight, Contact

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Authority:
    """One contact's rights on one RO: what they may still approve there."""

    contact: Contact
    used: Decimal  # before tax: what their standing approvals on the RO add up to

    @property
    def right(self) -> str:
        return self.contact.approval_right

    @property
    def limit(self) -> Decimal | None:
        return self.contact.approval_limit

    @property
    def can_decide(self) -> bool:
        return self.contact.approval_right != ApprovalRight.VIEW_ONLY

    @property
    def remaining(self) -> Decimal | None:
        """What they may still approve on the RO; None for no limit."""
        if self.limit is None:
            return None
        return max(self.limit - self.used, ZERO)

    def covers(self, amount: Decimal) -> bool:
        """May they approve `amount` more (before tax) on this RO?"""
        if not self.can_decide:
            return False
        return self.remaining is None or amount <= self.remaining


@dataclass(frozen=True)
class Routed:
    """An operation chosen for approval that is above the approver's limit: it stays pending and
    is sent to the contacts who can approve it."""

    operation_id: int
    title: str
    amount: Decimal  # before tax
    approvers: tuple[Contact, ...]

    @property
    def approver_names(self) -> str:
        return names_of(self.approvers)


def names_of(contacts: Iterable[Contact]) -> str:
    """ "Pat Fleet (Fleet manager), Lee Ortiz (Owner)" """
    return ", ".join(person_name(c.name, c.relationship_label) for c in contacts)


def approved_amounts(
    *, repair_order_id: int, except_operation: int | None = None
) -> dict[int, Decimal]:
    """Per contact, what the RO's standing approvals naming them add up to, before tax: each
    operation whose latest decision is an approval by that contact, at the amount approved
    (leaving out `except_operation`, the one being decided again). One query whatever the
    number of operations."""
    newest = Decision.objects.filter(operation_id=OuterRef("operation_id")).order_by("-sequence")
    rows = (
        Decision.objects.exclude(operation_id=except_operation)
        .filter(
            repair_order_id=repair_order_id,
            sequence=Subquery(newest.values("sequence")[:1]),
            status=Status.APPROVED,
            contact__isnull=False,
            operation__removed_at__isnull=True,
        )
        .order_by()
        .values("contact_id")
        .annotate(total=Sum("amount"))
    )
    return {row["contact_id"]: row["total"] or ZERO for row in rows}


def authorities(
    *, repair_order_id: int, contacts: Sequence[Contact], except_operation: int | None = None
) -> dict[int, Authority]:
    """Each contact's authority on the RO, by contact id."""
    used = (
        approved_amounts(repair_order_id=repair_order_id, except_operation=except_operation)
        if contacts
        else {}
    )
    return {c.pk: Authority(contact=c, used=used.get(c.pk, ZERO)) for c in contacts}


def approvers_for(
    *, authority: Mapping[int, Authority], amount: Decimal, exclude: int | None
) -> tuple[Contact, ...]:
    """The contacts (other than `exclude`) who could approve `amount` more on this RO."""
    return tuple(
        a.contact for a in authority.values() if a.contact.pk != exclude and a.covers(amount)
    )


def split_by_limit(
    *,
    approver: Authority,
    authority: Mapping[int, Authority],
    approvals: Sequence[tuple[int, str, Decimal]],
) -> tuple[list[int], list[Routed]]:
    """(the operations the approver may approve now, the ones routed to someone else), from
    the (operation id, title, amount before tax) chosen for approval, in estimate order.

    Each operation is taken while it still fits the approver's limit; one that does not fit is
    routed, and a later, smaller one may still fit (first fit in estimate order).
    """
    within: list[int] = []
    routed: list[Routed] = []
    used = ZERO
    for op_id, title, amount in approvals:
        if approver.covers(used + amount):
            within.append(op_id)
            used += amount
            continue
        others = approvers_for(authority=authority, amount=amount, exclude=approver.contact.pk)
        routed.append(Routed(operation_id=op_id, title=title, amount=amount, approvers=others))
    return within, routed


def decision_refusal(
    *,
    authority: Mapping[int, Authority],
    contact: Contact,
    status: str,
    amount: Decimal,
    title: str,
) -> str:
    """Why staff may not record this decision naming `contact`, or '' when they may.

    A view-only contact decides nothing; an approval must fit the contact's limit."""
    mine = authority[contact.pk]
    if not mine.can_decide:
        others = approvers_for(authority=authority, amount=ZERO, exclude=contact.pk)
        who = f" Choose a contact who can: {names_of(others)}." if others else ""
        return (
            f"{contact.name} is view only on this customer's account and cannot approve, "
            f"defer or decline work.{who}"
        )
    if status != Status.APPROVED or mine.covers(amount):
        return ""
    others = approvers_for(authority=authority, amount=amount, exclude=contact.pk)
    who = (
        f" It needs approval from {names_of(others)}."
        if others
        else " No other contact of this customer can approve that much: raise a limit first."
    )
    return (
        f"Approving “{title}” ({money(amount)} before tax) would bring what {contact.name} has "
        f"approved on this RO to {money(mine.used + amount)}, over their limit of "
        f"{money(mine.limit)} per RO.{who}"
    )
