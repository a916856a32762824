"""The API's paginated lists: `limit` and `offset` within documented bounds, refused beyond them."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 100
MAX_LIMIT = 200
# Far past any shop's list, and small enough that offset + limit stays a database integer.
MAX_OFFSET = 1_000_000_000


class Paged(LimitOffsetPagination):
    """ninja's limit/offset pagination, except that a limit above MAX_LIMIT is refused (422)
    rather than quietly lowered, and the offset is bounded (a huge one reached SQLite and
    failed there)."""

    # Named Input like ninja's own, so the schema's component keeps its name.
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
