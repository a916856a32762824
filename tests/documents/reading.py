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
