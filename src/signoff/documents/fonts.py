"""The fonts the printed documents need for names in every script, and whether typst has them.

Latin text is set in the body face (templates/common.typ). A name in Chinese, Japanese, Korean,
Arabic or Hebrew, or with an emoji, needs one of the families below, which common.typ names
after the body face; without one, typst prints those characters as empty boxes. Other scripts
(Thai, Devanagari, Ethiopic…) are found by typst's own fallback among the installed fonts, the
Noto Sans families of fonts-noto-core among them.

The scan is done once per process (it costs more than compiling a whole estimate) and says in
the log, once, which scripts would print as boxes; `signoff check` says the same (checks.py).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import typst

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScriptFont:
    """The families that print one group of scripts (any one of them will do) and the Debian
    package that installs them."""

    script: str
    families: tuple[str, ...]
    package: str


# The same families, in the same order, as the font lists of templates/common.typ.
SCRIPT_FONTS = (
    ScriptFont(
        "Chinese, Japanese and Korean",
        ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK KR"),
        "fonts-noto-cjk",
    ),
    ScriptFont("Arabic", ("Noto Sans Arabic",), "fonts-noto-core"),
    ScriptFont("Hebrew", ("Noto Sans Hebrew",), "fonts-noto-core"),
    ScriptFont("emoji", ("Noto Color Emoji",), "fonts-noto-color-emoji"),
)


@functools.cache
def typst_fonts() -> typst.Fonts:
    """The system fonts and typst's embedded ones, scanned once per process; a missing script
    font is logged here, when the first document is compiled."""
    found = typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)
    problem = fonts_problem(found.families())
    if problem:
        logger.warning("Documents: %s", problem)
    return found


def missing_script_fonts(families: Iterable[str] | None = None) -> list[ScriptFont]:
    """The script groups none of whose families is among `families` (default: typst's)."""
    have = set(typst_fonts().families() if families is None else families)
    return [script for script in SCRIPT_FONTS if not have.intersection(script.families)]


def fonts_problem(families: Iterable[str] | None = None) -> str | None:
    """None when every script group has a font, else one sentence saying what prints as boxes
    and what to install."""
    missing = missing_script_fonts(families)
    if not missing:
        return None
    groups = "; ".join(f"{script.script} (no {script.families[0]})" for script in missing)
    packages = " ".join(dict.fromkeys(script.package for script in missing))
    return (
        f"PDFs print these characters as empty boxes: {groups}. Install the fonts "
        f"(`apt-get install {packages}`) and restart Signoff."
    )
