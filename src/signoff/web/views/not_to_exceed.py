"""The not-to-exceed amount at drop-off: staff enter the amount the customer allows, then hand
the tablet over (customer mode, web.kiosk) for the customer to sign it."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET, require_http_methods

from signoff.core.errors import ValidationFailed
from signoff.core.http import client_address, user_agent
from signoff.orders.selectors import repair_order_get
from signoff.shops.access import require_editor
from signoff.signing import not_to_exceed as nte
from signoff.signing.inputs import language_for
from signoff.signing.selectors import customer_contacts
from signoff.web.kiosk import kiosk_enter
from signoff.web.views.base import staff_view


def _language(request, ro) -> str:
    primary = customer_contacts(repair_order=ro)[:1]
    return language_for(request, primary[0].language if primary else None)


def _start(request, ro, *, error=None, amount="", status=200):
    context = {"ro": ro, "error": error, "amount": amount}
    return render(request, "web/in_person/not_to_exceed_start.html", context, status=status)


@require_GET
@staff_view
def not_to_exceed_start(request, actor, ro_id: int):
    """Staff enter the amount; the form opens the counter screen with it."""
    require_editor(actor)
    return _start(request, repair_order_get(actor=actor, ro_id=ro_id))


@require_http_methods(["GET", "POST"])
@staff_view
def not_to_exceed_screen(request, actor, ro_id: int):
    """The counter screen: the customer picks who they are, reads the statement and signs."""
    require_editor(actor)
    ro = repair_order_get(actor=actor, ro_id=ro_id)
    language = _language(request, ro)
    data = request.POST if request.method == "POST" else request.GET
    if "amount" not in data:  # no amount yet: staff's step asks for it
        return redirect("web:not_to_exceed_start", ro_id=ro.pk)
    try:
        screen = nte.not_to_exceed_screen(
            actor=actor,
            ro_id=ro_id,
            amount=data.get("amount"),
            language=language,
            contact_id=data.get("contact"),
        )
    except ValidationFailed as exc:  # the amount (or the customer's contacts): staff's step
        return _start(request, ro, error=exc, amount=data.get("amount", "")[:40], status=422)
    kiosk_enter(request, ro_id=ro.pk, language=language)
    error, status = None, 200
    if request.method == "POST":
        try:
            with translation.override(language):
                nte.not_to_exceed_sign(
                    actor=actor,
                    ro_id=ro_id,
                    amount=data.get("amount"),
                    contact_id=data.get("contact"),
                    signature_png=data.get("signature_png", ""),
                    signature_strokes=data.get("signature_strokes", ""),
                    consent=data.get("consent") == "yes",
                    language=language,
                    ip=client_address(request),
                    user_agent=user_agent(request),
                )
        except ValidationFailed as exc:
            error, status = exc, exc.status
        else:
            done = reverse("web:in_person_done", kwargs={"ro_id": ro_id})
            return redirect(f"{done}?lang={language}")
    context = {"page": screen, "error": error}
    with translation.override(language):
        return render(request, "web/in_person/not_to_exceed.html", context, status=status)
