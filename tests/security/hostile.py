"""What the hostile-input suites check after each request: no server error, nothing saved on a
refusal, and a saved payload stored and shown exactly as sent (escaped in HTML).

Each request runs in a savepoint that is rolled back, so every payload meets the same data and
one world serves a whole route or form.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.utils.html import escape


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """Run a request and its checks, then undo whatever it wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@functools.cache
def _queries() -> tuple[tuple[str, str], ...]:
    """One SELECT per Signoff table, as the permission walk's `snapshot()` reads them (the
    idempotency records, the rate limits' attempt counters and a token's last use left out),
    in plain SQL: the suites read the tables after every request, and the ORM would take longer
    than the request."""
    quote = connection.ops.quote_name
    queries = []
    for model in apps.get_models():
        meta = model._meta
        if not model.__module__.startswith("signoff.") or meta.label_lower in {
            "api.idempotencyrecord",
            "core.ratecounter",
        }:
            continue
        columns = [f.column for f in meta.concrete_fields if f.attname != "last_used_at"]
        sql = "SELECT {} FROM {} ORDER BY {}".format(
            ", ".join(map(quote, columns)), quote(meta.db_table), quote(meta.pk.column)
        )
        queries.append((meta.label_lower, sql))
    return tuple(queries)


def rows() -> dict[str, list[tuple]]:
    """Every row of Signoff's own tables, to tell whether a request changed anything."""
    with connection.cursor() as cursor:
        state = {}
        for label, sql in _queries():
            cursor.execute(sql)
            state[label] = [tuple(_plain(v) for v in row) for row in cursor.fetchall()]
    return state


def _plain(value: Any) -> Any:
    # PostgreSQL hands back bytea as memoryview, which does not compare by value.
    return bytes(value) if isinstance(value, memoryview) else value


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def stored_strings(state: dict) -> set[str]:
    """Every text value in a `snapshot()`, JSON columns (version contents, events) included."""
    return set(_strings(list(state.values())))


def newly_stored(before: dict, after: dict) -> set[str]:
    return stored_strings(after) - stored_strings(before)


def shown_literally(html: str, text: str) -> bool:
    """The text appears in the page as typed: each of its lines, HTML-escaped (a page may
    join lines with <br>)."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    return all(escape(line.strip()) in html for line in lines)


def markup_left_raw(html: str, text: str) -> bool:
    """True when a payload with markup appears unescaped (it would run in the page)."""
    return "<" in text and text in html


class Problems(list):
    """The failures of one suite run, reported together like the permission walk's."""

    def add(self, where: str, what: str) -> None:
        self.append(f"{where}: {what}")

    def report(self, title: str) -> str:
        shown = self[:60]
        more = f"\n  … and {len(self) - 60} more" if len(self) > 60 else ""
        return title + ":\n  " + "\n  ".join(shown) + more
