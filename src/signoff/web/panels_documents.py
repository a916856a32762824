"""The RO page's estimate PDFs: the Preview PDF button and the list of versions with their PDFs."""

from __future__ import annotations

from django.urls import reverse

from signoff.sharing.selectors import ro_versions


def preview_button(*, request, actor, ro, rows) -> dict | None:
    """Every staff role may look at the estimate as it is now, once it has an operation."""
    if not rows:
        return None
    return {"url": reverse("web:estimate_preview", args=[ro.pk])}


def ro_versions_panel(*, request, actor, ro, rows) -> dict:
    return {
        "ro": ro,
        "versions": ro_versions(repair_order=ro),
        "preview_url": reverse("web:estimate_preview", args=[ro.pk]) if rows else "",
        "shop_timezone": ro.shop.timezone,
    }
