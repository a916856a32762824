"""The consumer disclosure for doing business electronically, and who has accepted which version.

Before a consumer's first electronic signature, the E-SIGN Act (15 U.S.C. 7001(c)) asks for a
clear disclosure: that records will be electronic; the right to have them on paper and how to
ask; how to withdraw consent (and update contact details); and the hardware and software needed
to open and keep them. The contact accepts it once per version; the acceptance is chained
evidence (`chain.consent_append`), shown on the authorization certificate.

A shop shows Signoff's standard text (version 1, English or Spanish, naming the shop and how to
reach it) until it edits its own in Settings › E-sign disclosure: each edit is the next version
(`EsignDisclosure`), shown as written, and a contact who accepted an older one is asked again.

What a contact accepted is told by the text itself, not only its number: the standard text names
the shop and how to reach it, so when the shop's name, phone or email changes the text changes
under the same version, and a contact who accepted the old wording is asked again. A page posts
the SHA-256 of the text it showed (`sha256`); a submission whose text is no longer the shop's is
refused as stale (`disclosure_pinned`), so no one is recorded as accepting words they never saw.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from signoff.approvals.canonical import sha256_bytes
from signoff.approvals.models import EsignConsent, EsignDisclosure
from signoff.core.errors import StaleVersion, ValidationFailed
from signoff.core.formatting import format_phone
from signoff.core.validation import clean_text
from signoff.shops.access import Actor, require_admin
from signoff.shops.models import Shop

STANDARD_VERSION = 1
TEXT_MAX = EsignDisclosure._meta.get_field("text_en").max_length
LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class Disclosure:
    """The disclosure a contact is shown: its version number and its text in one language."""

    version: int
    language: str
    text: str
    standard: bool  # Signoff's standard text (not one the shop wrote)

    @property
    def sha256(self) -> str:
        """The SHA-256 of the text as stored with an acceptance (approvals.chain)."""
        return text_sha256(self.text)


def text_sha256(text: str) -> str:
    """The SHA-256 of a disclosure's UTF-8 text, without NULs as the chain stores it."""
    return sha256_bytes(text.replace("\x00", "").encode("utf-8"))


def _reach(shop: Shop) -> str:
    ways = [w for w in (format_phone(shop.phone), shop.email) if w]
    return " · ".join(ways)


def standard_text(*, shop: Shop, language: str) -> str:
    """Signoff's standard disclosure in `language`, naming the shop and how to reach it."""
    with translation.override(language):
        values = {"shop": shop.name, "reach": _reach(shop) or _("at the shop's counter")}
        return (
            _(
                "Consent to do business electronically with %(shop)s\n\n"
                "%(shop)s gives you the records of your repair (estimates, your authorizations, "
                "your signed copy and confirmations) electronically: on this page, by email or "
                "by text message, instead of on paper. Your consent covers the estimates and "
                "authorizations of your repair orders with %(shop)s.\n\n"
                "Paper copies: you have the right to receive any of these records on paper, free "
                "of charge. To ask for one, contact %(shop)s (%(reach)s) or ask at the counter.\n\n"
                "Withdrawing your consent: you may withdraw it at any time by telling %(shop)s "
                "(%(reach)s). It does not change what you already signed; after that, %(shop)s "
                "asks for your authorization on paper, in person or by phone. Tell %(shop)s too "
                "when your email address or mobile number changes.\n\n"
                "What you need: a phone, tablet or computer with a current web browser (such as "
                "Chrome, Safari, Edge or Firefox) and an internet connection; an email address or "
                "a mobile number that receives text messages; and a PDF reader to open, save or "
                "print your signed copy.\n\n"
                "By ticking the box below you confirm that you can open this page and the PDF "
                "download, and that you agree to receive these records and to sign electronically."
            )
            % values
        )


def _latest(shop: Shop) -> EsignDisclosure | None:
    return EsignDisclosure.objects.filter(shop=shop).order_by("-number").first()


def disclosure_version(shop: Shop) -> int:
    """The number of the disclosure the shop shows now."""
    latest = EsignDisclosure.objects.filter(shop=shop).aggregate(n=Max("number"))["n"]
    return latest or STANDARD_VERSION


def _disclosure(shop: Shop, latest: EsignDisclosure | None, language: str) -> Disclosure:
    if latest is None:
        return Disclosure(
            STANDARD_VERSION, language, standard_text(shop=shop, language=language), True
        )
    text = latest.text_es if language == "es" else latest.text_en
    return Disclosure(latest.number, language, text, False)


def disclosure_current(*, shop: Shop, language: str) -> Disclosure:
    """What the shop shows now, in `language` (a shop's own text as written)."""
    language = language if language in LANGUAGES else "en"
    return _disclosure(shop, _latest(shop), language)


def disclosure_texts(shop: Shop) -> dict[str, str]:
    """The current text in each language, as the settings page shows it for editing."""
    latest = _latest(shop)
    return {lang: _disclosure(shop, latest, lang).text for lang in LANGUAGES}


def consent_for(*, contact, shop: Shop, language: str) -> Disclosure | None:
    """The disclosure to show this contact before they sign, or None once they accepted it.

    Accepted means: this version, in the very words the shop shows now in either language (the
    standard text follows the shop's name and contact details, see above)."""
    if contact is None:
        return None
    language = language if language in LANGUAGES else "en"
    latest = _latest(shop)
    shown = {lang: _disclosure(shop, latest, lang) for lang in LANGUAGES}
    accepted = EsignConsent.objects.filter(
        contact=contact,
        disclosure_version=shown[language].version,
        text_sha256__in=[d.sha256 for d in shown.values()],
    ).exists()
    return None if accepted else shown[language]


def disclosure_pinned(disclosure: Disclosure, *, shown_sha256: str | None) -> None:
    """Refuse (StaleVersion) an acceptance of `disclosure` when the page showed another text.

    `shown_sha256` is the hash the page or API client posted: "" when it showed no disclosure,
    None when it did not say (an API client that does not pin: the current text is taken)."""
    if shown_sha256 is None or shown_sha256.strip().lower() == disclosure.sha256:
        return
    raise StaleVersion(
        _(
            "The text about doing business electronically changed after this page was opened. "
            "Read it again below, then sign."
        )
    )


def disclosure_update(*, actor: Actor, text_en: str, text_es: str) -> EsignDisclosure | None:
    """Save the shop's own disclosure as its next version; None when nothing changed.

    An empty language takes Signoff's standard text, frozen into the version as it reads now.
    Owners and managers only."""
    require_admin(actor)
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for lang, raw, label in (("en", text_en, "English text"), ("es", text_es, "Spanish text")):
        try:
            text = clean_text(raw or "", label=label, max_length=TEXT_MAX, multiline=True)
        except ValueError as exc:
            errors[f"text_{lang}"] = str(exc)
            continue
        cleaned[lang] = text.strip() or standard_text(shop=actor.shop, language=lang)
    if errors:
        raise ValidationFailed(
            "The disclosure was not saved. " + " ".join(errors.values()), fields=errors
        )
    with transaction.atomic():
        shop = Shop.objects.select_for_update().get(pk=actor.shop.pk)
        if disclosure_texts(shop) == cleaned:
            return None
        return EsignDisclosure.objects.create(
            shop=shop,
            number=disclosure_version(shop) + 1,
            text_en=cleaned["en"],
            text_es=cleaned["es"],
            created_by=actor.user,
        )
