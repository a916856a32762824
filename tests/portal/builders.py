"""Small builders for portal tests: an RO shared with a contact, and signatures to submit."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from django.urls import reverse

from signoff.approvals.models import EstimateVersion
from signoff.approvals.versions import version_freeze
from signoff.customers.models import Contact
from signoff.orders.models import Operation, RepairOrder
from signoff.sharing.links import share_link_mint
from signoff.sharing.models import Share, ShareKind, ShareLink
from tests.factories import priced_ro
from tests.support.png import png_rgba


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


STROKES = [[[20, 150], [60, 60], [100, 150], [140, 60], [180, 150]], [[220, 100], [320, 100]]]


def signature_fields(**overrides) -> dict:
    """Form fields of a drawn signature, as the pad posts them."""
    fields = {"signature_png": data_url(png_rgba()), "signature_strokes": json.dumps(STROKES)}
    fields.update(overrides)
    return fields


@dataclass
class Shared:
    """An RO with three estimate operations and a recommendation, shared with its primary."""

    ro: RepairOrder
    primary: Contact
    spouse: Contact
    brakes: Operation
    tires: Operation
    wipers: Operation
    cabin: Operation
    version: EstimateVersion
    share: Share
    link: ShareLink
    token: str

    @property
    def url(self) -> str:
        return reverse("portal:page", kwargs={"token": self.token})

    def refresh(self) -> None:
        self.ro.shop.refresh_from_db()


def shared_estimate(*, shop, sections=None, include_etr=True, notes="", language="en") -> Shared:
    built = priced_ro(
        shop,
        customer={"name": "Jordan Lee"},
        customer_notes="Customer waits in the lobby.",
        contacts=[
            {"name": "Jordan Lee", "is_primary": True, "language": language},
            {"name": "Sam Lee", "relationship": "Spouse"},
        ],
        operations=[
            {"title": "Front brake pads"},
            {"title": "Mount and balance tires", "labor_hours": "1.0"},
            {"title": "Wiper blades", "labor_hours": "0.2", "part_price": "24.00"},
            {
                "title": "Cabin air filter",
                "kind": "recommendation",
                "labor_hours": "0.3",
                "part_price": "32.00",
            },
        ],
    )
    ro = built.ro
    primary, spouse = built.contacts
    brakes, tires, wipers, cabin = built.operations
    version, _created = version_freeze(repair_order=ro)
    share = Share.objects.create(
        shop=shop,
        repair_order=ro,
        version=version,
        kind=ShareKind.REQUEST_APPROVAL,
        include_etr=include_etr,
        notes=notes,
        sections=sections if sections is not None else [],
    )
    link, token = share_link_mint(share=share, contact=primary)
    return Shared(ro, primary, spouse, brakes, tires, wipers, cabin, version, share, link, token)


def standing_in(html: str) -> dict[str, list[int]]:
    """The "Where things stand" groups of a page: group name → the operation ids in it."""
    groups: dict[str, list[int]] = {}
    parts = html.split('data-standing="')[1:]
    for part in parts:
        name, rest = part.split('"', 1)
        block = rest.split("</ul>", 1)[0]
        groups[name] = [int(chunk.split('"', 1)[0]) for chunk in block.split('data-op="')[1:]]
    return groups
