import pytest
from hypothesis import given
from hypothesis import strategies as st

from signoff.core.formatting import format_phone
from signoff.core.validation import clean_email, clean_phone
from signoff.customers.validation import clean_vin, vin_check_digit

VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("(503) 555-0100", "+15035550100"),
        ("503.555.0100", "+15035550100"),
        ("+1 503 555 0100", "+15035550100"),
        ("+44 20 7946 0958", "+442079460958"),
        ("", ""),
    ],
)
def test_clean_phone_stores_e164(raw, e164):
    assert clean_phone(raw) == e164


@pytest.mark.parametrize("raw", ["555-01", "abc", "+1 999 555 0100"])
def test_clean_phone_says_what_is_wrong(raw):
    with pytest.raises(ValueError, match=r"phone number"):
        clean_phone(raw)


def test_format_phone_shows_us_numbers_nationally_and_others_internationally():
    assert format_phone("+15035550100") == "(503) 555-0100"
    assert format_phone("+442079460958") == "+44 20 7946 0958"
    assert format_phone("") == ""


@pytest.mark.parametrize("raw", ["maria@", "@example.com", "maria example.com"])
def test_clean_email_refuses_bad_addresses_with_an_example(raw):
    with pytest.raises(ValueError, match="e.g. name@example.com"):
        clean_email(raw)


def test_clean_email_trims_and_lowercases():
    assert clean_email("  Maria@Example.COM ") == "maria@example.com"


def test_a_valid_vin_has_no_warning():
    assert clean_vin(" 1hgcm82633a004352 ") == ("1HGCM82633A004352", [])


def test_a_wrong_check_digit_is_only_a_warning():
    vin, warnings = clean_vin("1HGCM82643A004352")
    assert vin == "1HGCM82643A004352"
    assert len(warnings) == 1 and "check digit" in warnings[0]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1HGCM826", "17 characters; this one has 8"),
        ("1HGCM82633A00435O", "never contains O"),
        ("1HGCM82633A00435!", "only letters and digits"),
    ],
)
def test_impossible_vins_are_refused_with_the_reason(raw, message):
    with pytest.raises(ValueError, match=message):
        clean_vin(raw)


@given(st.text(alphabet=VIN_CHARS, min_size=17, max_size=17))
def test_a_vin_with_its_own_check_digit_never_warns(vin):
    fixed = vin[:8] + vin_check_digit(vin[:8] + "0" + vin[9:]) + vin[9:]
    # Position 9 has weight 0, so the digit computed with any placeholder is the right one.
    assert clean_vin(fixed) == (fixed, [])
