"""A repair order with contacts, priced operations, decisions and a signature, shared as a version."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from signoff.approvals.chain import decision_append, signature_append
from signoff.approvals.versions import version_freeze
from tests.factories import MembershipFactory, priced_ro
from tests.support.png import SIGNATURE_PNG


@pytest.fixture
def advisor(shop):
    """A service advisor of `shop`. No password: documents never log in, and hashing is slow."""
    user = get_user_model().objects.create(
        username="avery", first_name="Avery", last_name="Advisor"
    )
    MembershipFactory(shop=shop, user=user, role="advisor")
    return user


@pytest.fixture
def estimate_ro(shop, advisor):
    """RO 4711 for Jordan Rivera: two estimate operations and one recommendation."""
    return priced_ro(
        shop,
        customer={"name": "Jordan Rivera"},
        number=4711,
        customer_notes="Customer is waiting in the lounge.",
        etr=timezone.now() + timedelta(days=1),
        advisor=advisor,
        contacts=[
            {"name": "Jordan Rivera", "is_primary": True},
            {"name": "Sam Rivera", "relationship": "Spouse"},
        ],
        operations=[
            {"title": "Front brake pads", "part_price": "1089.99"},
            {"title": "Wiper blades", "labor_hours": "0.2", "part_price": "24.00"},
            {"title": "Coolant flush", "kind": "recommendation", "part_price": "39.00"},
        ],
    ).ro


def operations_of(ro):
    return {op.title: op for op in ro.operations.all()}


@pytest.fixture
def decided_ro(estimate_ro, advisor):
    """`estimate_ro` after Sam signed version 1 through his link and Avery took a phone call."""
    ro = estimate_ro
    ops = operations_of(ro)
    sam = ro.customer.contacts.get(name="Sam Rivera")
    jordan = ro.customer.contacts.get(name="Jordan Rivera")
    first, _ = version_freeze(repair_order=ro, user=advisor)
    signature = signature_append(
        repair_order=ro,
        version=first,
        source="link",
        contact=sam,
        contact_name=sam.name,
        contact_relationship="Spouse",
        amount=first.total,
        svg="<svg/>",
        png=SIGNATURE_PNG,
        consent_text="I authorize the work selected above.",
        ip="203.0.113.9",
    )
    decision_append(
        operation=ops["Front brake pads"],
        status="approved",
        source="link",
        contact=sam,
        contact_relationship="Spouse",
        signature=signature,
        version=first,
        ip="203.0.113.9",
    )
    decision_append(
        operation=ops["Wiper blades"],
        status="declined",
        source="on_behalf",
        contact=jordan,
        recorded_by=advisor,
        reason=ro.shop.approval_reasons.get(label="Phone call"),
        phone_number="+15035551234",
        comment="Will replace them himself",
    )
    return ro
