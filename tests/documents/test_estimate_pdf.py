"""The estimate PDF, rendered for real and read back with pypdf."""

import pytest

from signoff.approvals.chain import decision_append
from signoff.approvals.versions import version_freeze
from signoff.documents.render import estimate_pdf
from signoff.documents.sections import PDF_SECTION_KEYS
from tests.documents.conftest import operations_of
from tests.documents.reading import image_count, page_size_points, page_texts, text
from tests.factories import RepairOrderFactory, priced_operation

LETTER = (612.0, 792.0)
A4 = (595.3, 841.9)


def all_but(*keys):
    return [key for key in PDF_SECTION_KEYS if key not in keys]


def test_estimate_shows_shop_ro_version_customer_vehicle_and_totals(decided_ro, advisor):
    version, _ = version_freeze(repair_order=decided_ro, user=advisor)
    printed = text(estimate_pdf(version=version))
    assert "Main Street Auto" in printed
    assert "(503) 555-0100" in printed
    assert "ESTIMATE" in printed
    assert "4711" in printed
    assert f"Version {version.number}" in printed
    assert "Jordan Rivera" in printed
    assert "2019 Honda Accord" in printed
    assert "1HGCM82633A004352" in printed
    assert "$1,481.93" in printed
    assert "$1,314.99" in printed  # the brake operation's subtotal, with a thousands separator
    assert "Tax (8.25%)" in printed


def test_estimate_lists_labor_and_parts_lines_with_part_numbers(estimate_ro, advisor):
    version, _ = version_freeze(repair_order=estimate_ro, user=advisor)
    printed = text(estimate_pdf(version=version))
    assert "BP-1" in printed
    assert "1.5 h" in printed
    assert "$150.00" in printed


def test_without_the_prices_section_no_amount_of_money_is_printed(decided_ro, advisor):
    version, _ = version_freeze(repair_order=decided_ro, user=advisor)
    printed = text(estimate_pdf(version=version, sections=all_but("prices")))
    assert "$" not in printed
    assert "Total" not in printed
    assert "Front brake pads" in printed
    assert "BP-1" in printed  # parts detail is still there, without prices


def test_labor_and_parts_details_are_left_out_when_switched_off(estimate_ro, advisor):
    version, _ = version_freeze(repair_order=estimate_ro, user=advisor)
    printed = text(estimate_pdf(version=version, sections=all_but("labor", "parts")))
    assert "BP-1" not in printed
    assert "1.5 h" not in printed
    assert "$1,314.99" in printed  # the operation's price stays


def test_customer_and_vehicle_are_left_out_when_switched_off(estimate_ro, advisor):
    version, _ = version_freeze(repair_order=estimate_ro, user=advisor)
    printed = text(estimate_pdf(version=version, sections=all_but("customer_vehicle")))
    assert "Jordan Rivera" not in printed
    assert "Honda" not in printed


def test_recommendations_are_listed_separately_only_with_their_section(estimate_ro, advisor):
    version, _ = version_freeze(repair_order=estimate_ro, user=advisor)
    with_them = text(estimate_pdf(version=version))
    without = text(estimate_pdf(version=version, sections=all_but("recommendations")))
    assert "Recommendations" in with_them
    assert "Coolant flush" in with_them
    assert with_them.index("Wiper blades") < with_them.index("Recommendations")
    assert "Coolant flush" not in without
    assert "Recommended total" not in without


def test_statuses_and_history_show_who_decided_how_and_why(decided_ro, advisor):
    version, _ = version_freeze(repair_order=decided_ro, user=advisor)
    printed = text(estimate_pdf(version=version))
    assert "APPROVED" in printed
    assert "DECLINED" in printed
    assert "Sam Rivera (Spouse)" in printed
    assert "Customer share link" in printed
    assert "On behalf of the customer" in printed
    assert "Phone call" in printed
    assert "Called (503) 555-1234" in printed
    assert "Will replace them himself" in printed


def test_statuses_section_off_leaves_no_status_or_history(decided_ro, advisor):
    version, _ = version_freeze(repair_order=decided_ro, user=advisor)
    printed = text(estimate_pdf(version=version, sections=all_but("statuses")))
    assert "APPROVED" not in printed
    assert "approval history" not in printed.lower()
    assert "Phone call" not in printed


def test_history_stops_at_the_moment_the_version_was_made(decided_ro, advisor):
    version, _ = version_freeze(repair_order=decided_ro, user=advisor)
    later_op = operations_of(decided_ro)["Coolant flush"]
    decision_append(
        operation=later_op,
        status="deferred",
        source="on_behalf",
        recorded_by=advisor,
        comment="Decided after the version was made",
    )
    printed = text(estimate_pdf(version=version))
    assert "Decided after the version was made" not in printed
    assert "DEFERRED" not in printed


def test_notes_section_prints_ro_notes_and_the_share_notes(estimate_ro, advisor):
    version, _ = version_freeze(repair_order=estimate_ro, user=advisor)
    printed = text(estimate_pdf(version=version, notes="Call us with any questions."))
    without = text(
        estimate_pdf(
            version=version, sections=all_but("notes"), notes="Call us with any questions."
        )
    )
    assert "Customer is waiting in the lounge." in printed
    assert "Call us with any questions." in printed
    assert "waiting in the lounge" not in without
    assert "Call us with any questions." not in without


def test_etr_is_printed_only_when_included(estimate_ro, advisor):
    version, _ = version_freeze(repair_order=estimate_ro, user=advisor)
    assert "estimated completion" in text(estimate_pdf(version=version)).lower()
    assert (
        "estimated completion" not in text(estimate_pdf(version=version, include_etr=False)).lower()
    )


def test_signatures_section_embeds_the_signature_image_with_the_signer(decided_ro, advisor):
    version, _ = version_freeze(repair_order=decided_ro, user=advisor)
    pdf = estimate_pdf(version=version)
    printed = text(pdf)
    assert "Signatures" in printed
    assert "Sam Rivera (Spouse)" in printed
    assert "Version 1" in printed
    assert image_count(pdf) == 1
    without = estimate_pdf(version=version, sections=all_but("signatures"))
    assert image_count(without) == 0
    assert "Signatures" not in text(without)


def test_footer_on_every_page_names_the_version_hash_and_page(shop, advisor):
    ro = RepairOrderFactory(shop=shop, number=5150)
    for n in range(30):
        priced_operation(repair_order=ro, title=f"Inspection item {n}")
    version, _ = version_freeze(repair_order=ro, user=advisor)
    pages = page_texts(estimate_pdf(version=version))
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"Version {version.number} · SHA-256" in page
        assert version.content_hash in page
        assert f"Page {number} / {len(pages)}" in page


@pytest.mark.parametrize(("paper_size", "points"), [("us-letter", LETTER), ("a4", A4)])
def test_paper_size_follows_the_shop_setting_in_the_snapshot(shop, advisor, paper_size, points):
    shop.paper_size = paper_size
    shop.save()
    ro = RepairOrderFactory(shop=shop)
    priced_operation(repair_order=ro)
    version, _ = version_freeze(repair_order=ro, user=advisor)
    assert page_size_points(estimate_pdf(version=version)) == points


def test_an_unknown_section_is_refused(estimate_ro, advisor):
    version, _ = version_freeze(repair_order=estimate_ro, user=advisor)
    with pytest.raises(ValueError, match="Unknown PDF sections: cover_page"):
        estimate_pdf(version=version, sections=["prices", "cover_page"])


def test_reprinting_a_version_gives_the_same_bytes(decided_ro, advisor):
    version, _ = version_freeze(repair_order=decided_ro, user=advisor)
    assert estimate_pdf(version=version) == estimate_pdf(version=version)


def test_a_declined_operation_is_not_printed_as_authorized(estimate_ro, advisor):
    ops = operations_of(estimate_ro)
    for title, status in (("Front brake pads", "approved"), ("Wiper blades", "declined")):
        decision_append(
            operation=ops[title],
            status=status,
            source="on_behalf",
            recorded_by=advisor,
            reason=estimate_ro.shop.approval_reasons.get(label="Email"),
            amount=ops[title].lines.first().unit_price,
        )
    version, _ = version_freeze(repair_order=estimate_ro, user=advisor)
    printed = text(estimate_pdf(version=version))
    assert printed.count("Authorized $") == 1
