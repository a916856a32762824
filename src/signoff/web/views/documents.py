"""Estimate PDFs on screen for staff: the draft as it is now, each version, each share as sent.

Each opens inline (a new tab shows it). Reading a PDF writes no evidence: the draft is built from
the RO without freezing a version, and a version's or a share's PDF only reads what they froze.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from signoff.approvals.versions import version_get
from signoff.documents.render import estimate_draft_pdf, estimate_pdf_stored
from signoff.orders.selectors import repair_order_get
from signoff.sharing.selectors import share_get
from signoff.shops.access import Actor
from signoff.web.views.base import staff_view


def _inline(pdf: bytes, filename: str, *, cache: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = cache
    return response


@require_GET
@staff_view
def estimate_preview(request: HttpRequest, actor: Actor, ro_id: int) -> HttpResponse:
    """The estimate PDF of the RO as it is now ("Draft"), before it is shared."""
    ro = repair_order_get(actor=actor, ro_id=ro_id)
    pdf = estimate_draft_pdf(repair_order=ro)
    return _inline(pdf, f"estimate-RO-{ro.number}-draft.pdf", cache="private, no-store")


@require_GET
@staff_view
def version_pdf(request: HttpRequest, actor: Actor, ro_id: int, version_id: int) -> HttpResponse:
    """One version's estimate PDF with every section."""
    ro = repair_order_get(actor=actor, ro_id=ro_id)
    version = version_get(shop=actor.shop, repair_order=ro, version_id=version_id)
    pdf = estimate_pdf_stored(version=version)
    return _inline(pdf, f"estimate-RO-{ro.number}-v{version.number}.pdf", cache="private")


@require_GET
@staff_view
def share_pdf(request: HttpRequest, actor: Actor, ro_id: int, share_id: int) -> HttpResponse:
    """The estimate PDF exactly as a share attached it (its sections, ETR choice and notes)."""
    ro = repair_order_get(actor=actor, ro_id=ro_id)
    share = share_get(actor=actor, share_id=share_id, repair_order=ro)
    pdf = estimate_pdf_stored(
        version=share.version,
        sections=share.sections,
        include_etr=share.include_etr,
        notes=share.notes,
    )
    filename = f"estimate-RO-{ro.number}-v{share.version.number}-share-{share.pk}.pdf"
    return _inline(pdf, filename, cache="private")
