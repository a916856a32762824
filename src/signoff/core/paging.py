"""Counting the results of a list without reading them all: the staff lists and the API's.

A shop with a million repair orders should not count them all to show the first 25. Lists
count at most COUNT_AHEAD results past the start of the page asked for: below that the count is
exact, above it the list says "at least" (1,000+). Paging further on counts further on, so every
page stays reachable, and counting never reads more rows than the page's OFFSET already does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import IntegerField, QuerySet, Subquery

COUNT_AHEAD = 1000


@dataclass(frozen=True)
class BoundedCount:
    count: int
    exact: bool

    @property
    def label(self) -> str:
        """'42' or '1,000+'."""
        return f"{self.count:,}" if self.exact else f"{self.count:,}+"


def count_bounded(queryset: QuerySet, *, offset: int = 0) -> BoundedCount:
    """The number of rows, counted up to `offset` + COUNT_AHEAD (one query, LIMITed)."""
    horizon = max(offset, 0) + COUNT_AHEAD
    return bounded(queryset.order_by()[: horizon + 1].count(), horizon=horizon)


def bounded(counted: int, *, horizon: int | None = None) -> BoundedCount:
    """A count made up to `horizon` (COUNT_AHEAD by default) + 1 rows, as a BoundedCount."""
    horizon = COUNT_AHEAD if horizon is None else horizon
    return BoundedCount(count=min(counted, horizon), exact=counted <= horizon)


class CountOf(Subquery):
    """count_bounded inside another query, one figure per outer row: COUNT over a subquery that
    `counted_rows` sliced to COUNT_AHEAD + 1 rows (read it back with `bounded`)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) subquery)"
    output_field = IntegerField()


def counted_rows(queryset: QuerySet) -> CountOf:
    return CountOf(queryset[: COUNT_AHEAD + 1])
