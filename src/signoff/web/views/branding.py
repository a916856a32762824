"""Settings › Branding: the shop's accent colour and logo."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from signoff.core import colors
from signoff.core.errors import ValidationFailed
from signoff.core.uploads import CappedUploadHandler
from signoff.shops import branding
from signoff.shops.access import Actor, require_admin
from signoff.web.forms import apply_errors
from signoff.web.forms.branding import BrandingForm
from signoff.web.views.base import staff_view


@csrf_exempt
def branding_page(request: HttpRequest) -> HttpResponse:
    """Reads an uploaded logo through a handler that keeps at most the limit of it; upload
    handlers are set before the CSRF check reads the body, which `_branding_page` then makes."""
    request.upload_handlers = [CappedUploadHandler(request, limit=branding.LOGO_MAX_BYTES)]
    return _branding_page(request)


@csrf_protect
@staff_view
def _branding_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Owners and managers edit; everyone else sees the same page read-only."""
    read_only = not actor.can_admin
    bound = request.method == "POST" and not read_only
    form = BrandingForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        initial=BrandingForm.initial_from(actor.shop),
        read_only=read_only,
    )
    if request.method == "POST":
        require_admin(actor)
        if form.is_valid():
            try:
                branding.shop_branding_update(
                    actor=actor,
                    accent_color=form.cleaned_data["accent_color"],
                    logo=form.cleaned_data["logo"],
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Branding saved.")
                return redirect("web:branding")
    brand = branding.brand_of(actor.shop)
    context = {
        "form": form,
        "read_only": read_only,
        "brand": brand,
        "text_contrast": colors.contrast(brand.accent, brand.on_accent),
    }
    return render(request, "web/branding.html", context)


@require_POST
@staff_view
def branding_logo_remove(request: HttpRequest, actor: Actor) -> HttpResponse:
    branding.shop_logo_remove(actor=actor)
    messages.success(request, "Logo removed: customers' pages, emails and PDFs no longer show it.")
    return redirect("web:branding")
