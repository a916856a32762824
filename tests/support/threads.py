"""Running work in threads on their own database connections, for the concurrency tests."""

from __future__ import annotations

import fcntl
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection, connections
from django.db.utils import load_backend


def database_for_threads(tmp_path) -> dict | None:
    """Settings for the writer threads' connections.

    PostgreSQL: the test database itself (None: keep it). SQLite: the tests run in a
    shared-cache in-memory database, whose table locks fail at once instead of waiting, unlike
    the file database (WAL, IMMEDIATE transactions, busy timeout) Signoff really runs on. So the
    threads get a file copy of the test database with the production options.
    """
    if connection.vendor != "sqlite":
        return None
    path = str(tmp_path / "threads.sqlite3")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [path])
    # WAL is kept in the file: set it once here, so the threads' connections (whose
    # init_command asks for it again) never race each other to switch the journal mode,
    # which SQLite refuses at once with "database is locked" rather than waiting.
    with sqlite3.connect(path) as copy:
        copy.execute("PRAGMA journal_mode=WAL")
    return {**connections.settings["default"], "NAME": path}


def in_thread(db_settings: dict | None, work: Callable[[], Any]) -> tuple[threading.Thread, list]:
    """Start `work()` in a new thread, on a connection to `db_settings` when given (else the
    thread's own connection to the test database). Join the thread, then read the list:
    [result] or [the exception it raised]."""
    out: list = []

    def run():
        try:
            if db_settings is not None:
                backend = load_backend(db_settings["ENGINE"])
                connections["default"] = backend.DatabaseWrapper(db_settings, "default")
            out.append(work())
        except BaseException as exc:  # handed back: an exception in a thread cannot fail a test
            out.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


@contextmanager
def one_test_at_a_time(name: str) -> Iterator[None]:
    """Let only one test holding `name` run at once, across pytest-xdist's workers: tests that
    open dozens of connections together would otherwise overrun PostgreSQL's max_connections."""
    path = Path(tempfile.gettempdir()) / f"signoff-tests-{name}.lock"
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_together(db_settings: dict | None, work: Callable[[], Any], *, count: int) -> list:
    """Run `work` in `count` threads released at the same moment; their results (or the
    exceptions they raised), in no particular order."""
    start = threading.Barrier(count)

    def released():
        start.wait(timeout=60)
        return work()

    runs = [in_thread(db_settings, released) for _ in range(count)]
    for thread, _ in runs:
        thread.join(timeout=120)
    return [out[0] if out else TimeoutError("the thread did not finish") for _, out in runs]
