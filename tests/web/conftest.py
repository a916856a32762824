"""Helpers for staff page tests: a small priced RO and the header htmx sends."""

import pytest

from tests.factories import priced_ro


@pytest.fixture
def ro(shop):
    """RO 1001 with a brake job (1.5 h × $150 + $89.99 pads) and a primary contact."""
    return priced_ro(
        shop,
        number=1001,
        contacts=[{"name": "Maria Lopez", "is_primary": True}],
        operations=[{}],
    ).ro


HTMX = {"HX-Request": "true"}
