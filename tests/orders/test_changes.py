"""What changed in an operation, in words: one function for the reset's comment (staff) and the
customer page's difference (in the contact's language)."""

import copy

import pytest
from django.utils import translation

from signoff.orders.changes import changes_in_words, operation_changes


def _op(**fields):
    op = {
        "kind": "estimate",
        "title": "Front brake pads",
        "complaint": "Grinding",
        "cause": "",
        "correction": "Replace pads",
        "lines": [
            {
                "kind": "labor",
                "part_number": "",
                "description": "",
                "quantity": "1.5",
                "unit_price": "120.00",
                "taxable": False,
            },
            {
                "kind": "part",
                "part_number": "BP-1",
                "description": "Pads",
                "quantity": "1",
                "unit_price": "89.99",
                "taxable": True,
            },
        ],
        "subtotal": "269.99",
    }
    op.update(fields)
    return op


def _with(op, **changes):
    new = copy.deepcopy(op)
    for index, line_changes in changes.pop("lines", {}).items():
        new["lines"][index].update(line_changes)
    new.update(changes)
    return new


def test_hours_a_new_part_and_the_subtotal_read_as_the_issue_asks():
    before = _op()
    after = _with(before, lines={0: {"quantity": "2.0"}}, subtotal="344.99")
    after["lines"].append(
        {
            "kind": "part",
            "part_number": "",
            "description": "Brake fluid",
            "quantity": "1",
            "unit_price": "15.00",
            "taxable": True,
        }
    )
    assert changes_in_words(before, after) == (
        "Labor 1.5 h → 2 h; part “Brake fluid” added; $269.99 → $344.99"
    )


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"lines": {1: {"quantity": "2"}}}, ["part “Pads” quantity 1 → 2"]),
        ({"lines": {1: {"unit_price": "99.99"}}}, ["part “Pads” price $89.99 → $99.99"]),
        ({"lines": {0: {"unit_price": "150.00"}}}, ["Labor rate $120.00 → $150.00"]),
        ({"lines": {1: {"taxable": False}}}, ["part “Pads” no longer taxed"]),
        ({"kind": "recommendation"}, ["Estimate work → recommendation"]),
        ({"title": "Brake pads"}, ["Title “Front brake pads” → “Brake pads”"]),
        ({"correction": "Replace pads and rotors"}, ["Repair changed"]),
        ({"complaint": "  Grinding "}, []),  # the same words: no change
    ],
)
def test_each_kind_of_change_has_its_words(change, words):
    assert operation_changes(_op(), _with(_op(), **change)) == words


def test_a_removed_part_and_several_labor_lines_are_named():
    before = _op()
    before["lines"].append(
        {
            "kind": "labor",
            "part_number": "",
            "description": "Bleed brakes",
            "quantity": "0.5",
            "unit_price": "120.00",
            "taxable": False,
        }
    )
    after = _with(before, lines={2: {"quantity": "1"}})
    del after["lines"][1]
    assert operation_changes(before, after) == [
        "Labor “Bleed brakes” 0.5 h → 1 h",
        "part “Pads” removed",
    ]


def test_without_prices_no_amount_is_named():
    after = _with(_op(), lines={0: {"quantity": "2", "unit_price": "150.00"}}, subtotal="389.99")
    words = operation_changes(_op(), after, prices=False)
    assert words == ["Labor 1.5 h → 2 h"]
    assert not any("$" in w for w in words)


def test_the_words_are_in_the_active_language():
    after = _with(_op(), lines={0: {"quantity": "2"}}, subtotal="329.99")
    after["lines"].append(
        {
            "kind": "part",
            "part_number": "",
            "description": "Brake fluid",
            "quantity": "1",
            "unit_price": "15.00",
            "taxable": True,
        }
    )
    with translation.override("es"):
        words = changes_in_words(_op(), after)
    assert words == "Mano de obra 1.5 h → 2 h; Se añadió pieza “Brake fluid”; $269.99 → $329.99"
