"""Writes for a shop: its settings, which shop a staff user works in, and their API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone

from signoff.core.errors import NotFound, ValidationFailed
from signoff.core.validation import (
    clean_email,
    clean_phone,
    clean_text,
    max_length_of,
    parse_decimal,
    parse_id,
    parse_whole_number,
)
from signoff.shops.access import Actor, actor_for, require_admin
from signoff.shops.models import (
    ApiToken,
    FallbackChannel,
    Membership,
    OverEstimateRule,
    PaperSize,
    Shop,
    SignaturePolicy,
    SmsStatus,
)
from signoff.shops.signals import shop_created
from signoff.shops.timezones import timezone_names

TOKEN_NAME_MAX = max_length_of(ApiToken, "name")


# --- API tokens -------------------------------------------------------------------------------


def api_token_create(*, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """A new Bearer token for the actor in their shop. The raw value is returned once, never stored.

    Any member may create one: the token acts with the member's own role, so a technician's
    token can read but not change estimates.
    """
    try:
        name = clean_text(name, label="token name", max_length=TOKEN_NAME_MAX)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={"name": str(exc)}) from None
    if not name:
        raise ValidationFailed(
            "Name the token so you can recognise it later.",
            fields={"name": "Enter a name, e.g. “DMS integration”."},
        )
    raw = ApiToken.new_raw()
    token = ApiToken.objects.create(
        shop=actor.shop,
        user=actor.user,
        name=name,
        token_hash=ApiToken.hash(raw),
        hint=raw[: len(ApiToken.PREFIX) + 4],
    )
    return token, raw


def api_token_revoke(*, actor: Actor, token_id: int) -> ApiToken:
    """Stops a token from working. Members revoke their own; owners and managers revoke any."""
    with transaction.atomic():
        qs = ApiToken.objects.select_for_update().filter(shop=actor.shop, pk=token_id)
        if not actor.can_admin:
            qs = qs.filter(user=actor.user)
        token = qs.first()
        if token is None:
            raise NotFound("API token not found.")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


# --- Shop switching ---------------------------------------------------------------------------


def shop_switch(*, user, shop_id: Any) -> Actor:
    """The actor for the shop the user wants to work in; 404 unless they are a member of it."""
    shop_id = parse_id(shop_id)
    if shop_id is None:
        raise NotFound("Shop not found.")
    return actor_for(user=user, shop_id=shop_id)


# --- Shop settings ----------------------------------------------------------------------------

_TEXT_FIELDS = {"name": "shop name", "address": "address", "sms_sender": "text sender"}


def _decimal_field(
    raw: Any, *, label: str, low: Decimal, high: Decimal, places: int, errors: dict, key: str
) -> Decimal | None:
    text = str(raw if raw is not None else "").replace("%", "").replace("$", "").replace(",", "")
    text = text.strip()
    if not text:
        return None
    try:
        value = parse_decimal(text)
    except ValueError:
        errors[key] = f"Enter the {label} as a number, e.g. {low + 1}."
        return None
    if not low <= value <= high:
        errors[key] = f"Enter a {label} between {low} and {high}."
        return None
    if -value.as_tuple().exponent > places:
        errors[key] = f"Use at most {places} decimal places for the {label}."
        return None
    return value


def _int_field(raw: Any, *, label: str, low: int, high: int, errors: dict, key: str) -> int | None:
    text = str(raw if raw is not None else "").strip()
    if not text:
        errors[key] = f"Enter the {label}."
        return None
    value = parse_whole_number(text)
    if value is None:
        errors[key] = f"Enter the {label} as a whole number."
        return None
    if not low <= value <= high:
        errors[key] = f"Enter a {label} between {low} and {high}."
        return None
    return value


def _time_field(raw: Any, *, label: str, errors: dict, key: str) -> time | None:
    if isinstance(raw, time):
        return raw
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        errors[key] = f"Enter the {label} as a time, e.g. 21:00."
        return None


def shop_settings_clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """Every settings field validated at once, so the form can show all problems together.

    The settings page and the admin both check through here. Raises ValidationFailed."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for key, label in _TEXT_FIELDS.items():
        try:
            out[key] = clean_text(
                data.get(key) or "", label=label, max_length=max_length_of(Shop, key)
            )
        except ValueError as exc:
            errors[key] = str(exc)
            out[key] = ""
    if not out["name"]:
        errors.setdefault("name", "Enter the shop's name as customers know it.")
    for key, cleaner in (("email", clean_email), ("phone", clean_phone)):
        try:
            out[key] = cleaner(str(data.get(key) or ""))
        except ValueError as exc:
            errors[key] = str(exc)
    out["timezone"] = str(data.get("timezone") or "").strip()
    if out["timezone"] not in timezone_names():
        errors["timezone"] = (
            "Choose the shop's time zone from the list, e.g. Central — Chicago (America/Chicago)."
        )
    out["paper_size"] = data.get("paper_size") or PaperSize.LETTER
    if out["paper_size"] not in PaperSize.values:
        errors["paper_size"] = "Choose Letter or A4."
    out["sms_status"] = data.get("sms_status") or SmsStatus.NOT_REGISTERED
    if out["sms_status"] not in SmsStatus.values:
        errors["sms_status"] = "Choose one of the registration statuses."
    if out["sms_status"] == SmsStatus.APPROVED and not out["sms_sender"]:
        errors.setdefault(
            "sms_sender",
            "Texts need a sender: enter the approved number (+15035550100) or messaging "
            "service SID (MG…), or change the registration status.",
        )
    tax = _decimal_field(
        data.get("tax_rate"),
        label="tax rate",
        low=Decimal(0),
        high=Decimal(100),
        places=3,
        errors=errors,
        key="tax_rate",
    )
    out["tax_rate"] = tax if tax is not None else Decimal(0)
    rate = _decimal_field(
        data.get("default_labor_rate"),
        label="labor rate",
        low=Decimal(0),
        high=Decimal("99999"),
        places=2,
        errors=errors,
        key="default_labor_rate",
    )
    if rate is None and "default_labor_rate" not in errors:
        errors["default_labor_rate"] = "Enter the shop's default hourly labor rate."
    out["default_labor_rate"] = rate
    out["over_limit_percent"] = _decimal_field(
        data.get("over_limit_percent"),
        label="percentage",
        low=Decimal(0),
        high=Decimal(999),
        places=2,
        errors=errors,
        key="over_limit_percent",
    )
    out["over_limit_amount"] = _decimal_field(
        data.get("over_limit_amount"),
        label="amount",
        low=Decimal(0),
        high=Decimal("99999999"),
        places=2,
        errors=errors,
        key="over_limit_amount",
    )
    out["over_estimate_rule"] = data.get("over_estimate_rule") or OverEstimateRule.NONE
    if out["over_estimate_rule"] not in OverEstimateRule.values:
        errors["over_estimate_rule"] = (
            "Choose one of the over-estimate rules: California, Michigan, Florida, Ohio, "
            "custom, or no rule."
        )
    custom_limits = ("over_limit_percent", "over_limit_amount")
    no_custom_limit = all(out[k] is None and k not in errors for k in custom_limits)
    if out["over_estimate_rule"] == OverEstimateRule.CUSTOM and no_custom_limit:
        errors["over_limit_percent"] = (
            "The custom rule needs a percent, an amount, or both; or choose another rule."
        )
    out["link_expiry_days"] = _int_field(
        data.get("link_expiry_days"),
        label="number of days",
        low=1,
        high=365,
        errors=errors,
        key="link_expiry_days",
    )
    out["reminder_delay_hours"] = _int_field(
        data.get("reminder_delay_hours"),
        label="number of hours",
        low=1,
        high=720,
        errors=errors,
        key="reminder_delay_hours",
    )
    out["reminder_max"] = _int_field(
        data.get("reminder_max"),
        label="number of reminders (0 for none)",
        low=0,
        high=5,
        errors=errors,
        key="reminder_max",
    )
    out["fallback_channel"] = data.get("fallback_channel") or FallbackChannel.OFFER
    if out["fallback_channel"] not in FallbackChannel.values:
        errors["fallback_channel"] = "Choose to offer the other channel or to send by it."
    out["quiet_hours_start"] = _time_field(
        data.get("quiet_hours_start"), label="start", errors=errors, key="quiet_hours_start"
    )
    out["quiet_hours_end"] = _time_field(
        data.get("quiet_hours_end"), label="end", errors=errors, key="quiet_hours_end"
    )
    quiet = ("quiet_hours_start", "quiet_hours_end")
    if not any(k in errors for k in quiet) and (out[quiet[0]] is None) != (out[quiet[1]] is None):
        missing = "quiet_hours_end" if out["quiet_hours_end"] is None else "quiet_hours_start"
        errors[missing] = "Quiet hours need both a start and an end, or leave both empty."
    # Two independent options (Shop settings › RO info): whether a contact may approve
    # recommendations on their link, and whether whoever approves one (on the link or at the
    # counter) is named and signs for it (signing.selectors).
    out["allow_recommendation_approval"] = _flag(data.get("allow_recommendation_approval"))
    out["capture_recommendation_approver"] = _flag(data.get("capture_recommendation_approver"))
    out["signature_policy"] = data.get("signature_policy") or SignaturePolicy.ALWAYS
    if out["signature_policy"] not in SignaturePolicy.values:
        errors["signature_policy"] = "Choose never, first authorization only, or always."
    if errors:
        raise ValidationFailed(
            "Please correct the settings below; nothing was saved.", fields=errors
        )
    return out


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().lower() in {"1", "true", "on", "yes"}


SETTINGS_FIELDS = (
    "name",
    "phone",
    "email",
    "address",
    "timezone",
    "tax_rate",
    "default_labor_rate",
    "paper_size",
    "link_expiry_days",
    "sms_status",
    "sms_sender",
    "allow_recommendation_approval",
    "capture_recommendation_approver",
    "signature_policy",
    "over_estimate_rule",
    "over_limit_percent",
    "over_limit_amount",
    "reminder_delay_hours",
    "reminder_max",
    "fallback_channel",
    "quiet_hours_start",
    "quiet_hours_end",
)


def shop_settings_update(*, actor: Actor, data: Mapping[str, Any]) -> Shop:
    """Saves the shop settings page. Missing keys keep their current values (a partial update)."""
    require_admin(actor)
    with transaction.atomic():
        shop = Shop.objects.select_for_update().get(pk=actor.shop.pk)
        merged = {f: getattr(shop, f) for f in SETTINGS_FIELDS}
        merged.update({k: v for k, v in data.items() if k in SETTINGS_FIELDS})
        for key, value in shop_settings_clean(merged).items():
            setattr(shop, key, value)
        shop.save()
    return shop


# --- New shops --------------------------------------------------------------------------------

DEFAULT_TIMEZONE = Shop._meta.get_field("timezone").default
_SLUG_MAX = Shop._meta.get_field("slug").max_length


def _slug_problem(slug: str) -> str | None:
    """What is wrong with a new shop's slug (its name in commands and the admin), if anything."""
    if not slug:
        return "Enter a slug, e.g. “eastside-diesel”."
    if len(slug) > _SLUG_MAX:
        return f"Use at most {_SLUG_MAX} characters for the slug."
    try:
        validate_slug(slug)
    except ValidationError:
        return "Use only letters, digits, hyphens and underscores in the slug."
    if Shop.objects.filter(slug=slug).exists():
        return f"A shop with the slug “{slug}” already exists; choose another."
    return None


def shop_create(*, name: str, slug: str, timezone: str = DEFAULT_TIMEZONE, **settings: Any) -> Shop:
    """A new shop, checked by the settings page's rules and set up by the apps above in one go.

    `settings` takes any other of SETTINGS_FIELDS; the rest keep the model's defaults. Sends
    `shops.signals.shop_created` inside the transaction (approvals gives the shop its default
    reasons), so a refused or failed set-up saves nothing. This is an operator's action (the
    admin, `signoff shop create`, the demo): there is no member yet to check a role for.
    """
    unknown = set(settings) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"shop_create() got unknown settings: {', '.join(sorted(unknown))}")
    data = {f: Shop._meta.get_field(f).get_default() for f in SETTINGS_FIELDS}
    data.update(settings, name=name, timezone=timezone)
    slug = (slug or "").strip()
    errors: dict[str, str] = {}
    slug_problem = _slug_problem(slug)
    if slug_problem:
        errors["slug"] = slug_problem
    try:
        values = shop_settings_clean(data)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed("The shop was not created; nothing was saved.", fields=errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                shop = Shop.objects.create(slug=slug, **values)
        except IntegrityError:  # another request took the slug since the check above
            raise ValidationFailed(
                "The shop was not created; nothing was saved.",
                fields={"slug": f"A shop with the slug “{slug}” already exists; choose another."},
            ) from None
        shop_created.send(sender=Shop, shop=shop)
    return shop


_USERNAME_MAX = 150


def shop_create_with_owner(
    *, name: str, slug: str, owner: str, email: str = "", timezone: str = DEFAULT_TIMEZONE
) -> tuple[Shop, Any, str | None]:
    """A new shop and its owner in one go: `signoff shop create --owner`, the first thing a
    production install needs. Returns the shop, the user, and the new user's password (None
    when the user already existed and keeps their own). Nothing is saved when either is refused.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.validators import UnicodeUsernameValidator

    from signoff.shops.models import Membership, Role

    username = (owner or "").strip()
    errors: dict[str, str] = {}
    if not username:
        errors["owner"] = "Enter the owner's username, e.g. “maria”."
    elif len(username) > _USERNAME_MAX:
        errors["owner"] = f"Use at most {_USERNAME_MAX} characters for the username."
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            errors["owner"] = "Use only letters, digits and @ . + - _ in the username."
    address = ""
    try:
        address = clean_email(email)
    except ValueError as exc:
        errors["email"] = str(exc)
    if errors:
        raise ValidationFailed("The shop was not created; nothing was saved.", fields=errors)
    users = get_user_model()
    with transaction.atomic():
        shop = shop_create(name=name, slug=slug, timezone=timezone)
        user = users.objects.filter(username=username).first()
        password = None
        if user is None:
            password = secrets.token_urlsafe(15)
            user = users.objects.create_user(username=username, email=address, password=password)
        Membership.objects.create(shop=shop, user=user, role=Role.OWNER)
    return shop, user, password


@dataclass(frozen=True)
class Profile:
    email: str
    email_on_answer: bool


def profile_get(*, actor: Actor) -> Profile:
    membership = Membership.objects.get(user=actor.user, shop=actor.shop)
    return Profile(email=actor.user.email, email_on_answer=membership.email_on_answer)


def profile_update(*, actor: Actor, email: Any, email_on_answer: Any) -> Profile:
    """A member's own settings: their email address, and whether customers' answers on ROs
    they advise are emailed to them (in this shop). Refused when asked without an address."""
    errors: dict[str, str] = {}
    try:
        address = clean_email(str(email or ""))
    except ValueError as exc:
        errors["email"] = str(exc)
        address = ""
    wanted = _flag(email_on_answer)
    if wanted and not address and "email" not in errors:
        errors["email"] = "Enter your email address to get answers by email."
    if errors:
        raise ValidationFailed(
            "Your profile was not saved. " + " ".join(errors.values()), fields=errors
        )
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=actor.user.pk)
        user.email = address
        user.save(update_fields=["email"])
        Membership.objects.filter(user=user, shop=actor.shop).update(email_on_answer=wanted)
    actor.user.email = address
    return Profile(email=address, email_on_answer=wanted)
