"""The signature checks: real, small, non-blank PNGs; SVG rebuilt from numbers only."""

import base64
import json

import pytest

from signoff.core.errors import ValidationFailed
from signoff.signing.signature import MAX_PNG_BYTES, png_is_blank, signature_clean
from tests.portal.builders import STROKES, data_url
from tests.support.png import png_rgba


def _clean(**overrides):
    fields = {"png": data_url(png_rgba()), "strokes": json.dumps(STROKES)}
    fields.update(overrides)
    return signature_clean(**fields)


def test_a_drawn_signature_is_kept_as_its_png_and_an_svg_of_its_strokes():
    clean = _clean()
    assert clean.png == png_rgba()
    assert clean.svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 200"')
    assert '<path d="M20 150 L60 60 L100 150 L140 60 L180 150"/>' in clean.svg
    assert '<path d="M220 100 L320 100"/>' in clean.svg


def test_no_strokes_is_refused_as_an_empty_signature():
    with pytest.raises(ValidationFailed) as err:
        _clean(strokes="[]")
    assert err.value.fields["signature"].startswith("Please sign in the box")


def test_a_blank_canvas_png_is_refused_even_with_strokes_claimed():
    with pytest.raises(ValidationFailed) as err:
        _clean(png=data_url(png_rgba(ink=False)))
    assert "Please sign in the box" in err.value.fields["signature"]


def test_blank_detection_sees_a_single_inked_pixel():
    assert png_is_blank(png_rgba(ink=False)) is True
    assert png_is_blank(png_rgba(ink=True)) is False


def test_a_tap_is_too_short_to_be_a_signature():
    with pytest.raises(ValidationFailed) as err:
        _clean(strokes=json.dumps([[[10, 10]]]))
    assert "too short" in err.value.fields["signature"]


def test_a_png_over_200_kb_is_refused():
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (MAX_PNG_BYTES + 1)
    with pytest.raises(ValidationFailed) as err:
        _clean(png=data_url(big))
    assert "200 KB" in err.value.fields["signature"]


def test_too_many_points_are_refused():
    stroke = [[i % 600, (i * 7) % 200] for i in range(13_000)]
    with pytest.raises(ValidationFailed) as err:
        _clean(strokes=json.dumps([stroke]))
    assert "too large" in err.value.fields["signature"]


def test_something_that_is_not_a_png_is_refused_by_its_magic_bytes():
    gif = base64.b64encode(b"GIF89a" + b"\x00" * 40).decode()
    with pytest.raises(ValidationFailed) as err:
        _clean(png="data:image/png;base64," + gif)
    assert "PNG" in err.value.fields["signature"]


def test_another_image_type_in_the_data_url_is_refused():
    with pytest.raises(ValidationFailed):
        _clean(png="data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode())


@pytest.mark.parametrize(
    "strokes",
    [
        '[[["<script>", 1], [2, 3]]]',
        "[[[1, 2, 3]]]",
        "[[[true, 2], [3, 4]]]",
        '{"d": "M0 0"}',
        "not json",
        '[[["NaN", 1]]]',
    ],
)
def test_stroke_data_that_is_not_plain_numbers_is_refused(strokes):
    with pytest.raises(ValidationFailed):
        _clean(strokes=strokes)


def test_points_off_the_pad_are_kept_on_its_edge():
    clean = _clean(strokes=json.dumps([[[-50, 500], [900, -3]]]))
    assert '<path d="M0 200 L600 0"/>' in clean.svg


def test_the_stored_svg_contains_nothing_but_paths_built_here():
    clean = _clean()
    body = clean.svg.replace("<path d=", "").replace("/>", "")
    assert "script" not in body and "href" not in body and "on" not in body.replace("none", "")
