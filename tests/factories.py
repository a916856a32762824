"""factory-boy factories for every model tests build. Each test makes the data it needs."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from signoff.approvals.canonical import sha256_hex
from signoff.approvals.models import EstimateVersion
from signoff.approvals.services import reasons_seed_defaults
from signoff.customers.models import Contact, Customer, Vehicle
from signoff.documents.sections import PDF_SECTION_KEYS
from signoff.orders.models import LineKind, Operation, OperationLine, RepairOrder
from signoff.sharing.compose import LINK_PLACEHOLDER
from signoff.sharing.links import share_link_mint
from signoff.sharing.models import Channel, Message, Share, ShareKind, WorkerHeartbeat
from signoff.shops.models import ApiToken, Membership, Role, Shop


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test Auto {n}")
    slug = factory.Sequence(lambda n: f"test-auto-{n}")
    phone = "+15035550100"
    email = factory.Sequence(lambda n: f"service{n}@shop.example")
    timezone = "America/Los_Angeles"
    tax_rate = Decimal("8.250")

    @factory.post_generation
    def reasons(shop, create, extracted, **kwargs):
        if create:
            reasons_seed_defaults(shop=shop)


# Every user's password (the login form and the counter screen's unlock take it).
USER_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Alex{n}")
    last_name = "Advisor"
    email = factory.LazyAttribute(lambda u: f"{u.username}@shop.example")
    password = factory.PostGenerationMethodCall("set_password", USER_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # set_password only hashes in memory: save it, or logins and force_login sessions fail.
        if create:
            instance.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    shop = factory.SubFactory(ShopFactory)
    role = Role.ADVISOR


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    shop = factory.SubFactory(ShopFactory)
    name = factory.Sequence(lambda n: f"Jordan Customer {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    shop = factory.SelfAttribute("customer.shop")
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@mail.example")
    mobile = factory.Sequence(lambda n: f"+1503555{1000 + n:04d}")
    notify = "email"


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    customer = factory.SubFactory(CustomerFactory)
    shop = factory.SelfAttribute("customer.shop")
    vin = "1HGCM82633A004352"
    year = 2019
    make = "Honda"
    model = "Accord"
    odometer = 48210


class RepairOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RepairOrder

    shop = factory.SubFactory(ShopFactory)
    customer = factory.SubFactory(CustomerFactory, shop=factory.SelfAttribute("..shop"))
    vehicle = factory.SubFactory(
        VehicleFactory,
        customer=factory.SelfAttribute("..customer"),
        shop=factory.SelfAttribute("..shop"),
    )
    number = factory.Sequence(lambda n: 1001 + n)


class OperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operation

    repair_order = factory.SubFactory(RepairOrderFactory)
    shop = factory.SelfAttribute("repair_order.shop")
    title = factory.Sequence(lambda n: f"Operation {n}")
    position = factory.Sequence(lambda n: n)


class LineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OperationLine

    operation = factory.SubFactory(OperationFactory)
    shop = factory.SelfAttribute("operation.shop")
    kind = LineKind.LABOR
    description = "Labor"
    quantity = Decimal("1.00")
    unit_price = Decimal("150.00")


def _small_content(version) -> dict:
    ro = version.repair_order
    return {
        "schema": 1,
        "number": version.number,
        "shop": {"name": ro.shop.name, "timezone": ro.shop.timezone},
        "repair_order": {"id": ro.pk, "number": ro.number, "label": ro.label},
        "operations": [],
        "totals": {"estimate": {"total": str(version.total)}},
    }


class EstimateVersionFactory(factory.django.DjangoModelFactory):
    """The RO's next version, with a small content dict: enough for the hash chain and messages,
    not for a PDF (freeze a real one with `signoff.approvals.versions.version_freeze`)."""

    class Meta:
        model = EstimateVersion

    repair_order = factory.SubFactory(RepairOrderFactory)
    shop = factory.SelfAttribute("repair_order.shop")
    number = factory.LazyAttribute(lambda v: v.repair_order.versions.count() + 1)
    total = Decimal("399.43")
    content = factory.LazyAttribute(_small_content)
    content_hash = factory.LazyAttribute(lambda v: sha256_hex(v.content))


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


class WorkerHeartbeatFactory(factory.django.DjangoModelFactory):
    """A delivery worker that reported in just now (pass seen_at=… for an older report)."""

    class Meta:
        model = WorkerHeartbeat

    worker_id = factory.Sequence(lambda n: f"test-worker-{n}")
    hostname = "worker.test"
    pid = factory.Sequence(lambda n: 1000 + n)
    started_at = factory.LazyFunction(timezone.now)
    seen_at = factory.LazyFunction(timezone.now)


def api_token_for(*, user, shop, name: str = "test") -> str:
    """Create an API token and return the raw value to send as a Bearer token."""
    raw = ApiToken.new_raw()
    ApiToken.objects.create(
        shop=shop, user=user, name=name, token_hash=ApiToken.hash(raw), hint=raw[:8]
    )
    return raw


def priced_operation(
    *,
    repair_order,
    title: str = "Front brake pads",
    kind: str = "estimate",
    labor_hours: str = "1.5",
    rate: str = "150.00",
    part_price: str = "89.99",
):
    """An operation with one labor line and one part line."""
    op = OperationFactory(repair_order=repair_order, title=title, kind=kind)
    LineFactory(
        operation=op, kind=LineKind.LABOR, quantity=Decimal(labor_hours), unit_price=Decimal(rate)
    )
    LineFactory(
        operation=op,
        kind=LineKind.PART,
        description="Pads",
        part_number="BP-1",
        quantity=Decimal("1"),
        unit_price=Decimal(part_price),
    )
    return op


@dataclass
class PricedRO:
    """What `priced_ro` built: the RO, then its contacts and operations in the order asked for."""

    ro: RepairOrder
    contacts: list[Contact]
    operations: list[Operation]


def priced_ro(
    shop,
    *,
    customer: dict | None = None,
    contacts: Iterable[dict] = (),
    operations: Iterable[dict] = (),
    **ro_fields,
) -> PricedRO:
    """A repair order of `shop` with its customer's contacts and its priced operations.

    `customer`: CustomerFactory fields (the factory's own customer when omitted); `contacts`:
    ContactFactory fields of each contact of that customer; `operations`: `priced_operation`
    arguments of each operation (`{}` is its brake job); anything else is a RepairOrderFactory
    field. Each scenario passes its own names, titles and prices, so its tests keep asserting them.
    """
    if customer is not None:
        ro_fields["customer"] = CustomerFactory(shop=shop, **customer)
    ro = RepairOrderFactory(shop=shop, **ro_fields)
    return PricedRO(
        ro=ro,
        contacts=[ContactFactory(customer=ro.customer, **fields) for fields in contacts],
        operations=[priced_operation(repair_order=ro, **fields) for fields in operations],
    )
