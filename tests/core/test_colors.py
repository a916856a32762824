"""The accent colour's contrast rule: text on it always reads at 4.5:1, and so does the shade
used for text on white."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signoff.core import colors

any_colour = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


def test_contrast_is_wcags_ratio():
    assert colors.contrast("#000000", "#ffffff") == pytest.approx(21)
    assert colors.contrast("#ffffff", "#ffffff") == pytest.approx(1)
    # UI.md's tokens: --ink and --ink-muted on white; #767676, the lightest grey that passes.
    assert colors.contrast("#1b2330", "#ffffff") == pytest.approx(15.8, abs=0.05)
    assert colors.contrast("#5a6372", "#ffffff") == pytest.approx(6.1, abs=0.05)
    assert colors.contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_hex_codes_are_read_in_their_usual_spellings():
    assert colors.parse_hex("#0B3D91") == "#0b3d91"
    assert colors.parse_hex("0b3d91") == "#0b3d91"
    assert colors.parse_hex(" #fc0 ") == "#ffcc00"
    for bad in ("", "#", "navy", "#0b3d9", "#0b3d911", "#0b3d9g", "0x0b3d91", None):
        with pytest.raises(ValueError, match="Enter the colour as a hex code"):
            colors.parse_hex(bad)


def test_dark_colours_get_white_text_and_light_ones_dark_text():
    assert colors.text_on("#0b3d91") == colors.WHITE
    assert colors.text_on("#ffcc00") == colors.INK
    # Pure red: neither white (4.0:1) nor the ink reaches 4.5:1; black does (5.3:1).
    assert colors.text_on("#ff0000") == colors.BLACK


@given(any_colour)
def test_text_on_any_colour_reads_at_aa(colour):
    assert colors.contrast(colour, colors.text_on(colour)) >= colors.MIN_CONTRAST


@given(any_colour)
def test_the_text_shade_of_any_colour_reads_on_white_and_on_the_page_grey(colour):
    shade = colors.readable_on_light(colour)
    for surface in (colors.WHITE, "#f1f5f9"):
        assert colors.contrast(shade, surface) >= colors.MIN_CONTRAST
    if colors.contrast(colour, "#f1f5f9") >= colors.MIN_CONTRAST:
        assert shade == colour  # a colour that already reads is used as it is


@given(any_colour)
def test_the_hover_shade_keeps_the_texts_contrast(colour):
    text = colors.text_on(colour)
    hover = colors.hover_of(colour)
    assert colors.contrast(hover, text) >= colors.contrast(colour, text) - 1e-9
