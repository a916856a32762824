"""`signoff backup`, `signoff restore` and `signoff verify --all` on SQLite, each in a process of
its own over SQLite files of the test's own (whatever database the test run uses)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ops.scripts import SEED, WRITER

MANAGE = [sys.executable, "-m", "signoff.manage"]
CLI = [sys.executable, "-m", "signoff.cli"]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """One migrated, empty SQLite file; each install starts from a copy of it."""
    folder = tmp_path_factory.mktemp("backup-db")
    db = folder / "empty.sqlite3"
    subprocess.run([*MANAGE, "migrate", "-v0"], env=_env(folder, db), check=True, timeout=180)
    return db


def _env(folder: Path, db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "signoff.settings",
        "SIGNOFF_DATA_DIR": str(folder / "data"),
        "DATABASE_URL": f"sqlite:///{db}",
        "SIGNOFF_DEV_OUTBOX": "1",
    }


@dataclass
class Install:
    """An SQLite install of its own: `cli("backup", path)` runs `signoff backup path` on it."""

    folder: Path
    db: Path

    @property
    def env(self) -> dict[str, str]:
        return _env(self.folder, self.db)

    def cli(self, *argv: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [*CLI, *map(str, argv)], env=self.env, capture_output=True, text=True, timeout=180
        )
        assert "Traceback" not in done.stderr, done.stderr
        return done

    def python(self, script: str, *argv: str) -> None:
        subprocess.run([sys.executable, "-c", script, *argv], env=self.env, check=True, timeout=120)

    def count(self, table: str, db: Path | None = None) -> int:
        return _query(db or self.db, f"SELECT count(*) FROM {table}")[0][0]

    def shop_names(self) -> list[str]:
        return [row[0] for row in _query(self.db, "SELECT name FROM shops_shop ORDER BY name")]


def _query(db: Path, sql: str) -> list[tuple]:
    # Closed at once: a connection left to the garbage collector would hold the file open.
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def install(tmp_path, migrated):
    def make(name: str, *, fresh: bool = False) -> Install:
        folder = tmp_path / name
        folder.mkdir()
        db = folder / "signoff.sqlite3"
        if not fresh:
            shutil.copy(migrated, db)
        return Install(folder, db)

    return make


def _checked_decisions(output: str) -> int:
    return int(re.search(r"^Checked \d+ ROs? in \d+ shops?: (\d+) decisions?", output, re.M)[1])


def test_a_backup_taken_while_decisions_are_recorded_is_consistent_and_restores(install, tmp_path):
    live = install("live")
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop)], env=live.env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        while live.count("approvals_decision") < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        before = live.count("approvals_decision")
        backed_up = live.cli("backup", tmp_path / "live.backup")
        after = live.count("approvals_decision")
    finally:
        stop.touch()
        written = int(writer.communicate(timeout=60)[0].split()[-1])
    assert backed_up.returncode == 0, backed_up.stderr
    assert before < after <= written  # decisions kept coming while the backup ran
    copied = live.count("approvals_decision", tmp_path / "live.backup")
    assert before <= copied <= after
    assert f"It holds 1 shop, 3 ROs, {copied} decisions, 0 signatures and 0 messages." in (
        backed_up.stdout
    )
    assert "— all intact." in backed_up.stdout
    assert "The chain check of the copy passed." in backed_up.stdout

    fresh = install("fresh", fresh=True)  # a new install: no database file yet
    restored = fresh.cli("restore", tmp_path / "live.backup")
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith("Before restoring, stop `signoff web` and `signoff worker`")
    verified = fresh.cli("verify", "--all")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert _checked_decisions(verified.stdout) == copied
    assert verified.stdout.rstrip().endswith("— all intact.")


def test_a_backup_includes_rows_committed_but_still_only_in_the_wal_file(install, tmp_path):
    live = install("live")
    # While another connection is open, the seed's exit does not fold the -wal into the file.
    keeper = sqlite3.connect(live.db, isolation_level=None)
    try:
        keeper.execute("BEGIN")
        keeper.execute("SELECT count(*) FROM shops_shop").fetchall()
        live.python(SEED, "Wal Auto")
        assert live.count("approvals_decision") == 2

        shutil.copy(live.db, tmp_path / "file-copy.sqlite3")  # the old way: the file alone
        assert live.count("approvals_decision", tmp_path / "file-copy.sqlite3") == 0

        # Opening a database folds nothing in, so the backup has to read the rows from the -wal.
        done = live.cli("backup", tmp_path / "online.backup")
        assert done.returncode == 0, done.stderr
    finally:
        keeper.close()
    copy = tmp_path / "online.backup"
    assert live.count("approvals_decision", copy) == 2
    assert live.count("approvals_signature", copy) == 1
    assert "It holds 1 shop, 1 RO, 2 decisions, 1 signature and 1 message." in done.stdout
    assert "Checked 1 RO in 1 shop: 2 decisions, 1 signature, 1 version — all intact." in (
        done.stdout
    )
    # One file, nothing beside it.
    assert sorted(p.name for p in tmp_path.glob("online.backup*")) == ["online.backup"]


def test_restore_refuses_a_database_that_holds_data_unless_forced(install, tmp_path):
    alpha, bravo = install("alpha"), install("bravo")
    alpha.python(SEED, "Alpha Auto")
    bravo.python(SEED, "Bravo Auto")
    assert alpha.cli("backup", tmp_path / "alpha.backup").returncode == 0

    refused = bravo.cli("restore", tmp_path / "alpha.backup")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "The database already holds data (1 shop, 1 RO). Restoring replaces all of it: back it "
        "up first (`signoff backup`), then add --force."
    )
    assert bravo.shop_names() == ["Bravo Auto"]

    forced = bravo.cli("restore", tmp_path / "alpha.backup", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Replacing 1 shop and 1 RO (--force)." in forced.stdout
    assert "It holds 1 shop, 1 RO, 2 decisions, 1 signature and 1 message." in forced.stdout
    assert forced.stdout.rstrip().endswith("Start `signoff web` and `signoff worker` again.")
    assert bravo.shop_names() == ["Alpha Auto"]
    assert bravo.cli("verify", "--all").returncode == 0


def test_restore_refuses_what_is_not_an_sqlite_backup_of_signoff(install, tmp_path):
    target = install("target")
    dump = tmp_path / "signoff.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00\x04\x08\x01\x01")
    done = target.cli("restore", dump)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"{dump} is a PostgreSQL dump, but this install's database is SQLite. Set DATABASE_URL "
        "to a PostgreSQL database to restore it there, or restore an SQLite backup here."
    )
    notes = tmp_path / "notes.txt"
    notes.write_text("not a backup\n")
    assert "neither an SQLite database nor a PostgreSQL dump" in target.cli("restore", notes).stderr
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert "is an SQLite database, but not Signoff's" in target.cli("restore", other).stderr
    assert "There is no backup file at" in target.cli("restore", tmp_path / "missing").stderr


def test_backup_refuses_to_overwrite_unless_forced_and_says_where_it_cannot_write(
    install, tmp_path
):
    live = install("live")
    live.python(SEED, "Alpha Auto")
    existing = tmp_path / "existing.backup"
    existing.write_text("keep me")
    refused = live.cli("backup", existing)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"{existing} already exists. Choose another file name, or add --force to replace it."
    )
    assert existing.read_text() == "keep me"

    forced = live.cli("backup", existing, "--force")
    assert forced.returncode == 0, forced.stderr
    assert existing.read_bytes().startswith(b"SQLite format 3\x00")
    assert oct(existing.stat().st_mode & 0o777) == "0o600"  # it holds customers' data
    assert not list(tmp_path.glob(".*partial*"))

    nowhere = live.cli("backup", tmp_path / "no-such-folder" / "x.backup")
    assert nowhere.returncode == 1
    assert nowhere.stderr.strip() == (
        f"The folder {tmp_path / 'no-such-folder'} does not exist; create it or choose another."
    )
    folder = live.cli("backup", tmp_path)
    assert "is a folder: give the backup's file name" in folder.stderr
    itself = live.cli("backup", live.db, "--force")
    assert "is the database itself" in itself.stderr


def test_a_backup_of_a_tampered_database_is_kept_but_its_check_fails(install, tmp_path):
    live = install("live")
    live.python(SEED, "Alpha Auto")
    with sqlite3.connect(live.db) as conn:
        conn.execute("UPDATE approvals_decision SET comment = 'edited' WHERE sequence = 1")
    done = live.cli("backup", tmp_path / "tampered.backup")
    assert done.returncode == 1
    assert "— 1 RO BROKEN:" in done.stdout
    assert "  - RO 1001 (Alpha Auto): Decision #1 (sequence 1): content hash does not match" in (
        done.stdout
    )
    assert done.stderr.strip().startswith(
        f"The backup at {tmp_path / 'tampered.backup'} is complete, but its chain check failed"
    )
    assert (tmp_path / "tampered.backup").exists()
    verified = live.cli("verify", "--all")
    assert verified.returncode == 1
    assert "RO 1001 (Alpha Auto): Decision #1 (sequence 1)" in verified.stdout


def test_without_its_database_each_command_says_so_in_a_sentence(install, tmp_path):
    gone = install("gone", fresh=True)  # the file was moved: a connection never creates one
    verified = gone.cli("verify", "--all")
    assert verified.returncode == 1
    assert verified.stderr.strip() == (
        "The database failed: unable to open database file. Check DATABASE_URL and that the "
        "database server is running."
    )
    backed_up = gone.cli("backup", tmp_path / "gone.backup")
    assert backed_up.returncode == 1
    assert backed_up.stderr.startswith(f"There is no database at {gone.db}.")


def test_the_console_command_passes_its_options_on(monkeypatch):
    from signoff import cli

    calls = []
    monkeypatch.setattr(cli, "_django", calls.append)
    cli.main(["backup", "b.backup", "--force", "--no-verify"])
    cli.main(["restore", "b.backup", "--force"])
    cli.main(["verify", "--all", "--shop", "east"])
    assert calls == [
        ["backup", "b.backup", "--force", "--no-verify"],
        ["restore", "b.backup", "--force"],
        ["verify_all", "--shop", "east"],
    ]
