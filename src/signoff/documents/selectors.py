"""Reads behind the printed documents: the evidence an estimate PDF or a certificate shows."""

from __future__ import annotations

from django.db.models import QuerySet

from signoff.approvals.models import Decision, EsignConsent, EstimateVersion, Signature
from signoff.orders.models import RepairOrder


def _decisions() -> QuerySet[Decision]:
    # A version's snapshot is large; the documents only need its number, so it is not loaded.
    return (
        Decision.objects.select_related("recorded_by", "operation", "version")
        .defer("version__content")
        .order_by("sequence")
    )


def _signatures() -> QuerySet[Signature]:
    return (
        Signature.objects.select_related("version")
        .defer("version__content", "svg")
        .order_by("created_at", "id")
    )


def version_evidence(*, version: EstimateVersion) -> tuple[list[Decision], list[Signature]]:
    """Decisions and signatures recorded on the version's RO by the time the version was made.

    A version's PDF is then the same document whenever it is printed: what happened later
    belongs to later versions and to the authorization certificate.
    """
    ro_id, made = version.repair_order_id, version.created_at
    decisions = _decisions().filter(repair_order_id=ro_id, created_at__lte=made)
    signatures = _signatures().filter(repair_order_id=ro_id, created_at__lte=made)
    return list(decisions), list(signatures)


def draft_evidence(*, repair_order: RepairOrder) -> tuple[list[Decision], list[Signature]]:
    """Every decision and signature on the RO so far: what a draft, the RO as it is now, shows."""
    decisions = _decisions().filter(repair_order_id=repair_order.pk)
    signatures = _signatures().filter(repair_order_id=repair_order.pk)
    return list(decisions), list(signatures)


def certificate_evidence(
    *, repair_order: RepairOrder
) -> tuple[RepairOrder, list[EstimateVersion], list[Decision]]:
    """The RO (with shop, customer, vehicle), all its versions and all its decisions.

    Signers come from approvals.authorization.authorization_summary, the same list the RO page
    and the API show.
    """
    ro = RepairOrder.objects.select_related("shop", "customer", "vehicle").get(pk=repair_order.pk)
    versions = EstimateVersion.objects.filter(repair_order=ro).defer("content").order_by("number")
    decisions = _decisions().filter(repair_order=ro)
    return ro, list(versions), list(decisions)


def certificate_consents(*, repair_order: RepairOrder) -> list[EsignConsent]:
    """The e-sign disclosure acceptances of everyone who signed on the RO: each version they
    accepted, wherever they accepted it (this RO's chain, or an earlier RO's), oldest first."""
    signers = Signature.objects.filter(repair_order=repair_order, contact__isnull=False).values(
        "contact_id"
    )
    return list(
        EsignConsent.objects.filter(shop_id=repair_order.shop_id, contact_id__in=signers)
        .select_related("repair_order")
        .order_by("created_at", "id")
    )
