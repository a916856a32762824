"""Schemathesis against our own OpenAPI schema, over every operation, staff and portal: generated
requests never make the server fail, and every answer is one the schema documents (its status,
content type, headers and body shape).

Each operation gets a few generated requests (valid and invalid) with real ids in the path and
in the body (and the portal a real share-link token), so they reach the handlers; each with a
path id is also asked once about another shop's object (or an unknown token), whose 404 must be
documented like any other answer. The writes that generated data rarely gets right (a whole
signature, a share's recipients) are also sent once as a client would, and their success
checked the same way.
"""

import base64

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from signoff.approvals.models import ApprovalReason, ReasonKind
from signoff.approvals.services import decision_record
from signoff.sharing import ratelimit
from signoff.shops.access import actor_for
from signoff.signing import services
from tests.factories import MembershipFactory, ShopFactory, api_token_for
from tests.portal.builders import STROKES, shared_estimate
from tests.support.png import png_rgba

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# The schema's own examples, then generated requests, a few per operation.
schema.config.phases.update(phases=["examples", "fuzzing"])

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
UNKNOWN_TOKEN = "an-unknown-token-of-forty-three-characters-x"


@pytest.fixture
def one_connection():
    """Keep the test's database connection open across requests, as Django's test client does:
    the WSGI app would otherwise close it after each request, ending the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _path_ids(shared) -> dict:
    return {
        "customer_id": shared.ro.customer_id,
        "contact_id": shared.primary.pk,
        "vehicle_id": shared.ro.vehicle_id,
        "ro_id": shared.ro.pk,
        "operation_id": shared.tires.pk,
        "version_id": shared.version.pk,
        "link_id": shared.link.pk,
        "token": shared.token,
    }


def _signature() -> dict:
    return {"png": base64.b64encode(png_rgba()).decode(), "strokes": STROKES}


@pytest.fixture
def world(db, one_connection, settings, monkeypatch):
    """A shop with an owner's token and an estimate shared with a contact, who approved some of
    it through their link, and a decision recorded on their behalf: every id in a path is real
    and the answers have something in them. Another shop's estimate, whose ids must be 404.
    The portal's limits are raised: every request comes from one address through one link."""
    settings.PORTAL_RATE_LIMIT = 100_000
    monkeypatch.setattr(ratelimit, "APPROVALS_PER_WINDOW", 100_000)
    shop = ShopFactory()
    owner = MembershipFactory(shop=shop, role="owner").user
    shared = shared_estimate(shop=shop)
    services.portal_approval_submit(
        link=shared.link,
        data=services.ApprovalInput(
            version_id=shared.version.pk,
            choices={shared.brakes.pk: "approved", shared.wipers.pk: "declined"},
            signature_png=_signature()["png"],
            signature_strokes=STROKES,
            consent=True,
        ),
        ip="203.0.113.7",
        user_agent="FleetApp/2",
    )
    reason = ApprovalReason.objects.filter(shop=shop, kind=ReasonKind.WRITTEN).first()
    decision_record(
        actor=actor_for(user=owner, shop_id=shop.pk),
        operation_id=shared.cabin.pk,
        status="deferred",
        reason_id=reason.pk,
    )
    ids = _path_ids(shared)
    other = {**_path_ids(shared_estimate(shop=ShopFactory())), "token": UNKNOWN_TOKEN}
    live = [shared.brakes.pk, shared.tires.pk, shared.wipers.pk, shared.cabin.pk]
    return {
        "headers": {"Authorization": f"Bearer {api_token_for(user=owner, shop=shop)}"},
        "ids": ids,
        "other": other,
        # Ids a generated body names, by field: the ones that make a valid request.
        "body_ids": {
            "customer_id": ids["customer_id"],
            "vehicle_id": ids["vehicle_id"],
            "advisor_id": owner.pk,
            "contact_id": shared.primary.pk,
            "primary_contact_id": shared.primary.pk,
            "contact": shared.primary.pk,
            "reason": reason.pk,
            "version_id": shared.version.pk,
            "operation_id": shared.tires.pk,
        },
        "operation_ids": live,
        "shared": shared,
        "reason": reason,
        "probed": set(),
    }


def _real_ids(body, world) -> None:
    """Point the ids a generated body names at real objects (whole numbers only: anything else
    stays the invalid value it was generated as)."""
    if isinstance(body, list):
        for item in body:
            _real_ids(item, world)
    if not isinstance(body, dict):
        return
    for name, value in body.items():
        if name in world["body_ids"] and isinstance(value, int) and not isinstance(value, bool):
            body[name] = world["body_ids"][name]
        elif name == "operation_ids" and isinstance(value, list):
            body[name] = list(world["operation_ids"])
        else:
            _real_ids(value, world)


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_every_answer_is_one_the_schema_documents(case, world):
    names = list(case.path_parameters or {})
    if names and case.operation.label not in world["probed"]:
        world["probed"].add(case.operation.label)
        for name in names:
            case.path_parameters[name] = world["other"][name]
        case.call_and_validate(headers=world["headers"], checks=CHECKS)
    for name in names:
        case.path_parameters[name] = world["ids"][name]
    _real_ids(case.body, world)
    case.call_and_validate(headers=world["headers"], checks=CHECKS)


def _approval_of_the_tires(world) -> dict:
    shared = world["shared"]
    return {
        "version_id": shared.version.pk,
        "decisions": [{"operation_id": shared.tires.pk, "status": "approved"}],
        "contact_id": shared.spouse.pk,
        "signature": _signature(),
        "consent": True,
    }


# "METHOD path" -> the path parameters, body and success status of a request a client would
# send, from the world.
GOOD_REQUESTS = {
    "POST /customers": lambda world: (
        {},
        {"name": "Dana Rivera", "primary": {"email": "dana@example.com"}},
        201,
    ),
    "POST /repair-orders": lambda world: ({}, {"customer_id": world["ids"]["customer_id"]}, 201),
    "POST /repair-orders/{ro_id}/operations/reorder": lambda world: (
        {"ro_id": world["ids"]["ro_id"]},
        {"operation_ids": list(reversed(world["operation_ids"]))},
        200,
    ),
    "POST /repair-orders/{ro_id}/shares": lambda world: (
        {"ro_id": world["ids"]["ro_id"]},
        {"kind": "request_approval", "recipients": [{"contact_id": world["shared"].spouse.pk}]},
        201,
    ),
    "POST /operations/{operation_id}/decisions": lambda world: (
        {"operation_id": world["shared"].tires.pk},
        {"status": "approved", "reason": world["reason"].pk, "comment": "Called back."},
        201,
    ),
    "POST /portal/{token}/approval": lambda world: (
        {"token": world["shared"].token},
        _approval_of_the_tires(world),
        201,
    ),
}


@pytest.mark.parametrize("route", list(GOOD_REQUESTS))
def test_a_successful_write_answers_as_documented(world, route):
    method, path = route.split(" ")
    path_parameters, body, status = GOOD_REQUESTS[route](world)
    case = schema["/api/v1" + path][method].Case(
        path_parameters=path_parameters, body=body, media_type="application/json"
    )
    response = case.call_and_validate(headers=world["headers"], checks=CHECKS)
    assert response.status_code == status, response.text
