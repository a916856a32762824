"""Locking an RO or operation for a write: only within its shop, and never a removed operation."""

import pytest
from django.db import transaction
from django.utils import timezone

from signoff.core.errors import NotFound
from signoff.orders.locks import operation_get_for_update, repair_order_get_for_update
from tests.factories import RepairOrderFactory, priced_operation


def test_the_shops_repair_order_is_returned_with_what_was_asked_for(
    shop, django_assert_num_queries
):
    ro = RepairOrderFactory(shop=shop)
    with transaction.atomic(), django_assert_num_queries(1):
        locked = repair_order_get_for_update(shop_id=shop.pk, ro_id=ro.pk, related=("customer",))
        assert (locked, locked.customer) == (ro, ro.customer)


def test_another_shops_repair_order_is_not_found(shop, other_shop):
    ro = RepairOrderFactory(shop=shop)
    with transaction.atomic(), pytest.raises(NotFound, match="Repair order not found"):
        repair_order_get_for_update(shop_id=other_shop.pk, ro_id=ro.pk)


def test_the_shops_live_operation_is_returned(shop):
    operation = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    with transaction.atomic():
        assert operation_get_for_update(shop_id=shop.pk, operation_id=operation.pk) == operation


def test_another_shops_operation_is_not_found(shop, other_shop):
    operation = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    with transaction.atomic(), pytest.raises(NotFound, match="Operation not found"):
        operation_get_for_update(shop_id=other_shop.pk, operation_id=operation.pk)


def test_a_removed_operation_is_not_found(shop):
    operation = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    operation.removed_at = timezone.now()
    operation.save(update_fields=["removed_at"])
    with transaction.atomic(), pytest.raises(NotFound, match="Operation not found"):
        operation_get_for_update(shop_id=shop.pk, operation_id=operation.pk)
