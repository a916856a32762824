"""Signoff's own system checks, run by `signoff check` (with Django's `check --deploy`).

Always: a secret key long enough to sign with, a database that is Signoff's and migrated, and
fonts for every script a customer's name is written in.
For a production install (signoff.core.install.production_reasons): real message delivery, no
dev outbox, https links, named hosts.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from signoff.core.health import database_problem, schema_problem
from signoff.documents.fonts import fonts_problem

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
MIN_KEY_LENGTH = 32
_HOW_KEY = (
    "Unset SIGNOFF_SECRET_KEY to use the install's own key (created by `signoff migrate`), or "
    "set it to a long random value: `python3 -c 'import secrets; print(secrets.token_urlsafe(64))'`."
)


@register(Tags.security)
def secret_key_is_strong(app_configs, **kwargs) -> list:
    """Sessions, CSRF tokens and share links are signed with SECRET_KEY: a short one is guessable."""
    if len(settings.SECRET_KEY) >= MIN_KEY_LENGTH:
        return []
    message = f"SIGNOFF_SECRET_KEY is only {len(settings.SECRET_KEY)} characters long."
    if settings.PRODUCTION:
        return [Error(message, hint=_HOW_KEY, id="signoff.E001")]
    return [Warning(message, hint=_HOW_KEY, id="signoff.W001")]


@register(Tags.database, deploy=True)
def database_is_migrated(app_configs, databases=None, **kwargs) -> list:
    """With `check --deploy --database default`, as `signoff check` runs it (not in `migrate`,
    whose own checks run before there are tables): no page works on a database without them."""
    if not databases or "default" not in databases:
        return []
    problem = database_problem() or schema_problem()
    return [Error(problem, id="signoff.E002")] if problem else []


@register("documents")
def script_fonts_installed(app_configs, **kwargs) -> list:
    """A PDF that prints a customer's name as empty boxes is a wrong document, not an outage:
    a warning (in production too), which `signoff check --fail-level WARNING` turns into a
    failure."""
    problem = fonts_problem()
    return [Warning(problem, id="signoff.W020")] if problem else []


@register(Tags.security, deploy=True)
def production_settings(app_configs, **kwargs) -> list:
    """What a site customers reach needs; warnings for a try-out, errors in production."""
    found = []
    level = Error if settings.PRODUCTION else Warning
    if settings.DEV_OUTBOX:
        found.append(
            level(
                "The dev outbox is on: staff can read every message, customers' links included.",
                hint="Configure SIGNOFF_SMTP_HOST and/or SIGNOFF_TWILIO_ACCOUNT_SID, or set "
                "SIGNOFF_DEV_OUTBOX=0.",
                id="signoff.E010" if settings.PRODUCTION else "signoff.W010",
            )
        )
    if not (settings.SMTP_HOST or settings.TWILIO_ACCOUNT_SID):
        found.append(
            Warning(
                "Neither SMTP nor Twilio is configured: estimates cannot reach customers.",
                hint="Set SIGNOFF_SMTP_HOST (email) and/or SIGNOFF_TWILIO_ACCOUNT_SID (texts).",
                id="signoff.W011",
            )
        )
    site = urlsplit(settings.SITE_URL)
    if site.scheme != "https" and site.hostname not in LOCAL_HOSTS:
        found.append(
            Warning(
                f"Customers are sent links to {settings.SITE_URL}, which is not https.",
                hint="Set SIGNOFF_SITE_URL to the https address customers reach.",
                id="signoff.W012",
            )
        )
    if settings.PRODUCTION and "*" in settings.ALLOWED_HOSTS:
        found.append(
            Warning(
                "SIGNOFF_ALLOWED_HOSTS is *: any Host header is accepted.",
                hint="Set SIGNOFF_ALLOWED_HOSTS to your site's host name(s), comma-separated.",
                id="signoff.W013",
            )
        )
    if settings.PRODUCTION and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        found.append(
            Warning(
                "Production on SQLite: one machine, one web server and backups by `signoff "
                "backup` only.",
                hint="Set DATABASE_URL to a PostgreSQL database.",
                id="signoff.W014",
            )
        )
    return found
