"""A discount reads the same everywhere: staff page, customer page, PDF, email, consent, API.

One RO whose only work is a $5.00 discount, so every total it has is −$5.00 (U+2212 minus):
each place that shows it must print exactly that string, in English and in Spanish.
"""

import base64
import re
from decimal import Decimal

import pytest
from django.db import transaction

from signoff.approvals.versions import version_freeze
from signoff.documents.render import estimate_pdf
from signoff.orders.models import LineKind
from signoff.sharing.compose import compose_message
from signoff.sharing.links import share_link_mint
from signoff.sharing.models import Share, ShareKind
from signoff.signing.inputs import approval_input
from tests.documents.reading import text
from tests.factories import ContactFactory, LineFactory, OperationFactory, RepairOrderFactory
from tests.portal.builders import STROKES, png_rgba

pytestmark = pytest.mark.django_db

DISCOUNT = "\u2212$5.00"


def discounted_ro(shop, *, language="en"):
    ro = RepairOrderFactory(shop=shop)
    contact = ContactFactory(customer=ro.customer, is_primary=True, language=language)
    operation = OperationFactory(repair_order=ro, title="Loyalty discount")
    LineFactory(
        operation=operation,
        kind=LineKind.FEE,
        description="Loyalty discount",
        quantity=Decimal("1"),
        unit_price=Decimal("-5.00"),
        taxable=False,
    )
    with transaction.atomic():
        version, _ = version_freeze(repair_order=ro)
    share = Share.objects.create(
        shop=shop, repair_order=ro, version=version, kind=ShareKind.REQUEST_APPROVAL
    )
    _link, token = share_link_mint(share=share, contact=contact)
    return ro, contact, operation, version, share, token


def test_the_staff_page_shows_the_discount_with_a_minus_sign(alice_client, shop):
    ro, *_ = discounted_ro(shop)
    body = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    assert DISCOUNT in body
    assert "-$5.00" not in body and "$-5.00" not in body


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_discount_reads_the_same_on_every_page_document_and_message(client, shop, language):
    ro, contact, operation, version, share, token = discounted_ro(shop, language=language)
    approve = {"version": version.pk, f"op-{operation.pk}": "approved"}

    customer_page = client.get(f"/s/{token}").content.decode()
    consent_partial = client.post(f"/s/{token}/total", approve).content.decode()
    pdf = text(estimate_pdf(version=version))
    email = compose_message(share=share, contact=contact, channel="email")
    api_answer = client.post(
        f"/api/v1/portal/{token}/approval",
        {
            "version_id": version.pk,
            "decisions": [{"operation_id": operation.pk, "status": "approved"}],
            "signature": {"png": base64.b64encode(png_rgba()).decode(), "strokes": STROKES},
            "consent": True,
        },
        content_type="application/json",
    )
    assert api_answer.status_code == 201, api_answer.content

    shown = {
        "customer page": customer_page,
        "consent text": consent_partial,
        "estimate PDF": pdf,
        "email text": email.body_text,
        "email HTML": email.body_html,
        "API consent_text": api_answer.json()["consent_text"],
    }
    for where, written in shown.items():
        assert DISCOUNT in written, where
        assert "-$5.00" not in written and "$-5.00" not in written, where


def test_the_spanish_page_posts_back_a_total_the_server_can_read(client, shop):
    _ro, _contact, operation, version, _share, token = discounted_ro(shop, language="es")
    partial = client.post(
        f"/s/{token}/total", {"version": version.pk, f"op-{operation.pk}": "approved"}
    ).content.decode()
    posted = re.search(r'name="shown_total" value="([^"]*)"', partial).group(1)
    assert posted == "-5.00"
    assert approval_input({"shown_total": posted}, language="es").shown_total == Decimal("-5.00")
