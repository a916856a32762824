"""The API's paginated lists: `limit` and `offset` within documented bounds, refused beyond them,
and a count that stops a little ahead (core.paging), so a list of a million repair orders
answers its first page without counting them all."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from signoff.core.paging import COUNT_AHEAD, counted_page

DEFAULT_LIMIT = 100
MAX_LIMIT = 200
# Far past any shop's list, and small enough that offset + limit stays a database integer.
MAX_OFFSET = 1_000_000_000

COUNT_DESCRIPTION = (
    f"How many match, counted up to {COUNT_AHEAD:,} past `offset`. When more match, `count` is "
    f"`offset` + {COUNT_AHEAD:,} and `count_exact` is false: page on, and the count goes further."
)


class Paged(LimitOffsetPagination):
    """ninja's limit/offset pagination, except that a limit above MAX_LIMIT is refused (422)
    rather than quietly lowered, the offset is bounded (a huge one reached SQLite and failed
    there), and the count is bounded."""

    # Named Input and Output like ninja's own, so the schema's components keep their names.
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description=COUNT_DESCRIPTION)
        count_exact: bool = Field(
            ..., description="False when `count` is a lower bound (more results match)."
        )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset = pagination.offset
        limit = min(pagination.limit, self.max_limit)
        page = counted_page(queryset, offset=offset, limit=limit)
        return {
            "items": page.rows,
            "count": page.counted.count,
            "count_exact": page.counted.exact,
        }
