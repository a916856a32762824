"""Deployment safety: the built-in SECRET_KEY is refused for a public site, HSTS comes from env."""

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import SystemCheckError

from signoff.checks import secret_key_is_not_the_default


def ids():
    return [issue.id for issue in secret_key_is_not_the_default(None)]


def test_the_default_key_is_an_error_for_an_https_site(settings):
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    settings.DEBUG = False
    settings.SITE_URL = "https://estimates.mainstreetauto.example"
    assert ids() == ["signoff.E001"]


def test_the_default_key_is_a_warning_for_a_plain_http_site(settings):
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    settings.DEBUG = False
    settings.SITE_URL = "http://192.168.1.20:8000"
    assert ids() == ["signoff.W001"]


def test_the_default_key_is_fine_on_localhost_and_a_real_key_anywhere(settings):
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    settings.DEBUG = False
    settings.SITE_URL = "http://localhost:8000"
    assert ids() == []
    settings.SITE_URL = "https://estimates.mainstreetauto.example"
    settings.SECRET_KEY = "k" * 20 + "a-real-random-secret-key-0123456789"
    assert ids() == []


def test_manage_check_fails_with_the_default_key_on_an_https_site(settings):
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    settings.DEBUG = False
    settings.SITE_URL = "https://estimates.mainstreetauto.example"
    try:
        call_command("check", verbosity=0)
    except SystemCheckError as exc:
        assert "signoff.E001" in str(exc)
    else:
        raise AssertionError("check passed with the default SECRET_KEY on an https site")


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
    code = "import signoff.settings as s; print(s.DEBUG, s.SECURE_HSTS_SECONDS)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "0"]
