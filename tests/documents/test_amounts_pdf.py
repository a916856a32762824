"""What the PDFs say of amounts and PO numbers: every authorized amount before tax, the same way
for every method, the total a signer signed for with tax, and the customer's PO number."""

from decimal import Decimal

from signoff.approvals.chain import decision_append, signature_append
from signoff.approvals.versions import version_freeze
from signoff.documents.render import certificate_pdf, estimate_pdf
from signoff.orders.models import RepairOrder
from tests.documents.conftest import operations_of
from tests.documents.reading import text
from tests.support.png import SIGNATURE_PNG


def _signed_and_phoned(ro, advisor):
    """Sam signs for the brake pads through his link; Avery records the wipers by phone."""
    ops = operations_of(ro)
    sam = ro.customer.contacts.get(name="Sam Rivera")
    jordan = ro.customer.contacts.get(name="Jordan Rivera")
    version, _ = version_freeze(repair_order=ro, user=advisor)
    signature = signature_append(
        repair_order=ro,
        version=version,
        source="link",
        contact=sam,
        contact_name=sam.name,
        contact_relationship="Spouse",
        amount=Decimal("1410.91"),  # what he saw: $1,314.99 and its tax
        svg="<svg/>",
        png=SIGNATURE_PNG,
        consent_text="I authorize the work selected above.",
    )
    decision_append(
        operation=ops["Front brake pads"],
        status="approved",
        source="link",
        contact=sam,
        signature=signature,
        version=version,
        amount=Decimal("1314.99"),
    )
    decision_append(
        operation=ops["Wiper blades"],
        status="approved",
        source="on_behalf",
        contact=jordan,
        recorded_by=advisor,
        reason=ro.shop.approval_reasons.get(label="Phone call"),
        phone_number="+15035551234",
        amount=Decimal("54.00"),
    )
    return version


def test_the_certificate_states_tax_the_same_way_for_a_signature_and_a_phone_call(
    estimate_ro, advisor
):
    _signed_and_phoned(estimate_ro, advisor)
    printed = " ".join(text(certificate_pdf(repair_order=estimate_ro)).split())
    assert "$1,314.99 before tax" in printed  # Sam's signature
    assert "signed total $1,410.91 with tax" in printed
    assert "$54.00 before tax" in printed  # the phone call
    assert "Authorized $54.00 before tax" in printed  # in the decisions table too
    assert "with tax" in printed.split("Estimate versions")[1]  # the versions' totals


def test_the_po_number_is_printed_on_the_certificate_and_the_estimate(estimate_ro, advisor):
    RepairOrder.objects.filter(pk=estimate_ro.pk).update(po_number="PO-7731")
    estimate_ro.refresh_from_db()
    version = _signed_and_phoned(estimate_ro, advisor)
    assert "PO number PO-7731" in " ".join(text(certificate_pdf(repair_order=estimate_ro)).split())
    assert "PO number PO-7731" in " ".join(text(estimate_pdf(version=version)).split())


def test_without_a_po_number_none_is_printed(estimate_ro, advisor):
    version = _signed_and_phoned(estimate_ro, advisor)
    assert "PO number" not in text(certificate_pdf(repair_order=estimate_ro))
    assert "PO number" not in text(estimate_pdf(version=version))
    assert "po_number" not in version.content["repair_order"]  # old snapshots hash the same
