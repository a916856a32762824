"""Hostile input, in one place: what the API and form suites put into every field.

Strings go into text fields, numbers into number and id fields; each payload has a name, so a
failure says which one. `Raw` marks a JSON number Python cannot write (1e999, a bare NaN): the
API suite splices its text into the body as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

MEGABYTE = "x" * 1_000_000


@dataclass(frozen=True)
class Raw:
    """A JSON value sent as this exact text (`1e999`, `NaN`, `-0`), not as a JSON string."""

    text: str


STRINGS: dict[str, str] = {
    # Markup, and breaking out of a double- and a single-quoted attribute (60 characters at
    # most, like the next one, so that a name or a relationship takes them).
    "markup": "<script>alert(1)</script>\"><img src=x onerror=alert(1)>'",
    # Django template syntax (never evaluated) and typst markup, code and maths (the PDFs are
    # typst): #, $, [ ], \\, @ and <label>.
    "template and typst": "{{ request.user }}{% debug %}#set text(red)$x$[b]\\@ref<l>",
    # The same ideas short enough for the shortest fields (a license plate takes 15).
    "short": '"><b>{{x}}#$[\\@',
    # A header injection: a line break where one line is expected.
    "crlf": "Ana\r\nBcc: victim@example.com",
    "nul": "nul\x00byte",
    # A right-to-left override ("exe.txt" shown as "txt.exe"), emoji and other scripts.
    "unicode": "\u202etxt.exe 😀 Zoë 中文 مرحبا",
    "megabyte": MEGABYTE,
}

# Numbers as a form posts them: text.
FORM_NUMBERS: dict[str, str] = {
    "nan": "NaN",
    "snan": "sNaN",
    "infinity": "-Infinity",
    "minus zero": "-0",
    "1e999": "1e999",
    "20 digits": "99999999999999999999",
    "2**63": str(2**63),
    "arabic-indic digit": "٣",
}

# Numbers as a JSON body carries them: literals, and the same as strings.
JSON_NUMBERS: dict[str, object] = {
    "nan": Raw("NaN"),
    "infinity": Raw("-Infinity"),
    "minus zero": Raw("-0"),
    "1e999": Raw("1e999"),
    "20 digits": Raw("99999999999999999999"),
    "2**63": 2**63,
    "minus one": -1,
    "nan string": "NaN",
}

# Ids in a URL path.
PATH_NUMBERS: dict[str, str] = {
    "20 digits": "99999999999999999999",
    "2**63": str(2**63),
    "zero": "0",
    "minus one": "-1",
}

DEEP_JSON = "[" * 5000 + "]" * 5000
INVALID_UTF8 = b"\xff\xfe\xc3\x28 \xed\xa0\x80"
