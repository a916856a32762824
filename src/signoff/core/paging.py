"""Counting the results of a list without reading them all: the staff lists and the API's.

A shop with a million repair orders should not count them all to show the first 25. Lists
count at most COUNT_AHEAD results past the start of the page asked for: below that the count is
exact, above it the list says "at least" (1,000+). Paging further on counts further on, so every
page stays reachable, and counting never reads more rows than the page's OFFSET already does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class CountedPage:
    rows: list[Any]
    counted: BoundedCount


def counted_page(queryset: QuerySet, *, offset: int, limit: int) -> CountedPage:
    """Rows `offset` to `offset + limit` of `queryset` (ordered), and its count as count_bounded
    makes it, reading the matching rows once.

    The first query reads the ids from `offset` to the count's horizon in the list's order:
    how many there are is the count past `offset`, and the first `limit` of them are the page.
    The second reads those rows by id (`rows_by_id`). Counting and reading the page apart would
    run a search's index reads twice. A page past the end has no ids to count, so it is
    counted from the start instead.
    """
    offset = max(offset, 0)
    horizon = offset + COUNT_AHEAD
    ids = list(queryset.values_list("pk", flat=True)[offset : horizon + 1])
    if not ids:
        counted = count_bounded(queryset, offset=offset) if offset else bounded(0)
        return CountedPage(rows=[], counted=counted)
    counted = bounded(offset + len(ids), horizon=horizon)
    return CountedPage(rows=rows_by_id(queryset, ids[:limit]), counted=counted)


def rows_by_id(queryset: QuerySet, ids: list[Any]) -> list[Any]:
    """The rows of `queryset` with these ids, in their order: its joins, annotations and
    prefetches, without its conditions (the ids were read through them, shop and search
    included), so that the rows are read by primary key rather than searched again."""
    if not ids:
        return []
    qs = queryset.order_by()
    qs.query.clear_where()
    found = {row.pk: row for row in qs.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


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
