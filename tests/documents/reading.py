"""Read rendered PDFs back: their text page by page, their images, their page sizes and the
glyphs drawn in each font."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream


def reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-"), "not a PDF"
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace (line wraps included) as one space."""
    return [" ".join(page.extract_text().split()) for page in reader(pdf).pages]


def text(pdf: bytes) -> str:
    return " ".join(page_texts(pdf))


def _images_in(resources) -> int:
    count = 0
    xobjects = resources.get("/XObject") if resources else None
    for ref in (xobjects or {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            count += 1
        elif xobject.get("/Subtype") == "/Form":
            count += _images_in(xobject.get("/Resources"))
    return count


def image_count(pdf: bytes) -> int:
    """Image XObjects drawn on the pages (including those nested in form XObjects)."""
    return sum(_images_in(page.get("/Resources")) for page in reader(pdf).pages)


def page_size_points(pdf: bytes) -> tuple[float, float]:
    box = reader(pdf).pages[0].mediabox
    return round(float(box.width), 1), round(float(box.height), 1)


@dataclass(frozen=True)
class Run:
    """A piece of text as drawn: its page, where it starts and what it says."""

    page: int
    x: float
    y: float
    text: str


def runs_drawn(pdf: bytes) -> list[Run]:
    """Every piece of text drawn, with its position (points, from the page's bottom left)."""
    runs = []
    for number, page in enumerate(reader(pdf).pages):

        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append(Run(number, round(x, 1), round(y, 1), text.strip()))

        page.extract_text(visitor_text=visit)
    return runs


def _font_name(font) -> str:
    """A font's name without its subset tag (`ABCDEF+`); a Type 3 font's own name."""
    name = font.get("/BaseFont") or font.get("/Name") or font.get("/Subtype")
    return str(name).lstrip("/").split("+", 1)[-1]


def _glyphs_in(content, resources, pdf_reader, drawn: dict, notdef: set) -> None:
    fonts = resources.get("/Font", {}) if resources else {}
    font = None
    for operands, operator in ContentStream(content, pdf_reader).operations:
        if operator == b"Tf":
            font = fonts[operands[0]].get_object()
        elif operator in (b"Tj", b"TJ", b"'", b'"'):
            shown = operands[0] if operator == b"TJ" else ArrayObject([operands[-1]])
            data = b"".join(
                item.original_bytes for item in shown if hasattr(item, "original_bytes")
            )
            if font.get("/Encoding") == "/Identity-H":
                # Two bytes a glyph id, as typst writes them; glyph 0 is .notdef.
                codes = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
                if 0 in codes:
                    notdef.add(_font_name(font))
            else:
                codes = list(data)  # a Type 3 font's own character codes
            drawn.setdefault(_font_name(font), []).extend(codes)
    xobjects = resources.get("/XObject") if resources else None
    for ref in (xobjects or {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form":
            _glyphs_in(xobject, xobject.get("/Resources") or resources, pdf_reader, drawn, notdef)


def _walk(pdf: bytes) -> tuple[dict[str, list[int]], set[str]]:
    pdf_reader = reader(pdf)
    drawn: dict[str, list[int]] = {}
    notdef: set[str] = set()
    for page in pdf_reader.pages:
        _glyphs_in(page.get_contents(), page.get("/Resources"), pdf_reader, drawn, notdef)
    return drawn, notdef


def glyphs_drawn(pdf: bytes) -> dict[str, list[int]]:
    """Each font text is drawn in (by name, see `_font_name`) and the codes drawn with it."""
    return _walk(pdf)[0]


def notdef_drawn(pdf: bytes) -> set[str]:
    """The fonts in which glyph 0, .notdef, is drawn: the empty box of a missing character."""
    return _walk(pdf)[1]


def type3_images(pdf: bytes, name: str) -> int:
    """Images drawn by the glyphs of the Type 3 font `name` (how a color emoji font is kept)."""
    return sum(
        _images_in(font.get_object().get("/Resources"))
        for page in reader(pdf).pages
        for font in page["/Resources"].get("/Font", {}).values()
        if font.get_object().get("/Subtype") == "/Type3" and _font_name(font.get_object()) == name
    )


def first_page_picture(pdf: bytes, *, dpi: int = 72):
    """Page 1 drawn by poppler's pdftoppm, as an RGB Pillow image."""
    import subprocess

    from PIL import Image

    drawn = subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    return Image.open(io.BytesIO(drawn)).convert("RGB")


def pixels_near(picture, colour: tuple[int, int, int], *, box=None, tolerance: int = 40) -> int:
    """How many pixels of `picture` (within `box`: left, top, right, bottom) are close to
    `colour`."""
    raw = (picture.crop(box) if box else picture).tobytes()
    return sum(
        1
        for i in range(0, len(raw), 3)
        if all(abs(raw[i + c] - colour[c]) <= tolerance for c in range(3))
    )
