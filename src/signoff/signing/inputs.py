"""Reading the approval form's fields (customer page and in-person screen) into an ApprovalInput."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.conf import settings

from signoff.signing.services import ApprovalInput

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def language_for(request, default: str | None) -> str:
    """The language to show: an explicit ?lang= / posted lang, else the contact's, else English."""
    wanted = request.POST.get("lang") or request.GET.get("lang") or default or "en"
    return wanted if wanted in LANGUAGE_CODES else "en"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def posted_version_id(data: Mapping) -> int | None:
    """The version the screen showed (its hidden `version` field); None when missing or bad."""
    return _int(data.get("version"))


def choices_from(data: Mapping) -> dict[int, str]:
    """`op-<id>` radio fields → {operation id: status}. Unknown keys are ignored."""
    choices = {}
    for key in data:
        if key.startswith("op-"):
            op_id = _int(key[3:])
            if op_id is not None and data.get(key):
                choices[op_id] = data.get(key)
    return choices


def approval_input(data: Mapping, *, language: str) -> ApprovalInput:
    try:
        shown = Decimal(data["shown_total"]) if data.get("shown_total") else None
    except InvalidOperation:
        shown = None
    return ApprovalInput(
        version_id=posted_version_id(data),
        choices=choices_from(data),
        contact_id=_int(data.get("contact")),
        signature_png=data.get("signature_png", ""),
        signature_strokes=data.get("signature_strokes", ""),
        consent=data.get("consent") in ("yes", "on", "true", "1"),
        shown_total=shown,
        language=language,
    )
