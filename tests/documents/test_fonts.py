"""A missing script font is loud: the first font scan logs it and `signoff check` warns, each
naming what prints as boxes and the Debian package to install."""

import logging

import pytest
import typst
from django.core.management import call_command

from signoff.checks import script_fonts_installed
from signoff.documents import fonts

EVERY_SCRIPT = ["Noto Sans CJK SC", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Color Emoji"]


@pytest.fixture
def bare_machine(monkeypatch):
    """typst finds only the fonts inside its own wheel, as on a machine without font packages."""
    real = typst.Fonts
    monkeypatch.setattr(
        fonts.typst,
        "Fonts",
        lambda **kwargs: real(include_system_fonts=False, include_embedded_fonts=True),
    )
    fonts.typst_fonts.cache_clear()
    yield
    fonts.typst_fonts.cache_clear()


def test_this_machine_has_a_font_for_every_script():
    """`make system-deps` installs them; without them the PDFs of the tests print boxes."""
    assert fonts.fonts_problem() is None


def test_each_missing_script_is_named_with_its_family_and_package():
    problem = fonts.fonts_problem(["Liberation Sans", "Noto Sans Arabic"])
    assert problem == (
        "PDFs print these characters as empty boxes: Chinese, Japanese and Korean (no Noto Sans "
        "CJK SC); Hebrew (no Noto Sans Hebrew); emoji (no Noto Color Emoji). Install the fonts "
        "(`apt-get install fonts-noto-cjk fonts-noto-core fonts-noto-color-emoji`) and restart "
        "Signoff."
    )


def test_any_one_of_the_cjk_families_will_do():
    families = ["Noto Sans CJK JP", *EVERY_SCRIPT[1:]]
    assert fonts.missing_script_fonts(families) == []
    assert fonts.fonts_problem(families) is None


def test_the_first_font_scan_logs_what_will_print_as_boxes(bare_machine, caplog):
    with caplog.at_level(logging.WARNING, logger="signoff.documents.fonts"):
        fonts.typst_fonts()
        fonts.typst_fonts()  # the scan is kept: logged once per process
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert "Chinese, Japanese and Korean (no Noto Sans CJK SC)" in record.getMessage()
    assert "fonts-noto-cjk fonts-noto-core fonts-noto-color-emoji" in record.getMessage()


def test_signoff_check_warns_about_a_missing_script_font(bare_machine, capsys):
    (warning,) = script_fonts_installed(None)
    assert warning.id == "signoff.W020"
    assert warning.msg.startswith("PDFs print these characters as empty boxes")
    call_command("check")
    assert "signoff.W020" in capsys.readouterr().err


def test_signoff_check_is_quiet_about_fonts_when_every_script_has_one():
    assert script_fonts_installed(None) == []
