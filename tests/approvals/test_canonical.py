import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signoff.approvals.canonical import canonical_json, sha256_hex


def test_keys_are_sorted_without_spaces_and_unicode_is_kept():
    assert canonical_json({"b": 1, "a": "Zoë"}) == '{"a":"Zoë","b":1}'


def test_decimals_are_written_as_strings_keeping_their_cents():
    assert canonical_json({"amount": Decimal("150.00")}) == '{"amount":"150.00"}'


def test_aware_datetimes_are_written_in_utc_with_microseconds():
    pacific = dt.timezone(dt.timedelta(hours=-8))
    value = dt.datetime(2026, 3, 1, 9, 30, tzinfo=pacific)
    assert canonical_json([value]) == '["2026-03-01T17:30:00.000000+00:00"]'


def test_the_same_instant_in_two_zones_hashes_the_same():
    utc = dt.datetime(2026, 3, 1, 17, 30, 0, 123456, tzinfo=dt.UTC)
    tokyo = utc.astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert sha256_hex({"t": utc}) == sha256_hex({"t": tokyo})


def test_naive_datetimes_and_floats_are_refused():
    with pytest.raises(ValueError):
        canonical_json({"t": dt.datetime(2026, 1, 1)})
    with pytest.raises(TypeError):
        canonical_json({"amount": 1.5})


@given(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=6))
def test_hash_does_not_depend_on_key_order(data):
    reversed_order = dict(reversed(list(data.items())))
    assert sha256_hex(data) == sha256_hex(reversed_order)
    assert json.loads(canonical_json(data)) == data
