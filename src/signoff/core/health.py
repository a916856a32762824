"""Is the database there, and is it Signoff's? Used by /healthz, `signoff check` and the error
pages (is an uncaught exception an outage?).

Each check returns None when fine, else one sentence saying what is wrong and what to do.
"""

from __future__ import annotations

import logging
from functools import cache

from django.db import DatabaseError, InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

# Tables without which no page works; a database lacking them is not Signoff's (or is empty).
CORE_TABLES = ("django_migrations", "shops_shop", "orders_repairorder", "approvals_decision")


def database_problem() -> str | None:
    """None when the database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health: the database does not answer: %s", exc)
        return f"The database does not answer: {first_line(exc)}"
    return None


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether an uncaught exception means the database is not answering: an outage, not a bug.

    A server that is down, restarting or unreachable, a dropped connection, a timeout or a
    locked SQLite file come out of Django as OperationalError or InterfaceError (also when
    raised in a middleware, e.g. loading the session). Other database errors (IntegrityError,
    DataError, ProgrammingError) are bugs and stay 500s. Follows `raise … from` causes.
    """
    for _ in range(5):
        if exc is None:
            return False
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__
    return False


def schema_problem() -> str | None:
    """None when the core tables exist and every migration on disk is applied."""
    try:
        tables = set(connection.introspection.table_names())
        missing = [t for t in CORE_TABLES if t not in tables]
        if missing:
            return (
                f"The database has no {', '.join(missing)} table: it is empty or not Signoff's. "
                "Restore a backup or run `signoff migrate`."
            )
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = {(app, name) for app, name in cursor.fetchall()}
    except DatabaseError as exc:
        return f"The database schema cannot be read: {first_line(exc)}"
    unapplied = sorted(expected_migrations() - applied)
    if unapplied:
        names = ", ".join(f"{app}.{name}" for app, name in unapplied[:3])
        more = f" and {len(unapplied) - 3} more" if len(unapplied) > 3 else ""
        return f"{len(unapplied)} migration(s) not applied ({names}{more}): run `signoff migrate`."
    return None


@cache
def expected_migrations() -> frozenset[tuple[str, str]]:
    """Every migration this code ships, read from disk once per process."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
    loader.load_disk()
    return frozenset(loader.disk_migrations)


def first_line(exc: BaseException) -> str:
    """The first line of an error's text (a driver's message can run to several), for logs."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
