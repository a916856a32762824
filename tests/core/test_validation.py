"""The checks every client input goes through: ids, numbers, text and JSON nesting."""

import json
from decimal import Decimal

import pytest

from signoff.core.validation import (
    MAX_ID,
    MAX_JSON_DEPTH,
    clean_text,
    json_too_deep,
    parse_decimal,
    parse_id,
    parse_whole_number,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        (" 42 ", 42),
        (str(MAX_ID), MAX_ID),
        (MAX_ID, MAX_ID),
        (str(MAX_ID + 1), None),
        (MAX_ID + 1, None),
        ("99999999999999999999", None),
        ("0", None),
        (0, None),
        ("-1", None),
        ("1e3", None),
        ("1_000", None),
        ("١٢", None),
        ("²", None),
        ("9" * 5000, None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_id_takes_only_ids_within_the_databases_range(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0", 0), ("48,210", 48210), (7, 7), ("-1", None), ("1.5", None), ("٣", None), ("", None)],
)
def test_parse_whole_number(raw, expected):
    assert parse_whole_number(raw) == expected


@pytest.mark.parametrize("raw", ["1.25", "-3", "1E+999999", Decimal("0.01")])
def test_parse_decimal_takes_finite_numbers(raw):
    assert parse_decimal(raw) == Decimal(raw)


@pytest.mark.parametrize(
    "raw", ["NaN", "sNaN", "-Infinity", "inf", "1,5", "", "1e99999999999999999999"]
)
def test_parse_decimal_refuses_what_is_not_a_finite_number(raw):
    with pytest.raises(ValueError):
        parse_decimal(raw)


def test_parse_decimal_reads_minus_zero_as_zero():
    assert not parse_decimal("-0.00").is_signed()


def test_clean_text_trims_and_keeps_text_at_its_limit_whole():
    assert clean_text("  Zoë 😀 \u202eabc  ", label="name", max_length=12) == "Zoë 😀 \u202eabc"
    assert clean_text("x" * 150, label="name", max_length=150) == "x" * 150


def test_clean_text_refuses_text_over_its_limit_naming_it():
    with pytest.raises(ValueError, match=r"^Use at most 10,000 characters for the notes\.$"):
        clean_text("x" * 10_001, label="notes", max_length=10_000, multiline=True)


@pytest.mark.parametrize("text", ["a\r\nb", "a\nb", "a\rb", "a\u2028b", "a\x85b"])
def test_one_line_text_refuses_line_breaks(text):
    with pytest.raises(ValueError, match="on one line"):
        clean_text(text, label="name", max_length=100)


@pytest.mark.parametrize("text", ["a\x00b", "a\x1bb", "a\x7fb", "a\tb"])
def test_one_line_text_refuses_control_characters(text):
    with pytest.raises(ValueError, match="control character"):
        clean_text(text, label="name", max_length=100)


def test_text_of_several_lines_keeps_line_breaks_and_tabs_but_not_other_controls():
    assert clean_text("a\r\nb\tc", label="notes", max_length=100, multiline=True) == "a\r\nb\tc"
    with pytest.raises(ValueError, match="U\\+0000"):
        clean_text("a\x00b", label="notes", max_length=100, multiline=True)


def test_json_nesting_is_counted_outside_strings():
    assert not json_too_deep(json.dumps({"a": [[[1, 2]]], "b": "[[[[[[" * 50}))
    assert not json_too_deep("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)
    assert json_too_deep("[" * (MAX_JSON_DEPTH + 1))
    assert json_too_deep(b'{"a": "\\"", "b": ' + b"[" * 40 + b"]" * 40 + b"}")
    assert not json_too_deep(b'{"a": "\\\\", "b": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
