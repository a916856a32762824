"""`GET /healthz`: whether this install can do its work, for load balancers and monitoring.

200 `{"status": "ok", "checks": {...}, ...}` when the database answers, its schema is Signoff's
and up to date, a delivery worker has reported in (when the task backend needs one) and no
message has waited too long; otherwise 503 `{"status": "unavailable", "problems": {name:
sentence}, ...}`. A database that does not answer is the only problem reported: nothing else
can be checked without it. Never cached.
"""

from __future__ import annotations

from django.db import DatabaseError, InterfaceError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from signoff.core.health import database_problem, first_line, schema_problem
from signoff.sharing.health import delivery_health

OK = "ok"
FAILED = "failed"
NOT_REQUIRED = "not required"
NOT_CHECKED = "not checked"


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    problems, checks, figures = _report()
    body: dict[str, object] = {"status": "unavailable" if problems else "ok"}
    if problems:
        body["problems"] = problems
    body["checks"] = checks
    body.update(figures)
    response = JsonResponse(body, status=503 if problems else 200)
    response["Cache-Control"] = "no-store"
    return response


def _report() -> tuple[dict[str, str], dict[str, str], dict[str, object]]:
    """(problems, checks, figures), each check stopping where the one before it failed."""
    database = database_problem()
    if database is not None:
        return {"database": database}, {"database": FAILED}, {}
    checks = {"database": OK, "schema": OK, "worker": NOT_CHECKED, "queue": NOT_CHECKED}
    schema = schema_problem()
    if schema is not None:
        checks["schema"] = FAILED
        return {"schema": schema}, checks, {}
    try:
        delivery = delivery_health()
    except (DatabaseError, InterfaceError) as exc:
        checks["database"] = FAILED
        return {"database": f"The database failed during the checks: {first_line(exc)}"}, checks, {}
    if delivery.worker_required:
        checks["worker"] = FAILED if delivery.worker_missing else OK
    else:
        checks["worker"] = NOT_REQUIRED
    checks["queue"] = FAILED if delivery.queue_stuck else OK
    figures = {
        "worker_required": delivery.worker_required,
        "worker_heartbeat_age_seconds": _whole(delivery.heartbeat_age),
        "oldest_queued_seconds": _whole(delivery.oldest_waiting_age),
    }
    return delivery.problems, checks, figures


def _whole(seconds: float | None) -> int | None:
    return None if seconds is None else int(seconds)
