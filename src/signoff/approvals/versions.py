"""Estimate versions: the frozen, numbered, hashed content of an RO at the moment it is shared.

Which version? Three questions, one function each: `version_current` (the RO's latest, read
only), `version_freeze` (the version for the RO as it is now, written when the latest one no
longer shows it) and `version_get` (one version by id, within a shop).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal

from signoff.approvals.canonical import canonical_value, sha256_hex
from signoff.approvals.models import EstimateVersion, Event, EventKind
from signoff.approvals.selectors import latest_decisions, status_of
from signoff.core.errors import NotFound
from signoff.core.formatting import staff_name
from signoff.orders.models import RepairOrder
from signoff.orders.pricing import estimate_totals, operation_content
from signoff.orders.selectors import live_operations
from signoff.shops.models import Shop

# 2: the RO's note for the customer is `customer_notes`; a schema-1 snapshot's `notes` were the
# staff's own (now internal notes) and are never shown to a customer.
# 3: no RO status: it is the shop's workflow (approvals.lifecycle), which sharing and answering
# move, so it is not part of what a customer is shown or approves.
SCHEMA = 3


def _iso(value) -> str | None:
    """ISO-8601 in UTC, so the same instant always hashes the same whatever the server's zone."""
    if value is None:
        return None
    return canonical_value(value)


def _vehicle(repair_order: RepairOrder) -> dict | None:
    vehicle = repair_order.vehicle
    if vehicle is None:
        return None
    odometer = repair_order.odometer_in or vehicle.odometer
    return {
        "description": vehicle.description,
        "vin": vehicle.vin,
        "year": vehicle.year,
        "make": vehicle.make,
        "model": vehicle.model,
        "unit_number": vehicle.unit_number,
        "license_plate": vehicle.license_plate,
        "odometer": odometer,
    }


def _operation(op, status: str) -> dict:
    return {"id": op.pk, **operation_content(op), "status": status}


def version_snapshot(*, repair_order: RepairOrder) -> dict:
    """The RO as the customer would see it now: operations, lines, statuses and totals.

    Only content goes in (no creation time), so sharing an unchanged estimate hashes the same.
    """
    ro = (
        RepairOrder.objects.select_related("shop", "customer", "vehicle", "advisor")
        .filter(pk=repair_order.pk)
        .get()
    )
    shop = ro.shop
    operations = list(live_operations().filter(repair_order=ro))
    decisions = latest_decisions(operation_ids=[op.pk for op in operations])
    statuses = {op.pk: status_of(decisions.get(op.pk)) for op in operations}
    return {
        "schema": SCHEMA,
        "shop": {
            "name": shop.name,
            "phone": shop.phone,
            "email": shop.email,
            "address": shop.address,
            "timezone": shop.timezone,
            "paper_size": shop.paper_size,
        },
        "repair_order": {
            "id": ro.pk,
            "number": ro.number,
            "label": ro.label,
            "etr": _iso(ro.etr),
            "customer_notes": ro.customer_notes,
            "advisor": staff_name(ro.advisor),
            # Only when there is one: a snapshot without it hashes as it did before PO
            # numbers existed, so versions already shared still show the current work.
            **({"po_number": ro.po_number} if ro.po_number else {}),
        },
        "customer": {"id": ro.customer_id, "name": ro.customer.name, "kind": ro.customer.kind},
        "vehicle": _vehicle(ro),
        "operations": [_operation(op, statuses[op.pk]) for op in operations],
        "totals": estimate_totals(operations, statuses=statuses, tax_rate=shop.tax_rate).as_dict(),
        "tax_rate": str(shop.tax_rate),
    }


def _work(content: Mapping) -> dict:
    """A snapshot without its statuses: what a contact approves (decisions alone change nothing)."""
    work = copy.deepcopy(dict(content))
    for op in work.get("operations", []):
        op.pop("status", None)
    work.get("repair_order", {}).pop("status", None)  # schema 1 and 2 held the RO's status
    work.get("totals", {}).pop("approved", None)
    return work


def version_shows_current_work(*, version: EstimateVersion, repair_order: RepairOrder) -> bool:
    """Does the version still show the RO's work as it is now (whatever was decided since)?"""
    return _work(version.content) == _work(version_snapshot(repair_order=repair_order))


def version_current(*, repair_order: RepairOrder) -> EstimateVersion | None:
    """The RO's latest version: the one decisions made now are recorded against. Never writes."""
    return EstimateVersion.objects.filter(repair_order=repair_order).order_by("-number").first()


def version_get(
    *, shop: Shop, version_id: int | None, repair_order: RepairOrder | None = None
) -> EstimateVersion:
    """One of the shop's versions (of `repair_order`, when given); any other id is NotFound."""
    versions = EstimateVersion.objects.select_related("repair_order").filter(shop=shop)
    if repair_order is not None:
        versions = versions.filter(repair_order=repair_order)
    version = versions.filter(pk=version_id).first() if version_id is not None else None
    if version is None:
        raise NotFound("Estimate version not found.")
    return version


def version_freeze(
    *, repair_order: RepairOrder, user=None, ignore_statuses: bool = False
) -> tuple[EstimateVersion, bool]:
    """The version showing the RO now: the latest one if it still does, else a new one (number
    + 1, with a VERSION_CREATED event). Returns (version, created).

    Sharing freezes statuses too (the estimate sent says what was decided). The approval
    screens pass `ignore_statuses=True`: statuses there are read live from the decisions, so
    only a change of the work (operations, prices, ETR, notes) makes a new version.

    Call inside a transaction that holds the RO's row lock (share_create and the approval
    screens' services do), so two writers cannot both take the same number.
    """
    content = version_snapshot(repair_order=repair_order)
    content_hash = sha256_hex(content)
    latest = version_current(repair_order=repair_order)
    if latest is not None:
        if ignore_statuses and _work(latest.content) == _work(content):
            return latest, False
        if latest.content_hash == content_hash:
            return latest, False
    version = EstimateVersion.objects.create(
        shop_id=repair_order.shop_id,
        repair_order=repair_order,
        number=(latest.number + 1) if latest else 1,
        content=content,
        content_hash=content_hash,
        total=Decimal(content["totals"]["estimate"]["total"]),
        created_by=user,
    )
    Event.objects.create(
        shop_id=repair_order.shop_id,
        repair_order=repair_order,
        kind=EventKind.VERSION_CREATED,
        actor=user,
        data={"version": version.number, "content_hash": content_hash},
    )
    return version, True
