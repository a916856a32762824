"""Checking a drawn signature before it becomes evidence: the PNG and the SVG rebuilt from strokes.

The client sends the canvas PNG and the stroke points it drew. The PNG must really be a PNG,
small, and not blank; the SVG is never taken from the client: it is rebuilt here from the
numbers alone, so a stored signature can carry no markup or script.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import struct
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from signoff.core.errors import ValidationFailed
from signoff.core.validation import json_too_deep

# The pad's drawing surface in logical units (the canvas keeps this 3:1 shape on every screen).
PAD_WIDTH = 600
PAD_HEIGHT = 200
MAX_PNG_BYTES = 200 * 1024
MAX_SVG_BYTES = 200 * 1024
MAX_STROKES = 300
MAX_POINTS = 12_000
MAX_IMAGE_SIDE = 4000
# Less ink than this (in logical units) is a tap or a slip, not a signature.
MIN_INK_LENGTH = 15.0

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FIELD = "signature"


@dataclass(frozen=True)
class CleanSignature:
    svg: str
    png: bytes


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={FIELD: message})


def _strokes(raw: str | list) -> list[list[tuple[float, float]]]:
    """Stroke points from JSON `[[[x, y], …], …]`, each number finite and on the pad."""
    if isinstance(raw, str):
        if len(raw) > MAX_SVG_BYTES * 2:
            raise _refuse(_("The signature is too large. Clear it and sign again."))
        if json_too_deep(raw):
            raise _refuse(_("The signature could not be read. Clear it and sign again."))
        try:
            raw = json.loads(raw or "[]")
        except ValueError:
            raise _refuse(_("The signature could not be read. Clear it and sign again.")) from None
    if not isinstance(raw, list) or len(raw) > MAX_STROKES:
        raise _refuse(_("The signature could not be read. Clear it and sign again."))
    strokes, points = [], 0
    for stroke in raw:
        if not isinstance(stroke, list):
            raise _refuse(_("The signature could not be read. Clear it and sign again."))
        clean = []
        for point in stroke:
            if not (isinstance(point, list | tuple) and len(point) == 2):
                raise _refuse(_("The signature could not be read. Clear it and sign again."))
            x, y = point
            if isinstance(x, bool) or isinstance(y, bool):
                raise _refuse(_("The signature could not be read. Clear it and sign again."))
            if not (isinstance(x, int | float) and isinstance(y, int | float)):
                raise _refuse(_("The signature could not be read. Clear it and sign again."))
            if not (math.isfinite(x) and math.isfinite(y)):
                raise _refuse(_("The signature could not be read. Clear it and sign again."))
            clean.append((min(max(float(x), 0.0), PAD_WIDTH), min(max(float(y), 0.0), PAD_HEIGHT)))
        points += len(clean)
        if clean:
            strokes.append(clean)
    if points > MAX_POINTS:
        raise _refuse(_("The signature is too large. Clear it and sign again, a little simpler."))
    return strokes


def _ink_length(strokes: list[list[tuple[float, float]]]) -> float:
    return sum(
        math.dist(a, b) for stroke in strokes for a, b in zip(stroke, stroke[1:], strict=False)
    )


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def svg_from_strokes(strokes: list[list[tuple[float, float]]]) -> str:
    """An SVG of the strokes, written from numbers only (nothing from the client is copied)."""
    paths = []
    for stroke in strokes:
        first, *rest = stroke
        data = f"M{_number(first[0])} {_number(first[1])}"
        # A single point is drawn as a dot: a zero-length line with round caps.
        for x, y in rest or [first]:
            data += f" L{_number(x)} {_number(y)}"
        paths.append(f'<path d="{data}"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {PAD_WIDTH} {PAD_HEIGHT}" '
        f'width="{PAD_WIDTH}" height="{PAD_HEIGHT}">'
        '<g fill="none" stroke="#111827" stroke-width="3" stroke-linecap="round" '
        'stroke-linejoin="round">' + "".join(paths) + "</g></svg>"
    )


def _png_bytes(raw: str) -> bytes:
    """The PNG inside a `data:image/png;base64,` URL (or bare base64, for API clients)."""
    text = (raw or "").strip()
    if text.startswith("data:"):
        header, _comma, text = text.partition(",")
        if header != "data:image/png;base64":
            raise _refuse(_("The signature must be a PNG image. Clear it and sign again."))
    # Base64 is 4/3 of the bytes: refuse early, before decoding something huge.
    if len(text) > MAX_PNG_BYTES * 4 // 3 + 8:
        raise _refuse(_("The signature image is larger than 200 KB. Clear it and sign again."))
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _refuse(
            _("The signature image could not be read. Clear it and sign again.")
        ) from None
    if len(data) > MAX_PNG_BYTES:
        raise _refuse(_("The signature image is larger than 200 KB. Clear it and sign again."))
    return data


def _png_chunks(data: bytes):
    pos = len(PNG_MAGIC)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if len(body) != length:
            return
        yield kind, body
        pos += 12 + length


def png_is_blank(data: bytes) -> bool:
    """True when every pixel is fully transparent (what an untouched pad exports).

    PNG filtering maps an all-zero image to all-zero bytes and nothing else to them, so
    checking the decompressed rows (skipping each row's filter byte) for any non-zero byte is
    enough; no unfiltering needed.
    """
    header = None
    compressed = bytearray()
    for kind, body in _png_chunks(data):
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            compressed += body
        elif kind == b"IEND":
            break
    if header is None or len(header) != 13:
        raise _refuse(_("The signature image could not be read. Clear it and sign again."))
    width, height, depth, color, _c, _f, interlace = struct.unpack(">IIBBBBB", header)
    if not (0 < width <= MAX_IMAGE_SIDE and 0 < height <= MAX_IMAGE_SIDE):
        raise _refuse(_("The signature image has an unexpected size. Clear it and sign again."))
    # The pad's canvas always exports 8-bit RGBA without interlacing.
    if depth != 8 or color != 6 or interlace != 0:
        raise _refuse(_("The signature image is not one the signature pad makes. Sign again."))
    row = width * 4 + 1
    expected = row * height
    try:
        # Bounded: a tiny file that inflates to gigabytes stops at the size the header claims.
        raw = zlib.decompressobj().decompress(bytes(compressed), expected + 1)
    except zlib.error:
        raise _refuse(_("The signature image is damaged. Clear it and sign again.")) from None
    if len(raw) != expected:
        raise _refuse(_("The signature image is damaged. Clear it and sign again."))
    return not any(raw[start + 1 : start + row].strip(b"\x00") for start in range(0, expected, row))


def signature_clean(*, png: str, strokes: str | list) -> CleanSignature:
    """The signature to store, or ValidationFailed saying what to do (field "signature")."""
    points = _strokes(strokes)
    if not points or not png:
        raise _refuse(_("Please sign in the box with your finger, a pen or the mouse."))
    if _ink_length(points) < MIN_INK_LENGTH:
        raise _refuse(_("That signature is too short. Please sign your name in the box."))
    data = _png_bytes(png)
    if not data.startswith(PNG_MAGIC):
        raise _refuse(_("The signature must be a PNG image. Clear it and sign again."))
    if png_is_blank(data):
        raise _refuse(_("Please sign in the box with your finger, a pen or the mouse."))
    svg = svg_from_strokes(points)
    if len(svg.encode()) > MAX_SVG_BYTES:
        raise _refuse(_("The signature is too large. Clear it and sign again, a little simpler."))
    return CleanSignature(svg=svg, png=data)
