"""Every script prints: names in Chinese, Japanese, Korean, Arabic and Hebrew, and emoji, are
drawn with real glyphs (no .notdef boxes), right-to-left names read right to left inside the
left-to-right page, and the text reads back."""

import pytest
import typst

from signoff.approvals.chain import decision_append, signature_append
from signoff.approvals.versions import version_freeze
from signoff.documents import fonts
from signoff.documents.render import certificate_pdf, estimate_pdf
from tests.documents.reading import glyphs_drawn, notdef_drawn, runs_drawn, text, type3_images
from tests.factories import priced_ro
from tests.support.png import SIGNATURE_PNG

CUSTOMER = "王小明"
CONTACTS = ["佐藤 花子", "김민준", "محمد العلي", "דוד כהן", "Dana 🚗"]
NOTES = "Call محمد العلي before 5 pm; דוד כהן picks up 🚗."
# The font each script is drawn in (names as embedded, without the subset tag).
SCRIPT_FACES = ["NotoSansCJKsc-", "NotoSansArabic-", "NotoSansHebrew-", "NotoColorEmoji"]


@pytest.fixture
def world_ro(shop, advisor):
    """RO 8088 for 王小明: each contact signed version 1 and approved an operation through
    their link; version 2 carries that evidence."""
    built = priced_ro(
        shop,
        number=8088,
        customer={"name": CUSTOMER},
        contacts=[{"name": name, "is_primary": n == 0} for n, name in enumerate(CONTACTS)],
        operations=[{"title": "Front brake pads 前刹车片"}, {"title": "Wiper blades"}],
        customer_notes=NOTES,
    )
    ro = built.ro
    first, _ = version_freeze(repair_order=ro, user=advisor)
    for n, contact in enumerate(built.contacts):
        signature = signature_append(
            repair_order=ro,
            version=first,
            source="link",
            contact=contact,
            contact_name=contact.name,
            contact_relationship="Spouse" if contact.name == "محمد العلي" else "",
            amount=first.total,
            svg="<svg/>",
            png=SIGNATURE_PNG,
            consent_text="I authorize the work selected above.",
            ip="203.0.113.9",
        )
        decision_append(
            operation=built.operations[n % 2],
            status="approved",
            source="link",
            contact=contact,
            signature=signature,
            version=first,
            ip="203.0.113.9",
        )
    return ro


def both_documents(ro, advisor):
    version, _ = version_freeze(repair_order=ro, user=advisor)
    return {
        "estimate": estimate_pdf(version=version),
        "certificate": certificate_pdf(repair_order=ro),
    }


def faces_drawn(pdf):
    drawn = glyphs_drawn(pdf)
    return [face for face in SCRIPT_FACES if any(name.startswith(face) for name in drawn)]


def xs_on_the_line_of(pdf, first, *pieces):
    """Where each piece starts on the first line that has a piece starting with `first`."""
    runs = runs_drawn(pdf)
    line = next(run for run in runs if run.text.startswith(first))
    same_line = [run for run in runs if run.page == line.page and abs(run.y - line.y) < 1]
    return [next(run.x for run in same_line if run.text.startswith(p)) for p in pieces]


@pytest.mark.parametrize("document", ["estimate", "certificate"])
def test_names_in_every_script_are_drawn_with_real_glyphs(world_ro, advisor, document):
    pdf = both_documents(world_ro, advisor)[document]
    assert notdef_drawn(pdf) == set()
    assert faces_drawn(pdf) == SCRIPT_FACES
    assert type3_images(pdf, "NotoColorEmoji") >= 1  # the car, as the color font's picture


@pytest.mark.parametrize("document", ["estimate", "certificate"])
def test_names_in_every_script_read_back(world_ro, advisor, document):
    printed = text(both_documents(world_ro, advisor)[document])
    for name in [CUSTOMER, "佐藤 花子", "김민준", "Dana 🚗", "前刹车片"]:
        assert name in printed
    # A text extractor gives a right-to-left run's words in the order they are drawn.
    assert "العلي محمد" in printed
    assert "כהן דוד" in printed


def test_right_to_left_names_read_right_to_left_inside_a_left_to_right_sentence(world_ro, advisor):
    pdf = both_documents(world_ro, advisor)["estimate"]
    xs = xs_on_the_line_of(pdf, "Call", "Call", "العلي", "محمد", "before", "כהן", "דוד", "picks")
    assert xs == sorted(xs)


def test_a_right_to_left_signer_keeps_the_relationship_after_the_name(world_ro, advisor):
    pdf = both_documents(world_ro, advisor)["certificate"]
    xs = xs_on_the_line_of(pdf, "العلي", "العلي", "محمد", "Spouse")
    assert xs == sorted(xs)


def test_other_scripts_reach_an_installed_font_through_typst_fallback(shop, advisor):
    names = "สมชาย ใจดี · प्रिया शर्मा · Ελένη Παππά · Анна Смирнова"
    ro = priced_ro(shop, customer={"name": names}, operations=[{}]).ro
    version, _ = version_freeze(repair_order=ro, user=advisor)
    pdf = estimate_pdf(version=version)
    assert notdef_drawn(pdf) == set()
    assert "Ελένη Παππά" in text(pdf)


def test_without_the_script_fonts_the_same_names_print_as_boxes(world_ro, advisor, monkeypatch):
    """What the checks above tell apart: typst's own fonts alone have none of these scripts."""
    bare = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True)
    monkeypatch.setattr(fonts, "typst_fonts", lambda: bare)
    for pdf in both_documents(world_ro, advisor).values():
        assert notdef_drawn(pdf)
        assert faces_drawn(pdf) == []
