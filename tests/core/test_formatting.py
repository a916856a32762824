"""core.formatting: how amounts, quantities, phones, names, times and durations are written."""

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from signoff.core import formatting as fmt


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (Decimal("-5"), "\u2212$5.00"),
        ("-1234.5", "\u2212$1,234.50"),
        (Decimal("0"), "$0.00"),
        (Decimal("-0.00"), "$0.00"),
        (0, "$0.00"),
        ("1234567.891", "$1,234,567.89"),
        (Decimal("0.005"), "$0.01"),
        (None, ""),
        ("", ""),
    ],
)
def test_money_has_one_style_with_a_real_minus_sign(amount, written):
    assert fmt.money(amount) == written


def test_money_names_a_currency_other_than_dollars_by_its_code():
    assert fmt.money("-5", currency="EUR") == "\u2212EUR 5.00"
    assert fmt.money("5", currency="USD") == "$5.00"


@pytest.mark.parametrize("garbage", ["abc", "NaN", "Infinity", object()])
def test_money_refuses_what_is_not_an_amount_rather_than_printing_it(garbage):
    with pytest.raises(ValueError):
        fmt.money(garbage)


@pytest.mark.parametrize(
    ("value", "written"),
    [("1.50", "1.5"), ("2.00", "2"), ("0.25", "0.25"), ("100", "100"), (None, ""), ("", "")],
)
def test_quantities_drop_trailing_zeros_only(value, written):
    assert fmt.quantity(value) == written


def test_percent_has_no_space_before_the_sign():
    assert fmt.percent(Decimal("8.2500")) == "8.25%"
    assert fmt.percent(Decimal("10")) == "10%"
    assert fmt.percent(None) == ""


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+15035550100", "(503) 555-0100"),
        ("+442079460958", "+44 20 7946 0958"),
        ("+525512345678", "+52 55 1234 5678"),
        ("5035550100", "(503) 555-0100"),
        ("call the front desk", "call the front desk"),
        ("", ""),
        (None, ""),
    ],
)
def test_phones_are_national_in_north_america_and_international_elsewhere(stored, shown):
    assert fmt.format_phone(stored) == shown


def test_a_person_is_named_with_their_relationship_when_there_is_one():
    assert fmt.person_name("Ana Lopez", "Mother") == "Ana Lopez (Mother)"
    assert fmt.person_name("Ana Lopez", "") == "Ana Lopez"


def _user(full: str, username: str):
    return SimpleNamespace(get_full_name=lambda: full, get_username=lambda: username)


def test_staff_are_named_by_full_name_else_username():
    assert fmt.staff_name(_user("Avery Park", "avery")) == "Avery Park"
    assert fmt.staff_name(_user("", "avery")) == "avery"
    assert fmt.staff_name(None) == ""


# US clocks fall back at 2:00 AM PDT on Nov 2, 2025: 1:30 AM happens twice, an hour apart.
FIRST_130 = datetime(2025, 11, 2, 8, 30, tzinfo=UTC)
SECOND_130 = datetime(2025, 11, 2, 9, 30, tzinfo=UTC)


def test_times_around_the_fall_back_hour_name_their_zone():
    assert fmt.when(FIRST_130, "America/Los_Angeles") == "Nov 2, 2025, 1:30 AM PDT"
    assert fmt.when(SECOND_130, "America/Los_Angeles") == "Nov 2, 2025, 1:30 AM PST"
    assert fmt.zone_abbreviation(FIRST_130, "America/Los_Angeles") == "PDT"
    assert fmt.zone_abbreviation(SECOND_130, "America/Los_Angeles") == "PST"


def test_the_day_is_the_shops_day_not_utcs():
    late_evening = datetime(2025, 3, 5, 6, 30, tzinfo=UTC)  # 10:30 PM on Mar 4 in Los Angeles
    assert fmt.day(late_evening, "America/Los_Angeles") == "Mar 4, 2025"
    assert fmt.day(late_evening, "UTC") == "Mar 5, 2025"
    assert fmt.weekday_time(late_evening, "America/Los_Angeles") == "Tue, Mar 4, 2025, 10:30 PM"


def test_iso_strings_and_naive_times_are_read_as_utc():
    assert fmt.when("2025-03-05T01:00:00+00:00", "America/Los_Angeles") == (
        "Mar 4, 2025, 5:00 PM PST"
    )
    assert fmt.when(datetime(2025, 3, 5, 1, 0), "America/Los_Angeles") == (
        "Mar 4, 2025, 5:00 PM PST"
    )


def test_an_unknown_zone_falls_back_to_utc_and_no_time_prints_nothing():
    assert fmt.when(FIRST_130, "Mars/Olympus") == "Nov 2, 2025, 8:30 AM UTC"
    assert fmt.when(None, "UTC") == "" and fmt.day("", "UTC") == ""
    assert fmt.weekday_time(None, "UTC") == "" and fmt.day_or_today(None, "UTC") == ""


def test_earlier_today_reads_as_a_time_and_other_days_as_a_date():
    now = datetime(2025, 11, 2, 20, 0, tzinfo=UTC)  # 12:00 PM PST
    assert fmt.day_or_today(SECOND_130, "America/Los_Angeles", now=now) == "Today 1:30 AM"
    assert fmt.day_or_today(SECOND_130, "Asia/Tokyo", now=now) == "Nov 2, 2025"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 seconds"),
        (1, "1 second"),
        (59.9, "59 seconds"),
        (60, "1 minute"),
        (14 * 60 + 59, "14 minutes"),
        (90 * 60, "90 minutes"),
        (2 * 3600, "2 hours"),
        (47 * 3600, "47 hours"),
        (3 * 86400, "3 days"),
    ],
)
def test_durations_are_written_in_the_largest_whole_unit(seconds, words):
    assert fmt.duration(seconds) == words
