"""Signature images as real PNGs, encoded with the standard library."""

from __future__ import annotations

import math
import struct
import zlib

# The smallest valid PNG (1×1), enough to hash.
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def encode_rgba(width: int, height: int, rows: list[bytes]) -> bytes:
    """An 8-bit RGBA PNG of `rows` (each `width` × 4 bytes, top to bottom)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    scanlines = b"".join(b"\x00" + row for row in rows)  # filter type: none
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(scanlines))
        + chunk(b"IEND", b"")
    )


def png_rgba(width: int = 60, height: int = 20, *, ink: bool = True) -> bytes:
    """With `ink`, a dark diagonal line on a transparent background; without, a blank image."""
    rows = []
    for y in range(height):
        row = bytearray(width * 4)
        if ink:
            x = y * width // height
            row[x * 4 : x * 4 + 4] = b"\x11\x18\x27\xff"
        rows.append(bytes(row))
    return encode_rgba(width, height, rows)


def signature_png(width: int = 240, height: int = 80) -> bytes:
    """A drawn-looking stroke: a sine wave across the image."""
    rows = []
    for y in range(height):
        row = bytearray()
        for x in range(width):
            curve = height / 2 + math.sin(x / 18) * height / 3
            ink = abs(y - curve) < 2.2
            row += bytes([20, 40, 90, 255 if ink else 0])
        rows.append(bytes(row))
    return encode_rgba(width, height, rows)


SIGNATURE_PNG = signature_png()
