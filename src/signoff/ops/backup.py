"""`signoff backup` and `signoff restore`: a consistent, checked copy of the database, and
loading one back.

SQLite is copied through its online backup API (`sqlite3.Connection.backup`): one consistent
snapshot, rows committed but still only in the -wal file included (copying the file alone
loses them), while the web and the workers keep writing. PostgreSQL is copied with
`pg_dump --format=custom` and loaded with `pg_restore`.

A backup is then checked in a separate process (`signoff_inventory`, as a restored install
would run): on the SQLite file itself, or on a scratch database of the same PostgreSQL server
restored from the dump and dropped afterwards. Every failure is one sentence (CommandError).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections

from signoff.approvals.chain import TAMPERED_ADVICE, ChainCheck, verify_all
from signoff.core.formatting import counted
from signoff.core.health import schema_problem
from signoff.core.install import sqlite_path, sqlite_uri
from signoff.orders.models import RepairOrder
from signoff.sharing.models import Message
from signoff.shops.models import Shop

Say = Callable[[str], None]

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
VENDORS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# `signoff_inventory` exits with this when a chain is broken (a crash would exit 1).
BROKEN_EXIT = 3
STOP_FIRST = (
    "Before restoring, stop `signoff web` and `signoff worker` (and anything else that uses "
    "the database); start them again once the restore is done."
)
KEY_REMINDER = (
    "Restoring it also needs this install's secret key (SIGNOFF_SECRET_KEY, or secret_key in "
    "the data folder): keep a copy of the key somewhere safe, apart from the backups."
)


# What a database holds ---------------------------------------------------------------------


@dataclass
class Inventory:
    """The chain check of every RO with its counts, and the number of outbox messages."""

    check: ChainCheck
    messages: int

    def lines(self) -> list[str]:
        c = self.check
        held = (
            f"It holds {counted(c.shops, 'shop')}, {counted(c.repair_orders, 'RO')}, "
            f"{counted(c.decisions, 'decision')}, {counted(c.signatures, 'signature')} and "
            f"{counted(self.messages, 'message')}."
        )
        return [held, *c.lines()]


def inventory() -> Inventory:
    return Inventory(check=verify_all(), messages=Message.objects.count())


def _first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def _database_answers() -> None:
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        raise CommandError(
            f"The database does not answer: {_first_line(exc)}. Check DATABASE_URL and that "
            "the database server is running."
        ) from None


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in VENDORS:
        raise CommandError(f"Signoff backs up SQLite and PostgreSQL databases, not {vendor}.")
    return vendor


def _size(path: Path) -> str:
    size = float(path.stat().st_size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""  # pragma: no cover


# Backup ----------------------------------------------------------------------------------


def backup(path: Path, *, force: bool, verify: bool, say: Say) -> None:
    """Write a consistent copy of the database to `path`, then check the copy."""
    vendor = _vendor()
    path = _writable_target(Path(path).expanduser(), force=force)
    if vendor == "sqlite":
        source = _sqlite_file()
        if path.resolve() in {source.resolve(), *_sqlite_companions(source.resolve())}:
            raise CommandError(f"{path} is the database itself; write the backup elsewhere.")
        with _written_atomically(path) as partial:
            _sqlite_copy(sqlite_uri(source), partial)
            _sqlite_single_file(partial)
    else:
        _database_answers()
        with _written_atomically(path) as partial:
            _pg_dump(partial)
    say(f"Backed up the {VENDORS[vendor]} database to {path} ({_size(path)}).")
    if not verify:
        say(
            "The copy was not checked (--no-verify). Check it by restoring it on a spare "
            "install, or by backing up again without --no-verify."
        )
        say(KEY_REMINDER)
        return
    say("Checking the copy…")
    if vendor == "sqlite":
        try:
            done = _inventory_of(f"sqlite:///{quote(str(path.resolve()))}")
        finally:
            _sqlite_single_file(path)
    else:
        done = _pg_scratch_inventory(path, say=say)
    for line in done.stdout.splitlines():
        say(line)
    if done.returncode == BROKEN_EXIT:
        say(TAMPERED_ADVICE)
        raise CommandError(
            f"The backup at {path} is complete, but its chain check failed: the database "
            "itself holds records changed outside Signoff (listed above). Keep this backup "
            "and the earlier ones."
        )
    if done.returncode != 0:
        raise CommandError(
            f"The backup at {path} was written, but it could not be checked: "
            f"{_first_line(done.stderr) or f'the check exited with code {done.returncode}'}"
        )
    say("The chain check of the copy passed.")
    say(KEY_REMINDER)


def _writable_target(path: Path, *, force: bool) -> Path:
    if path.is_dir():
        raise CommandError(
            f"{path} is a folder: give the backup's file name, e.g. {path / 'signoff.backup'}."
        )
    if path.exists() and not force:
        raise CommandError(
            f"{path} already exists. Choose another file name, or add --force to replace it."
        )
    if not path.parent.is_dir():
        raise CommandError(f"The folder {path.parent} does not exist; create it or choose another.")
    return path


@contextlib.contextmanager
def _written_atomically(path: Path) -> Iterator[Path]:
    """A private (mode 600) file beside `path`, renamed to it once complete; removed otherwise.

    An existing `path` (--force) is only replaced by a finished copy."""
    partial = path.parent / f".{path.name}.partial-{secrets.token_hex(4)}"
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise CommandError(
            f"Cannot write in {path.parent}: {exc.strerror}. Choose a folder you can write to."
        ) from None
    os.close(fd)
    try:
        yield partial
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except OSError as exc:
        raise CommandError(f"Cannot write {path}: {exc.strerror}.") from None
    finally:
        partial.unlink(missing_ok=True)


def _inventory_of(database_url: str) -> subprocess.CompletedProcess:
    """`signoff_inventory` in a process of its own, on another database."""
    return subprocess.run(
        [sys.executable, "-m", "signoff.manage", "signoff_inventory"],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )


# SQLite --------------------------------------------------------------------------------


def _sqlite_file() -> Path:
    path = sqlite_path(connection.settings_dict["NAME"])
    if path is None:
        raise CommandError("The database is in memory: there is nothing to back up.")
    if not path.exists():
        raise CommandError(
            f"There is no database at {path}. Check DATABASE_URL and SIGNOFF_DATA_DIR; a new "
            "install starts with `signoff migrate`."
        )
    return path


def _sqlite_companions(path: Path) -> set[Path]:
    return {path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")}


def _sqlite_pages(source_uri: str, target: Path, *, locked: str, failed: str) -> None:
    """SQLite's online backup API, in one step: one read transaction, so one consistent copy
    (what is still only in the -wal file included). `locked` and `failed` say what went wrong."""
    try:
        source = sqlite3.connect(source_uri, uri=True, timeout=20)
        try:
            destination = sqlite3.connect(target, timeout=20)
            try:
                page_size = "PRAGMA page_size"
                if (
                    source.execute(page_size).fetchone()
                    != destination.execute(page_size).fetchone()
                ):
                    # A database in WAL mode only takes pages of its own size: leave WAL while
                    # copying (this needs no other connection open), the next connection
                    # turns it on again.
                    destination.execute("PRAGMA journal_mode=DELETE")
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        if "locked" in str(exc):
            raise CommandError(locked) from None
        raise CommandError(f"{failed}: {exc}.") from None


def _sqlite_copy(source_uri: str, destination: Path) -> None:
    _sqlite_pages(
        source_uri,
        destination,
        locked="The database is in use and stayed locked: stop `signoff web` and "
        "`signoff worker`, then try again.",
        failed="Copying the SQLite database failed",
    )


def _sqlite_check_backup(path: Path) -> None:
    """A readable, undamaged SQLite file with Signoff's tables."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise CommandError(f"{path} cannot be read as an SQLite database: {exc}.") from None
    if verdict != "ok":
        raise CommandError(f"{path} is damaged (SQLite says: {verdict}); restore another backup.")
    if Shop._meta.db_table not in tables:
        raise CommandError(
            f"{path} is an SQLite database, but not Signoff's (it has no {Shop._meta.db_table} table)."
        )


def _sqlite_restore(backup_file: Path, database: Path) -> None:
    _sqlite_pages(
        f"{backup_file.resolve().as_uri()}?mode=ro",
        database,
        locked="The database is in use: stop `signoff web` and `signoff worker`, then "
        "restore again.",
        failed="Restoring the SQLite database failed",
    )


def _sqlite_single_file(path: Path) -> None:
    """Leave the backup in rollback-journal mode: one file, readable from read-only media
    without -wal and -shm files beside it (a Signoff connection turns WAL on again)."""
    with contextlib.suppress(sqlite3.Error):
        db = sqlite3.connect(path)
        try:
            db.execute("PRAGMA journal_mode=DELETE")
        finally:
            db.close()


# PostgreSQL --------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """SIGNOFF_PG_BIN's, else the server's own version's (Debian keeps each version in
    /usr/lib/postgresql/N/bin), else the one on PATH."""
    if settings.PG_BIN:
        tool = Path(settings.PG_BIN) / name
        if not tool.is_file():
            raise CommandError(f"SIGNOFF_PG_BIN is {settings.PG_BIN}, but it holds no {name}.")
        return str(tool)
    major = connection.pg_version // 10000
    beside = Path(f"/usr/lib/postgresql/{major}/bin") / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found:
        return found
    raise CommandError(
        f"{name} was not found. Install PostgreSQL's client programs, version {major} or newer "
        f"(Debian: postgresql-client-{major}), or set SIGNOFF_PG_BIN to the folder holding {name}."
    )


# libpq's environment variables for the OPTIONS dj-database-url reads from the URL's query.
_PG_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
}


def _pg_env(database: str) -> dict[str, str]:
    """The connection as libpq environment variables: no password on a command line."""
    config = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if config.get(key):
            env[variable] = str(config[key])
    for key, variable in _PG_OPTION_VARIABLES.items():
        if (config.get("OPTIONS") or {}).get(key):
            env[variable] = str(config["OPTIONS"][key])
    env["PGDATABASE"] = database
    return env


def _pg_url(database: str) -> str:
    """DATABASE_URL for another database of the same server, as the same user."""
    config = connection.settings_dict
    user = quote(config.get("USER") or "", safe="")
    password = quote(config.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = config.get("HOST") or ""
    if host.startswith("/"):
        host = quote(host, safe="")  # a socket folder
    elif ":" in host:
        host = f"[{host}]"
    port = f":{config['PORT']}" if config.get("PORT") else ""
    options = {
        key: str(value)
        for key, value in (config.get("OPTIONS") or {}).items()
        if isinstance(value, str | int | bool)
    }
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{auth}{host}{port}/{quote(database, safe='')}{query}"


def _run(argv: list[str], *, env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise CommandError(f"{what} could not be started ({argv[0]}): {exc.strerror}.") from None
    if done.returncode != 0:
        details = " ".join(line.strip() for line in done.stderr.strip().splitlines()[:3])
        raise CommandError(f"{what} failed (exit {done.returncode}): {details}")


def _pg_dump(destination: Path) -> None:
    database = connection.settings_dict["NAME"]
    argv = [_pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={destination}"]
    _run(argv, env=_pg_env(database), what="pg_dump")


def _pg_scratch_inventory(dump: Path, *, say: Say) -> subprocess.CompletedProcess:
    """Restore the dump into a scratch database on the same server, check it, drop it."""
    scratch = f"signoff_check_{secrets.token_hex(6)}"
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{scratch}" TEMPLATE template0')
    except DatabaseError as exc:
        raise CommandError(
            f"The backup at {dump} was written, but it could not be checked: creating a "
            f"scratch database ({scratch}) on the server failed: {_first_line(exc)}. Let the "
            "database user create databases (ALTER ROLE … CREATEDB), or add --no-verify to "
            "skip the check."
        ) from None
    try:
        argv = [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--no-password",
            "--single-transaction",
            f"--dbname={scratch}",
            str(dump),
        ]
        _run(argv, env=_pg_env(scratch), what="Restoring the copy into a scratch database")
        return _inventory_of(_pg_url(scratch))
    finally:
        _pg_drop(scratch, say=say)


def _pg_drop(database: str, *, say: Say) -> None:
    force = " WITH (FORCE)" if connection.pg_version >= 130000 else ""
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}"{force}')
    except DatabaseError as exc:
        say(f"The scratch database {database} could not be dropped ({_first_line(exc)}); drop it.")


def _pg_restore(dump: Path) -> None:
    database = connection.settings_dict["NAME"]
    argv = [
        _pg_tool("pg_restore"),  # before closing the connection: it asks the server's version
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-password",
        # All or nothing: a restore that fails part-way leaves the database as it was.
        "--single-transaction",
        f"--dbname={database}",
        str(dump),
    ]
    connections.close_all()
    _run(argv, env=_pg_env(database), what="pg_restore")


# Restore --------------------------------------------------------------------------------


def backup_kind(path: Path) -> str:
    """ "sqlite" or "postgresql", from the file's first bytes."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head == SQLITE_HEADER:
        return "sqlite"
    if head.startswith(PG_DUMP_HEADER):
        return "postgresql"
    raise CommandError(
        f"{path} is not a backup made by `signoff backup`: it is neither an SQLite database "
        "nor a PostgreSQL dump."
    )


def _refuse_mismatch(path: Path, kind: str, vendor: str) -> None:
    if kind == vendor:
        return
    if kind == "postgresql":
        raise CommandError(
            f"{path} is a PostgreSQL dump, but this install's database is SQLite. Set "
            "DATABASE_URL to a PostgreSQL database to restore it there, or restore an SQLite "
            "backup here."
        )
    raise CommandError(
        f"{path} is an SQLite database, but this install's database is PostgreSQL. Restore it "
        "where DATABASE_URL is SQLite, or restore a PostgreSQL backup here."
    )


def _held() -> tuple[int, int]:
    """(shops, ROs) the database holds; (0, 0) when it has no tables yet."""
    tables = set(connection.introspection.table_names())
    shops = Shop.objects.count() if Shop._meta.db_table in tables else 0
    ros = RepairOrder.objects.count() if RepairOrder._meta.db_table in tables else 0
    return shops, ros


def restore(path: Path, *, force: bool, say: Say) -> None:
    """Replace the database's data with a backup's, then check what was restored."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise CommandError(f"There is no backup file at {path}.")
    vendor = _vendor()
    kind = backup_kind(path)
    _refuse_mismatch(path, kind, vendor)
    say(STOP_FIRST)
    if vendor == "sqlite":
        _sqlite_check_backup(path)
        database = sqlite_path(connection.settings_dict["NAME"])
        if database is None:
            raise CommandError("The database is in memory: there is nowhere to restore to.")
        if not database.exists():  # a new install: the restore creates its file
            database.parent.mkdir(parents=True, exist_ok=True)
            sqlite3.connect(database).close()
    _database_answers()
    shops, ros = _held()
    if (shops or ros) and not force:
        raise CommandError(
            f"The database already holds data ({counted(shops, 'shop')}, {counted(ros, 'RO')}). "
            "Restoring replaces all of it: back it up first (`signoff backup`), then add --force."
        )
    if shops or ros:
        say(f"Replacing {counted(shops, 'shop')} and {counted(ros, 'RO')} (--force).")
    connections.close_all()
    if vendor == "sqlite":
        _sqlite_restore(path, database)
    else:
        _pg_restore(path)
    connections.close_all()
    say(f"Restored {path} into the {VENDORS[vendor]} database.")
    problem = schema_problem()
    if problem:
        raise CommandError(
            f"The backup is restored, but the database is not ready for this version of "
            f"Signoff. {problem} Then check it with `signoff verify --all`."
        )
    held = inventory()
    for line in held.lines():
        say(line)
    if not held.check.ok:
        say(TAMPERED_ADVICE)
        raise CommandError(
            "The backup is restored, but its chain check failed: it holds records changed "
            "outside Signoff (listed above)."
        )
    say("The chain check passed. Start `signoff web` and `signoff worker` again.")
