"""Small query shapes used on the hot paths.

Django builds an ORDER BY by comparing it with every selected column, so on a wide
`select_related` the ordering alone can cost more than the query's run. Two habits follow:
a lookup by a unique key takes `one_or_none` (no ordering, where `.first()` adds one by primary
key), and a short per-RO list that is read whole is ordered in Python (`newest_first`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def one_or_none(queryset: QuerySet[M]) -> M | None:
    """The one row a lookup by a unique key finds, or None: `.first()` without its ORDER BY
    (neither the model's default ordering nor the primary key's)."""
    return next(iter(queryset.order_by()[:1]), None)


def newest_first(rows: Iterable[M]) -> list[M]:
    """Rows newest first by `created_at`, then by id (the order staff lists show)."""
    return sorted(rows, key=lambda row: (row.created_at, row.pk), reverse=True)
