"""Reading the approval form's fields (customer page and in-person screen) into an ApprovalInput."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.utils import translation

from signoff.core.validation import parse_decimal, parse_id
from signoff.signing.services import ApprovalInput

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def language_asked(request) -> str | None:
    """The language this request asks for, if any: the toggle's ?lang=, or the `lang` a form
    posts (the language its page was shown in, so a consent is stored as it was read)."""
    wanted = request.POST.get("lang") or request.GET.get("lang")
    return wanted if wanted in LANGUAGE_CODES else None


def language_for(request, preferred: str | None, *, remembered: str | None = None) -> str:
    """The language a customer screen shows, the first one known of:
    1. the one this request asks for (`language_asked`: the toggle just clicked, a form's);
    2. the contact's preference (`Contact.language`; empty is no preference);
    3. `remembered`: the contact's last pick with the toggle on this link (the portal's cookie);
    4. the browser's Accept-Language;
    5. English.
    """
    for wanted in (language_asked(request), preferred, remembered):
        if wanted in LANGUAGE_CODES:
            return wanted
    browser = translation.get_language_from_request(request)
    return browser if browser in LANGUAGE_CODES else settings.LANGUAGE_CODE


def posted_version_id(data: Mapping) -> int | None:
    """The version the screen showed (its hidden `version` field); None when missing or bad."""
    return parse_id(data.get("version"))


def posted_approver_id(data: Mapping) -> int | None:
    """The approver picked in the form's drop-down (`contact`); None when missing or bad."""
    return parse_id(data.get("contact"))


def choices_from(data: Mapping) -> dict[int, str]:
    """`op-<id>` radio fields → {operation id: status}. Keys that name no possible operation
    (unknown fields, ids outside the database's range) are ignored."""
    choices = {}
    for key in data:
        if key.startswith("op-"):
            op_id = parse_id(key[3:])
            if op_id is not None and data.get(key):
                choices[op_id] = data.get(key)
    return choices


def _posted_hash(data: Mapping, name: str) -> str | None:
    """A posted SHA-256 ("" when the form says it showed none, None when it sent no field)."""
    if name not in data:
        return None
    return str(data.get(name, ""))[:64]


def approval_input(data: Mapping, *, language: str) -> ApprovalInput:
    """The posted answers. A field sent but unreadable is named in `unreadable` (the service
    refuses it), never read as if it had been left out."""
    unreadable = set()
    shown = None
    if data.get("shown_total"):
        try:
            shown = parse_decimal(data["shown_total"])
        except ValueError:
            unreadable.add("total")
    contact_id = None
    if data.get("contact"):
        contact_id = parse_id(data["contact"])
        if contact_id is None:
            unreadable.add("contact")
    return ApprovalInput(
        version_id=posted_version_id(data),
        choices=choices_from(data),
        contact_id=contact_id,
        signature_png=data.get("signature_png", ""),
        signature_strokes=data.get("signature_strokes", ""),
        consent=data.get("consent") in ("yes", "on", "true", "1"),
        shown_total=shown,
        language=language,
        typed_name=str(data.get("typed_name", "")),
        esign_sha256=_posted_hash(data, "esign_sha256"),
        unreadable=frozenset(unreadable),
    )
