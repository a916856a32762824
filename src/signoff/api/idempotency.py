"""Idempotency keys for API writes: a retried request returns the first answer and changes nothing.

Use it on every write route, directly under the route decorator::

    @router.post("/repair-orders/{ro_id}/shares", response={201: ShareOut})
    @idempotent
    def share_create(request, ro_id: int, payload: ShareIn): ...

A client may send `Idempotency-Key: <unique value, e.g. a UUID>` with any POST, PUT, PATCH or
DELETE. The first request with a key runs normally; its status and body are stored with the key,
scoped to the token's user and shop. A later request with the same key:

- and the same method, path and JSON body gets the stored answer back (header
  `Idempotent-Replayed: true`) and the handler does not run again;
- and anything different is refused with 422 `idempotency_key_reused`, because the key was
  used for a different request (use a new key per intended change).

The whole request runs in one transaction with the key's row, so the stored answer and the
change it describes are saved together. Two requests with the same key at the same time cannot
both run: the key is unique per (shop, user), so the second waits on the first's row (SQLite
serializes writers; PostgreSQL blocks the second insert until the first commits) and then
replays its answer. Server errors (5xx) roll everything back and store nothing, so a retry with
the same key runs again. Refusals the handler gives (403, 404, 409, 422 from a service) are
stored and replayed like successes; a body that fails the schema never reaches the handler and
stores nothing. Replays still need a valid token. Routes without a token (the portal) and
requests without the header behave exactly as without the decorator.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.decorators import decorate_view
from ninja.utils import contribute_operation_callback

from signoff.api.models import IdempotencyRecord
from signoff.core.errors import Conflict, ValidationFailed
from signoff.core.validation import json_too_deep

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Marks the key row while its request runs; only visible inside that request's transaction.
_IN_PROGRESS = 0

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class _Claim:
    """What the outer wrapper hands the inner one through the request."""

    key: str
    record: IdempotencyRecord | None = None


def idempotent(view_func: F) -> F:
    """Makes a ninja write route honour `Idempotency-Key`. Put it right under `@router.post(...)`.

    It keeps the handler's signature (ninja reads it for parameters and the schema) and works on
    routers mounted more than once.
    """
    operation = getattr(view_func, "_ninja_operation", None)
    if operation is not None:
        _install(operation)
    else:
        contribute_operation_callback(view_func, _install)
    # The transaction and the stored answer wrap ninja's whole run (auth, parsing, rendering).
    return decorate_view(_answer_once)(view_func)


def is_idempotent(operation) -> bool:
    """Whether a (mounted) ninja operation honours Idempotency-Key, for tests that check routes."""
    return getattr(operation.view_func, "_signoff_idempotent", False) and _answer_once in getattr(
        operation, "_run_decorators", []
    )


def _install(operation) -> None:
    operation.view_func = _claiming(operation.view_func)


def _answer_once(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITE_METHODS:
            return run(request, *args, **kwargs)
        claim = _Claim(key=key)
        request._signoff_idempotency = claim
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            if claim.record is not None:
                if response.status_code >= 500:
                    # Nothing half-saved: a retry with the same key runs again.
                    transaction.set_rollback(True)
                else:
                    _store(claim.record, response)
        return response

    return wrapper


def _claiming(view_func: F) -> F:
    """Runs after authentication and parsing, so the token's user and shop are known."""

    @functools.wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        claim: _Claim | None = getattr(request, "_signoff_idempotency", None)
        if claim is not None:
            replay = _claim_or_replay(request, claim)
            if replay is not None:
                return replay
        return view_func(request, *args, **kwargs)

    wrapper._signoff_idempotent = True
    return wrapper  # type: ignore[return-value]


def _request_fingerprint(request: HttpRequest) -> str:
    """SHA-256 of the query string and body; JSON is compared by content, not by whitespace."""
    body = request.body
    # A body that is not JSON (or nests too deep to parse safely; a route without a body
    # never parses it) is compared byte for byte.
    if not json_too_deep(body):
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            body = json.dumps(
                json.loads(body or b"null"), sort_keys=True, separators=(",", ":")
            ).encode()
    digest = hashlib.sha256()
    digest.update(request.META.get("QUERY_STRING", "").encode())
    digest.update(b"\n")
    digest.update(body)
    return digest.hexdigest()


def _clean_key(raw: str) -> str:
    key = raw.strip()
    if not key:
        raise ValidationFailed(
            "The Idempotency-Key header is empty: send a unique value per change (a UUID), "
            "or leave the header out.",
            fields={HEADER: "Must not be empty."},
        )
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed(
            f"The Idempotency-Key must be printable text of at most {MAX_KEY_LENGTH} characters.",
            fields={HEADER: f"Use at most {MAX_KEY_LENGTH} printable characters, e.g. a UUID."},
        )
    return key


def _claim_or_replay(request: HttpRequest, claim: _Claim) -> HttpResponse | None:
    """Claims the key for this request (returns None), or returns the stored first answer."""
    actor = getattr(request, "actor", None)
    if not actor:
        # Token-less routes (the portal) have no user to scope a key to: they run as usual.
        return None
    key = _clean_key(claim.key)
    wanted = {
        "method": request.method,
        "path": request.path[:300],
        "body_hash": _request_fingerprint(request),
    }
    scope = {"shop": actor.shop, "user": actor.user, "key": key}
    record = IdempotencyRecord.objects.filter(**scope).first()
    if record is None:
        try:
            with transaction.atomic():
                claim.record = IdempotencyRecord.objects.create(
                    **scope, **wanted, status_code=_IN_PROGRESS, response_body=b""
                )
            return None
        except IntegrityError:
            # Another request with this key committed first: answer as it did.
            record = IdempotencyRecord.objects.get(**scope)
    if any(getattr(record, field) != value for field, value in wanted.items()):
        raise ValidationFailed(
            "This Idempotency-Key was already used for a different request "
            f"({record.method} {record.path} with another body). Use a new key for each change.",
            fields={HEADER: "Already used for a different request."},
            code="idempotency_key_reused",
        )
    if record.status_code == _IN_PROGRESS:
        raise Conflict(
            "A request with this Idempotency-Key is still running; retry in a moment.",
            code="idempotency_key_in_use",
        )
    response = HttpResponse(
        bytes(record.response_body),
        status=record.status_code,
        content_type="application/json" if record.response_body else None,
    )
    response[REPLAY_HEADER] = "true"
    return response


def _store(record: IdempotencyRecord, response: HttpResponse) -> None:
    record.status_code = response.status_code
    record.response_body = getattr(response, "content", b"")
    record.save(update_fields=["status_code", "response_body"])


def idempotency_records_purge(*, now: datetime | None = None) -> int:
    """Forget stored answers older than IDEMPOTENCY_KEY_DAYS; returns how many were removed.

    A client retries within minutes or hours; keeping every answer forever would only grow the
    table. A key reused after the window runs as a new request.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.IDEMPOTENCY_KEY_DAYS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
