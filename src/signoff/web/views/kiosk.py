"""Leaving customer mode (approval in person) with the staff member's password: web.kiosk."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from signoff.web.kiosk import kiosk_of, kiosk_unlock, safe_next, unlock_page


@login_required
@require_http_methods(["GET", "POST"])
def unlock(request: HttpRequest) -> HttpResponse:
    kiosk = kiosk_of(request)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), kiosk=kiosk)
    if kiosk is None:
        return redirect(next_url)
    if request.method == "GET":
        return unlock_page(request, kiosk, next_url=next_url, status=200)
    with translation.override(kiosk.language):  # its messages are read on the screen
        result = kiosk_unlock(request, password=request.POST.get("password", ""))
    if result.unlocked:
        messages.success(request, "Customer mode ended: the staff pages are open again.")
        return redirect(next_url)
    if result.signed_out:
        with translation.override(kiosk.language):
            return render(request, "web/in_person/kiosk_signed_out.html", status=429)
    return unlock_page(request, kiosk, next_url=next_url, error=result.error, status=422)
