"""The staff API's list pages: `limit` and `offset`, with a count that stops a little ahead."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from signoff.core.paging import COUNT_AHEAD, count_bounded

COUNT_DESCRIPTION = (
    f"How many match, counted up to {COUNT_AHEAD:,} past `offset`. When more match, `count` is "
    f"`offset` + {COUNT_AHEAD:,} and `count_exact` is false: page on, and the count goes further."
)


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """Ninja's limit/offset paging, counting only as far as core.paging allows: a list of a
    million repair orders answers its first page without counting them all."""

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description=COUNT_DESCRIPTION)
        count_exact: bool = Field(
            ..., description="False when `count` is a lower bound (more results match)."
        )

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset = pagination.offset
        limit = min(pagination.limit, self.max_limit)
        counted = count_bounded(queryset, offset=offset)
        return {
            "items": queryset[offset : offset + limit],
            "count": counted.count,
            "count_exact": counted.exact,
        }
