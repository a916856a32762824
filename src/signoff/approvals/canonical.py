"""Canonical JSON and SHA-256 for evidence hashes: one spelling of a value, so one hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any


def canonical_value(value: Any) -> Any:
    """The JSON-ready form of a value: Decimals as strings, times as ISO-8601 UTC with µs.

    Floats are refused: their decimal spelling is not stable across platforms, and money
    must never be a float anyway.
    """
    if isinstance(value, dict):
        return {str(k): canonical_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_value(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be hashed; make it aware")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        raise TypeError("floats have no canonical form here; use Decimal")
    raise TypeError(f"{type(value).__name__} has no canonical JSON form")


def canonical_json(obj: Any) -> str:
    """Keys sorted, no spaces, UTF-8 kept as is."""
    return json.dumps(
        canonical_value(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def sha256_hex(obj: Any) -> str:
    """SHA-256 of the canonical JSON of `obj`, as 64 hex digits."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


def sha256_bytes(data: bytes | memoryview | None) -> str:
    """SHA-256 of raw bytes (a signature's PNG), as 64 hex digits."""
    return hashlib.sha256(bytes(data or b"")).hexdigest()
