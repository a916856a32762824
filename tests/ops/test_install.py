"""A fresh install: its own secret key, a database only `signoff migrate` creates, no demo shop
in production, and a database copy that opens nobody's estimate."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from signoff.core import install
from signoff.sharing.links import TokenUnavailable, share_link_mint, share_link_token
from signoff.sharing.models import ShareLink
from tests.factories import ContactFactory, ShareFactory

SIGNOFF = [sys.executable, "-m", "signoff.cli"]


def fresh_env(folder: Path, **extra: str) -> dict[str, str]:
    """A shell with no Signoff settings at all, the way a new server has it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNOFF_", "DATABASE_"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' own process
    return {**env, "SIGNOFF_DATA_DIR": str(folder), **extra}


def signoff(*args: str, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*SIGNOFF, *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def test_migrate_creates_the_install_key_once_readable_by_its_owner_only(tmp_path):
    first = signoff("migrate", env=fresh_env(tmp_path))
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 64
    assert "Created this install's secret key" in first.stderr

    again = signoff("migrate", env=fresh_env(tmp_path))
    assert again.returncode == 0, again.stderr
    assert key_file.read_text().strip() == key
    assert "Created this install's secret key" not in again.stderr


def test_two_installs_get_different_keys(tmp_path):
    keys = []
    for name in ("a", "b"):
        path, created = install.secret_key_ensure(tmp_path / name)
        assert created
        keys.append(path.read_text())
    assert keys[0] != keys[1]


def test_without_a_key_signoff_refuses_to_start_and_says_what_to_do(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='signoff.settings'; django.setup()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=fresh_env(tmp_path), capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Signoff has no secret key: set SIGNOFF_SECRET_KEY, or run `signoff migrate`" in (
        result.stderr
    )


def test_a_connection_never_creates_the_database_file(tmp_path):
    install.secret_key_ensure(tmp_path)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='signoff.settings'; "
        "django.setup(); from signoff.shops.models import Shop; Shop.objects.count()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=fresh_env(tmp_path), capture_output=True, text=True
    )
    assert "unable to open database file" in result.stderr
    assert not (tmp_path / "signoff.sqlite3").exists()


@pytest.mark.parametrize(
    "setting",
    [
        {"SIGNOFF_ENV": "production"},
        {"SIGNOFF_SITE_URL": "https://estimates.mainstreetauto.example"},
    ],
)
def test_run_on_an_empty_production_database_refuses_the_demo_shop(tmp_path, setting):
    result = signoff("run", "--port", "0", env=fresh_env(tmp_path, **setting))
    assert result.returncode == 1
    assert "`signoff run` will not load the demo shop and its known passwords" in result.stderr
    assert "signoff shop create" in result.stderr
    # Migrated, but nobody can log in with the demo's password.
    check = subprocess.run(
        [
            *SIGNOFF,
            "manage",
            "shell",
            "-c",
            "from signoff.shops.models import Shop; print(Shop.objects.count())",
        ],
        env=fresh_env(tmp_path, **setting),
        capture_output=True,
        text=True,
    )
    assert check.stdout.strip().splitlines()[-1] == "0", check.stderr


def test_the_demo_command_refuses_in_production_too(tmp_path):
    result = signoff("demo", env=fresh_env(tmp_path, SIGNOFF_ENV="production"))
    assert result.returncode == 1
    assert "`signoff demo` will not load the demo shop" in result.stderr


def test_production_is_a_postgres_url_an_https_site_or_signoff_env():
    assert install.production_reasons({}) == []
    assert install.production_reasons({"DATABASE_URL": "sqlite:///var/x.sqlite3"}) == []
    assert install.production_reasons({"SIGNOFF_SITE_URL": "http://192.168.1.20:8000"}) == []
    assert install.production_reasons({"DATABASE_URL": "postgres://u@db/signoff"}) == [
        "DATABASE_URL points at a postgres server"
    ]
    assert install.production_reasons({"SIGNOFF_ENV": "Production"}) == [
        "SIGNOFF_ENV is production"
    ]


@pytest.mark.django_db
def test_a_database_copy_opens_nobodys_estimate(settings):
    """What the database keeps (nonce, hash) gives no token under any other key: not another
    install's, and not the well-known key earlier versions shipped with."""
    share = ShareFactory()
    contact = ContactFactory(customer=share.repair_order.customer)
    link, raw = share_link_mint(share=share, contact=contact)
    stored = ShareLink.objects.get(pk=link.pk)
    assert share_link_token(stored) == raw

    for other_key in ("insecure-embedded-default-change-me", install_key_of_another_shop()):
        settings.SECRET_KEY = other_key
        settings.SECRET_KEY_FALLBACKS = []
        with pytest.raises(TokenUnavailable):
            share_link_token(stored)


def install_key_of_another_shop() -> str:
    import secrets

    return secrets.token_urlsafe(64)


def test_check_exits_1_on_a_production_error_and_names_it(tmp_path):
    env = fresh_env(tmp_path, SIGNOFF_ENV="production", SIGNOFF_DEV_OUTBOX="1")
    assert signoff("migrate", env=env).returncode == 0
    result = signoff("check", env=env)
    assert result.returncode == 1
    assert "signoff.E010" in result.stderr and "The dev outbox is on" in result.stderr
    assert "Signoff's checks passed." not in result.stdout


def test_check_reports_an_unmigrated_database(tmp_path):
    env = fresh_env(tmp_path)
    install.secret_key_ensure(tmp_path)
    import sqlite3

    sqlite3.connect(tmp_path / "signoff.sqlite3").close()  # an empty database
    result = signoff("check", env=env)
    assert result.returncode == 1
    assert "signoff.E002" in result.stderr and "run `signoff migrate`" in result.stderr


def gunicorn_options(argv: list[str]) -> dict[str, str]:
    """--flag value pairs of a gunicorn command line (after `python -m gunicorn APP`)."""
    options, rest = {}, argv[4:]
    for i, word in enumerate(rest):
        if word.startswith("--"):
            following = rest[i + 1] if i + 1 < len(rest) else ""
            options[word] = "" if following.startswith("--") else following
    return options


def test_web_sizes_gunicorn_to_the_cores_and_hides_tokens_in_its_log(monkeypatch):
    from signoff.cli import gunicorn_argv

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    option = gunicorn_options(gunicorn_argv("127.0.0.1:8000"))
    assert (option["--bind"], option["--workers"], option["--threads"]) == (
        "127.0.0.1:8000",
        "5",
        "4",
    )
    assert option["--logger-class"] == "signoff.gunicorn_log.GunicornLogger"
    assert option["--access-logfile"] == "-"
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert gunicorn_options(gunicorn_argv("127.0.0.1:8000"))["--workers"] == "9"


def test_migrate_collects_the_static_files_hashed_and_compressed_without_a_word(tmp_path):
    result = signoff("migrate", env=fresh_env(tmp_path))
    assert result.returncode == 0, result.stderr
    static = tmp_path / "static"
    manifest = json.loads((static / "staticfiles.json").read_text())
    css = manifest["paths"]["portal/portal.css"]
    assert css != "portal/portal.css"
    assert (static / f"{css}.br").exists() and (static / f"{css}.gz").exists()
    assert "static file" not in result.stdout + result.stderr
