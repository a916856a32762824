"""Estimate PDFs and authorization certificates, compiled by typst from JSON.

The templates receive exactly one input, `data`: a JSON string read with `json(bytes(...))`.
Nothing from the database is ever spliced into typst markup, so a customer named
`#set text(red)` is printed as those characters. Images travel in the same JSON as byte lists.

An estimate PDF that is sent (`estimate_pdf_stored`) is rendered once and kept in Django's
default storage under a name derived from what it is made of, so a share to fifty contacts
compiles it once and every retry attaches the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from pathlib import Path

import segno
import typst
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from signoff.approvals import authorization as approval_authorization
from signoff.approvals.canonical import sha256_hex
from signoff.approvals.chain import verify_repair_order
from signoff.approvals.models import EstimateVersion
from signoff.approvals.versions import version_snapshot
from signoff.documents import context, fonts, selectors
from signoff.orders.models import RepairOrder
from signoff.shops.branding import brand_of, logo_file
from signoff.shops.models import Shop

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _compile(template: str, data: dict, *, timestamp: datetime) -> bytes:
    return typst.compile(
        str(TEMPLATES / template),
        root=str(TEMPLATES),
        font_paths=fonts.typst_fonts(),
        sys_inputs={"data": json.dumps(data, ensure_ascii=False, separators=(",", ":"))},
        # The creation date written into the PDF: the version's, so a reprint is identical.
        timestamp=timestamp.astimezone(UTC).replace(microsecond=0),
    )


def _brand(shop: Shop) -> dict:
    """The shop's colours and current logo, read from storage, for the letterhead."""
    brand = brand_of(shop)
    return context.brand_block(brand, logo_file(brand.logo) if brand.logo else None)


def _brand_key(shop: Shop) -> dict:
    """What of the shop's branding an estimate PDF is made of (for its storage name)."""
    brand = brand_of(shop)
    return {"accent": brand.accent, "logo": brand.logo.sha256 if brand.logo else None}


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
        brand=_brand(version.shop),
    )
    return _compile("estimate.typ", data, timestamp=version.created_at)


def estimate_draft_pdf(*, repair_order: RepairOrder) -> bytes:
    """The estimate PDF of the RO as it is now, for staff to look over before sharing it.

    Built from the same snapshot a share would freeze, with all sections and every decision and
    signature so far, but nothing is written: no version, no event. It prints "Draft" where a
    version prints its number and hash.
    """
    snapshot = version_snapshot(repair_order=repair_order)
    decisions, signatures = selectors.draft_evidence(repair_order=repair_order)
    now = timezone.now()
    data = context.estimate_context(
        snapshot=snapshot,
        version_number=None,
        version_hash="",
        version_created_at=now,
        decisions=decisions,
        signatures=signatures,
        draft=True,
        brand=_brand(repair_order.shop),
    )
    return _compile("estimate.typ", data, timestamp=now)


STORED_FOLDER = "estimates"


@functools.cache
def _templates_digest() -> str:
    """What the compiler, the templates and the fonts typst found are, so a changed template
    never reuses old PDFs, nor does a PDF printed before a missing font was installed."""
    digest = hashlib.sha256(package_version("typst").encode())
    for path in sorted(TEMPLATES.glob("*.typ")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for family in sorted(fonts.typst_fonts().families()):
        digest.update(b"\0font\0" + family.encode())
    return digest.hexdigest()


def estimate_pdf_name(
    *,
    version: EstimateVersion,
    sections: Iterable[str] | None = None,
    include_etr: bool = True,
    notes: str = "",
) -> str:
    """The storage name of a version's estimate PDF: the SHA-256 of everything it is made of.

    A version is immutable (its hash covers its content) and the evidence the PDF shows is what
    was recorded by the time the version was made, so the version, the share's options and the
    shop's branding (its accent and the hash of its logo) decide the document; the templates'
    digest covers the rest.
    """
    key = sha256_hex(
        {
            "templates": _templates_digest(),
            "version": version.pk,
            "content_hash": version.content_hash,
            "created_at": version.created_at,
            "sections": None if sections is None else sorted(set(sections)),
            "include_etr": include_etr,
            "notes": notes,
            "brand": _brand_key(version.shop),
        }
    )
    return f"{STORED_FOLDER}/{key}.pdf"


def estimate_pdf_stored(
    *,
    version: EstimateVersion,
    sections: Iterable[str] | None = None,
    include_etr: bool = True,
    notes: str = "",
) -> bytes:
    """The estimate PDF of one version, compiled the first time it is asked for and read from
    the default storage after that (each delivery worker, each retry, each contact).

    Two workers asking at the same moment may both compile it; the storage then keeps one.
    """
    options = {"sections": sections, "include_etr": include_etr, "notes": notes}
    name = estimate_pdf_name(version=version, **options)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    pdf = estimate_pdf(version=version, **options)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(pdf))
    return pdf


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
        brand=_brand(ro.shop),
        esign_consents=selectors.certificate_consents(repair_order=ro),
    )
    return _compile("certificate.typ", data, timestamp=now)
