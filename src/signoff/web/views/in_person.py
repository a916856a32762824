"""The in-person approval screen (held in customer mode, web.kiosk), signature images and the
authorization certificate."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from signoff.approvals.versions import version_current, version_get
from signoff.core.errors import Conflict, StaleVersion, ValidationFailed
from signoff.core.http import client_address, user_agent
from signoff.orders.selectors import repair_order_get
from signoff.shops.access import require_editor
from signoff.signing import selectors, services
from signoff.signing.inputs import (
    approval_input,
    choices_from,
    language_for,
    posted_approver_id,
    posted_version_id,
)
from signoff.web.kiosk import kiosk_enter
from signoff.web.views.base import staff_view


def _screen(request, *, ro, version, language, status=200, stale="", error=None, data=None):
    """The counter screen for `version`; after a refused submission, with the answers given."""
    page = selectors.approval_page(
        repair_order=ro,
        version=version,
        choices=data.choices if data else None,
        approver_id=data.contact_id if data else None,
        language=language,
    )
    context = {
        "page": page,
        "stale": stale,
        "error": error,
        "typed_name": data.typed_name if data else "",
    }
    with translation.override(language):
        return render(request, "web/in_person/in_person.html", context, status=status)


def _language(request, ro) -> str:
    """The counter can switch with ?lang=; else the primary contact's preference, else the
    tablet's language (signing.inputs.language_for)."""
    primary = selectors.customer_contacts(repair_order=ro)[:1]
    return language_for(request, primary[0].language if primary else None)


@staff_view
@require_http_methods(["GET", "POST"])
def in_person(request, actor, ro_id: int):
    """The counter screen: the contact answers, picks who they are, and signs."""
    try:
        ro, version = services.in_person_start(actor=actor, ro_id=ro_id)
    except ValidationFailed as exc:
        context = {"ro_id": ro_id, "message": exc.message}
        return render(request, "web/in_person/in_person_unavailable.html", context, status=422)
    language = _language(request, ro)
    # From here until staff unlock it, the session serves only this screen (web.kiosk).
    kiosk_enter(request, ro_id=ro.pk, language=language)
    if request.method == "GET":
        return _screen(request, ro=ro, version=version, language=language)
    data = approval_input(request.POST, language=language)
    ip, agent = client_address(request), user_agent(request)
    try:
        with translation.override(language):
            services.in_person_approval_submit(
                actor=actor, ro_id=ro_id, data=data, ip=ip, user_agent=agent
            )
    except StaleVersion as exc:
        return _screen(
            request, ro=ro, version=version, language=language, status=409, stale=exc.message
        )
    except (ValidationFailed, Conflict) as exc:
        return _screen(
            request,
            ro=ro,
            version=version,
            language=language,
            status=exc.status,
            error=exc,
            data=data,
        )
    # The thank-you screen goes on in the language the answers were given in.
    return redirect(reverse("web:in_person_done", kwargs={"ro_id": ro_id}) + f"?lang={language}")


@staff_view
@require_POST
def in_person_total(request, actor, ro_id: int):
    """The counter screen's live total (htmx), for the staff who may open that screen."""
    require_editor(actor)
    ro = repair_order_get(actor=actor, ro_id=ro_id)
    version = version_get(
        shop=actor.shop, repair_order=ro, version_id=posted_version_id(request.POST)
    )
    language = _language(request, ro)
    page = selectors.approval_page(
        repair_order=ro,
        version=version,
        choices=choices_from(request.POST),
        approver_id=posted_approver_id(request.POST),
        language=language,
    )
    with translation.override(language):
        return render(request, "portal/_total.html", {"page": page, "oob": True})


@staff_view
@require_GET
def in_person_done(request, actor, ro_id: int):
    ro = repair_order_get(actor=actor, ro_id=ro_id)
    version = version_current(repair_order=ro)
    if version is None:
        raise Http404("Not found.")
    language = _language(request, ro)
    page = selectors.approval_page(repair_order=ro, version=version, language=language)
    with translation.override(language):
        return render(request, "web/in_person/in_person_done.html", {"page": page})


@staff_view
@require_GET
def signature_png(request, actor, ro_id: int, signature_id: int):
    signature = selectors.signature_get(actor=actor, ro_id=ro_id, signature_id=signature_id)
    if not signature.png:
        raise Http404("This signature is a typed name: it has no image.")
    response = HttpResponse(bytes(signature.png), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@staff_view
@require_GET
def certificate(request, actor, ro_id: int):
    from signoff.documents.render import certificate_pdf

    ro = repair_order_get(actor=actor, ro_id=ro_id)
    response = HttpResponse(certificate_pdf(repair_order=ro), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="authorization-RO-{ro.number}.pdf"'
    return response
