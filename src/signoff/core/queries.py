"""Small query shapes used on the hot paths.

Django builds an ORDER BY by comparing it with every selected column, so on a wide
`select_related` the ordering alone can cost more than the query's run. Two habits follow:
a lookup by a unique key takes `one_or_none` (no ordering, where `.first()` adds one by primary
key), and a short per-RO list that is read whole is ordered in Python (`newest_first`).
A list that two parts of one page read is read once and kept on the object (`related_once`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, Prefetch, QuerySet, prefetch_related_objects

M = TypeVar("M", bound=Model)


def one_or_none(queryset: QuerySet[M]) -> M | None:
    """The one row a lookup by a unique key finds, or None: `.first()` without its ORDER BY
    (neither the model's default ordering nor the primary key's)."""
    return next(iter(queryset.order_by()[:1]), None)


def newest_first(rows: Iterable[M]) -> list[M]:
    """Rows newest first by `created_at`, then by id (the order staff lists show)."""
    return sorted(rows, key=lambda row: (row.created_at, row.pk), reverse=True)


def related_once(instance: Model, name: str, queryset: QuerySet[M]) -> list[M]:
    """`instance`'s related rows through `name`, filtered by `queryset`: read in one query the
    first time, then kept on the instance in Django's prefetch cache (as a `prefetch_related`
    on its own query would have), so every later caller on the same object reads no more."""
    if name not in getattr(instance, "_prefetched_objects_cache", {}):
        prefetch_related_objects([instance], Prefetch(name, queryset=queryset))
    return list(getattr(instance, name).all())
