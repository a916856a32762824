"""Pictures of every common kind come out of re-encoding as the same pixels, in RGB(A)."""

import io

import pytest
from PIL import Image

from signoff.core.images import raster_encode, raster_open, sniff, type_in_words


def _file(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _again(data: bytes, fmt: str) -> Image.Image:
    clean = raster_encode(raster_open(data, expected=fmt), format=fmt, box=(100, 100))
    return Image.open(io.BytesIO(clean.data))


@pytest.mark.parametrize(
    ("image", "options", "pixel"),
    [
        (Image.new("I;16", (8, 8), 30000), {}, (117, 117, 117)),  # 16-bit grey, not clipped
        (Image.new("L", (8, 8), 100), {}, (100, 100, 100)),
        (Image.new("LA", (8, 8), (100, 0)), {}, (100, 100, 100, 0)),
        (Image.new("P", (8, 8), 0), {"transparency": 0}, (0, 0, 0, 0)),
    ],
)
def test_pngs_of_each_mode_keep_their_pixels(image, options, pixel):
    assert _again(_file(image, "PNG", **options), "png").getpixel((4, 4)) == pixel


def test_a_cmyk_jpeg_becomes_rgb():
    again = _again(_file(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG"), "jpeg")
    assert again.mode == "RGB"
    red, green, blue = again.getpixel((4, 4))
    assert red > 200 and green < 60 and blue < 60


def test_types_are_told_by_their_first_bytes():
    assert sniff(_file(Image.new("RGB", (2, 2)), "PNG")) == "png"
    assert sniff(_file(Image.new("RGB", (2, 2)), "JPEG")) == "jpeg"
    assert sniff(b"\xef\xbb\xbf  <?xml version='1.0'?><svg/>") == "svg"
    assert sniff(b"<html><body>not a picture</body></html>") is None
    assert type_in_words(_file(Image.new("RGB", (2, 2)), "WEBP")) == "a WebP image"
    assert type_in_words(b"%PDF-1.7 ...") == "a PDF"
    assert type_in_words(b"\x00\x01") == ""
