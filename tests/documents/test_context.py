"""The data the templates get: money and times written once, switched-off sections left out."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from signoff.approvals.authorization import AnsweredOperation, AuthorizationEntry
from signoff.core import formatting as fmt
from signoff.documents import context
from signoff.documents.sections import PDF_SECTION_KEYS
from tests.documents.builders import line, operation, snapshot
from tests.support.png import SIGNATURE_PNG


def sample_snapshot(**kwargs):
    ops = [
        operation(1, "Front brake pads", status="approved"),
        operation(
            2,
            "Cabin air filter",
            kind="recommendation",
            lines=[line("part", "Filter", "2", "12.50", part_number="CF-22")],
        ),
    ]
    return snapshot(operations=ops, **kwargs)


def build(snap=None, **kwargs):
    defaults = {
        "snapshot": snap or sample_snapshot(notes="Waiting", etr="2025-03-05T01:00:00+00:00"),
        "version_number": 3,
        "version_hash": "a" * 64,
        "version_created_at": datetime(2025, 3, 4, 22, 5, tzinfo=UTC),
    }
    return context.estimate_context(**(defaults | kwargs))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("1234.5", "$1,234.50"),
        (Decimal("0"), "$0.00"),
        ("-12", "−$12.00"),
        ("1000000.005", "$1,000,000.01"),
        (None, ""),
    ],
)
def test_money_is_written_with_a_dollar_sign_thousands_and_cents(value, written):
    assert fmt.money(value) == written


@pytest.mark.parametrize(("value", "written"), [("1.50", "1.5"), ("2.00", "2"), ("0.25", "0.25")])
def test_quantities_drop_trailing_zeros(value, written):
    assert fmt.quantity(value) == written


def test_times_are_shown_in_the_shop_time_zone():
    zone = fmt.shop_zone("America/Los_Angeles")
    assert fmt.when("2025-03-05T01:00:00+00:00", zone) == "Mar 4, 2025, 5:00 PM PST"
    assert fmt.when(datetime(2025, 7, 1, 12, 0, tzinfo=UTC), zone) == "Jul 1, 2025, 5:00 AM PDT"


def test_an_unknown_shop_time_zone_falls_back_to_utc():
    assert fmt.when("2025-03-05T01:00:00+00:00", fmt.shop_zone("Mars/Olympus")) == (
        "Mar 5, 2025, 1:00 AM UTC"
    )


def test_the_estimate_header_carries_version_hash_date_and_etr_in_shop_time():
    data = build()
    assert data["document"]["version"] == 3
    assert data["document"]["hash"] == "a" * 64
    assert data["document"]["date"] == "Mar 4, 2025"
    assert data["document"]["etr"] == "Mar 4, 2025, 5:00 PM PST"
    assert build(include_etr=False)["document"]["etr"] == ""


def test_without_prices_the_template_receives_no_money_at_all():
    data = build(sections=[key for key in PDF_SECTION_KEYS if key != "prices"])
    assert "$" not in json.dumps(data)
    assert all(group["totals"] is None for group in data["groups"])


def test_recommendations_form_their_own_group_numbered_apart():
    groups = build()["groups"]
    assert [g["title"] for g in groups] == ["Estimate", "Recommendations"]
    assert groups[1]["operations"][0]["number"] == "R1"
    assert groups[1]["totals"][-1] == {
        "label": "Recommended total",
        "value": "$27.06",
        "strong": True,
    }


def test_lines_come_labor_first_then_parts_then_fees():
    snap = snapshot(
        operations=[
            operation(
                1,
                "Service",
                lines=[
                    line("fee", "Shop supplies", "1", "5.00"),
                    line("part", "Oil filter", "1", "9.00", part_number="OF-1"),
                    line("labor", "Oil change", "0.5", "120.00"),
                ],
            )
        ]
    )
    lines = build(snap)["groups"][0]["operations"][0]["lines"]
    assert [ln["kind"] for ln in lines] == ["Labor", "Part", "Fee"]
    assert lines[0]["quantity"] == "0.5 h"
    assert lines[1]["part_number"] == "OF-1"


def test_an_unknown_paper_size_prints_on_letter():
    assert build(sample_snapshot(paper_size="legal"))["paper"] == "us-letter"
    assert build(sample_snapshot(paper_size="a4"))["paper"] == "a4"


def test_authorization_rows_accept_the_summary_shape():
    rows = context.authorization_rows(
        [
            AuthorizationEntry(
                repair_order_id=1,
                signer="Sam Rivera",
                relationship="Spouse",
                when=datetime(2025, 3, 5, 1, 0, tzinfo=UTC),
                how="in_person",
                source="in_person",
                version=2,
                amount=Decimal("1481.93"),
                signature_png=SIGNATURE_PNG,
                kind="recommendation",
                operations=["Coolant flush"],
            )
        ],
        fmt.shop_zone("America/Los_Angeles"),
    )
    assert rows == [
        {
            "signer": "Sam Rivera (Spouse)",
            "when": "Mar 4, 2025, 5:00 PM PST",
            "how": "In person",
            "version": "Version 2",
            "amount": "$1,481.93 before tax",
            "signed_total": None,
            "kind": "Recommendations",
            "operations": ["Coolant flush"],
            "detail": "",
            "png": list(SIGNATURE_PNG),
            "typed": "",
        }
    ]


def test_a_signature_image_that_is_not_a_png_is_left_out_rather_than_breaking_the_pdf():
    assert context.png_bytes(b"<svg>not a png</svg>") is None
    assert context.png_bytes(None) is None
    assert context.png_bytes(memoryview(SIGNATURE_PNG)) == list(SIGNATURE_PNG)


def test_authorization_rows_print_statuses_staff_link_owner_and_ip_when_given():
    (row,) = context.authorization_rows(
        [
            AuthorizationEntry(
                repair_order_id=1,
                signer="Sam Rivera",
                relationship="",
                when=datetime(2025, 3, 5, 1, 0, tzinfo=UTC),
                how="On behalf of the customer — Phone call",
                source="on_behalf",
                version=None,
                amount=None,
                signature_png=None,
                kind="estimate",
                operations=["Front brake pads"],
                decisions=[AnsweredOperation(operation="Front brake pads", status="deferred")],
                recorded_by="Alice Owner",
                via="Jordan Rivera",
                ip="203.0.113.9",
                comment="After payday",
            )
        ],
        fmt.shop_zone("UTC"),
    )
    assert row["how"] == "On behalf of the customer — Phone call"
    assert row["operations"] == ["Front brake pads (Deferred)"]
    assert row["detail"] == (
        "Recorded by Alice Owner · Through Jordan Rivera's link · IP 203.0.113.9 · “After payday”"
    )
    assert row["version"] == ""
    assert row["amount"] is None
    assert row["png"] is None
