"""Small builders the approvals tests share: an RO with priced operations, a signature."""

from decimal import Decimal

from signoff.approvals.chain import signature_append
from signoff.approvals.models import Source
from tests.factories import priced_ro
from tests.support.png import PNG_1PX


def ro_with_operations(shop, *, count: int = 2, **kwargs):
    """An RO of `shop` whose customer has a primary contact, with `count` priced operations."""
    built = priced_ro(
        shop,
        contacts=[{"name": "Dana Primary", "is_primary": True}],
        operations=[{"title": f"Job {i + 1}"} for i in range(count)],
        **kwargs,
    )
    return built.ro, built.operations


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
