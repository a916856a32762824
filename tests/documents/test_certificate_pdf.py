"""The authorization certificate: signers, decisions, versions, the chain check and its QR code."""

from decimal import Decimal

from django.db import connection
from django.test import override_settings
from django.urls import resolve
from django.utils import timezone

from signoff.approvals import authorization as approval_authorization
from signoff.approvals.authorization import AuthorizationEntry
from signoff.approvals.chain import decision_append
from signoff.approvals.models import Decision
from signoff.approvals.versions import version_freeze
from signoff.documents.render import certificate_pdf, verify_url
from tests.documents.conftest import operations_of
from tests.documents.reading import image_count, page_texts, text


def test_certificate_names_the_ro_customer_vehicle_signers_and_decisions(decided_ro):
    printed = text(certificate_pdf(repair_order=decided_ro))
    assert "AUTHORIZATION CERTIFICATE" in printed
    assert "Main Street Auto" in printed
    assert "4711" in printed
    assert "Jordan Rivera" in printed
    assert "2019 Honda Accord" in printed
    assert "Sam Rivera (Spouse)" in printed
    assert "Front brake pads" in printed
    assert "Wiper blades" in printed
    assert "APPROVED" in printed
    assert "DECLINED" in printed
    assert "Phone call" in printed
    assert "Recorded by" in printed


def test_certificate_shows_the_ip_of_link_decisions_only(decided_ro, advisor):
    coolant = operations_of(decided_ro)["Coolant flush"]
    decision_append(
        operation=coolant,
        status="deferred",
        source="on_behalf",
        recorded_by=advisor,
        ip="198.51.100.7",  # the advisor's own address: not evidence of the customer
    )
    printed = text(certificate_pdf(repair_order=decided_ro))
    assert "IP 203.0.113.9" in printed
    assert "198.51.100.7" not in printed


def test_certificate_lists_every_version_with_its_hash(decided_ro, advisor):
    second, _ = version_freeze(repair_order=decided_ro, user=advisor)
    printed = text(certificate_pdf(repair_order=decided_ro))
    for version in decided_ro.versions.all():
        assert version.content_hash in printed
    assert second.number == 2


def test_an_untouched_chain_is_reported_intact(decided_ro):
    printed = text(certificate_pdf(repair_order=decided_ro))
    assert "Record chain intact: 4 records checked" in printed


def test_a_record_changed_behind_the_application_is_named(decided_ro):
    decision = Decision.objects.filter(repair_order=decided_ro).order_by("sequence").last()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE approvals_decision SET comment = %s WHERE id = %s", ["edited", decision.pk]
        )
    printed = text(certificate_pdf(repair_order=decided_ro))
    assert "intact" not in printed
    assert "Problem found" in printed
    assert (
        f"Decision #{decision.pk} (sequence {decision.sequence}): content hash does not match"
        in (printed)
    )


@override_settings(SITE_URL="https://signoff.example")
def test_certificate_carries_a_qr_code_and_the_verify_address(decided_ro):
    pdf = certificate_pdf(repair_order=decided_ro)
    assert f"https://signoff.example/ros/{decided_ro.pk}/verify/" in text(pdf).replace(" ", "")
    # The QR code and Sam's drawn signature.
    assert image_count(pdf) == 2


@override_settings(SITE_URL="https://signoff.example")
def test_the_verify_address_opens_the_staff_verify_page_of_that_ro(decided_ro):
    path = verify_url(decided_ro).removeprefix("https://signoff.example")
    match = resolve(path)
    assert (match.view_name, match.kwargs) == ("web:ro_verify", {"ro_id": decided_ro.pk})


def test_a_typical_certificate_fits_on_one_page(decided_ro):
    assert len(page_texts(certificate_pdf(repair_order=decided_ro))) == 1


def test_certificate_prints_the_authorization_summary_it_is_given(decided_ro, monkeypatch):
    entries = [
        AuthorizationEntry(
            repair_order_id=decided_ro.pk,
            signer="Robin Fleet",
            relationship="Fleet manager",
            when=timezone.now(),
            how="in_person",
            source="in_person",
            version=1,
            amount=Decimal("39.00"),
            signature_png=None,
            kind="recommendation",
            operations=["Coolant flush"],
        )
    ]
    monkeypatch.setattr(
        approval_authorization,
        "authorization_summary",
        lambda *, repair_order: entries,
        raising=False,
    )
    pdf = certificate_pdf(repair_order=decided_ro)
    printed = text(pdf)
    assert "Robin Fleet (Fleet manager)" in printed
    assert "Recommendations" in printed
    assert "In person" in printed
    assert "$39.00" in printed
    assert "No drawn signature" in printed
    assert image_count(pdf) == 1  # only the QR code


def test_a_certificate_for_an_ro_without_evidence_still_renders(estimate_ro):
    printed = text(certificate_pdf(repair_order=estimate_ro))
    assert "No one has signed" in printed
    assert "No decisions recorded" in printed
    assert "No version has been shared yet" in printed
    assert "Record chain intact: 0 records checked" in printed
