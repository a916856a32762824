"""The portal's panels on the staff RO page: the in-person button and the authorization summary."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from signoff.approvals.authorization import AuthorizationEntry, authorization_summary


def in_person_button(*, request, actor, ro, rows) -> dict | None:
    """Shown to staff who may record approvals, once the estimate has something to approve."""
    if not actor.can_edit or not rows:
        return None
    return {"url": reverse("web:in_person", args=[ro.pk])}


def not_to_exceed_button(*, request, actor, ro, rows) -> dict | None:
    """For staff who may record approvals, empty estimate or not: it is left at drop-off."""
    if not actor.can_edit:
        return None
    return {"url": reverse("web:not_to_exceed_start", args=[ro.pk])}


@dataclass(frozen=True)
class ShownEntry:
    """An authorization entry as the RO page shows it: the entry's fields plus its image URL.

    The staff URL of a signature image is the web layer's business, so it is derived here
    rather than stored on the domain entry.
    """

    entry: AuthorizationEntry

    def __getattr__(self, name: str):
        if name.startswith("_"):  # copy and pickle probe dunders before `entry` is set
            raise AttributeError(name)
        return getattr(self.entry, name)

    @property
    def image_url(self) -> str:
        if not self.entry.signature_id or not self.entry.signature_png:
            return ""
        return reverse(
            "web:signature_png", args=[self.entry.repair_order_id, self.entry.signature_id]
        )


def ro_authorization(*, request, actor, ro, rows) -> dict:
    return {
        "entries": [ShownEntry(entry) for entry in authorization_summary(repair_order=ro)],
        "shop_timezone": ro.shop.timezone,
        "certificate_url": reverse("web:certificate", args=[ro.pk]),
    }
