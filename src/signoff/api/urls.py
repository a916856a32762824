"""The public API under /api/v1/: one NinjaAPI, one router per resource, one error shape."""

import functools
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from signoff.api.auth import TokenAuth
from signoff.core.errors import MethodNotAllowed, SignoffError, ValidationFailed
from signoff.core.http import request_too_large
from signoff.core.validation import MAX_JSON_DEPTH, json_too_deep


def _refuse_nul(value: Any, path: str = "") -> None:
    """PostgreSQL cannot store U+0000 in text, so say so here instead of failing in a service."""
    if isinstance(value, str) and "\x00" in value:
        raise ValidationFailed(
            "Text may not contain the NUL character (U+0000); remove it and send again.",
            fields={path or "body": "Remove the NUL character (U+0000)."},
        )
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{path}.{index}" if path else str(index))


def _refuse_deep(body: bytes) -> None:
    """json.loads recurses once per level: a body nested deeper than any route takes is refused
    before it is parsed (5,000 brackets would end in RecursionError)."""
    if json_too_deep(body):
        raise ValidationFailed(
            f"The request body nests arrays or objects more than {MAX_JSON_DEPTH} levels deep; "
            "no route takes that. Send a flatter JSON object.",
            fields={"body": f"Nest at most {MAX_JSON_DEPTH} levels deep."},
        )


class _Parser(Parser):
    """JSON bodies and query strings, with the nesting and NUL checks above."""

    def parse_body(self, request):
        _refuse_deep(request.body)
        data = super().parse_body(request)
        if not isinstance(data, dict):
            # Every body is an object; ninja would read a string or list as an empty one
            # (a PATCH of `"x"` answered 200 and changed nothing).
            raise ValidationFailed(
                'The request body must be a JSON object, e.g. {"name": "…"}.',
                fields={"body": "Send a JSON object."},
            )
        _refuse_nul(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        _refuse_nul(result)
        return result


api = NinjaAPI(
    title="Signoff API",
    version="1",
    description=(
        "Estimate authorization for repair shops. Staff routes take `Authorization: Bearer <token>`; "
        "portal routes take the share-link token in the path. Errors are "
        '`{"error": {"code", "message", "fields"}}`. Writes accept an `Idempotency-Key` header.'
    ),
    auth=TokenAuth(),
    parser=_Parser(),
    urls_namespace="api",
    # No online validator badge: it would load an image from another site (and tell it where
    # the schema is), which the Content-Security-Policy refuses anyway.
    docs=Swagger(settings={"validatorUrl": None}),
)


def _error(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status,
    )


@api.exception_handler(SignoffError)
def _signoff_error(request, exc: SignoffError):
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    fields = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        message = err.get("msg", "Invalid value.")
        kind = str(err.get("type", ""))
        if kind == "missing":
            message = "This field is required."
        elif kind == "string_too_long":
            limit = err.get("ctx", {}).get("max_length")
            message = f"Use at most {limit:,} characters." if limit else message
        elif kind.startswith(("datetime_", "date_")):
            message = (
                "Send a date and time in ISO 8601, e.g. 2026-11-24T16:30:00-08:00; "
                "without an offset it is read in the shop's time zone."
            )
        fields[".".join(loc) or "body"] = message
    return _error(request, 422, "invalid", "Some fields are not valid; see `fields`.", fields)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _error(
        request, 401, "unauthorized", "Send a valid API token as `Authorization: Bearer <token>`."
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, SignoffError):
        # Raised while parsing the body (see _Parser); ninja wraps it in a 400.
        return _signoff_error(request, exc.__cause__)
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return _error(
            request,
            400,
            "bad_request",
            "The request body is not valid JSON. Send a JSON object with "
            "`Content-Type: application/json`.",
        )
    return _error(
        request, exc.status_code, "bad_request" if exc.status_code == 400 else "error", str(exc)
    )


@api.exception_handler(RequestDataTooBig)
def _too_large(request, exc):
    return _signoff_error(request, request_too_large())


def error_response(request: HttpRequest, exc: SignoffError) -> HttpResponse:
    """Any error under /api/ that no handler above saw (`signoff.urls` chooses the error
    pages: unknown paths, bodies refused before a route ran, uncaught exceptions), in the
    common error shape."""
    return _signoff_error(request, exc)


def _method_not_allowed_as_json(view):
    """Ninja answers a method a path does not take with a bare-text 405; say it in the common
    error shape, keeping the Allow header."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = [m.strip() for m in response["Allow"].split(",") if m.strip()]
            answer = _signoff_error(request, MethodNotAllowed(allowed=allowed))
            answer["Allow"] = ", ".join(sorted(allowed))
            return answer
        return response

    return wrapper


def urls() -> tuple[list, str, str]:
    """The API's URL patterns, for `signoff.urls`: ninja's, with the 405 above."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:  # ninja makes plain paths, no includes
        pattern.callback = _method_not_allowed_as_json(pattern.callback)
    return patterns, app_name, namespace


def _register_routers() -> None:
    from signoff.api import routers
    from signoff.api.responses import document_errors

    for prefix, router in routers.ALL:
        document_errors(router, api_auth=api.auth)
        api.add_router(prefix, router)


_register_routers()
