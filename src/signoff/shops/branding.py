"""A shop's branding: its logo and accent colour, checked, stored and read back for the customer
page, the emails and the PDFs (Settings › Branding).

A logo is kept in Django's default storage as the file Signoff wrote, never the one uploaded:
PNG and JPEG decoded and encoded afresh (core/images.py), SVG rebuilt from an allowlist
(core/svg.py). Its name is the shop and the SHA-256 of those bytes (`logos/<shop>/<sha>.png`),
so a replaced logo has a new name and a browser's year-long cached copy is never stale. Beside
it is a small raster copy for emails (`<sha>.email.png`: mail clients do not show SVG, and a
small picture keeps every email light). Replacing or removing a logo deletes the old files once
the change is committed; the public route serves a shop's current logo only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction

from signoff.core import colors, images, svg
from signoff.core.errors import NotFound, ValidationFailed
from signoff.shops.access import Actor, require_admin
from signoff.shops.models import DEFAULT_ACCENT, LogoType, Shop

LOGO_MAX_BYTES = 1024 * 1024
# The stored logo fits this box (pixels): sharp in a PDF header and on a phone's screen.
LOGO_BOX = (1200, 480)
# The email copy fits this box: three times the 48 px it is shown at.
EMAIL_BOX = (480, 144)
EMAIL_HEIGHT = 48
FOLDER = "logos"

_EXTENSION = {LogoType.PNG: "png", LogoType.JPEG: "jpg", LogoType.SVG: "svg"}
_CONTENT_TYPE = {
    LogoType.PNG: "image/png",
    LogoType.JPEG: "image/jpeg",
    LogoType.SVG: "image/svg+xml",
}
_FILENAME = re.compile(r"([0-9a-f]{64})\.(png|jpg|svg)")


@dataclass(frozen=True)
class Logo:
    """A shop's current logo, as its row describes it (no file is read)."""

    shop_id: int
    sha256: str
    type: str
    width: int
    height: int

    @property
    def filename(self) -> str:
        return f"{self.sha256}.{_EXTENSION[self.type]}"

    @property
    def name(self) -> str:
        """Its name in the default storage."""
        return f"{FOLDER}/{self.shop_id}/{self.filename}"

    @property
    def email_type(self) -> str:
        return LogoType.JPEG if self.type == LogoType.JPEG else LogoType.PNG

    @property
    def email_name(self) -> str:
        return f"{FOLDER}/{self.shop_id}/{self.sha256}.email.{_EXTENSION[self.email_type]}"

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPE[self.type]

    def fit(self, *, height: int, max_width: int) -> tuple[int, int]:
        """(width, height) to show it at: `height` high, narrower when it is very wide."""
        ratio = self.width / self.height if self.width and self.height else 1
        width = round(height * ratio)
        if width > max_width:
            return max_width, max(1, round(max_width / ratio))
        return max(1, width), height


@dataclass(frozen=True)
class Brand:
    """What the customer page, the emails and the PDFs print in the shop's colours.

    `accent` fills the header and the primary button with `on_accent` text on it (white or
    dark, whichever reaches 4.5:1); `accent_ink` is the accent where it is text or a line on
    a light surface (links, the PDFs' headings): the accent itself, or a darker shade of it when
    it is too light to read there."""

    accent: str
    on_accent: str
    accent_ink: str
    accent_hover: str
    logo: Logo | None

    @property
    def is_default(self) -> bool:
        return self.accent == DEFAULT_ACCENT

    @property
    def theme(self) -> str:
        """The accent's six hex digits: the name of the customer page's theme stylesheet."""
        return self.accent.removeprefix("#")


def brand_of(shop: Shop) -> Brand:
    """The shop's brand from its row alone: no query, no file read."""
    accent = shop.accent_color or DEFAULT_ACCENT
    return brand_for_accent(accent, logo=logo_of(shop))


def brand_for_accent(accent: str, *, logo: Logo | None = None) -> Brand:
    accent = colors.parse_hex(accent)
    return Brand(
        accent=accent,
        on_accent=colors.text_on(accent),
        accent_ink=colors.readable_on_light(accent),
        accent_hover=colors.hover_of(accent),
        logo=logo,
    )


def logo_of(shop: Shop) -> Logo | None:
    if not (shop.logo_sha256 and shop.logo_type):
        return None
    return Logo(
        shop_id=shop.pk,
        sha256=shop.logo_sha256,
        type=shop.logo_type,
        width=shop.logo_width,
        height=shop.logo_height,
    )


# --- Reading the files ------------------------------------------------------------------------


def _read(name: str) -> bytes | None:
    """A stored file's bytes, or None when it is gone (a logo replaced a moment ago)."""
    try:
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    except FileNotFoundError:
        return None


def logo_file(logo: Logo) -> bytes | None:
    """The stored logo (sanitized SVG or re-encoded PNG/JPEG), for the PDFs."""
    return _read(logo.name)


def logo_email_file(logo: Logo) -> bytes | None:
    """The logo's small raster copy, for emails."""
    return _read(logo.email_name)


def logo_public(*, shop_id: int, filename: str) -> tuple[bytes, str]:
    """(bytes, content type) of a shop's *current* logo named by its file name; NotFound for
    any other name, another shop's logo, or one that was replaced or removed."""
    match = _FILENAME.fullmatch(filename)
    shop = Shop.objects.filter(pk=shop_id).first() if match else None
    logo = logo_of(shop) if shop is not None else None
    if logo is None or logo.filename != filename:
        raise NotFound("No such logo.")
    data = logo_file(logo)
    if data is None:
        raise NotFound("No such logo.")
    return data, logo.content_type


# --- Checking an upload -----------------------------------------------------------------------


_LIMIT = f"{LOGO_MAX_BYTES // 1024:,} KB (1 MB)"


def _size(n: int) -> str:
    """1,025 KB (rounded up, so a file over the limit never reads as the limit); 40.0 MB."""
    if n >= 10 * 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{-(-n // 1024):,} KB"


@dataclass(frozen=True)
class CleanLogo:
    type: str
    data: bytes
    width: int
    height: int
    email_data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def logo_clean(upload: File) -> CleanLogo:
    """The logo as Signoff keeps it, from an uploaded file. Raises ValueError with a sentence
    for a file that is too large, of another type, damaged or unsafe."""
    size = upload.size or 0
    if size > LOGO_MAX_BYTES:
        raise ValueError(f"The file is {_size(size)}; upload a logo of at most {_LIMIT}.")
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:  # the size told was not the size sent
        raise ValueError(f"Upload a logo of at most {_LIMIT}.")
    if not data:
        raise ValueError("The file is empty. Choose the logo's PNG, JPEG or SVG file.")
    kind = images.sniff(data)
    if kind is None:
        found = images.type_in_words(data)
        what = f"This file is {found}, not" if found else "This file is not"
        raise ValueError(
            f"{what} a PNG, JPEG or SVG image (whatever its name says). Export the logo as "
            "PNG, JPEG or SVG and upload that file."
        )
    if kind == LogoType.SVG:
        return _svg_logo(data)
    picture = images.raster_open(data, expected=kind)
    stored = images.raster_encode(picture, format=kind, box=LOGO_BOX)
    email = images.raster_encode(picture, format=kind, box=EMAIL_BOX)
    return CleanLogo(
        type=kind,
        data=stored.data,
        width=stored.width,
        height=stored.height,
        email_data=email.data,
    )


def _svg_logo(data: bytes) -> CleanLogo:
    text = svg.svg_sanitize(data)
    drawn = svg.svg_to_png(text, height=EMAIL_BOX[1])
    try:
        picture = images.raster_open(drawn, expected=LogoType.PNG)
    except ValueError:
        raise ValueError(
            "This SVG is far wider than it is tall to show as a logo. Crop it to the logo and "
            "upload it again."
        ) from None
    email = images.raster_encode(picture, format=LogoType.PNG, box=EMAIL_BOX)
    return CleanLogo(
        type=LogoType.SVG,
        data=text.encode(),
        width=picture.width,
        height=picture.height,
        email_data=email.data,
    )


def accent_clean(raw: object) -> str:
    """A colour the shop may use as its accent, "#rrggbb". Any colour may: text on it is chosen
    to reach 4.5:1 (`Brand.on_accent`). Raises ValueError for what is not a colour."""
    return colors.parse_hex(raw)


# --- Writes -----------------------------------------------------------------------------------


def _save(name: str, data: bytes) -> None:
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))


def _delete_files(logo: Logo) -> None:
    for name in (logo.name, logo.email_name):
        default_storage.delete(name)


_LOGO_FIELDS = ["logo_sha256", "logo_type", "logo_width", "logo_height"]


def _set_logo(shop: Shop, clean: CleanLogo | None) -> None:
    """Points the row at the new logo (or none) and deletes the old files after the commit."""
    old = logo_of(shop)
    if clean is None:
        shop.logo_sha256, shop.logo_type, shop.logo_width, shop.logo_height = "", "", 0, 0
    else:
        shop.logo_sha256, shop.logo_type = clean.sha256, clean.type
        shop.logo_width, shop.logo_height = clean.width, clean.height
    new = logo_of(shop)
    if old is not None and old != new and (new is None or old.sha256 != new.sha256):
        transaction.on_commit(lambda: _delete_files(old))


def shop_branding_update(*, actor: Actor, accent_color: object, logo: File | None = None) -> Shop:
    """Saves Settings › Branding: the accent colour and, when a file is given, a new logo.

    Both are checked before anything is saved, and every problem is reported at once."""
    require_admin(actor)
    errors: dict[str, str] = {}
    try:
        accent = accent_clean(accent_color)
    except ValueError as exc:
        errors["accent_color"] = str(exc)
    clean = None
    if logo is not None:
        try:
            clean = logo_clean(logo)
        except ValueError as exc:
            errors["logo"] = str(exc)
    if errors:
        raise ValidationFailed(
            "Please correct the branding below; nothing was saved.", fields=errors
        )
    if clean is not None:
        logo_ref = Logo(actor.shop.pk, clean.sha256, clean.type, clean.width, clean.height)
        # Written before the row points at them, so no reader ever finds the row without them.
        _save(logo_ref.name, clean.data)
        _save(logo_ref.email_name, clean.email_data)
    with transaction.atomic():
        shop = Shop.objects.select_for_update().get(pk=actor.shop.pk)
        shop.accent_color = accent
        if clean is not None:
            _set_logo(shop, clean)
        shop.save(update_fields=["accent_color", *_LOGO_FIELDS])
    return shop


def shop_logo_remove(*, actor: Actor) -> Shop:
    """Removes the logo: no page, email or PDF shows it from now on, and its files are deleted."""
    require_admin(actor)
    with transaction.atomic():
        shop = Shop.objects.select_for_update().get(pk=actor.shop.pk)
        _set_logo(shop, None)
        shop.save(update_fields=_LOGO_FIELDS)
    return shop
