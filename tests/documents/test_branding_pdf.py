"""The shop's logo in the letterhead of both PDFs and its accent in their headings and rules,
read back with pypdf and drawn with poppler."""

import pytest

from signoff.approvals.models import EstimateVersion
from signoff.approvals.versions import version_freeze
from signoff.core.colors import contrast
from signoff.documents.render import certificate_pdf, estimate_pdf, estimate_pdf_name
from signoff.shops.branding import brand_of
from tests.documents.reading import first_page_picture, image_count, pixels_near, text
from tests.support.logos import RED, SVG_LOGO, brand_shop, jpeg_logo, png_logo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_logo_storage")]
GREEN = (0, 100, 0)


def _header(picture):
    """The top eighth of page 1: the letterhead."""
    return (0, 0, picture.width, picture.height // 8)


def _logo_pixels(pdf: bytes) -> int:
    picture = first_page_picture(pdf)
    return pixels_near(picture, RED, box=_header(picture))


@pytest.fixture
def version(estimate_ro, advisor):
    """The RO's version, read again at each call as each request or delivery task reads it
    (with its shop, and so the branding, as they are now)."""
    pk = version_freeze(repair_order=estimate_ro, user=advisor)[0].pk
    return lambda: EstimateVersion.objects.get(pk=pk)


def test_the_estimate_prints_a_png_logo_in_its_letterhead(shop, version):
    without = estimate_pdf(version=version())
    assert image_count(without) == 0 and _logo_pixels(without) == 0
    brand_shop(shop, logo=png_logo())
    with_logo = estimate_pdf(version=version())
    assert image_count(with_logo) == 1
    assert _logo_pixels(with_logo) > 200  # the red bar, drawn in the header
    assert shop.name in text(with_logo)  # beside the shop's name, which stays text


def test_the_estimate_prints_a_jpeg_logo(shop, version):
    brand_shop(shop, logo=jpeg_logo(), name="logo.jpg")
    pdf = estimate_pdf(version=version())
    assert image_count(pdf) == 1 and _logo_pixels(pdf) > 200


def test_the_estimate_prints_the_sanitized_svg_as_a_drawing(shop, version):
    brand_shop(shop, logo=SVG_LOGO, name="logo.svg")
    pdf = estimate_pdf(version=version())
    assert image_count(pdf) == 0  # vector paths, not a picture
    assert _logo_pixels(pdf) > 200


def test_the_certificate_prints_the_logo_too(shop, decided_ro):
    without = certificate_pdf(repair_order=decided_ro)
    brand_shop(shop, logo=png_logo())
    with_logo = certificate_pdf(repair_order=decided_ro)
    assert image_count(with_logo) == image_count(without) + 1  # beside the QR and signatures
    assert _logo_pixels(without) == 0 and _logo_pixels(with_logo) > 200


@pytest.mark.parametrize("document", ["estimate", "certificate"])
def test_the_accent_colours_the_headings_and_rules(shop, version, document):
    def render():
        if document == "estimate":
            return estimate_pdf(version=version())
        return certificate_pdf(repair_order=version().repair_order)

    assert pixels_near(first_page_picture(render(), dpi=100), GREEN) == 0
    brand_shop(shop, accent="#006400")
    assert pixels_near(first_page_picture(render(), dpi=100), GREEN) > 300


def test_a_light_accent_is_darkened_for_headings(shop, version):
    brand_shop(shop, accent="#ffee00")
    shade = brand_of(shop).accent_ink
    assert contrast(shade, "#ffffff") >= 4.5
    picture = first_page_picture(estimate_pdf(version=version()), dpi=100)
    # The rules are the shop's yellow; the headings' text is the darker shade of it.
    rgb = tuple(int(shade[i : i + 2], 16) for i in (1, 3, 5))
    assert pixels_near(picture, rgb, tolerance=24) > 300


def test_a_new_logo_or_colour_makes_a_new_stored_estimate(shop, version):
    before = estimate_pdf_name(version=version())
    brand_shop(shop, logo=png_logo())
    with_logo = estimate_pdf_name(version=version())
    brand_shop(shop, accent="#006400")
    recoloured = estimate_pdf_name(version=version())
    assert len({before, with_logo, recoloured}) == 3
