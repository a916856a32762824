"""SVG sanitizing: what is kept, what is left out, what is refused (and said), and drawing."""

import io

import pytest
from defusedxml import ElementTree as SafeET
from PIL import Image

from signoff.core.svg import svg_sanitize, svg_to_png
from tests.support.logos import HOSTILE_SVGS, SVG_LOGO

SVG = "http://www.w3.org/2000/svg"


def test_drawing_survives_and_editor_leftovers_do_not():
    out = svg_sanitize(SVG_LOGO)
    assert out.startswith(f'<svg xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink"')
    assert 'viewBox="0 0 300 100"' in out and '<rect id="bar" width="240" height="80"/>' in out
    assert '<use xlink:href="#bar" x="30" y="10" fill="#e60000"/>' in out
    for gone in ("<metadata", "rdf:", "inkscape", "<!--", "<?xml"):
        assert gone not in out
    SafeET.fromstring(out)  # well-formed


def test_text_and_styles_inside_the_picture_are_kept_escaped():
    source = (
        f'<svg xmlns="{SVG}"><style>.a{{fill:#c00}}</style>'
        '<text class="a">Joe &amp; Sons &lt;b&gt;<tspan>Tires</tspan> Inc</text></svg>'
    ).encode()
    out = svg_sanitize(source)
    assert "<style>.a{fill:#c00}</style>" in out
    assert '<text class="a">Joe &amp; Sons &lt;b&gt;<tspan>Tires</tspan> Inc</text>' in out


def test_an_svg_without_a_namespace_is_written_with_one():
    assert svg_sanitize(b'<svg viewBox="0 0 1 1"><rect width="1" height="1"/></svg>') == (
        f'<svg xmlns="{SVG}" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>'
    )


def test_internal_references_are_allowed():
    out = svg_sanitize(
        f'<svg xmlns="{SVG}"><defs><linearGradient id="g"/></defs>'
        '<rect fill="url(#g)" style="stroke: url(\'#g\')"/></svg>'.encode()
    )
    assert 'fill="url(#g)"' in out


@pytest.mark.parametrize("label", sorted(HOSTILE_SVGS))
def test_hostile_svgs_are_refused(label):
    with pytest.raises(ValueError, match="^This SVG "):
        svg_sanitize(HOSTILE_SVGS[label])


@pytest.mark.parametrize(
    "source",
    [
        f'<svg xmlns="{SVG}"><rect onclick="x()"/></svg>',
        f'<svg xmlns="{SVG}"><rect ONMOUSEOVER="x()"/></svg>',
        f'<svg xmlns="{SVG}"><use href="//evil.example/a.svg#x"/></svg>',
        f'<svg xmlns="{SVG}"><use href="data:image/svg+xml,&lt;svg/&gt;"/></svg>',
        f'<svg xmlns="{SVG}"><rect fill="u\\72l(https://evil.example/)"/></svg>',
        f'<svg xmlns="{SVG}"><rect fill="url(https://evil.example/#a)"/></svg>',
        f'<svg xmlns="{SVG}"><style>rect {{ background: url(//evil.example/x) }}</style></svg>',
        f'<svg xmlns="{SVG}"><style>@font-face {{ src: local(x) }}</style></svg>',
        f'<svg xmlns="{SVG}"><g style="behavior: url(#x)"/></svg>',
        f'<svg xmlns="{SVG}"><iframe xmlns="http://www.w3.org/1999/xhtml" src="x"/></svg>',
        f'<svg xmlns="{SVG}"><g id="a"><use href="#a"/></g></svg>',
    ],
)
def test_each_way_out_is_refused(source):
    with pytest.raises(ValueError, match="^This SVG "):
        svg_sanitize(source.encode())


def test_what_is_not_an_svg_is_refused_as_such():
    with pytest.raises(ValueError, match="is XML but not an SVG picture"):
        svg_sanitize(b"<html><svg/></html>")
    with pytest.raises(ValueError, match="not valid XML"):
        svg_sanitize(b"<svg><rect")


def test_a_sanitized_svg_is_drawn_at_the_height_asked():
    png = svg_to_png(svg_sanitize(SVG_LOGO), height=90)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (270, 90)
        assert image.getpixel((135, 45))[:3] == (230, 0, 0)  # the bar
        assert image.getpixel((2, 2))[3] == 0  # transparent around it
