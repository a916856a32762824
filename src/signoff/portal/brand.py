"""The shop's logo and colours as customers' browsers fetch them: public, long cached, and
telling nothing beyond what is asked for.

A logo's URL names the shop and the SHA-256 of the logo's bytes, and only the shop's current
logo is served at it; a colour's stylesheet is made from the six hex digits in its URL alone.
Either answer can therefore be cached for a year: a new logo or colour is a new URL.
"""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from signoff.core.errors import NotFound
from signoff.shops.branding import brand_for_accent, logo_public

IMMUTABLE = "public, max-age=31536000, immutable"
# An SVG opened on its own is a document: no script runs, nothing is loaded, it is sandboxed.
# Inline styles are the picture's own (its <style> and style=, checked when it was uploaded).
LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
_HEX6 = re.compile(r"[0-9a-f]{6}")


@require_safe
def logo(request: HttpRequest, shop_id: int, filename: str) -> HttpResponse:
    try:
        data, content_type = logo_public(shop_id=shop_id, filename=filename)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(data, content_type=content_type)
    response["Content-Security-Policy"] = LOGO_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="logo.{filename.rsplit(".", 1)[-1]}"'
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = IMMUTABLE
    return response


@require_safe
def theme(request: HttpRequest, accent: str) -> HttpResponse:
    """The customer page's colours for one accent (portal.css reads these properties)."""
    if not _HEX6.fullmatch(accent):
        raise Http404("No such colour.")
    brand = brand_for_accent("#" + accent)
    css = (
        f":root{{--brand:{brand.accent};--brand-dark:{brand.accent_hover};"
        f"--on-brand:{brand.on_accent};--brand-ink:{brand.accent_ink}}}\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = IMMUTABLE
    return response
