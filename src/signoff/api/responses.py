"""The error answers every route documents, decided in one place from what the route takes.

A route declares its successes and the errors only it can give (`link_url`'s 410, say);
`document_errors` adds the rest to each operation of a router before it is mounted, all in the
common error shape (`ErrorOut`), with a description per status:

- every route: 503 while the database does not answer;
- token routes: 401 (no valid token); 403 for writes (roles that may not change anything);
  404 when the path names an object (missing or another shop's);
- share-link routes (`auth=None`, the token in the path): 404 (no such link), 410 (revoked or
  expired), 429 (too many guesses or submissions); 409 for writes (the estimate changed, or
  the shop decided meanwhile);
- 422 when the route takes input the schema constrains (a query, a body, an id in the path);
- 400 (not JSON) and 413 (over the upload limit) when it reads a body;
- writes with `Idempotency-Key` (`@idempotent`): the header itself, 422 (a key reused for
  another request, or not a usable key), 409 (the key's first request still runs) and 413.

405 (a method the path does not take) belongs to a path, not to an operation, so OpenAPI has
no place for it; 500 is a bug. Both still come in the error shape.
"""

from __future__ import annotations

from typing import Any

from ninja import Router
from ninja.constants import NOT_SET
from ninja.operation import Operation
from ninja.params.models import BodyModel, PathModel

from signoff.api.idempotency import HEADER, MAX_KEY_LENGTH, WRITE_METHODS, is_idempotent
from signoff.api.schemas import ErrorOut

_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}

DESCRIPTIONS = {
    400: "The body is not JSON (send a JSON object with `Content-Type: application/json`).",
    401: "No valid API token: send `Authorization: Bearer <token>`.",
    403: "The token's role may not do this (technicians cannot change estimates).",
    409: "Conflicts with the current state; `code` says how (see the route's description).",
    410: "The link was revoked or has expired: ask the shop for a new one.",
    413: "The body is larger than the server accepts; the message says the limit.",
    422: "Some input is not valid: `fields` names each field and what to send instead.",
    429: "Too many attempts from this address or through this link; wait and try again.",
    503: "The database does not answer; nothing was changed. Try again shortly.",
}
_NOT_FOUND = {
    "token": "Not found, or another shop's (the two are never told apart).",
    "link": "No share link has this token (check that it was copied completely).",
}
_IDEMPOTENCY_KEY = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": (
        "A unique value per intended change (a UUID): a retry with the same key and body gets "
        "the first answer back (`Idempotent-Replayed: true`) and changes nothing."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
}


def error_statuses(operation: Operation, *, kind: str) -> list[int]:
    """The error statuses `operation` can answer: `kind` is "token" for staff routes, "link"
    for the customer's share-link routes."""
    reads_body = any(issubclass(model, BodyModel) for model in operation.models)
    constrained = any(
        not issubclass(model, PathModel)
        or any(field.annotation is not str for field in model.model_fields.values())
        for model in operation.models
    )
    has_path = any(
        issubclass(model, PathModel) and model.model_fields for model in operation.models
    )
    writes = bool(WRITE_METHODS & {method.upper() for method in operation.methods})
    idempotent = is_idempotent(operation)
    statuses = {503}
    if kind == "token":
        statuses.add(401)
        if writes:
            statuses.add(403)
        if has_path:
            statuses.add(404)
    else:
        statuses.update({404, 410, 429})
        if writes:
            statuses.add(409)
    if constrained:
        statuses.add(422)
    if reads_body:
        statuses.update({400, 413, 422})
    if idempotent:
        statuses.update({409, 413, 422})
    return sorted(statuses)


def document_errors(router: Router, *, api_auth: Any) -> None:
    """Adds the error statuses of `error_statuses` to every operation of `router` (those it
    declares itself keep their place) and `Idempotency-Key` to those that honour it."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            auth = operation.auth_param
            if auth is NOT_SET:
                auth = router.auth if router.auth is not NOT_SET else api_auth
            kind = "link" if auth is None else "token"
            extra = operation.openapi_extra = dict(operation.openapi_extra or {})
            # Int keys, like ninja's own: "404" beside 404 would be a duplicate key in the JSON.
            responses = extra["responses"] = dict(extra.get("responses", {}))
            declared = {status for status in operation.response_models if status >= 400}
            for status in sorted(declared.union(error_statuses(operation, kind=kind))):
                # ninja's own wrapper, as for the statuses a route declares: a handler returning
                # Status(404, …) is then checked against ErrorOut too.
                operation.response_models.setdefault(
                    status, operation._create_response_model(ErrorOut)
                )
                described = _NOT_FOUND[kind] if status == 404 else DESCRIPTIONS[status]
                details = {"description": described, **responses.get(status, {})}
                if status in (429, 503):
                    details.setdefault("headers", _RETRY_AFTER)
                responses[status] = details
            operation.response_models = dict(
                sorted(operation.response_models.items(), key=lambda item: item[0])
            )
            parameters = extra.get("parameters", [])
            if is_idempotent(operation) and _IDEMPOTENCY_KEY not in parameters:
                extra["parameters"] = [*parameters, _IDEMPOTENCY_KEY]
