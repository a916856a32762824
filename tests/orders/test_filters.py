"""The RO list's filters: status, advisor (or nobody), and waiting for an answer past N hours."""

from datetime import timedelta

import pytest
from django.utils import timezone

from signoff.core.errors import ValidationFailed
from signoff.orders.models import RepairOrder
from signoff.orders.selectors import UNASSIGNED, RoFilters, repair_order_search, ro_filters
from tests.factories import RepairOrderFactory


def _numbers(owner, **filters) -> list[int]:
    found = repair_order_search(actor=owner, filters=ro_filters(**filters))
    return [ro.number for ro in found]


@pytest.fixture
def ros(shop, alice, carol):
    now = timezone.now()
    made = {
        1: RepairOrderFactory(shop=shop, number=1, status="awaiting", advisor=alice),
        2: RepairOrderFactory(shop=shop, number=2, status="awaiting", advisor=carol),
        3: RepairOrderFactory(shop=shop, number=3, status="approved", advisor=None),
        4: RepairOrderFactory(shop=shop, number=4, status="estimate", advisor=carol),
    }
    for number, hours in ((1, 30), (2, 2), (3, 100), (4, 100)):
        RepairOrder.objects.filter(pk=made[number].pk).update(
            status_changed_at=now - timedelta(hours=hours)
        )
    return made


def test_each_filter_narrows_the_list(owner, ros, alice, carol):
    assert _numbers(owner) == [4, 3, 2, 1]
    assert _numbers(owner, status="awaiting") == [2, 1]
    assert _numbers(owner, advisor=str(carol.pk)) == [4, 2]
    assert _numbers(owner, advisor=UNASSIGNED) == [3]
    # Only ROs still awaiting an answer count as waiting, however old their status.
    assert _numbers(owner, waiting_hours="24") == [1]
    assert _numbers(owner, waiting_hours="1") == [2, 1]
    assert _numbers(owner, status="awaiting", advisor=str(alice.pk), waiting_hours="24") == [1]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "flying"),
        ("advisor", "abc"),
        ("advisor", "99999999999999999999"),
        ("waiting_hours", "0"),
        ("waiting_hours", "-4"),
        ("waiting_hours", "1e3"),
        ("waiting_hours", "99999"),
    ],
)
def test_a_filter_that_cannot_be_one_is_refused_by_name(field, value):
    with pytest.raises(ValidationFailed) as refused:
        ro_filters(**{field: value})
    assert set(refused.value.fields) == {field}


def test_blank_filters_filter_nothing():
    assert ro_filters(status="", advisor="", waiting_hours="") == RoFilters()
    assert not RoFilters().any
