"""The customer share page behind /s/<token>: no staff session, the token is the credential."""

from __future__ import annotations

import functools

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from signoff.approvals.versions import version_current, version_get
from signoff.core.errors import Conflict, NotFound, RateLimited, StaleVersion, ValidationFailed
from signoff.core.http import client_address, retry_after, user_agent
from signoff.portal import errors
from signoff.portal.language import link_language, remember_language
from signoff.portal.rendering import private_page, render_page
from signoff.sharing.links import ShareLinkGone, share_link_resolve
from signoff.sharing.selectors import confirmation_channels
from signoff.signing import downloads, routing, selectors, services
from signoff.signing.inputs import (
    approval_input,
    choices_from,
    posted_approver_id,
    posted_version_id,
)


def portal_view(view):
    """Private headers on every answer, friendly pages for bad, gone or throttled links, and
    the answer gzipped (customers are often on a phone; see docs/architecture.md on BREACH)."""
    return gzip_page(portal_file(view))


def portal_file(view):
    """`portal_view` for answers that are files: the same headers and error pages, not gzipped
    (a PDF is compressed already)."""

    @functools.wraps(view)
    def wrapper(request, token: str, *args, **kwargs):
        try:
            response = view(request, token, *args, **kwargs)
            remember_language(request, response, token=token)
        except NotFound as exc:
            # The token was just looked up and is nobody's: no shop, no contact's language.
            response = errors.error_page(request, exc, resolve=False)
        except (ShareLinkGone, RateLimited) as exc:
            response = retry_after(errors.error_page(request, exc), exc)
        return private_page(response)

    return wrapper


@portal_view
@require_http_methods(["GET", "POST"])
def page(request, token: str):
    """GET shows the RO's current version, writing nothing but the opening, recorded once the
    page is sent; POST records the answers."""
    if request.method == "POST":
        return _submit(request, token)
    link, version = selectors.share_link_view(raw_token=token, client=client_address(request))
    language = link_language(request, link)
    response = render_page(request, link=link, token=token, version=version, language=language)
    services.share_link_opening_after_response(request, link=link, version=version)
    return response


def _submit(request, token: str):
    link = share_link_resolve(raw_token=token, client=client_address(request))
    language = link_language(request, link)
    data = approval_input(request.POST, language=language)
    ip, agent = client_address(request), user_agent(request)
    try:
        with translation.override(language):
            services.portal_approval_submit(link=link, data=data, ip=ip, user_agent=agent)
    except StaleVersion as exc:
        version = services.approval_version_freeze(repair_order=link.repair_order)
        return render_page(
            request,
            link=link,
            token=token,
            version=version,
            language=language,
            status=409,
            stale=exc.message,
        )
    except (ValidationFailed, Conflict) as exc:
        version = version_current(repair_order=link.repair_order)
        return render_page(
            request,
            link=link,
            token=token,
            version=version,
            language=language,
            status=exc.status,
            error=exc,
            data=data,
        )
    # The thank-you page goes on in the language the answers were given in.
    return redirect(reverse("portal:done", kwargs={"token": token}) + f"?lang={language}")


@portal_view
@require_POST
def total(request, token: str):
    """The htmx partial: what the current choices add up to, and the consent text naming it."""
    link = share_link_resolve(raw_token=token, client=client_address(request))
    language = link_language(request, link)
    version = version_get(
        shop=link.shop, repair_order=link.repair_order, version_id=posted_version_id(request.POST)
    )
    page = selectors.approval_page(
        repair_order=link.repair_order,
        version=version,
        link=link,
        choices=choices_from(request.POST),
        approver_id=posted_approver_id(request.POST),
        language=language,
    )
    with translation.override(language):
        return render(request, "portal/_total.html", {"page": page, "oob": True})


@portal_view
@require_http_methods(["GET"])
def done(request, token: str):
    link = share_link_resolve(raw_token=token, client=client_address(request))
    language = link_language(request, link)
    version = selectors.share_link_version(link)
    page = selectors.approval_page(
        repair_order=link.repair_order, version=version, link=link, language=language
    )
    channels = confirmation_channels(link=link)
    context = {
        "page": page,
        "token": token,
        "signed_copy": selectors.link_answered(link=link),
        "sent_on": routing.sent_on_for_approval(page=page),
        # Email when there is one: it carries the signed copy itself.
        "confirmation": "email" if "email" in channels else ("sms" if channels else ""),
    }
    with translation.override(language):
        return render(request, "portal/done.html", context)


def _download(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@portal_file
@require_GET
def estimate_pdf(request, token: str):
    """The estimate PDF of the version the page shows, with the share's sections."""
    link, version = selectors.share_link_view(raw_token=token, client=client_address(request))
    pdf = downloads.link_estimate_pdf(link=link, version=version)
    services.share_link_opening_after_response(
        request, link=link, version=version, via="estimate_pdf"
    )
    return _download(pdf, f"estimate-RO-{link.repair_order.number}-v{version.number}.pdf")


@portal_file
@require_GET
def signed_copy(request, token: str):
    """The authorization certificate of the RO, once the contact answered through this link;
    before that, the estimate page (which says what is still waiting)."""
    link, version = selectors.share_link_view(raw_token=token, client=client_address(request))
    pdf = downloads.link_signed_copy(link=link)
    if pdf is None:
        return redirect("portal:page", token=token)
    services.share_link_opening_after_response(
        request, link=link, version=version, via="signed_copy"
    )
    return _download(pdf, f"signed-RO-{link.repair_order.number}.pdf")
