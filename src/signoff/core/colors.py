"""Colours a shop chooses, made safe to read: hex parsing and WCAG 2 contrast.

A shop's accent colour is used two ways. As a background (the customer page's header, the
primary button, the email's header band), text on it is white or dark, whichever reaches
4.5:1 (`text_on`); one of them always does, so no colour is refused for that. As text or a
thin line on a light surface (links on the customer page's white cards and grey background,
the PDFs' headings), a colour too light to read is darkened until it reaches 4.5:1 on all of
them (`readable_on_light`). Contrast and luminance are WCAG 2.2's definitions.
"""

from __future__ import annotations

import re

# WCAG 2.2 SC 1.4.3 (AA) for normal text.
MIN_CONTRAST = 4.5
WHITE = "#ffffff"
# The product's ink (UI.md `--ink`), and black for the few colours ink is not dark enough on.
INK = "#1b2330"
BLACK = "#000000"
# The light surfaces text in the accent is shown on: white, and the customer page's grey
# background (portal.css `--bg`), the darkest of them.
LIGHT_SURFACES = (WHITE, "#f1f5f9")

_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def parse_hex(raw: object) -> str:
    """A colour as "#rrggbb" (lower case) from "#RRGGBB", "rrggbb" or "#rgb".

    Raises ValueError with a sentence saying what to enter."""
    text = str(raw if raw is not None else "").strip()
    match = _HEX.fullmatch(text) if len(text) <= 7 else None
    if match is None:
        raise ValueError("Enter the colour as a hex code, e.g. #0b3d91.")
    digits = match[1].lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return "#" + digits


def _channels(color: str) -> tuple[int, int, int]:
    value = parse_hex(color)
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    r, g, b = (_linear(c) for c in _channels(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(background: str) -> str:
    """The text colour for `background`: white when it reaches 4.5:1, else ink, else black.

    max(contrast with white, contrast with black) is at least √21 ≈ 4.58 for every colour,
    so the answer always reads at AA."""
    for candidate in (WHITE, INK):
        if contrast(background, candidate) >= MIN_CONTRAST:
            return candidate
    return BLACK


def mix(color: str, other: str, amount: float) -> str:
    """`color` moved `amount` (0–1) of the way to `other`, channel by channel."""
    pairs = zip(_channels(color), _channels(other), strict=True)
    return "#" + "".join(f"{round(a + (b - a) * amount):02x}" for a, b in pairs)


def readable_on_light(color: str) -> str:
    """`color` itself when it reads at 4.5:1 on every light surface, else the lightest darker
    shade of it that does."""
    color = parse_hex(color)
    step = 0
    shade = color
    while min(contrast(shade, surface) for surface in LIGHT_SURFACES) < MIN_CONTRAST:
        step += 1
        shade = mix(color, BLACK, step / 20)
    return shade


def hover_of(background: str) -> str:
    """A background for the hovered state that keeps its text's contrast: darker under white
    text, lighter under dark text."""
    toward = BLACK if text_on(background) == WHITE else WHITE
    return mix(background, toward, 0.15)
