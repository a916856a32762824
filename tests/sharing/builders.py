"""Small builders for sharing tests: an RO with a primary contact and a spouse, and decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction

from signoff.approvals.chain import decision_append
from signoff.customers.models import Contact
from signoff.orders.models import Operation, RepairOrder
from signoff.sharing.links import share_link_token, share_link_url
from signoff.sharing.models import ShareLink
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from tests.factories import priced_ro


@dataclass
class Estimate:
    ro: RepairOrder
    primary: Contact
    spouse: Contact
    brakes: Operation
    wipers: Operation


def estimate_for(shop, **ro_fields) -> Estimate:
    """RO with two priced operations, a primary contact (email) and a spouse (text)."""
    ro_fields.setdefault("etr", datetime(2026, 11, 24, 23, 30, tzinfo=UTC))
    built = priced_ro(
        shop,
        contacts=[
            {
                "is_primary": True,
                "name": "John Doe",
                "email": "john@mail.example",
                "mobile": "+15035551001",
                "notify": "email",
            },
            {
                "name": "Jane Doe",
                "relationship": "Spouse",
                "email": "jane@mail.example",
                "mobile": "+15035551002",
                "notify": "text",
            },
        ],
        operations=[
            {"title": "Front brake pads"},
            {"title": "Wiper blades", "labor_hours": "0.2", "part_price": "24.00"},
        ],
        **ro_fields,
    )
    primary, spouse = built.contacts
    brakes, wipers = built.operations
    return Estimate(ro=built.ro, primary=primary, spouse=spouse, brakes=brakes, wipers=wipers)


def url_of(link: ShareLink) -> str:
    """The link's URL as its contact receives it, derived the way delivery derives it."""
    return share_link_url(share_link_token(link))


def link_for(estimate: Estimate, contact: Contact, *, by, channels=None) -> ShareLink:
    """Request approval from `contact` alone, as staff user `by`; the contact's new link."""
    result = share_create(
        actor=actor_for(user=by, shop_id=estimate.ro.shop_id),
        ro_id=estimate.ro.pk,
        kind="request_approval",
        recipients=[Recipient(contact.pk, channels)],
    )
    return result.links[0]


def decide(operation, status: str, *, source: str = "on_behalf", by=None):
    with transaction.atomic():
        return decision_append(operation=operation, status=status, source=source, recorded_by=by)


def ready_to_send(estimate: Estimate, *, by=None) -> None:
    """Brakes approved on the customer's behalf, wipers declined: Send to Customer may run."""
    decide(estimate.brakes, "approved", by=by)
    decide(estimate.wipers, "declined", by=by)
