from decimal import Decimal
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signoff.approvals.selectors import repair_order_page
from signoff.orders.pricing import (
    PricedLine,
    line_amount,
    money,
    operation_subtotal,
    price_lines,
    price_operations,
)
from signoff.orders.services import operation_add
from signoff.shops.access import actor_for
from tests.factories import RepairOrderFactory

D = Decimal


def test_money_rounds_half_up_to_the_cent():
    assert money(D("0.005")) == D("0.01")
    assert money(D("2.675")) == D("2.68")
    assert money(D("-0.005")) == D("-0.01")


def test_line_amount_is_quantity_times_price_rounded_once():
    assert line_amount(D("1.5"), D("150")) == D("225.00")
    assert line_amount(D("0.33"), D("165.00")) == D("54.45")


def test_tax_applies_once_to_the_taxable_lines_only():
    totals = price_lines(
        [
            PricedLine("labor", D("1.8"), D("165.00"), taxable=False),
            PricedLine("part", D("2"), D("89.50"), taxable=True),
            PricedLine("fee", D("1"), D("12.50"), taxable=True),
        ],
        tax_rate=D("9.25"),
    )
    assert (totals.labor, totals.parts, totals.fees) == (D("297.00"), D("179.00"), D("12.50"))
    assert totals.tax == D("17.71")  # 9.25 % of 191.50 = 17.71375
    assert totals.total == D("506.21")


def test_a_negative_taxable_sum_is_not_taxed():
    totals = price_lines([PricedLine("fee", D("1"), D("-20"), taxable=True)], tax_rate=D("10"))
    assert totals.tax == D("0.00") and totals.total == D("-20.00")


cents = st.decimals(min_value=0, max_value=10_000, places=2)
quantities = st.decimals(min_value=0, max_value=100, places=2)
kinds = st.sampled_from(["labor", "part", "fee"])
lines = st.lists(st.builds(PricedLine, kinds, quantities, cents, st.booleans()), max_size=12)


@given(lines, st.decimals(min_value=0, max_value=15, places=3))
def test_printed_lines_and_tax_always_add_up_to_the_total(priced, rate):
    totals = price_lines(priced, tax_rate=rate)
    assert totals.subtotal == sum((ln.amount for ln in priced), D("0"))
    assert totals.total == totals.labor + totals.parts + totals.fees + totals.tax
    assert totals.tax == totals.tax.quantize(D("0.01"))


def _operation(lines: list[PricedLine]):
    """An object shaped like an Operation with prefetched lines, for the pricing functions."""
    rows = [
        SimpleNamespace(
            kind=ln.kind, quantity=ln.quantity, unit_price=ln.unit_price, taxable=ln.taxable
        )
        for ln in lines
    ]
    return SimpleNamespace(entered_lines=rows)


def _cents(value: Decimal) -> bool:
    return value == value.quantize(D("0.01"))


fees = st.decimals(min_value=-500, max_value=500, places=2)
signed_lines = st.lists(
    st.one_of(
        st.builds(PricedLine, st.sampled_from(["labor", "part"]), quantities, cents, st.booleans()),
        st.builds(PricedLine, st.just("fee"), st.just(D("1")), fees, st.booleans()),
    ),
    max_size=8,
)


@given(st.lists(signed_lines, max_size=6), st.decimals(min_value=0, max_value=15, places=3))
def test_operation_subtotals_and_tax_add_up_to_the_grand_total_to_the_cent(ops, rate):
    operations = [_operation(lines) for lines in ops]
    totals = price_operations(operations, tax_rate=rate)
    every_line = [ln for lines in ops for ln in lines]

    # What a customer can add up from the printed rows equals the printed total, cent for cent.
    assert sum((operation_subtotal(op) for op in operations), D("0")) + totals.tax == totals.total
    by_kind = {
        kind: sum((ln.amount for ln in every_line if ln.kind == kind), D("0"))
        for kind in ("labor", "part", "fee")
    }
    assert (totals.labor, totals.parts, totals.fees) == (
        by_kind["labor"],
        by_kind["part"],
        by_kind["fee"],
    )
    assert all(_cents(v) for v in (totals.labor, totals.parts, totals.fees, totals.tax))
    # Tax is the rate applied once to the taxable lines, off by at most half a cent.
    taxable = sum((ln.amount for ln in every_line if ln.taxable), D("0"))
    exact = taxable * rate / 100 if taxable > 0 else D("0")
    assert abs(totals.tax - exact) <= D("0.005")


stored_lines = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["labor", "part", "fee"]),
            "description": st.just("Line"),
            "quantity": st.decimals(min_value=0, max_value=40, places=2),
            "unit_price": cents,
            "taxable": st.booleans(),
        }
    ),
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(stored_lines, min_size=1, max_size=4))
def test_the_ro_pages_rows_and_tax_add_up_to_its_total_after_saving(shop, alice, ops):
    """Through the service and the database (which keeps two decimals) to the page's figures."""
    actor = actor_for(user=alice, shop_id=shop.pk)
    ro = RepairOrderFactory(shop=shop)
    for lines in ops:
        operation_add(actor=actor, ro_id=ro.pk, data={"title": "Work", "lines": lines})
    page = repair_order_page(actor=actor, ro_id=ro.pk)
    for row in page.rows:
        assert row.subtotal == sum((line.amount for line in row.lines), D("0"))
    assert (
        sum((row.subtotal for row in page.rows), D("0")) + page.estimate.tax == page.estimate.total
    )
    expected = price_lines(
        [
            PricedLine(ln["kind"], ln["quantity"], ln["unit_price"], ln["taxable"])
            for lines in ops
            for ln in lines
        ],
        tax_rate=shop.tax_rate,
    )
    assert page.estimate.total == expected.total
