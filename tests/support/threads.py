"""Running work in threads on their own database connections, for the concurrency tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
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
