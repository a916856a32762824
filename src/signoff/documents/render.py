"""Estimate PDFs and authorization certificates, compiled by typst from JSON.

The templates receive exactly one input, `data`: a JSON string read with `json(bytes(...))`.
Nothing from the database is ever spliced into typst markup, so a customer named
`#set text(red)` is printed as those characters. Images travel in the same JSON as byte lists.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import segno
import typst
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from signoff.approvals import authorization as approval_authorization
from signoff.approvals.chain import verify_repair_order
from signoff.approvals.models import EstimateVersion
from signoff.documents import context, selectors
from signoff.orders.models import RepairOrder

TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.cache
def _fonts() -> typst.Fonts:
    """Scanned once per process: a font scan costs more than compiling a whole estimate."""
    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)


def _compile(template: str, data: dict, *, timestamp: datetime) -> bytes:
    return typst.compile(
        str(TEMPLATES / template),
        root=str(TEMPLATES),
        font_paths=_fonts(),
        sys_inputs={"data": json.dumps(data, ensure_ascii=False, separators=(",", ":"))},
        # The creation date written into the PDF: the version's, so a reprint is identical.
        timestamp=timestamp.astimezone(UTC).replace(microsecond=0),
    )


def estimate_pdf(
    *,
    version: EstimateVersion,
    sections: Iterable[str] | None = None,
    include_etr: bool = True,
    notes: str = "",
) -> bytes:
    """The estimate PDF of one version; `sections` are PDF_SECTION_KEYS (None means all)."""
    decisions, signatures = selectors.version_evidence(version=version)
    data = context.estimate_context(
        snapshot=version.content,
        version_number=version.number,
        version_hash=version.content_hash,
        version_created_at=version.created_at,
        decisions=decisions,
        signatures=signatures,
        sections=sections,
        include_etr=include_etr,
        notes=notes,
    )
    return _compile("estimate.typ", data, timestamp=version.created_at)


def verify_url(repair_order: RepairOrder) -> str:
    """The staff page that re-checks the RO's evidence, printed as the certificate's QR code."""
    return settings.SITE_URL + reverse("web:ro_verify", kwargs={"ro_id": repair_order.pk})


def _qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def certificate_pdf(*, repair_order: RepairOrder) -> bytes:
    """The authorization certificate: versions, signers, decisions and the chain check."""
    ro, versions, decisions = selectors.certificate_evidence(repair_order=repair_order)
    url = verify_url(ro)
    now = timezone.now()
    data = context.certificate_context(
        repair_order=ro,
        versions=versions,
        decisions=decisions,
        authorization=approval_authorization.authorization_summary(repair_order=ro),
        chain=verify_repair_order(repair_order=ro),
        verify_url=url,
        qr_png=_qr_png(url),
        generated_at=now,
    )
    return _compile("certificate.typ", data, timestamp=now)
