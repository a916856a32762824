"""Uploaded pictures made safe to keep and show: the type read from the bytes, never the name;
PNG and JPEG decoded under pixel limits and encoded afresh, without their metadata.

Encoding afresh is the point: what is stored is pixels Pillow wrote, so nothing the uploader
hid in the file (EXIF with a location, text chunks, trailing data, a polyglot that is also
HTML or a ZIP) survives. The pixel limit is checked from the header before anything is
decoded, so a small file that claims to be 50,000 × 50,000 pixels (a decompression bomb)
is refused without spending the memory.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
# What a decoder accepts: enough for any logo or phone photo, and at most 100 MB of RGBA.
MAX_SIDE = 5000
MAX_PIXELS = 25_000_000

_OTHER_TYPES = (
    (b"GIF87a", "a GIF"),
    (b"GIF89a", "a GIF"),
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"BM", "a BMP"),
    (b"II*\x00", "a TIFF"),
    (b"MM\x00*", "a TIFF"),
)


def sniff(data: bytes) -> str | None:
    """ "png", "jpeg" or "svg" from the file's first bytes; None for anything else.

    SVG is text: XML (after an optional byte-order mark and white space) whose first tag or
    declaration opens it. Whether it really is an SVG is for the parser to say."""
    if data.startswith(PNG_MAGIC):
        return "png"
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<") and b"<svg" in head.lower():
        return "svg"
    return None


def type_in_words(data: bytes) -> str:
    """What a refused file looks like, for the message ("a GIF", "a PDF"), or "" when unknown."""
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        return "a WebP image"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "a HEIC photo"
    for magic, words in _OTHER_TYPES:
        if data.startswith(magic):
            return words
    return ""


@dataclass(frozen=True)
class CleanImage:
    format: str  # "png" or "jpeg"
    data: bytes
    width: int
    height: int


def raster_open(data: bytes, *, expected: str) -> Image.Image:
    """The decoded first frame of a PNG or JPEG, upright, within the pixel limits.

    Raises ValueError with a sentence for a file that is not what its first bytes say, claims
    too many pixels, or is damaged."""
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past twice its own limit raises) for huge images; ours is lower
            # and checked below, so a warning is an error here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[expected.upper()])
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                raise ValueError(
                    f"The picture is {width:,} × {height:,} pixels; use one of at most "
                    f"{MAX_SIDE:,} pixels on each side."
                )
            image.load()
            return ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValueError(
            f"The picture claims too many pixels; use one of at most {MAX_SIDE:,} pixels on "
            "each side."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, EOFError):
        kind = "PNG" if expected == "png" else "JPEG"
        raise ValueError(
            f"The file starts like a {kind} but cannot be read: it is damaged or incomplete. "
            "Export it again and upload the new file."
        ) from None


def _fresh(image: Image.Image, *, alpha: bool) -> Image.Image:
    """The same pixels in a new image with no metadata (EXIF, ICC, text) attached."""
    mode = "RGBA" if alpha else "RGB"
    if image.mode.startswith("I"):
        # 16-bit grey: Pillow's direct conversion would clip every value over 255 to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode != mode:
        image = image.convert(mode)
    return Image.frombytes(mode, image.size, image.tobytes())


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def raster_encode(image: Image.Image, *, format: str, box: tuple[int, int]) -> CleanImage:
    """`image` scaled down (never up) to fit `box` and encoded afresh as PNG or JPEG."""
    alpha = format == "png" and _has_alpha(image)
    clean = _fresh(image, alpha=alpha)
    clean.thumbnail(box, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if format == "png":
        clean.save(out, format="PNG", optimize=True)
    else:
        clean.save(out, format="JPEG", quality=90, optimize=True)
    return CleanImage(format=format, data=out.getvalue(), width=clean.width, height=clean.height)
