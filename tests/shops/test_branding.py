"""Settings › Branding's service: what a logo upload keeps, what it refuses and why, replacing and
removing a logo, and the accent colour."""

import functools
import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from signoff.core import colors
from signoff.core.errors import NotAllowed, NotFound, ValidationFailed
from signoff.shops.branding import (
    LOGO_BOX,
    LOGO_MAX_BYTES,
    brand_of,
    logo_email_file,
    logo_file,
    logo_public,
    shop_branding_update,
    shop_logo_remove,
)
from signoff.shops.models import DEFAULT_ACCENT
from tests.support.logos import (
    HOSTILE_SVGS,
    SECRET,
    SVG_LOGO,
    gif_bytes,
    jpeg_logo,
    png_claiming,
    png_logo,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_old_logos(fresh_logo_storage):
    pass


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs writes as if committed: old logo files are deleted once a change commits."""
    return functools.partial(django_capture_on_commit_callbacks, execute=True)


def _refusal(owner, data, name="logo.png", **kwargs) -> str:
    with pytest.raises(ValidationFailed) as caught:
        shop_branding_update(actor=owner, accent_color="#0b3d91", logo=upload(data, name), **kwargs)
    return caught.value.fields["logo"]


def _saved(owner, data, name="logo.png"):
    shop = shop_branding_update(actor=owner, accent_color="#0b3d91", logo=upload(data, name))
    return brand_of(shop).logo


def test_a_png_logo_is_stored_re_encoded_without_its_metadata(owner):
    original = png_logo(metadata=True)
    logo = _saved(owner, original)
    assert logo.type == "png" and (logo.width, logo.height) == (300, 100)
    stored = logo_file(logo)
    assert stored != original
    assert SECRET.encode() not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG" and image.mode == "RGBA"
        assert "Comment" not in image.info
        assert image.getpixel((150, 50)) == (230, 0, 0, 255)  # the pixels themselves are kept
        assert image.getpixel((2, 2))[3] == 0  # and so is transparency


def test_a_jpeg_logo_loses_its_exif(owner):
    original = jpeg_logo()
    assert SECRET.encode() in original
    logo = _saved(owner, original, "logo.jpg")
    stored = logo_file(logo)
    assert logo.type == "jpeg" and logo.filename.endswith(".jpg")
    assert SECRET.encode() not in stored and b"Acme Phone" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and not image.getexif()


def test_a_large_picture_is_scaled_down_to_fit(owner):
    logo = _saved(owner, png_logo(3000, 600, metadata=False))
    assert (logo.width, logo.height) == (LOGO_BOX[0], 240)
    with Image.open(io.BytesIO(logo_email_file(logo))) as email_copy:
        assert email_copy.height <= 144 and email_copy.width <= 480


def test_an_svg_logo_is_kept_sanitized_with_a_png_copy_for_emails(owner):
    logo = _saved(owner, SVG_LOGO, "logo.svg")
    stored = logo_file(logo).decode()
    assert logo.type == "svg" and logo.filename.endswith(".svg")
    assert "<metadata" not in stored and "inkscape" not in stored and "<!--" not in stored
    assert 'xlink:href="#bar"' in stored
    assert logo.width / logo.height == pytest.approx(3, rel=0.02)
    with Image.open(io.BytesIO(logo_email_file(logo))) as email_copy:
        assert email_copy.format == "PNG"
        assert email_copy.getpixel((email_copy.width // 2, email_copy.height // 2))[:3] == (
            230,
            0,
            0,
        )


def test_the_type_is_read_from_the_content_not_the_name(owner):
    message = _refusal(owner, gif_bytes(), "logo.png")
    assert message.startswith("This file is a GIF, not a PNG, JPEG or SVG image")
    message = _refusal(owner, b"<html><script>alert(1)</script></html>", "logo.png")
    assert "not a PNG, JPEG or SVG image (whatever its name says)" in message
    # …and a real PNG is a PNG whatever it is called.
    assert _saved(owner, png_logo(metadata=False), "logo.svg").type == "png"


def test_a_file_over_the_size_limit_is_refused_saying_how_large_it_was(owner):
    data = png_logo(metadata=False) + b"\0" * LOGO_MAX_BYTES
    kilobytes = -(-len(data) // 1024)
    assert _refusal(owner, data) == (
        f"The file is {kilobytes:,} KB; upload a logo of at most 1,024 KB (1 MB)."
    )
    huge = b"\0" * (40 * 1024 * 1024)
    assert _refusal(owner, huge).startswith("The file is 40.0 MB;")


def test_a_picture_claiming_too_many_pixels_is_refused_before_it_is_decoded(owner):
    message = _refusal(owner, png_claiming(6_000, 6_000))
    assert message == (
        "The picture is 6,000 × 6,000 pixels; use one of at most 5,000 pixels on each side."
    )
    # A bomb's size (1.6 billion pixels from a 100-byte file) is refused by the decoder itself.
    message = _refusal(owner, png_claiming(40_000, 40_000))
    assert message == (
        "The picture claims too many pixels; use one of at most 5,000 pixels on each side."
    )


def test_a_damaged_png_is_refused(owner):
    data = png_logo(metadata=False)
    message = _refusal(owner, data[: len(data) // 2])
    assert message.startswith("The file starts like a PNG but cannot be read")


def test_an_empty_file_is_refused(owner):
    assert _refusal(owner, b"") == "The file is empty. Choose the logo's PNG, JPEG or SVG file."


@pytest.mark.parametrize("label", sorted(HOSTILE_SVGS))
def test_a_hostile_svg_is_refused_with_a_reason_and_nothing_is_stored(owner, shop, label):
    message = _refusal(owner, HOSTILE_SVGS[label], "logo.svg")
    assert message.startswith("This SVG ")
    assert "Export it again as plain SVG, or upload a PNG instead." in message
    shop.refresh_from_db()
    assert brand_of(shop).logo is None


@pytest.mark.parametrize(
    ("label", "says"),
    [
        ("a script", "contains a script"),
        ("an onload handler", "an event handler (onload= on <svg>) that would run a script"),
        ("an external href", "a reference to something outside the picture (href= on <use>)"),
        ("an entity (XXE)", "declares a DOCTYPE"),
        ("a foreignObject", "a foreignObject"),
        ("a remote stylesheet", "a CSS at-rule such as @import"),
    ],
)
def test_each_svg_refusal_says_what_was_found(owner, label, says):
    assert says in _refusal(owner, HOSTILE_SVGS[label], "logo.svg")


def test_replacing_a_logo_gives_it_a_new_name_and_deletes_the_old_files(owner, shop, committed):
    first = _saved(owner, png_logo(metadata=False))
    with committed():
        second = _saved(owner, jpeg_logo(), "logo.jpg")
    assert second.filename != first.filename
    assert not default_storage.exists(first.name)
    assert not default_storage.exists(first.email_name)
    assert default_storage.exists(second.name) and default_storage.exists(second.email_name)
    with pytest.raises(NotFound):
        logo_public(shop_id=shop.pk, filename=first.filename)
    data, content_type = logo_public(shop_id=shop.pk, filename=second.filename)
    assert content_type == "image/jpeg" and data == logo_file(second)


def test_uploading_the_same_logo_again_keeps_its_files(owner, committed):
    first = _saved(owner, png_logo(metadata=False))
    with committed():
        again = _saved(owner, png_logo(metadata=False))
    assert again == first
    assert default_storage.exists(first.name)


def test_removing_the_logo_deletes_its_files_and_keeps_the_colour(owner, shop, committed):
    saved = shop_branding_update(actor=owner, accent_color="#7a1f1f", logo=upload(png_logo()))
    logo = brand_of(saved).logo
    with committed():
        shop = shop_logo_remove(actor=owner)
    assert brand_of(shop).logo is None and shop.accent_color == "#7a1f1f"
    assert not default_storage.exists(logo.name)
    with pytest.raises(NotFound):
        logo_public(shop_id=shop.pk, filename=logo.filename)


def test_the_accent_colour_is_checked_and_normalized(owner):
    assert shop_branding_update(actor=owner, accent_color=" #ABC ").accent_color == "#aabbcc"
    assert shop_branding_update(actor=owner, accent_color="1D5BBF").accent_color == "#1d5bbf"
    for bad in ("", "blue", "#12345", "#1234567", "rgb(0,0,0)", "#ggg000"):
        with pytest.raises(ValidationFailed) as caught:
            shop_branding_update(actor=owner, accent_color=bad)
        assert caught.value.fields == {
            "accent_color": "Enter the colour as a hex code, e.g. #0b3d91."
        }


def test_a_bad_colour_and_a_bad_logo_are_reported_together_and_nothing_is_saved(owner, shop):
    with pytest.raises(ValidationFailed) as caught:
        shop_branding_update(actor=owner, accent_color="red", logo=upload(gif_bytes()))
    assert set(caught.value.fields) == {"accent_color", "logo"}
    shop.refresh_from_db()
    assert shop.accent_color == DEFAULT_ACCENT and brand_of(shop).logo is None


def test_a_good_logo_is_not_kept_when_the_colour_is_refused(owner, shop):
    with pytest.raises(ValidationFailed):
        shop_branding_update(actor=owner, accent_color="red", logo=upload(png_logo()))
    shop.refresh_from_db()
    assert shop.logo_sha256 == ""


def test_technicians_cannot_change_the_branding(technician, shop):
    with pytest.raises(NotAllowed):
        shop_branding_update(actor=technician, accent_color="#000000", logo=upload(png_logo()))
    with pytest.raises(NotAllowed):
        shop_logo_remove(actor=technician)
    shop.refresh_from_db()
    assert shop.accent_color == DEFAULT_ACCENT and shop.logo_sha256 == ""


def test_one_shops_branding_leaves_another_shops_alone(owner, outsider, shop, other_shop):
    mine = _saved(owner, png_logo(metadata=False))
    shop_branding_update(actor=outsider, accent_color="#004400", logo=upload(jpeg_logo()))
    shop_logo_remove(actor=outsider)
    shop.refresh_from_db()
    assert brand_of(shop).logo == mine and shop.accent_color == "#0b3d91"
    # The other shop cannot reach this shop's logo through its own id, nor the reverse.
    with pytest.raises(NotFound):
        logo_public(shop_id=other_shop.pk, filename=mine.filename)
    assert logo_public(shop_id=shop.pk, filename=mine.filename)[1] == "image/png"


def test_the_default_brand_is_the_customer_pages_blue_with_white_text(shop):
    brand = brand_of(shop)
    assert brand.accent == DEFAULT_ACCENT == "#0b3d91" and brand.is_default
    assert brand.on_accent == colors.WHITE and brand.accent_ink == DEFAULT_ACCENT


def test_the_admin_offers_no_way_around_the_upload_checks():
    from signoff.shops.admin import ShopForm

    branding = {"accent_color", "logo_sha256", "logo_type", "logo_width", "logo_height"}
    assert not branding & set(ShopForm.base_fields)
