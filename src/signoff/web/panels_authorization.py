"""The portal's panels on the staff RO page: the in-person button and the authorization summary."""

from __future__ import annotations

from django.urls import reverse

from signoff.approvals.selectors import authorization_summary


def in_person_button(*, request, actor, ro, rows) -> dict | None:
    """Shown to staff who may record approvals, once the estimate has something to approve."""
    if not actor.can_edit or not rows:
        return None
    return {"url": reverse("web:in_person", args=[ro.pk])}


def ro_authorization(*, request, actor, ro, rows) -> dict:
    entries = authorization_summary(repair_order=ro)
    for entry in entries:
        entry["image_url"] = (
            reverse("web:signature_png", args=[ro.pk, entry["signature_id"]])
            if entry["signature_id"]
            else ""
        )
    return {
        "entries": entries,
        "shop_timezone": ro.shop.timezone,
        "certificate_url": reverse("web:certificate", args=[ro.pk]),
    }
