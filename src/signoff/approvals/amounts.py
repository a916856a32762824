"""An RO's authorized amount and current amount, and the shop's over-estimate rule that says how
far the one may pass the other before the customer must authorize again.

The one home of both: the RO page, the decision pop-up's warning, the Today page, the status
moves to Ready and Completed, the on-behalf decision's not-to-exceed check and the API all read
`ro_amounts` (or `amounts_of`). Every amount here is BEFORE TAX (TAX_WORDS): what a decision
records as authorized is the operation's pre-tax subtotal, and the statutes compare the price of
labor and parts.

- **Authorized**: per live operation, the amount it was approved at, when its latest answer is
  an approval. A return to Pending after an edit (a `system` decision) is not an answer: the
  approval stands, at the amount approved, until the customer answers again (that is what the
  over-estimate rules are about: authorized work that now costs more). A decline or deferral
  ends it.
- **Current**: today's pre-tax subtotal of what the shop means to bill: operations with a
  standing approval, and estimate operations still pending (added, or changed since
  approved). Pending recommendations are work for later and are not counted; declined and
  deferred work neither.
- **Not-to-exceed**: the latest NOT_TO_EXCEED signature on the RO. It counts as authorized:
  the work may reach the larger of the rule's limit and the not-to-exceed amount.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from signoff.approvals.models import Decision, Signature, Status
from signoff.core.formatting import money, percent
from signoff.orders.models import Operation, OperationKind, RepairOrder, RoStatus
from signoff.orders.pricing import ZERO, operation_subtotal
from signoff.orders.pricing import money as round_money
from signoff.orders.selectors import live_operations
from signoff.shops.models import OverEstimateRule, Shop

TAX_WORDS = "before tax"
TEN = Decimal("10.00")
FIFTY = Decimal("50.00")
TEN_PERCENT = Decimal("10")

# The rules in words, as the settings page, the refusals and the warnings name them.
RULE_NAMES = {
    OverEstimateRule.NONE: "No rule",
    OverEstimateRule.CALIFORNIA: "California's rule (any increase needs a new authorization)",
    OverEstimateRule.MICHIGAN: "Michigan's rule ($10 or 10%, whichever is less)",
    OverEstimateRule.FLORIDA: "Florida's rule (10% or $10, whichever is greater, at most $50)",
    OverEstimateRule.OHIO: "Ohio's rule (10%)",
}
RULE_SOURCES = {
    OverEstimateRule.CALIFORNIA: "California Business and Professions Code §9884.9",
    OverEstimateRule.MICHIGAN: "Michigan Motor Vehicle Service and Repair Act, MCL 257.1332",
    OverEstimateRule.FLORIDA: "Florida Statutes §559.905",
    OverEstimateRule.OHIO: "Ohio Administrative Code 109:4-3-13",
}
# Each rule as the settings page offers it.
RULE_CHOICES = [
    (OverEstimateRule.NONE, "No rule: show the amounts, refuse nothing"),
    (
        OverEstimateRule.CALIFORNIA,
        "California: any increase over the authorized amount needs a new authorization "
        "(Business and Professions Code §9884.9)",
    ),
    (
        OverEstimateRule.MICHIGAN,
        "Michigan: up to $10 or 10% over, whichever is less (MCL 257.1332)",
    ),
    (
        OverEstimateRule.FLORIDA,
        "Florida: up to 10% or $10 over, whichever is greater, at most $50 "
        "(Florida Statutes §559.905)",
    ),
    (OverEstimateRule.OHIO, "Ohio: up to 10% over (Ohio Administrative Code 109:4-3-13)"),
    (OverEstimateRule.CUSTOM, "Custom: the percent and/or amount below"),
]
# Where an RO's work is authorized and being done: the Today page looks for increases there.
AUTHORIZED_STATUSES = (
    RoStatus.APPROVED,
    RoStatus.PARTLY_APPROVED,
    RoStatus.IN_PROGRESS,
    RoStatus.READY,
)
# The moves refused while the work is past the rule's limit.
GUARDED_MOVES = frozenset({RoStatus.READY, RoStatus.COMPLETED})
OVER_AUTHORIZED_SCANNED = 200


def rule_name(shop: Shop) -> str:
    """The shop's rule in words: "Michigan's rule ($10 or 10%, whichever is less)"."""
    if shop.over_estimate_rule != OverEstimateRule.CUSTOM:
        return RULE_NAMES.get(shop.over_estimate_rule, RULE_NAMES[OverEstimateRule.NONE])
    limits = []
    if shop.over_limit_percent is not None:
        limits.append(percent(shop.over_limit_percent))
    if shop.over_limit_amount is not None:
        limits.append(money(shop.over_limit_amount))
    if not limits:
        return "The shop's rule (no increase)"
    words = " or ".join(limits) + (", whichever is less" if len(limits) > 1 else "")
    return f"The shop's rule ({words})"


def _share(authorized: Decimal, rate: Decimal) -> Decimal:
    return round_money(authorized * rate / Decimal(100))


def rule_allowance(
    *,
    rule: str,
    authorized: Decimal,
    custom_percent: Decimal | None = None,
    custom_amount: Decimal | None = None,
) -> Decimal:
    """How far above `authorized` (before tax) the work may go without a new authorization.

    No rule allows nothing either: it only stops Signoff from refusing (`RoAmounts.enforced`).
    """
    if rule == OverEstimateRule.MICHIGAN:  # MCL 257.1332: $10 or 10 %, whichever is less
        return min(TEN, _share(authorized, TEN_PERCENT))
    if rule == OverEstimateRule.FLORIDA:  # §559.905: 10 % or $10, whichever is greater, ≤ $50
        return min(max(TEN, _share(authorized, TEN_PERCENT)), FIFTY)
    if rule == OverEstimateRule.OHIO:  # OAC 109:4-3-13: 10 %
        return _share(authorized, TEN_PERCENT)
    if rule == OverEstimateRule.CUSTOM:
        limits = []
        if custom_percent is not None:
            limits.append(_share(authorized, custom_percent))
        if custom_amount is not None:
            limits.append(round_money(custom_amount))
        return min(limits) if limits else ZERO
    return ZERO  # California (BPC §9884.9: any increase), and no rule


@dataclass(frozen=True)
class NotToExceed:
    """A not-to-exceed amount the customer signed for at drop-off."""

    amount: Decimal
    signer: str
    at: datetime
    signature_id: int


@dataclass(frozen=True)
class RoAmounts:
    """What was authorized, what the work comes to now, and the rule between them (all before
    tax). `standing` holds each operation's approved amount (for the pop-up's warning)."""

    authorized: Decimal
    current: Decimal
    rule: str
    rule_name: str
    not_to_exceed: NotToExceed | None = None
    standing: Mapping[int, Decimal] = field(default_factory=dict)
    # The custom rule's percent and amount (None: not set).
    custom_percent: Decimal | None = None
    custom_amount: Decimal | None = None

    def allowance_for(self, authorized: Decimal) -> Decimal:
        return rule_allowance(
            rule=self.rule,
            authorized=authorized,
            custom_percent=self.custom_percent,
            custom_amount=self.custom_amount,
        )

    @property
    def allowance(self) -> Decimal:
        """How far above the authorized amount the rule lets the work go."""
        return self.allowance_for(self.authorized)

    @property
    def difference(self) -> Decimal:
        return self.current - self.authorized

    @property
    def enforced(self) -> bool:
        """A rule is chosen: past the limit, Ready and Completed are refused."""
        return self.rule != OverEstimateRule.NONE

    @property
    def limit(self) -> Decimal:
        """The most the work may come to without a new authorization."""
        return self.limit_with(self.authorized)

    @property
    def anything_authorized(self) -> bool:
        return self.authorized > ZERO or self.not_to_exceed is not None

    @property
    def over(self) -> bool:
        """The work now comes to more than the limit (before anything was authorized, an
        estimate is not "over" anything)."""
        return self.anything_authorized and self.current > self.limit

    @property
    def excess(self) -> Decimal:
        """How much of the current amount the limit does not cover."""
        return max(self.current - self.limit, ZERO)

    def limit_with(self, authorized: Decimal) -> Decimal:
        """The limit once `authorized` is what the customer authorized."""
        ceiling = authorized + self.allowance_for(authorized)
        if self.not_to_exceed is not None:
            ceiling = max(ceiling, self.not_to_exceed.amount)
        return ceiling

    def within_not_to_exceed(self, *, operation_id: int, subtotal: Decimal) -> bool:
        """Would approving this operation at `subtotal` keep the authorized total within the
        not-to-exceed amount? (Then an approval on the customer's behalf needs no call.)"""
        if self.not_to_exceed is None:
            return False
        after = self.authorized - self.standing.get(operation_id, ZERO) + subtotal
        return after <= self.not_to_exceed.amount

    def over_message(self, *, ro_label: str, to_label: str = "") -> str:
        """The refusal and the banner: the rule and the amounts, in words."""
        start = f"{ro_label} cannot be marked {to_label}: " if to_label else f"{ro_label}: "
        nte = ""
        if self.not_to_exceed is not None:
            nte = f", with a not-to-exceed amount of {money(self.not_to_exceed.amount)}"
        return (
            f"{start}the work comes to {money(self.current)} {TAX_WORDS}, and "
            f"{money(self.authorized)} {TAX_WORDS} was authorized{nte}. {self.rule_name} "
            f"allows up to {money(self.limit)} {TAX_WORDS} without a new authorization, so "
            f"{money(self.excess)} needs the customer's authorization first: share the estimate "
            "or record their approval."
        )

    def banner(self, *, ro_label: str) -> str:
        """What the RO page says while the work is past the limit."""
        if self.enforced:
            then = " Until then it cannot be marked ready for pickup or completed."
        else:
            then = (
                " No over-estimate rule is chosen in Settings, so Signoff does not stop it "
                "being completed."
            )
        return self.over_message(ro_label=ro_label) + then


def standing_approvals(decisions: Iterable[Decision]) -> dict[int, Decimal | None]:
    """Operation id → the amount it was approved at, for operations whose latest answer (a
    return to Pending is not one) is Approved. None when an old decision kept no amount."""
    latest: dict[int, Decision] = {}
    for decision in decisions:
        if decision.status == Status.PENDING:
            continue
        held = latest.get(decision.operation_id)
        if held is None or decision.sequence > held.sequence:
            latest[decision.operation_id] = decision
    return {op: d.amount for op, d in latest.items() if d.status == Status.APPROVED}


def _latest_status(decisions: Iterable[Decision]) -> dict[int, str]:
    latest: dict[int, tuple[int, str]] = {}
    for decision in decisions:
        held = latest.get(decision.operation_id)
        if held is None or decision.sequence > held[0]:
            latest[decision.operation_id] = (decision.sequence, decision.status)
    return {op: status for op, (_seq, status) in latest.items()}


def amounts_of(
    *,
    shop: Shop,
    operations: Iterable[Operation],
    decisions: Iterable[Decision],
    not_to_exceed: NotToExceed | None = None,
) -> RoAmounts:
    """The amounts of one RO from its live operations (lines prefetched) and all its decisions
    (any order). Pure: no query."""
    decisions = list(decisions)
    approved = standing_approvals(decisions)
    statuses = _latest_status(decisions)
    authorized = current = ZERO
    standing: dict[int, Decimal] = {}
    for op in operations:
        subtotal = operation_subtotal(op)
        if op.pk in approved:
            amount = approved[op.pk]
            standing[op.pk] = subtotal if amount is None else amount
            authorized += standing[op.pk]
            current += subtotal
        elif op.kind == OperationKind.ESTIMATE and statuses.get(op.pk, Status.PENDING) == (
            Status.PENDING
        ):
            current += subtotal
    return RoAmounts(
        authorized=authorized,
        current=current,
        rule=shop.over_estimate_rule,
        rule_name=rule_name(shop),
        not_to_exceed=not_to_exceed,
        standing=standing,
        custom_percent=shop.over_limit_percent,
        custom_amount=shop.over_limit_amount,
    )


# Reads ------------------------------------------------------------------------------------------


def not_to_exceed_for(*, repair_order_ids: Iterable[int]) -> dict[int, NotToExceed]:
    """Each RO's latest not-to-exceed signature (one query for any number of ROs)."""
    ids = list(repair_order_ids)
    if not ids:
        return {}
    rows = (
        Signature.objects.filter(repair_order_id__in=ids, kind=Signature.Kind.NOT_TO_EXCEED)
        .order_by("repair_order_id", "sequence")
        .values_list("repair_order_id", "amount", "contact_name", "created_at", "pk")
    )
    return {ro: NotToExceed(amount, name, at, pk) for ro, amount, name, at, pk in rows}


def _decision_facts() -> Iterable[Decision]:
    # Only what the amounts read: the wide evidence columns stay in the database.
    return Decision.objects.only(
        "repair_order", "operation", "sequence", "status", "amount"
    ).order_by()


def ro_amounts(
    *,
    repair_order: RepairOrder,
    operations: Iterable[Operation] | None = None,
    decisions: Iterable[Decision] | None = None,
) -> RoAmounts:
    """The RO's amounts. Pass its live operations (lines prefetched) and all its decisions when
    the caller has them (the RO page does); else they are read (two queries), plus one for the
    not-to-exceed signature."""
    if operations is None:
        operations = live_operations().filter(repair_order_id=repair_order.pk)
    if decisions is None:
        decisions = _decision_facts().filter(repair_order_id=repair_order.pk)
    nte = not_to_exceed_for(repair_order_ids=[repair_order.pk]).get(repair_order.pk)
    return amounts_of(
        shop=repair_order.shop, operations=operations, decisions=decisions, not_to_exceed=nte
    )


def move_refusal(*, repair_order: RepairOrder, to: str) -> str:
    """Why the RO may not move to `to` (Ready, Completed) while the work is past the rule's
    limit; '' when it may. No rule chosen: never refused."""
    if to not in GUARDED_MOVES:
        return ""
    amounts = ro_amounts(repair_order=repair_order)
    if not (amounts.enforced and amounts.over):
        return ""
    return amounts.over_message(ro_label=repair_order.label, to_label=RoStatus(to).label)


def approval_warning(*, operation: Operation, status: str, shop: Shop) -> str | None:
    """The decision pop-up's warning (and the API's `warnings`): approving this operation on the
    customer's behalf raises the authorized total past what the shop's rule allows over what
    the customer had authorized (or their not-to-exceed amount). Only warns: the approval is
    the new authorization, so it must be one the customer really gave. Nothing to warn about
    on the first authorization, or with no rule."""
    if status != Status.APPROVED or shop.over_estimate_rule == OverEstimateRule.NONE:
        return None
    amounts = ro_amounts(repair_order=operation.repair_order)
    if not amounts.anything_authorized:
        return None
    before = amounts.authorized
    after = before - amounts.standing.get(operation.pk, ZERO) + operation_subtotal(operation)
    limit = amounts.limit
    if after <= limit:
        return None
    nte = ""
    if amounts.not_to_exceed is not None:
        nte = f" and the not-to-exceed amount of {money(amounts.not_to_exceed.amount)}"
    return (
        f"Approving this raises the authorized total from {money(before)} to {money(after)} "
        f"{TAX_WORDS}, {money(after - before)} more: past {amounts.rule_name}{nte}, which "
        f"allows up to {money(limit)} without a new authorization. Record it only if the "
        "customer agreed to the higher amount."
    )


def covering_not_to_exceed(
    *, operation: Operation, status: str, subtotal: Decimal
) -> NotToExceed | None:
    """The RO's not-to-exceed amount, when approving this operation at `subtotal` keeps the
    authorized total within it (then an approval on the customer's behalf needs no call)."""
    if status != Status.APPROVED:
        return None
    amounts = ro_amounts(repair_order=operation.repair_order)
    if amounts.within_not_to_exceed(operation_id=operation.pk, subtotal=subtotal):
        return amounts.not_to_exceed
    return None


@dataclass(frozen=True)
class OverAuthorized:
    """An RO on the Today page whose work now comes to more than its rule allows."""

    repair_order: RepairOrder
    amounts: RoAmounts

    @property
    def authorized(self) -> Decimal:
        return self.amounts.authorized

    @property
    def current(self) -> Decimal:
        return self.amounts.current

    @property
    def excess(self) -> Decimal:
        return self.amounts.excess


def ros_over_authorized(*, shop: Shop) -> list[OverAuthorized]:
    """ROs whose work was authorized (AUTHORIZED_STATUSES, the OVER_AUTHORIZED_SCANNED most
    recently moved) and now comes to more than the shop's rule allows (`RoAmounts.over`; with
    no rule chosen, more than was authorized at all). Four queries whatever the number."""
    ros = list(
        RepairOrder.objects.filter(shop=shop, status__in=AUTHORIZED_STATUSES)
        .select_related("customer", "advisor")
        .order_by("-status_changed_at", "-pk")[:OVER_AUTHORIZED_SCANNED]
    )
    ids = [ro.pk for ro in ros]
    operations: dict[int, list[Operation]] = {pk: [] for pk in ids}
    for op in live_operations().filter(repair_order_id__in=ids):
        operations[op.repair_order_id].append(op)
    decisions: dict[int, list[Decision]] = {pk: [] for pk in ids}
    for decision in _decision_facts().filter(repair_order_id__in=ids):
        decisions[decision.repair_order_id].append(decision)
    ntes = not_to_exceed_for(repair_order_ids=ids)
    found = []
    for ro in ros:
        amounts = amounts_of(
            shop=shop,
            operations=operations[ro.pk],
            decisions=decisions[ro.pk],
            not_to_exceed=ntes.get(ro.pk),
        )
        if amounts.over:
            found.append(OverAuthorized(ro, amounts))
    return found
