"""The one way a write takes a repair order or an operation: locked, in its shop, or 404.

PostgreSQL: writers on one row queue here until the transaction ends. SQLite ignores FOR UPDATE,
but its IMMEDIATE transactions already let only one writer in at a time. Call inside atomic().
"""

from __future__ import annotations

from collections.abc import Sequence

from signoff.core.errors import NotFound
from signoff.orders.models import Operation, RepairOrder


def repair_order_get_for_update(
    *, shop_id: int, ro_id: int, related: Sequence[str] = ()
) -> RepairOrder:
    """The shop's RO, locked for the rest of the transaction. Another shop's RO is NotFound."""
    ro = (
        RepairOrder.objects.select_for_update()
        .select_related(*related)
        .filter(shop_id=shop_id)
        .filter(pk=ro_id)
        .first()
    )
    if ro is None:
        raise NotFound("Repair order not found.")
    return ro


def operation_get_for_update(*, shop_id: int, operation_id: int) -> Operation:
    """The shop's live operation, locked. Another shop's, or a removed one, is NotFound."""
    operation = (
        Operation.objects.select_for_update()
        .filter(shop_id=shop_id)
        .filter(pk=operation_id)
        .filter(removed_at__isnull=True)
        .first()
    )
    if operation is None:
        raise NotFound("Operation not found.")
    return operation
