"""What every customer page shares: the private headers, and the estimate page itself (shown
by the page view, after a refused submission, and again after an expired form)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from signoff.approvals.models import EstimateVersion
from signoff.core.errors import SignoffError
from signoff.core.http import private
from signoff.sharing.models import ShareLink
from signoff.signing import selectors
from signoff.signing.services import ApprovalInput

# HTML pages use "same-origin" rather than "no-referrer": under "no-referrer" browsers send
# `Origin: null` with the page's own form posts, and Django's CSRF check (which the approval
# form keeps) refuses them. "same-origin" still never sends the URL, and so the token, to any
# other site; only this server, which issued the token, sees it.
PAGE_REFERRER_POLICY = "same-origin"


def private_page(response: HttpResponse) -> HttpResponse:
    """The headers of every customer page: never cached, never indexed, no referrer out."""
    return private(response, referrer_policy=PAGE_REFERRER_POLICY)


def render_page(
    request: HttpRequest,
    *,
    link: ShareLink,
    token: str,
    version: EstimateVersion,
    language: str,
    status: int = 200,
    stale: str = "",
    error: SignoffError | None = None,
    data: ApprovalInput | None = None,
) -> HttpResponse:
    """The share page for `version`; after a refused submission, with the contact's answers."""
    page = selectors.approval_page(
        repair_order=link.repair_order,
        version=version,
        link=link,
        choices=data.choices if data else None,
        approver_id=data.contact_id if data else None,
        language=language,
    )
    context = {
        "page": page,
        "token": token,
        "stale": stale,
        "error": error,
        "typed_name": data.typed_name if data else "",
    }
    with translation.override(language):
        return render(request, "portal/page.html", context, status=status)
