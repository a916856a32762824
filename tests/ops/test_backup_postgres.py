"""`signoff backup` and `signoff restore` on PostgreSQL: a server of the tests' own (fault tests,
since they create and drop databases and roles on it)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops.scripts import SEED
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.fault

CLI = [sys.executable, "-m", "signoff.cli"]
MANAGE = [sys.executable, "-m", "signoff.manage"]
HELD = "It holds 1 shop, 1 RO, 2 decisions, 1 signature and 1 message."
INTACT = "Checked 1 RO in 1 shop: 2 decisions, 1 signature, 1 version — all intact."


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    with PostgresServer(tmp_path_factory.mktemp("backup-pg")) as server:
        yield server


class Install:
    """Signoff on one database of the server, as `user`."""

    def __init__(self, pg: PostgresServer, folder: Path, database: str, user: str = "signoff"):
        self.pg, self.database = pg, database
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "signoff.settings",
            "DATABASE_URL": f"postgres://{user}@127.0.0.1:{pg.port}/{database}",
            "SIGNOFF_DATA_DIR": str(folder / "data"),
            "SIGNOFF_DEV_OUTBOX": "1",
            "SIGNOFF_PG_BIN": str(pg.bindir),
        }

    def cli(self, *argv, **env: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [*CLI, *map(str, argv)],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert "Traceback" not in done.stderr, done.stderr
        return done

    def run(self, *argv: str) -> None:
        subprocess.run(argv, env=self.env, check=True, capture_output=True, timeout=300)


def psql(pg: PostgresServer, sql: str, database: str = "signoff") -> list[str]:
    done = subprocess.run(
        [str(pg.bindir / "psql"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "signoff"]
        + ["-d", database, "-Atc", sql],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.splitlines()


def test_a_backup_is_checked_on_a_scratch_copy_and_restores_with_its_chains_intact(pg, tmp_path):
    live = Install(pg, tmp_path, "signoff")
    live.run(*MANAGE, "migrate", "-v0")
    live.run(sys.executable, "-c", SEED, "Alpha Auto")
    dump = tmp_path / "signoff.dump"

    done = live.cli("backup", dump)
    assert done.returncode == 0, done.stderr
    assert f"Backed up the PostgreSQL database to {dump}" in done.stdout
    assert HELD in done.stdout and INTACT in done.stdout
    assert "The chain check of the copy passed." in done.stdout
    assert dump.read_bytes().startswith(b"PGDMP")
    assert not [name for name in psql(pg, "SELECT datname FROM pg_database") if "check" in name]

    psql(pg, "CREATE DATABASE restored")
    copy = Install(pg, tmp_path, "restored")
    restored = copy.cli("restore", dump)
    assert restored.returncode == 0, restored.stderr
    assert HELD in restored.stdout and INTACT in restored.stdout
    verified = copy.cli("verify", "--all")
    assert (verified.returncode, verified.stdout.strip()) == (0, INTACT)
    assert psql(pg, "SELECT name FROM shops_shop", "restored") == ["Alpha Auto"]

    refused = copy.cli("restore", dump)
    assert refused.returncode == 1
    assert "The database already holds data (1 shop, 1 RO)." in refused.stderr
    forced = copy.cli("restore", dump, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Replacing 1 shop and 1 RO (--force)." in forced.stdout and INTACT in forced.stdout

    sqlite_file = tmp_path / "signoff.sqlite3"
    sqlite3.connect(sqlite_file).execute("CREATE TABLE t (x)").connection.close()
    wrong = copy.cli("restore", sqlite_file)
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == (
        f"{sqlite_file} is an SQLite database, but this install's database is PostgreSQL. "
        "Restore it where DATABASE_URL is SQLite, or restore a PostgreSQL backup here."
    )
    missing = live.cli("backup", tmp_path / "other.dump", SIGNOFF_PG_BIN=str(tmp_path))
    assert missing.stderr.strip() == f"SIGNOFF_PG_BIN is {tmp_path}, but it holds no pg_dump."


def test_a_user_who_may_not_create_databases_gets_the_backup_unchecked_only_when_asked(
    pg, tmp_path
):
    psql(pg, "CREATE ROLE limited LOGIN NOCREATEDB")
    psql(pg, "CREATE DATABASE limited OWNER limited")
    limited = Install(pg, tmp_path, "limited", user="limited")
    limited.run(*MANAGE, "migrate", "-v0")
    dump = tmp_path / "limited.dump"

    refused = limited.cli("backup", dump)
    assert refused.returncode == 1
    message = refused.stderr.strip()
    assert message.startswith(f"The backup at {dump} was written, but it could not be checked:")
    assert "creating a scratch database (signoff_check_" in message
    assert "permission denied to create database" in message
    assert message.endswith(
        "Let the database user create databases (ALTER ROLE … CREATEDB), or add --no-verify "
        "to skip the check."
    )

    unchecked = limited.cli("backup", dump, "--force", "--no-verify")
    assert unchecked.returncode == 0, unchecked.stderr
    assert "The copy was not checked (--no-verify)." in unchecked.stdout
    assert dump.read_bytes().startswith(b"PGDMP")
