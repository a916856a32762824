"""The template loader of the staff pages: their indentation is dropped when a template is read.

Indentation was a quarter of the RO page's bytes. Dropping it when a template is loaded (the
cached loader then keeps the result) costs nothing per request, unlike {% spaceless %}, and the
templates stay readable. A line's leading whitespace never changes how HTML renders outside
<pre> and <textarea>, and in these templates those hold variables, which are output untouched.
A line holding only template tags leaves no line behind. Only `web/*.html` templates are
trimmed: the PDF's Typst sources, the emails' text and the customer pages are read as written.
"""

from __future__ import annotations

import re

from django.template.loaders.app_directories import Loader as AppDirectoriesLoader

_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
_TAG_LINE = re.compile(r"^((?:\{%[^%]*%\}|\{#[^#]*#\})+)[ \t]*\n", re.MULTILINE)


def trim(source: str) -> str:
    return _TAG_LINE.sub(r"\1", _INDENT.sub("", source))


class Loader(AppDirectoriesLoader):
    def get_contents(self, origin) -> str:
        contents = super().get_contents(origin)
        name = origin.template_name or ""
        if name.startswith("web/") and name.endswith(".html"):
            return trim(contents)
        return contents
