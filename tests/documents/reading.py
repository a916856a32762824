"""Read rendered PDFs back: their text page by page, their images and their page sizes."""

from __future__ import annotations

import io

from pypdf import PdfReader


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
