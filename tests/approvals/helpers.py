"""Small builders the approvals tests share: an RO with priced operations, a version, a signature."""

from decimal import Decimal

from signoff.approvals.canonical import sha256_hex
from signoff.approvals.chain import signature_append
from signoff.approvals.models import EstimateVersion, Source
from tests.factories import ContactFactory, RepairOrderFactory, priced_operation

# The smallest valid PNG (1×1), enough to hash.
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def ro_with_operations(shop, *, count: int = 2, **kwargs):
    """An RO of `shop` whose customer has a primary contact, with `count` priced operations."""
    ro = RepairOrderFactory(shop=shop, **kwargs)
    ContactFactory(customer=ro.customer, is_primary=True, name="Dana Primary")
    ops = [priced_operation(repair_order=ro, title=f"Job {i + 1}") for i in range(count)]
    return ro, ops


def make_version(ro, *, number: int = 1) -> EstimateVersion:
    content = {"schema": 1, "repair_order": {"id": ro.pk, "number": ro.number}, "n": number}
    return EstimateVersion.objects.create(
        shop=ro.shop,
        repair_order=ro,
        number=number,
        content=content,
        content_hash=sha256_hex(content),
        total=Decimal("100.00"),
    )


def make_signature(ro, version, *, png: bytes = PNG_1PX):
    return signature_append(
        repair_order=ro,
        version=version,
        source=Source.LINK,
        contact=None,
        contact_name="Dana Primary",
        contact_relationship="Primary",
        amount=Decimal("419.99"),
        svg="<svg xmlns='http://www.w3.org/2000/svg'><path d='M0 0L10 10'/></svg>",
        png=png,
        consent_text="I authorize the work above.",
        ip="203.0.113.9",
        user_agent="Mozilla/5.0 (test)",
    )


def client_for(user):
    """A test client logged in as `user`.

    Saves the user first: UserFactory sets the password after its save and does not save again,
    and a session whose password hash differs from the stored one is logged out.
    """
    from django.test import Client

    user.save()
    client = Client()
    client.force_login(user)
    return client
