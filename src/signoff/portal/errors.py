"""The customer side's error pages (`signoff.urls` chooses them for every path under /s/).

Each is in the customer's language (`portal.language.link_language`): when the token in the
path is a link, as its pages choose; else an explicit ?lang=, the toggle's pick remembered for
that path, or the browser's. When the link is known the page shows the shop's
name and phone, nothing of the estimate. Looking the token up goes through
`share_link_resolve`, so it counts against the client's lookup limit like any other: an error
page tells a guesser no more than the page itself would.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from signoff.approvals.versions import version_current
from signoff.core.errors import FormExpired, RateLimited, SignoffError
from signoff.core.http import client_address
from signoff.portal.language import link_language
from signoff.portal.rendering import private_page, render_page
from signoff.sharing import ratelimit
from signoff.sharing.links import ShareLinkGone, share_link_resolve
from signoff.sharing.models import ShareLink
from signoff.signing.inputs import approval_input

PORTAL_PREFIX = "/s/"

# Statuses shown with the one general template: (heading, what to do).
_GENERAL = {
    400: (
        _("This page could not be opened"),
        _("Your browser sent something we could not read. Nothing was sent to the shop."),
    ),
    403: (
        _("This is not allowed"),
        _("Nothing was sent to the shop. If it keeps happening, call the shop."),
    ),
    413: (
        _("What you sent is too large"),
        _(
            "It is more than the %(limit)s this page accepts, so nothing was sent to the shop. "
            "If it keeps happening, call the shop."
        ),
    ),
}
_EXPIRED = (
    _("This page had expired"),
    _(
        "For your security, a page that stays open for a long time expires, so nothing was "
        "sent. Open your estimate again, check your answers and send them."
    ),
)


def token_in_path(request: HttpRequest) -> str:
    """The token of a customer path (/s/<token>…), or "" for none."""
    path = request.path_info
    return path[len(PORTAL_PREFIX) :].split("/", 1)[0] if path.startswith(PORTAL_PREFIX) else ""


def error_page(
    request: HttpRequest,
    exc: SignoffError,
    *,
    link: ShareLink | None = None,
    resolve: bool = True,
) -> HttpResponse:
    """The page for `exc` on a customer path. `link`: the link, when the caller already has
    it; `resolve`: look the path's token up (off where that was just done and failed, and
    during an outage, when nothing may read the database)."""
    if isinstance(exc, ShareLinkGone):
        link = exc.link
    elif isinstance(exc, RateLimited) or exc.status == 503:
        # A refusal never says whose link it is: the language of a contact would tell a
        # guesser the token is real.
        link, resolve = None, False
    token = token_in_path(request)
    usable = None
    if link is None and resolve and token:
        link, usable = _resolve(request, token)
    elif link is not None:
        usable = link.is_active()
    language = link_language(request, link)
    with translation.override(language):
        if isinstance(exc, FormExpired) and usable and _is_the_page_form(request, token):
            response = _answers_again(request, link=link, token=token, language=language)
        else:
            estimate_url = reverse("portal:page", kwargs={"token": token}) if usable else None
            response = _render(request, exc, link=link, estimate_url=estimate_url)
    response["Content-Language"] = language
    return private_page(response)


def _resolve(request: HttpRequest, token: str) -> tuple[ShareLink | None, bool]:
    """(the link, whether it opens) for the path's token; (None, False) when it is unknown,
    the client is refused, or the database fails (a 500 page must still render)."""
    try:
        return share_link_resolve(raw_token=token, client=client_address(request)), True
    except ShareLinkGone as gone:
        return gone.link, False
    except Exception:  # unknown, refused, or the error the page is about: show no shop
        return None, False


def _is_the_page_form(request: HttpRequest, token: str) -> bool:
    return request.method == "POST" and request.path_info.rstrip("/") == reverse(
        "portal:page", kwargs={"token": token}
    )


def _answers_again(
    request: HttpRequest, *, link: ShareLink, token: str, language: str
) -> HttpResponse:
    """An expired form on the estimate page: the page again, with a fresh form holding the
    answers that were posted (the signature must be drawn again), and a note saying so."""
    try:
        data = approval_input(request.POST, language=language)
    except SignoffError:  # answers that cannot be read are simply not filled in again
        data = None
    note = FormExpired(
        _(
            "For your security this page had expired, so nothing was sent yet. Check your "
            "answers below, sign again and send them."
        )
    )
    return render_page(
        request,
        link=link,
        token=token,
        version=version_current(repair_order=link.repair_order),
        language=language,
        status=note.status,
        error=note,
        data=data,
    )


def _render(
    request: HttpRequest, exc: SignoffError, *, link: ShareLink | None, estimate_url: str | None
) -> HttpResponse:
    shop = link.shop if link is not None else None
    context = {"shop": shop, "link": link, "estimate_url": estimate_url, "message": exc.message}
    if exc.status == 404:
        return render(request, "portal/not_found.html", context, status=404)
    if exc.status == 410:
        return render(request, "portal/gone.html", context, status=410)
    if exc.status == 429:
        refused = ratelimit.refusal()  # worded again in the page's language
        context["message"] = refused.message
        return render(request, "portal/rate_limited.html", context, status=429)
    if exc.status == 503:
        # No request, so no context processor runs and nothing reads the database.
        return HttpResponse(render_to_string("portal/unavailable.html"), status=503)
    if exc.status in _GENERAL or isinstance(exc, FormExpired):
        heading, lead = _EXPIRED if isinstance(exc, FormExpired) else _GENERAL[exc.status]
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        context.update(heading=heading, lead=str(lead) % {"limit": limit})
        return HttpResponse(render_to_string("portal/error.html", context), status=exc.status)
    return HttpResponse(render_to_string("portal/server_error.html", context), status=500)
