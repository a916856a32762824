"""The authorized and current amounts of an RO, from its decisions, and the over-estimate rule
that says how far the one may pass the other (approvals.amounts)."""

from decimal import Decimal

import pytest

from signoff.approvals.amounts import (
    RoAmounts,
    amounts_of,
    approval_warning,
    ro_amounts,
    rule_allowance,
    rule_name,
)
from signoff.approvals.models import ApprovalReason, Status
from signoff.approvals.services import decision_record
from signoff.orders.models import OperationLine
from signoff.orders.selectors import live_operations
from signoff.orders.services import operation_update
from signoff.shops.access import actor_for
from signoff.shops.models import OverEstimateRule
from tests.factories import priced_operation, priced_ro

D = Decimal


@pytest.fixture
def actor(shop, carol):
    return actor_for(user=carol, shop_id=shop.pk)


def _op(title, price, **kwargs):
    """An operation of exactly `price` before tax (no labor, one part)."""
    return {"title": title, "labor_hours": "0", "part_price": price, **kwargs}


def _approve(actor, op):
    reason = ApprovalReason.objects.get(shop=actor.shop, label="Email")
    return decision_record(
        actor=actor, operation_id=op.pk, status=Status.APPROVED, reason_id=reason.pk
    )


def _decide(actor, op, status):
    reason = ApprovalReason.objects.get(shop=actor.shop, label="Email")
    return decision_record(actor=actor, operation_id=op.pk, status=status, reason_id=reason.pk)


def _rule(shop, rule, percent=None, amount=None):
    shop.over_estimate_rule = rule
    shop.over_limit_percent = None if percent is None else D(percent)
    shop.over_limit_amount = None if amount is None else D(amount)
    shop.save()


# The rule presets: each at, just under and just over its limit ---------------------------------

# (rule, custom percent, custom amount, authorized, the most the work may come to)
LIMITS = [
    ("california", None, None, "1000.00", "1000.00"),  # any increase
    ("california", None, None, "50.00", "50.00"),
    ("michigan", None, None, "1000.00", "1010.00"),  # $10 is less than 10 % ($100)
    ("michigan", None, None, "60.00", "66.00"),  # 10 % ($6) is less than $10
    ("michigan", None, None, "100.00", "110.00"),  # both $10
    ("florida", None, None, "60.00", "70.00"),  # $10 is greater than 10 % ($6)
    ("florida", None, None, "300.00", "330.00"),  # 10 % ($30) is greater than $10
    ("florida", None, None, "1000.00", "1050.00"),  # 10 % ($100), but at most $50
    ("ohio", None, None, "1000.00", "1100.00"),  # 10 %
    ("ohio", None, None, "33.33", "36.66"),  # 10 % rounded to the cent: $3.33
    ("custom", "5", None, "1000.00", "1050.00"),
    ("custom", None, "25.00", "1000.00", "1025.00"),
    ("custom", "5", "25.00", "1000.00", "1025.00"),  # whichever is less
    ("custom", "5", "25.00", "200.00", "210.00"),
]


def _amounts(rule, percent, amount, authorized, current) -> RoAmounts:
    return RoAmounts(
        authorized=D(authorized),
        current=D(current),
        rule=rule,
        rule_name=rule,
        custom_percent=None if percent is None else D(percent),
        custom_amount=None if amount is None else D(amount),
    )


@pytest.mark.parametrize(("rule", "percent", "amount", "authorized", "limit"), LIMITS)
def test_each_preset_allows_up_to_its_limit_and_not_a_cent_more(
    rule, percent, amount, authorized, limit
):
    at = _amounts(rule, percent, amount, authorized, limit)
    assert at.limit == D(limit)
    assert not at.over  # at the limit: still covered
    assert not _amounts(rule, percent, amount, authorized, D(limit) - D("0.01")).over
    over = _amounts(rule, percent, amount, authorized, D(limit) + D("0.01"))
    assert over.over and over.excess == D("0.01")


def test_no_rule_still_flags_any_increase_but_is_not_enforced():
    amounts = _amounts("none", None, None, "1000.00", "1000.01")
    assert amounts.over and not amounts.enforced
    assert _amounts("california", None, None, "1000.00", "1000.01").enforced


def test_nothing_authorized_yet_is_not_over_anything():
    assert not _amounts("california", None, None, "0.00", "500.00").over


def test_the_allowance_is_worked_out_in_cents():
    assert rule_allowance(rule="ohio", authorized=D("0.05")) == D("0.01")  # 0.005 half-up
    assert rule_allowance(rule="michigan", authorized=D("0.00")) == D("0.00")
    assert rule_allowance(rule="florida", authorized=D("0.00")) == D("10.00")


def test_the_rule_is_named_with_its_numbers(shop):
    _rule(shop, "michigan")
    assert rule_name(shop) == "Michigan's rule ($10 or 10%, whichever is less)"
    _rule(shop, "custom", percent="7.5", amount="40")
    assert rule_name(shop) == "The shop's rule (7.5% or $40.00, whichever is less)"


# The amounts come from the decisions ----------------------------------------------------------


def test_authorized_is_what_was_approved_and_current_adds_pending_estimate_work(shop, actor):
    built = priced_ro(
        shop,
        operations=[
            _op("Brakes", "400.00"),
            _op("Wipers", "600.00"),
            _op("Coolant", "500.00"),
            _op("Tires", "900.00", kind="recommendation"),
            _op("Filter", "70.00"),
        ],
    )
    brakes, wipers, coolant, tires, filter_ = built.operations
    _approve(actor, brakes)
    _approve(actor, wipers)
    _decide(actor, filter_, Status.DECLINED)
    amounts = ro_amounts(repair_order=built.ro)
    # Coolant is pending estimate work; the pending recommendation and the declined filter
    # are not going to be billed.
    assert (amounts.authorized, amounts.current) == (D("1000.00"), D("1500.00"))
    assert amounts.difference == D("500.00")


def test_an_edit_back_to_pending_keeps_the_approval_at_its_amount_until_answered(shop, actor):
    _rule(shop, "michigan")
    built = priced_ro(shop, operations=[_op("Brakes", "400.00")])
    (brakes,) = built.operations
    _approve(actor, brakes)
    lines = [{"kind": "part", "quantity": "1", "unit_price": "409.00", "description": "Pads"}]
    operation_update(actor=actor, operation_id=brakes.pk, data={"lines": lines})
    assert brakes.decisions.order_by("-sequence").first().status == Status.PENDING
    amounts = ro_amounts(repair_order=built.ro)
    assert (amounts.authorized, amounts.current) == (D("400.00"), D("409.00"))
    assert not amounts.over  # $9 more: within Michigan's $10
    lines[0]["unit_price"] = "410.01"
    operation_update(actor=actor, operation_id=brakes.pk, data={"lines": lines})
    assert ro_amounts(repair_order=built.ro).over
    _decide(actor, brakes, Status.DECLINED)  # the customer's new answer ends the approval
    amounts = ro_amounts(repair_order=built.ro)
    assert (amounts.authorized, amounts.current) == (D("0.00"), D("0.00"))


def test_the_page_and_a_fresh_read_agree(shop, actor):
    built = priced_ro(shop, operations=[_op("Brakes", "400.00"), _op("Wipers", "600.00")])
    _approve(actor, built.operations[0])
    ops = list(live_operations().filter(repair_order=built.ro))
    pure = amounts_of(shop=shop, operations=ops, decisions=built.ro.decisions.all())
    assert pure == ro_amounts(repair_order=built.ro)


# The decision pop-up's warning ---------------------------------------------------------------


def test_approving_a_new_operation_after_earlier_approvals_warns(shop, actor):
    """The known defect: $400 and $600 approved on behalf, then a $500 operation added and
    approved, used to pass unwarned (all within an hour counted as the first authorization)."""
    _rule(shop, "custom", percent="10")
    built = priced_ro(shop, operations=[_op("Brakes", "400.00"), _op("Wipers", "600.00")])
    brakes, wipers = built.operations
    assert approval_warning(operation=brakes, status=Status.APPROVED, shop=shop) is None
    _approve(actor, brakes)
    _approve(actor, wipers)
    coolant = priced_operation(
        repair_order=built.ro, title="Coolant", labor_hours="0", part_price="500.00"
    )
    warning = approval_warning(operation=coolant, status=Status.APPROVED, shop=shop)
    assert warning == (
        "Approving this raises the authorized total from $1,000.00 to $1,500.00 before tax, "
        "$500.00 more: past The shop's rule (10%), which allows up to $1,100.00 without a new "
        "authorization. Record it only if the customer agreed to the higher amount."
    )
    assert approval_warning(operation=coolant, status=Status.DECLINED, shop=shop) is None


def test_an_approval_within_the_rule_does_not_warn_and_no_rule_never_does(shop, actor):
    _rule(shop, "ohio")
    built = priced_ro(shop, operations=[_op("Brakes", "1000.00"), _op("Wiper", "100.00")])
    brakes, wiper = built.operations
    _approve(actor, brakes)
    assert approval_warning(operation=wiper, status=Status.APPROVED, shop=shop) is None  # 10 %
    OperationLine.objects.filter(operation=wiper, kind="part").update(unit_price=D("100.01"))
    assert approval_warning(operation=wiper, status=Status.APPROVED, shop=shop)
    _rule(shop, OverEstimateRule.NONE)
    assert approval_warning(operation=wiper, status=Status.APPROVED, shop=shop) is None
