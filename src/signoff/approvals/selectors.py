"""Reads of decisions shared by pages, the API, versions and the PDF."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max

from signoff.approvals.models import Decision, Status


def latest_decisions(*, operation_ids: Iterable[int]) -> dict[int, Decision]:
    """Each operation's latest decision, in two queries whatever the number of operations."""
    ids = list(operation_ids)
    if not ids:
        return {}
    latest = (
        Decision.objects.filter(operation_id__in=ids)
        .values("operation_id")
        .annotate(seq=Max("sequence"))
        .values_list("repair_order_id", "seq")
    )
    pairs = list(latest)
    if not pairs:
        return {}
    ro_ids = {ro for ro, _ in pairs}
    seqs = {seq for _, seq in pairs}
    rows = Decision.objects.filter(
        repair_order_id__in=ro_ids, sequence__in=seqs, operation_id__in=ids
    ).select_related("recorded_by", "version", "contact")
    wanted = set(pairs)
    return {d.operation_id: d for d in rows if (d.repair_order_id, d.sequence) in wanted}


def status_of(decision: Decision | None) -> str:
    return decision.status if decision is not None else Status.PENDING
