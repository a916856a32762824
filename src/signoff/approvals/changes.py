"""What changed on an RO since a contact last answered: per operation, new, changed (and how,
in words) or removed, and whether they had approved it.

The customer page lists it, each changed card says "Changed since you approved", and the next
share's email says it too: all three read `changes_since_answer`. The words come from
`orders.changes`, in the active language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Q

from signoff.approvals.models import Decision, EstimateVersion, Source, Status
from signoff.core.formatting import money
from signoff.customers.models import Contact
from signoff.orders.changes import operation_changes
from signoff.orders.models import RepairOrder

# A contact's own answer: through their link or at the counter (staff decisions on their
# behalf are the shop's record of it, not a page the contact saw).
OWN_ANSWER_SOURCES = (Source.LINK, Source.IN_PERSON)


@dataclass(frozen=True)
class Change:
    operation_id: int
    title: str
    what: str  # "new" | "changed" | "removed"
    before: Decimal | None  # subtotal before tax
    after: Decimal | None
    # In words, "Labor 1.5 h → 2 h", "part “Pads” added"; the subtotal's change is before/after.
    details: tuple[str, ...] = ()
    was_approved: bool = False  # approved before it changed or was removed

    @property
    def in_words(self) -> tuple[str, ...]:
        """The details, then the subtotal's change ("$314.99 → $404.99"), where the reader is
        shown prices and nothing beside them shows the amounts (an email)."""
        if self.what != "changed" or self.before == self.after:
            return self.details
        return (*self.details, f"{money(self.before)} → {money(self.after)}")

    @property
    def since_approved(self) -> bool:
        """Changed since it was approved: the customer's word no longer covers it."""
        return self.was_approved and self.what == "changed"


@dataclass(frozen=True)
class ChangesSince:
    changes: list[Change]
    since: dt.datetime | None  # when the contact last answered (None: no changes to show)

    def of(self, operation_id: int) -> Change | None:
        return next((c for c in self.changes if c.operation_id == operation_id), None)


NO_CHANGES = ChangesSince([], None)


def last_answer(
    *, repair_order: RepairOrder, contact: Contact | None
) -> tuple[int, dt.datetime] | None:
    """The version and time of the contact's latest own answer on the RO (through a link
    naming them, or at the counter); any contact's when `contact` is None."""
    qs = Decision.objects.filter(
        repair_order=repair_order, source__in=OWN_ANSWER_SOURCES, version__isnull=False
    )
    if contact is not None:
        qs = qs.filter(Q(contact=contact) | Q(via_link__contact=contact))
    return next(iter(qs.order_by("-sequence").values_list("version_id", "created_at")[:1]), None)


def changes_between(old: Mapping, new: Mapping, *, prices: bool = True) -> list[Change]:
    """Per operation: new, changed (revision, title or price) or removed, in the new order,
    each changed one with its differences in words (naming amounts only with `prices`)."""
    before = {op["id"]: op for op in old.get("operations", [])}
    after = {op["id"]: op for op in new.get("operations", [])}
    changes = []
    for op_id, op in after.items():
        was = before.get(op_id)
        if was is None:
            changes.append(Change(op_id, op["title"], "new", None, Decimal(op["subtotal"])))
        elif (was["revision"], was["title"], was["subtotal"]) != (
            op["revision"],
            op["title"],
            op["subtotal"],
        ):
            changes.append(
                Change(
                    op_id,
                    op["title"],
                    "changed",
                    Decimal(was["subtotal"]),
                    Decimal(op["subtotal"]),
                    details=tuple(operation_changes(was, op, prices=prices, subtotal=False)),
                )
            )
    for op_id, was in before.items():
        if op_id not in after:
            changes.append(Change(op_id, was["title"], "removed", Decimal(was["subtotal"]), None))
    return changes


def _approved_before(changes: list[Change]) -> set[int]:
    """Which of the changed or removed operations were Approved by their last decision that
    was not the reset after the change (one query, only when something changed)."""
    ids = [c.operation_id for c in changes if c.what != "new"]
    if not ids:
        return set()
    last: dict[int, str] = {}
    rows = (
        Decision.objects.filter(operation_id__in=ids)
        .exclude(source=Source.SYSTEM)
        .order_by("sequence")
        .values_list("operation_id", "status")
    )
    for op_id, status in rows:
        last[op_id] = status
    return {op_id for op_id, status in last.items() if status == Status.APPROVED}


def changes_since_answer(
    *,
    repair_order: RepairOrder,
    contact: Contact | None,
    version: EstimateVersion,
    prices: bool = True,
) -> ChangesSince:
    """What changed between the version the contact last answered and `version` (the one they
    are shown), or nothing when they never answered or answered this very version."""
    last = last_answer(repair_order=repair_order, contact=contact)
    if last is None or last[0] == version.pk:
        return NO_CHANGES
    before = EstimateVersion.objects.values_list("content", flat=True).get(pk=last[0])
    changes = changes_between(before, version.content, prices=prices)
    if not changes:
        return NO_CHANGES
    approved = _approved_before(changes)
    changes = [replace(c, was_approved=c.operation_id in approved) for c in changes]
    return ChangesSince(changes, last[1])
