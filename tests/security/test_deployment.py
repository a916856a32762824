"""Deployment safety: a weak secret key and the dev outbox are refused in production; HSTS
comes from the environment."""

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import SystemCheckError

from signoff.checks import production_settings, secret_key_is_strong


def ids(check=secret_key_is_strong):
    return [issue.id for issue in check(None)]


def test_a_short_key_is_an_error_in_production_and_a_warning_otherwise(settings):
    settings.SECRET_KEY = "short-key"
    settings.PRODUCTION = True
    assert ids() == ["signoff.E001"]
    settings.PRODUCTION = False
    assert ids() == ["signoff.W001"]
    settings.SECRET_KEY = "k" * 20 + "a-real-random-secret-key-0123456789"
    assert ids() == []


def test_manage_check_fails_with_a_short_key_in_production(settings):
    settings.SECRET_KEY = "short-key"
    settings.PRODUCTION = True
    try:
        call_command("check", verbosity=0)
    except SystemCheckError as exc:
        assert "signoff.E001" in str(exc)
    else:
        raise AssertionError("check passed with a short SECRET_KEY in production")


def test_the_dev_outbox_is_an_error_only_in_production(settings):
    settings.DEV_OUTBOX = True
    settings.PRODUCTION = True
    assert "signoff.E010" in ids(production_settings)
    settings.PRODUCTION = False
    assert "signoff.W010" in ids(production_settings)
    settings.DEV_OUTBOX = False
    assert not {"signoff.E010", "signoff.W010"} & set(ids(production_settings))


def test_hsts_and_the_https_redirect_are_read_from_the_environment():
    env = {
        **os.environ,
        "SIGNOFF_HSTS_SECONDS": "31536000",
        "SIGNOFF_SSL_REDIRECT": "1",
        "SIGNOFF_BEHIND_TLS_PROXY": "1",
    }
    code = (
        "import signoff.settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.DEBUG)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=2)
    assert out[:2] == ["31536000", "True"]
    assert "HTTP_X_FORWARDED_PROTO" in out[2] and out[2].rstrip().endswith("False")


def test_debug_is_off_and_hsts_unset_by_default():
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNOFF_")}
    env["SIGNOFF_SECRET_KEY"] = "k" * 64
    code = "import signoff.settings as s; print(s.DEBUG, s.SECURE_HSTS_SECONDS)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "0"]
