"""factory-boy factories for sharing rows: versions, shares, links and outbox messages."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import factory

from signoff.approvals.models import EstimateVersion
from signoff.documents.sections import PDF_SECTION_KEYS
from signoff.sharing.compose import LINK_PLACEHOLDER
from signoff.sharing.links import share_link_mint
from signoff.sharing.models import Channel, Message, Share, ShareKind
from tests.factories import ContactFactory, RepairOrderFactory


def _small_content(version) -> dict:
    ro = version.repair_order
    return {
        "schema": 1,
        "shop": {"name": ro.shop.name, "timezone": ro.shop.timezone},
        "repair_order": {"id": ro.pk, "number": ro.number, "label": ro.label},
        "operations": [],
        "totals": {"estimate": {"total": str(version.total)}},
    }


class EstimateVersionFactory(factory.django.DjangoModelFactory):
    """A version with a small content dict (enough for messages, not for a PDF)."""

    class Meta:
        model = EstimateVersion

    repair_order = factory.SubFactory(RepairOrderFactory)
    shop = factory.SelfAttribute("repair_order.shop")
    number = factory.Sequence(lambda n: n + 1)
    total = Decimal("399.43")
    content = factory.LazyAttribute(_small_content)
    content_hash = factory.LazyAttribute(
        lambda v: hashlib.sha256(json.dumps(v.content, sort_keys=True).encode()).hexdigest()
    )


class ShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Share

    version = factory.SubFactory(EstimateVersionFactory)
    repair_order = factory.SelfAttribute("version.repair_order")
    shop = factory.SelfAttribute("version.shop")
    kind = ShareKind.REQUEST_APPROVAL
    sections = factory.LazyFunction(lambda: list(PDF_SECTION_KEYS))


class MessageFactory(factory.django.DjangoModelFactory):
    """A queued outbox email to a contact of the RO's customer, carrying their own share link
    as the share service writes it (a placeholder in the bodies). Pass channel="sms" for a text.
    """

    class Meta:
        model = Message

    share = factory.SubFactory(ShareFactory)
    repair_order = factory.SelfAttribute("share.repair_order")
    shop = factory.SelfAttribute("share.shop")
    contact = factory.SubFactory(
        ContactFactory,
        customer=factory.SelfAttribute("..repair_order.customer"),
        shop=factory.SelfAttribute("..shop"),
    )
    link = factory.LazyAttribute(lambda m: share_link_mint(share=m.share, contact=m.contact)[0])
    channel = Channel.EMAIL
    to_address = factory.LazyAttribute(
        lambda m: m.contact.email if m.channel == Channel.EMAIL else m.contact.mobile
    )
    subject = factory.LazyAttribute(
        lambda m: (
            ""
            if m.channel == Channel.SMS
            else f"Please review your estimate from {m.shop.name} — {m.repair_order.label}"
        )
    )
    body_text = factory.LazyAttribute(
        lambda m: (
            f"Hello {m.contact.name},\n\nReview and approve your estimate:\n{LINK_PLACEHOLDER}\n"
        )
    )
    body_html = factory.LazyAttribute(
        lambda m: (
            ""
            if m.channel == Channel.SMS
            else f'<p>Hello {m.contact.name},</p><p><a href="{LINK_PLACEHOLDER}">'
            "Review and approve your estimate</a></p>"
        )
    )
