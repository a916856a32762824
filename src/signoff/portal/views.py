"""The customer share page behind /s/<token>: no staff session, the token is the credential."""

from __future__ import annotations

import functools

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_http_methods, require_POST

from signoff.approvals.versions import version_current, version_get
from signoff.core.errors import (
    Conflict,
    NotFound,
    RateLimited,
    SignoffError,
    StaleVersion,
    ValidationFailed,
)
from signoff.core.http import after_response, client_address, private, retry_after, user_agent
from signoff.sharing import ratelimit
from signoff.sharing.links import ShareLinkGone, share_link_resolve
from signoff.signing import selectors, services
from signoff.signing.inputs import approval_input, choices_from, language_for, posted_version_id

# HTML pages use "same-origin" rather than "no-referrer": under "no-referrer" browsers send
# `Origin: null` with the page's own form posts, and Django's CSRF check (which the approval
# form keeps) refuses them. "same-origin" still never sends the URL, and so the token, to any
# other site; only this server, which issued the token, sees it.
PAGE_REFERRER_POLICY = "same-origin"


def portal_view(view):
    """Private headers on every answer, friendly pages for bad, gone or throttled links, and
    the answer gzipped (customers are often on a phone; see docs/architecture.md on BREACH)."""

    @gzip_page
    @functools.wraps(view)
    def wrapper(request, token: str, *args, **kwargs):
        try:
            response = view(request, token, *args, **kwargs)
        except NotFound as exc:
            # No contact to take a language from: only an explicit ?lang= applies.
            with translation.override(language_for(request, None)):
                response = render(
                    request, "portal/not_found.html", {"message": exc.message}, status=404
                )
        except ShareLinkGone as exc:
            with translation.override(exc.link.contact.language):
                context = {"message": exc.message, "link": exc.link, "shop": exc.link.shop}
                response = render(request, "portal/gone.html", context, status=410)
        except RateLimited:
            # Only an explicit ?lang= applies: answering in the link contact's language would
            # tell a guesser which tokens are real. The message is written again in it.
            with translation.override(language_for(request, None)):
                refused = ratelimit.refusal()
                response = render(
                    request, "portal/rate_limited.html", {"message": refused.message}, status=429
                )
            retry_after(response, refused)
        return private(response, referrer_policy=PAGE_REFERRER_POLICY)

    return wrapper


def _render_page(request, *, link, version, language, status=200, stale="", error=None, data=None):
    """The share page for `version`; after a refused submission, with the contact's answers."""
    page = selectors.approval_page(
        repair_order=link.repair_order,
        version=version,
        link=link,
        choices=data.choices if data else None,
        approver_id=data.contact_id if data else None,
        language=language,
    )
    token = request.resolver_match.kwargs["token"]
    context = {"page": page, "token": token, "stale": stale, "error": error}
    with translation.override(language):
        return render(request, "portal/page.html", context, status=status)


@portal_view
@require_http_methods(["GET", "POST"])
def page(request, token: str):
    """GET shows the RO's current version, writing nothing but the opening, recorded once the
    page is sent; POST records the answers."""
    if request.method == "POST":
        return _submit(request, token)
    ip = client_address(request)
    link, version = selectors.share_link_view(raw_token=token, client=ip)
    language = language_for(request, link.contact.language)
    response = _render_page(request, link=link, version=version, language=language)
    opened = functools.partial(
        services.share_link_opening_record,
        link=link,
        version=version,
        ip=ip,
        user_agent=user_agent(request),
    )
    after_response(request, opened)
    return response


def _submit(request, token: str):
    link = share_link_resolve(raw_token=token, client=client_address(request))
    language = language_for(request, link.contact.language)
    data = approval_input(request.POST, language=language)
    ip, agent = client_address(request), user_agent(request)
    try:
        with translation.override(language):
            services.portal_approval_submit(link=link, data=data, ip=ip, user_agent=agent)
    except StaleVersion as exc:
        version = services.approval_version_freeze(repair_order=link.repair_order)
        return _render_page(
            request, link=link, version=version, language=language, status=409, stale=exc.message
        )
    except (ValidationFailed, Conflict) as exc:
        version = version_current(repair_order=link.repair_order)
        return _render_page(
            request,
            link=link,
            version=version,
            language=language,
            status=exc.status,
            error=exc,
            data=data,
        )
    return redirect("portal:done", token=token)


@portal_view
@require_POST
def total(request, token: str):
    """The htmx partial: what the current choices add up to, and the consent text naming it."""
    link = share_link_resolve(raw_token=token, client=client_address(request))
    language = language_for(request, link.contact.language)
    version = version_get(
        shop=link.shop, repair_order=link.repair_order, version_id=posted_version_id(request.POST)
    )
    page = selectors.approval_page(
        repair_order=link.repair_order,
        version=version,
        link=link,
        choices=choices_from(request.POST),
        language=language,
    )
    with translation.override(language):
        return render(request, "portal/_total.html", {"page": page, "oob": True})


@portal_view
@require_http_methods(["GET"])
def done(request, token: str):
    link = share_link_resolve(raw_token=token, client=client_address(request))
    language = language_for(request, link.contact.language)
    version = version_current(repair_order=link.repair_order)
    page = selectors.approval_page(
        repair_order=link.repair_order, version=version, link=link, language=language
    )
    with translation.override(language):
        return render(request, "portal/done.html", {"page": page, "token": token})


def server_error(request: HttpRequest, exc: SignoffError) -> HttpResponse:
    """An uncaught error on a customer page (`signoff.urls` handler500): an outage (503) or a
    bug (500), in the request's language (?lang=, else the browser's).

    Renders without the request, so no context processor runs and nothing reads the database
    (the link contact's language included: it is not known without it).
    """
    language = language_for(request, translation.get_language_from_request(request))
    template = "portal/unavailable.html" if exc.status == 503 else "portal/server_error.html"
    with translation.override(language):
        response = HttpResponse(render_to_string(template), status=exc.status)
    response["Content-Language"] = language
    return private(response, referrer_policy=PAGE_REFERRER_POLICY)
