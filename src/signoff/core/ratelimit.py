"""Fixed-window attempt counters in the database: every limit in Signoff counts here.

An attempt is counted *before* it is judged, in one statement (an upsert that returns the new
count), so N parallel attempts get N different counts and at most `limit` of them are allowed,
on SQLite and PostgreSQL alike, across every web process. A caller whose attempt turned out
not to count (a password that was right) hands it back with `attempt_refund`. A caller that
must not write when the attempt succeeds (the customer page's GET) reads the count with
`attempts_so_far` (or in its own query's row, `attempts_so_far_expression`) and counts only a
failure, judging it by the count the failure made.
Subjects (addresses, usernames) are stored hashed.

Call these outside a transaction: a count inside one that rolls back is lost with it.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.db.models import F, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from signoff.core.models import RateCounter

# SQLite (3.35+) and PostgreSQL both speak this upsert; the ORM has no increment that creates
# the row and returns the new count in one statement. The table is RateCounter's.
_COUNT = (
    'INSERT INTO core_ratecounter AS c ("key", hits, expires_at) VALUES (%s, 1, %s) '
    'ON CONFLICT ("key") DO UPDATE SET hits = c.hits + 1 RETURNING hits'
)


@dataclass(frozen=True)
class Attempt:
    """One counted attempt: its window's row and the count it made."""

    key: str
    count: int
    limit: int
    seconds_left: int

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit


def seconds_left(window_seconds: int) -> int:
    """Seconds until the current window ends and the counts start again."""
    return window_seconds - int(time.time()) % window_seconds


def _window_key(scope: str, subject: str, window_seconds: int) -> tuple[str, int]:
    """The counter row's key for `subject` in the current window, and the window's number."""
    window = int(time.time()) // window_seconds
    digest = hashlib.sha256(subject.encode()).hexdigest()[:40]
    return f"{scope}:{digest}:{window}", window


def attempts_so_far(*, scope: str, subject: str, window_seconds: int) -> int:
    """How many attempts `subject` made against `scope` in the current window (a read)."""
    key, _window = _window_key(scope, subject, window_seconds)
    hits = RateCounter.objects.filter(key=key).values_list("hits", flat=True).first()
    return hits or 0


def attempts_so_far_expression(*, scope: str, subject: str, window_seconds: int) -> Coalesce:
    """`attempts_so_far` as an expression, to read the count in another query's row."""
    key, _window = _window_key(scope, subject, window_seconds)
    return Coalesce(Subquery(RateCounter.objects.filter(key=key).values("hits")[:1]), 0)


def attempt_count(*, scope: str, subject: str, limit: int, window_seconds: int) -> Attempt:
    """Count one attempt of `subject` against `scope`'s limit in the current window."""
    key, window = _window_key(scope, subject, window_seconds)
    expires_at = datetime.fromtimestamp((window + 1) * window_seconds, tz=UTC)
    with connection.cursor() as cursor:
        cursor.execute(_COUNT, [key, connection.ops.adapt_datetimefield_value(expires_at)])
        (count,) = cursor.fetchone()
    return Attempt(key=key, count=count, limit=limit, seconds_left=seconds_left(window_seconds))


def attempt_refund(attempt: Attempt) -> None:
    """Take back an attempt that should not count (it succeeded, or was no guess)."""
    RateCounter.objects.filter(key=attempt.key, hits__gt=0).update(hits=F("hits") - 1)


def rate_counters_purge() -> int:
    """Forget the counts of windows that have ended (the worker calls this)."""
    deleted, _ = RateCounter.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
