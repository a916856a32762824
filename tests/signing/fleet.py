"""A fleet whose driver may approve up to $1,000 per RO, and whose fleet manager approves the rest."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from signoff.approvals.versions import version_freeze
from signoff.customers.models import Contact
from signoff.orders.models import Operation, RepairOrder
from signoff.sharing.links import share_link_mint
from signoff.sharing.models import Share, ShareKind, ShareLink
from tests.factories import priced_ro
from tests.portal.builders import signature_fields


@dataclass
class Fleet:
    ro: RepairOrder
    manager: Contact  # the primary: no limit
    driver: Contact  # up to $1,000.00 per RO
    viewer: Contact  # view only
    brakes: Operation  # $600.00 before tax
    tires: Operation  # $500.00
    alignment: Operation  # $300.00
    link: ShareLink  # the driver's
    token: str

    @property
    def url(self) -> str:
        return reverse("portal:page", kwargs={"token": self.token})

    def link_for(self, contact: Contact) -> str:
        _link, token = share_link_mint(share=self.link.share, contact=contact)
        return reverse("portal:page", kwargs={"token": token})

    def answers(self, **choices) -> dict:
        """The form a contact posts: `brakes="approved"`, …, signed, consent ticked."""
        data = {"version": self.ro.versions.last().pk, "consent": "yes", **signature_fields()}
        for name, status in choices.items():
            data[f"op-{getattr(self, name).pk}"] = status
        return data


def fleet_estimate(*, shop, driver_limit: str = "1000.00", manager_notify: str = "email") -> Fleet:
    built = priced_ro(
        shop,
        customer={"name": "Rivera Logistics", "kind": "business"},
        contacts=[
            {
                "name": "Pat Fleet",
                "is_primary": True,
                "relationship": "Fleet manager",
                "notify": manager_notify,
            },
            {
                "name": "Dana Driver",
                "relationship": "Driver",
                "approval_limit": Decimal(driver_limit),
            },
            {"name": "Vic Viewer", "relationship": "Dispatcher", "approval_right": "view_only"},
        ],
        operations=[
            {"title": "Brake job", "labor_hours": "4.0", "part_price": "0.00"},
            {"title": "Tires", "labor_hours": "2.0", "part_price": "200.00"},
            {"title": "Alignment", "labor_hours": "2.0", "part_price": "0.00"},
        ],
    )
    manager, driver, viewer = built.contacts
    brakes, tires, alignment = built.operations
    version, _created = version_freeze(repair_order=built.ro)
    share = Share.objects.create(
        shop=shop, repair_order=built.ro, version=version, kind=ShareKind.REQUEST_APPROVAL
    )
    link, token = share_link_mint(share=share, contact=driver)
    return Fleet(built.ro, manager, driver, viewer, brakes, tires, alignment, link, token)
