"""Reads behind the printed documents: the evidence an estimate PDF or a certificate shows."""

from __future__ import annotations

from signoff.approvals.models import Decision, Signature
from signoff.orders.models import RepairOrder
from signoff.sharing.models import EstimateVersion


def version_evidence(*, version: EstimateVersion) -> tuple[list[Decision], list[Signature]]:
    """Decisions and signatures recorded on the version's RO by the time the version was made.

    A version's PDF is then the same document whenever it is printed: what happened later
    belongs to later versions and to the authorization certificate.
    """
    decisions = list(
        Decision.objects.filter(
            repair_order_id=version.repair_order_id, created_at__lte=version.created_at
        )
        .select_related("recorded_by", "operation")
        .order_by("sequence")
    )
    signatures = list(
        Signature.objects.filter(
            repair_order_id=version.repair_order_id, created_at__lte=version.created_at
        )
        .select_related("version")
        .order_by("created_at", "id")
    )
    return decisions, signatures


def certificate_evidence(*, repair_order: RepairOrder):
    """The RO (with shop, customer, vehicle), all its versions, decisions and signatures."""
    ro = RepairOrder.objects.select_related("shop", "customer", "vehicle").get(pk=repair_order.pk)
    versions = list(EstimateVersion.objects.filter(repair_order=ro).order_by("number"))
    decisions = list(
        Decision.objects.filter(repair_order=ro)
        .select_related("recorded_by", "operation", "version")
        .order_by("sequence")
    )
    signatures = list(
        Signature.objects.filter(repair_order=ro)
        .select_related("version")
        .order_by("created_at", "id")
    )
    return ro, versions, decisions, signatures
