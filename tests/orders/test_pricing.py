from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from signoff.orders.pricing import PricedLine, line_amount, money, price_lines

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
