"""An RO's lifecycle: Estimate → Awaiting approval → Approved, Partly approved or Declined →
Work in progress → Ready for pickup → Completed (→ Closed).

The estimate's stretch moves by itself (`ro_status_follow`): the services that share, decide,
reset or change an estimate call it in their own transaction, and the RO takes the status its
operations' decisions say. The work's stretch is moved by staff (`ro_status_move`), only along
HAND_MOVES. Every change is an RO_STATUS_CHANGED event with who and why: the RO's status
history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from signoff.approvals.amounts import move_refusal
from signoff.approvals.models import Event, EventKind, Status
from signoff.approvals.selectors import latest_statuses
from signoff.core.errors import ValidationFailed
from signoff.orders.locks import repair_order_get_for_update
from signoff.orders.models import Operation, OperationKind, RepairOrder, RoStatus
from signoff.orders.selectors import po_number_problem
from signoff.shops.access import Actor, require_editor

# The statuses the estimate's decisions decide; an RO in one of them follows the estimate.
FOLLOWING = frozenset(
    {
        RoStatus.ESTIMATE,
        RoStatus.AWAITING,
        RoStatus.APPROVED,
        RoStatus.PARTLY_APPROVED,
        RoStatus.DECLINED,
    }
)

# Where staff may move an RO by hand: to a status, from the statuses listed, with the button's
# words. Moving back (Ready → Work in progress) is for a job that was not done after all.
HAND_MOVES: dict[str, tuple[frozenset[str], str]] = {
    RoStatus.IN_PROGRESS: (
        frozenset({RoStatus.APPROVED, RoStatus.PARTLY_APPROVED, RoStatus.READY}),
        "Start work",
    ),
    RoStatus.READY: (frozenset({RoStatus.IN_PROGRESS}), "Mark ready for pickup"),
    RoStatus.COMPLETED: (frozenset({RoStatus.READY, RoStatus.IN_PROGRESS}), "Complete"),
    RoStatus.CLOSED: (frozenset({RoStatus.COMPLETED, RoStatus.DECLINED}), "Close"),
}
WHY_MAX = 200
HISTORY_SHOWN = 50


def estimate_status(operations: Iterable[tuple[str, str]], *, shared: bool) -> str:
    """The status an RO's estimate says, from its live operations' (kind, status): decided once
    every estimate operation is (Approved when all are approved, Declined when none is, Partly
    approved between); before that Awaiting approval once shared, else Estimate.

    Recommendations are work offered for later: they never hold an RO back, and count only on
    an RO that has nothing else (an inspection's findings).
    """
    operations = list(operations)
    work = [status for kind, status in operations if kind == OperationKind.ESTIMATE]
    statuses = work or [status for _, status in operations]
    if statuses and Status.PENDING not in statuses:
        approved = statuses.count(Status.APPROVED)
        if approved == len(statuses):
            return RoStatus.APPROVED
        return RoStatus.PARTLY_APPROVED if approved else RoStatus.DECLINED
    return RoStatus.AWAITING if shared else RoStatus.ESTIMATE


def hand_moves(status: str) -> list[tuple[str, str]]:
    """(status, button words) of the moves staff can make from `status`."""
    return [(to, words) for to, (sources, words) in HAND_MOVES.items() if status in sources]


def ro_status_follow(*, repair_order: RepairOrder, user=None, why: str) -> str:
    """Move an RO still in the estimate's stretch to the status its estimate says, recording
    the change with `user` (None: the customer or the system) and `why`. Call inside the
    transaction of the change (it takes the RO's lock, if the caller has not). Returns the
    status it has after."""
    current = repair_order_get_for_update(shop_id=repair_order.shop_id, ro_id=repair_order.pk)
    repair_order.status = current.status  # as it is now, not as the caller read it
    if repair_order.status not in FOLLOWING:
        return repair_order.status
    kinds = dict(
        Operation.objects.filter(
            repair_order_id=repair_order.pk, removed_at__isnull=True
        ).values_list("pk", "kind")
    )
    statuses = latest_statuses(operation_ids=kinds)
    shared = Event.objects.filter(
        repair_order_id=repair_order.pk, kind=EventKind.SHARE_CREATED
    ).exists()
    status = estimate_status([(kinds[pk], statuses[pk]) for pk in kinds], shared=shared)
    if status != repair_order.status:
        _change(repair_order, to=status, user=user, why=why)
    return status


def ro_status_follow_on_change(
    sender, *, repair_order: RepairOrder, actor: Actor, **kwargs
) -> None:
    """The receiver of `orders.signals.estimate_changed`: an operation added or removed can
    leave the estimate undecided again, or decide it."""
    ro_status_follow(repair_order=repair_order, user=actor.user, why="Estimate changed")


def ro_status_move(*, actor: Actor, ro_id: int, to: str, why: str = "") -> RepairOrder:
    """Staff move an RO along HAND_MOVES (start work, ready, completed, closed). Raises
    ValidationFailed for a move the RO's status does not allow, saying which it does; for Ready
    and Completed while the work is past the shop's over-estimate rule
    (`approvals.amounts.move_refusal`); and for Completed without a PO number its customer
    requires."""
    require_editor(actor)
    why = " ".join(str(why or "").split())[:WHY_MAX]
    with transaction.atomic():
        ro = repair_order_get_for_update(shop_id=actor.shop.pk, ro_id=ro_id)
        if to == ro.status:
            return ro  # already there: nothing to record
        allowed = hand_moves(ro.status)
        if to not in {status for status, _ in allowed}:
            refusal = _refusal(ro.status, to, allowed)
            raise ValidationFailed(refusal, fields={"status": refusal})
        refusal = move_refusal(repair_order=ro, to=to)
        if not refusal and to == RoStatus.COMPLETED:
            refusal = po_number_problem(repair_order=ro)
        if refusal:
            raise ValidationFailed(refusal, fields={"status": refusal})
        _change(ro, to=to, user=actor.user, why=why or dict(allowed)[to])
    return ro


def _refusal(status: str, to: str, allowed: list[tuple[str, str]]) -> str:
    now = RoStatus(status).label
    if to in FOLLOWING:
        start = "Estimate, Awaiting approval, Approved, Partly approved and Declined follow "
        start += "the estimate's shares and decisions and cannot be set by hand."
    elif to in RoStatus.values:
        start = f"An RO that is {now} cannot move to {RoStatus(to).label}."
    else:
        start = "Choose one of: " + ", ".join(RoStatus.labels) + "."
    if allowed:
        return (
            f"{start} From {now} it can move to: "
            + ", ".join(RoStatus(s).label for s, _ in allowed)
            + "."
        )
    return f"{start} From {now} it moves by itself."


def _change(ro: RepairOrder, *, to: str, user, why: str) -> None:
    was = ro.status
    ro.status = to
    ro.updated_at = ro.status_changed_at = timezone.now()
    RepairOrder.objects.filter(pk=ro.pk).update(
        status=to, updated_at=ro.updated_at, status_changed_at=ro.status_changed_at
    )
    Event.objects.create(
        shop_id=ro.shop_id,
        repair_order_id=ro.pk,
        kind=EventKind.RO_STATUS_CHANGED,
        actor=user,
        data={"from": was, "to": to, "why": why[:WHY_MAX]},
    )


@dataclass(frozen=True)
class StatusChange:
    at: datetime
    was: str
    to: str
    why: str
    user: object | None

    @property
    def was_label(self) -> str:
        return _label(self.was)

    @property
    def to_label(self) -> str:
        return _label(self.to)


def _label(status: str) -> str:
    return RoStatus(status).label if status in RoStatus.values else status


def ro_status_history(*, repair_order: RepairOrder) -> list[StatusChange]:
    """The RO's status changes, newest first."""
    events = (
        Event.objects.filter(repair_order_id=repair_order.pk, kind=EventKind.RO_STATUS_CHANGED)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:HISTORY_SHOWN]
    )
    return [
        StatusChange(
            at=e.created_at,
            was=e.data.get("from", ""),
            to=e.data.get("to", ""),
            why=e.data.get("why", ""),
            user=e.actor,
        )
        for e in events
    ]
