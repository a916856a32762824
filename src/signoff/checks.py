"""System checks for a safe deployment: the built-in SECRET_KEY must not reach production."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_HOW = "Set SIGNOFF_SECRET_KEY to a long random value (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."


@register(Tags.security)
def secret_key_is_not_the_default(app_configs, **kwargs) -> list:
    """Sessions, CSRF tokens and password resets are signed with SECRET_KEY: a public one forges them.

    Trying Signoff on one machine (DEBUG, or links that point at localhost) may keep the built-in
    key; a site reachable by customers may not: over https it is an error that stops `signoff
    run` and `migrate`, otherwise a warning.
    """
    if settings.SECRET_KEY != settings.DEFAULT_SECRET_KEY or settings.DEBUG:
        return []
    site = urlsplit(settings.SITE_URL)
    if site.hostname in LOCAL_HOSTS:
        return []
    message = f"SIGNOFF_SECRET_KEY is not set, but customers are sent links to {settings.SITE_URL}."
    if site.scheme == "https":
        return [Error(message, hint=_HOW, id="signoff.E001")]
    return [Warning(message, hint=_HOW, id="signoff.W001")]
