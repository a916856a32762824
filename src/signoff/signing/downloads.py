"""What a contact downloads through their link: the estimate PDF their page shows, and their
signed copy. Both count against the link's download limit (`sharing.ratelimit`), on top of the
lookup limit every customer request passes through (`share_link_resolve`)."""

from __future__ import annotations

from signoff.approvals.models import EstimateVersion
from signoff.documents.render import certificate_pdf, estimate_pdf_stored
from signoff.sharing import ratelimit
from signoff.sharing.models import ShareLink
from signoff.signing.selectors import link_answered, sections_for


def link_estimate_pdf(*, link: ShareLink, version: EstimateVersion) -> bytes:
    """The version the contact's page shows, with the sections, ETR choice and notes of their
    share: the same stored PDF their email attached while that version is the share's. The
    version holds no internal notes, so neither can the PDF."""
    ratelimit.download_attempt(link_id=link.pk)
    share = link.share
    return estimate_pdf_stored(
        version=version,
        sections=sorted(sections_for(link)),
        include_etr=share.include_etr,
        notes=share.notes,
    )


def link_signed_copy(*, link: ShareLink) -> bytes | None:
    """The RO's authorization certificate once someone answered through this link (None
    before): the contact's signed copy, as it stands now."""
    ratelimit.download_attempt(link_id=link.pk)
    if not link_answered(link=link):
        return None
    return certificate_pdf(repair_order=link.repair_order)
