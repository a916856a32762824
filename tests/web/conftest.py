"""Helpers for staff page tests: a small priced RO and the header htmx sends."""

import pytest

from tests.factories import ContactFactory, RepairOrderFactory, priced_operation


@pytest.fixture
def ro(shop):
    """RO 1001 with a brake job (1.5 h × $150 + $89.99 pads) and a primary contact."""
    repair_order = RepairOrderFactory(shop=shop, number=1001)
    ContactFactory(customer=repair_order.customer, is_primary=True, name="Maria Lopez")
    priced_operation(repair_order=repair_order)
    return repair_order


HTMX = {"HX-Request": "true"}
