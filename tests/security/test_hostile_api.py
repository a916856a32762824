"""The hostile corpus (tests/security/corpus.py) through every write route of the JSON API.

Routes and their fields come from the OpenAPI schema, the way the permission walk finds them:
each string field of a valid body gets every string payload, each number field every number
payload, one at a time. Whatever the answer, it is never a 5xx; a refusal saves nothing; a
payload that is saved is stored and answered exactly as sent.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from signoff.approvals.models import ApprovalReason
from signoff.approvals.versions import version_current
from signoff.documents.sections import PDF_SECTION_KEYS
from signoff.orders.models import RepairOrder
from tests.factories import api_token_for
from tests.portal.builders import STROKES, Shared, shared_estimate
from tests.security.corpus import (
    DEEP_JSON,
    INVALID_UTF8,
    JSON_NUMBERS,
    PATH_NUMBERS,
    STRINGS,
    Raw,
)
from tests.security.hostile import Problems, newly_stored, rolled_back, rows
from tests.support.png import png_rgba
from tests.support.walk import World, build_world, openapi

pytestmark = pytest.mark.django_db

PORTAL_APPROVAL = ("post", "/api/v1/portal/{token}/approval")
# Fields stored in another form than sent, by design: how to compare.
STORED_AS = {"license_plate": str.upper}


def _contact() -> dict:
    return {
        "name": "Dana Rivera",
        "relationship": "Spouse",
        "email": "dana@example.com",
        "mobile": "(503) 555-0142",
        "phone": "503-555-0100",
        "preferred_number": "mobile",
        "notify": "email",
        "language": "en",
    }


def _vehicle() -> dict:
    return {
        "vin": "1HGCM82633A004352",
        "year": 2019,
        "make": "Honda",
        "model": "Accord",
        "unit_number": "U-7",
        "license_plate": "ABC123",
        "odometer": 48210,
    }


def _operation() -> dict:
    line = {"kind": "part", "description": "Wiper", "part_number": "WB-22"}
    return {
        "kind": "estimate",
        "title": "Replace wipers",
        "complaint": "Streaking",
        "cause": "Worn blades",
        "correction": "Replace both",
        "lines": [{**line, "quantity": "2", "unit_price": "18.50", "taxable": True}],
    }


def _ro(world: Hostile, *, new: bool) -> dict:
    body = {
        "vehicle_id": world.vehicle.pk,
        "advisor_id": world.owner.pk,
        "status": "estimate",
        "etr": "2030-01-02T09:00:00Z",
        "odometer_in": 48210,
        "internal_notes": "Call after 3 PM.",
        "customer_notes": "Customer waits.",
    }
    if new:
        return {"customer_id": world.customer.pk, **body}
    # Sent unchanged, the status is no move (approvals.lifecycle); any other is refused.
    return {
        **body,
        "status": RepairOrder.objects.values_list("status", flat=True).get(pk=world.ro.pk),
    }


# A valid body per write route (None: the route takes none). A route missing here fails below.
BODIES: dict[tuple[str, str], Callable[[Hostile], dict | None]] = {
    ("post", "/api/v1/customers"): lambda w: {
        "kind": "individual",
        "name": "Dana Rivera",
        "notes": "Fleet of three.",
        "primary": _contact(),
    },
    ("patch", "/api/v1/customers/{customer_id}"): lambda w: {
        "kind": "business",
        "name": "Rivera Fleet",
        "notes": "Net 30.",
    },
    ("post", "/api/v1/customers/{customer_id}/contacts"): lambda w: _contact(),
    ("patch", "/api/v1/contacts/{contact_id}"): lambda w: _contact(),
    ("post", "/api/v1/customers/{customer_id}/vehicles"): lambda w: _vehicle(),
    ("patch", "/api/v1/vehicles/{vehicle_id}"): lambda w: _vehicle(),
    ("post", "/api/v1/repair-orders"): lambda w: _ro(w, new=True),
    ("patch", "/api/v1/repair-orders/{ro_id}"): lambda w: _ro(w, new=False),
    ("post", "/api/v1/repair-orders/{ro_id}/operations"): lambda w: _operation(),
    ("post", "/api/v1/repair-orders/{ro_id}/operations/reorder"): lambda w: {
        "operation_ids": [w.operation.pk]
    },
    ("patch", "/api/v1/operations/{operation_id}"): lambda w: _operation(),
    ("delete", "/api/v1/operations/{operation_id}"): lambda w: None,
    ("post", "/api/v1/operations/{operation_id}/decisions"): lambda w: {
        "status": "declined",
        "reason": ApprovalReason.objects.get(shop=w.shop, label="Phone call").pk,
        "comment": "Will call back.",
        "contact": w.contact.pk,
        "phone_number": "(503) 555-0142",
    },
    ("post", "/api/v1/repair-orders/{ro_id}/shares"): lambda w: {
        "kind": "request_approval",
        "recipients": [{"contact_id": w.contact.pk, "channels": ["email"]}],
        "primary_contact_id": w.contact.pk,
        "include_etr": True,
        "notes": "Ready by five.",
        "sections": PDF_SECTION_KEYS[:1],
    },
    ("post", "/api/v1/share-links/{link_id}/revoke"): lambda w: None,
    PORTAL_APPROVAL: lambda w: {
        "version_id": version_current(repair_order=w.shared.ro).pk,
        "decisions": [{"operation_id": w.shared.brakes.pk, "status": "approved"}],
        "contact_id": w.shared.spouse.pk,
        "signature": {"png": base64.b64encode(png_rgba()).decode(), "strokes": STROKES},
        "consent": True,
        "language": "en",
    },
}


@dataclass
class Hostile:
    """The permission walk's world (one of every object of alice's shop), an RO shared with
    its contact for the portal route, and alice's API client."""

    world: World
    owner: Any
    shared: Shared
    client: Client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.world, name)

    def url(self, method: str, path: str, **overrides: str) -> str:
        """The route's URL for the world's objects; `overrides` fills named parameters."""
        segments = path.split("/")

        def fill(match: re.Match) -> str:
            name = match[1]
            if name in overrides:
                return overrides[name]
            if name == "token":
                return self.shared.token
            return str(self.world.value(name, segments, (path, name)))

        return re.sub(r"\{([^}]+)\}", fill, path)


@pytest.fixture
def hostile(shop, alice, no_delivery, settings) -> Hostile:
    settings.PORTAL_RATE_LIMIT = 10_000
    token = api_token_for(user=alice, shop=shop)
    return Hostile(
        world=build_world(shop=shop, owner=alice),
        owner=alice,
        shared=shared_estimate(shop=shop),
        client=Client(headers={"Authorization": f"Bearer {token}"}),
    )


def _write_routes() -> list[tuple[str, str]]:
    return [
        (method, path)
        for path, operations in openapi()["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    ]


def _all_routes() -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, operations in openapi()["paths"].items()
        for method, operation in operations.items()
    ]


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = openapi()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def leaf_fields(schema: dict, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, "string" | "number") of every text and number field a body schema has."""
    schema = _resolve(schema)
    for options in ("anyOf", "oneOf", "allOf"):
        if options in schema:
            kinds = [s for s in schema[options] if _resolve(s).get("type") != "null"]
            yield from leaf_fields(kinds[0], path)
            return
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        for key, sub in schema.get("properties", {}).items():
            yield from leaf_fields(sub, (*path, key))
    elif kind == "array":
        yield from leaf_fields(schema.get("items", {}), (*path, 0))
    elif kind == "string":
        yield path, "string"
    elif kind in ("integer", "number"):
        yield path, "number"


def _body_schema(method: str, path: str) -> dict | None:
    content = openapi()["paths"][path][method].get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def _with(body: dict, path: tuple, value: Any) -> dict:
    changed = copy.deepcopy(body)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _encoded(body: Any) -> str:
    """JSON text, with each Raw value spliced in as written."""
    raws: dict[str, str] = {}

    def mark(value):
        if isinstance(value, Raw):
            key = f"__raw_{len(raws)}__"
            raws[key] = value.text
            return key
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    text = json.dumps(mark(body))
    for key, raw in raws.items():
        text = text.replace(f'"{key}"', raw)
    return text


def _send(world: Hostile, method: str, path: str, body: str | bytes | None, **headers):
    url = world.url(method, path)
    client = world.client if not path.startswith("/api/v1/portal/") else Client()
    return getattr(client, method)(
        url, body if body is not None else "", content_type="application/json", headers=headers
    )


def _found(value: Any, wanted: str) -> bool:
    if isinstance(value, str):
        return value == wanted
    if isinstance(value, dict):
        return any(_found(v, wanted) for v in value.values())
    if isinstance(value, list):
        return any(_found(v, wanted) for v in value)
    return False


def _check(problems: Problems, where: str, response, before: dict, payload: Any, field: str):
    status = response.status_code
    if status >= 500:
        problems.add(where, f"{status} {response.content[:200]!r}")
        return
    if status >= 300 and response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        if set(body) != {"error"} or set(body["error"]) != {"code", "message", "fields"}:
            problems.add(where, f"{status} not in the error shape: {response.content[:200]!r}")
    after = rows()
    if status >= 400:
        if after != before:
            problems.add(where, f"{status}, but data changed")
        return
    if not isinstance(payload, str) or after == before:
        return
    expected = STORED_AS.get(field, lambda text: text)(payload)
    if expected not in newly_stored(before, after):
        problems.add(where, f"{status}, but the value was not stored as sent")
    elif response.content and not _found(response.json(), expected):
        problems.add(where, f"{status}, but the answer does not show the value as sent")


def test_every_write_route_has_a_valid_body_here():
    missing = [f"{m.upper()} {p}" for m, p in _write_routes() if (m, p) not in BODIES]
    assert not missing, "Add a valid body to BODIES for: " + ", ".join(missing)


@pytest.mark.parametrize(("method", "path"), sorted(BODIES), ids=lambda v: str(v))
def test_hostile_values_in_every_field_of_a_write_route(hostile, method, path):
    base = BODIES[(method, path)](hostile)
    problems = Problems()
    with rolled_back():
        control = _send(hostile, method, path, _encoded(base) if base is not None else None)
        assert control.status_code < 300, f"the valid body was refused: {control.content[:300]!r}"
    schema = _body_schema(method, path)
    fields = list(leaf_fields(schema)) if schema else []
    if base is not None:
        assert fields, "a body with no string or number field"
    before = rows()
    for field_path, kind in fields:
        payloads = STRINGS if kind == "string" else JSON_NUMBERS
        name = ".".join(map(str, field_path))
        for label, payload in payloads.items():
            with rolled_back():
                response = _send(hostile, method, path, _encoded(_with(base, field_path, payload)))
                _check(problems, f"{name} = {label}", response, before, payload, field_path[-1])
    assert not problems, problems.report(f"{method.upper()} {path}")


@pytest.mark.parametrize(("method", "path"), sorted(BODIES), ids=lambda v: str(v))
def test_bodies_that_are_not_json_objects_are_refused_in_the_error_shape(hostile, method, path):
    problems = Problems()
    before = rows()
    bodies = {
        "deep nesting": DEEP_JSON,
        "deep nesting with an idempotency key": DEEP_JSON,
        "invalid UTF-8": b'{"name": "' + INVALID_UTF8 + b'"}',
        "a megabyte string": json.dumps(STRINGS["megabyte"]),
        "nested deep in a field": '{"notes": ' + DEEP_JSON + "}",
    }
    for label, body in bodies.items():
        headers = {"Idempotency-Key": f"hostile-{label}"} if "key" in label else {}
        with rolled_back():
            response = _send(hostile, method, path, body, **headers)
            if BODIES[(method, path)](hostile) is None:
                # A route that reads no body ignores it; it must still not fail.
                if response.status_code >= 500:
                    problems.add(label, f"{response.status_code}")
                continue
            if response.status_code not in (400, 422):
                problems.add(label, f"{response.status_code} {response.content[:160]!r}")
            _check(problems, label, response, before, None, "")
    assert not problems, problems.report(f"{method.upper()} {path}")


def test_ids_in_every_route_path_outside_the_database_range_are_refused_naming_them(hostile):
    problems = Problems()
    before = rows()
    for method, path, operation in _all_routes():
        for param in operation.get("parameters", []):
            if param["in"] != "path" or _resolve(param["schema"]).get("type") != "integer":
                continue
            name = param["name"]
            for label, value in PATH_NUMBERS.items():
                url = hostile.url(method, path, **{name: value})
                where = f"{method.upper()} {path} {name} = {label}"
                with rolled_back():
                    if method == "get":
                        response = hostile.client.get(url)
                    else:
                        response = getattr(hostile.client, method)(
                            url, "{}", content_type="application/json"
                        )
                    if response.status_code != 422:
                        problems.add(where, f"{response.status_code} {response.content[:120]!r}")
                    elif name not in response.json()["error"]["fields"]:
                        problems.add(where, f"the error does not name {name}")
                    if rows() != before:
                        problems.add(where, "data changed")
    assert not problems, problems.report("Path ids outside 1..2**63-1 must be 422")


OUT_OF_RANGE = {
    "limit": ["0", "-1", "201", str(2**63), "NaN", "1e999"],
    "offset": ["-1", "1000000001", str(2**63), "99999999999999999999", "NaN", "1e999"],
}


@pytest.mark.parametrize("path", ["/api/v1/customers", "/api/v1/repair-orders"])
def test_pagination_refuses_numbers_outside_its_range(hostile, path):
    problems = Problems()
    for name, values in OUT_OF_RANGE.items():
        for value in values:
            response = hostile.client.get(path, {name: value})
            if response.status_code != 422 or name not in response.json()["error"]["fields"]:
                problems.add(f"{name} = {value}", f"{response.status_code}")
    assert not problems, problems.report(path)


def test_hostile_query_values_on_every_read_route_are_never_a_server_error(hostile):
    problems = Problems()
    for method, path, operation in _all_routes():
        if method != "get":
            continue
        for param in operation.get("parameters", []):
            if param["in"] != "query":
                continue
            name = param["name"]
            for label, value in {**STRINGS, **PATH_NUMBERS}.items():
                response = hostile.client.get(hostile.url(method, path), {name: value})
                if response.status_code >= 500:
                    problems.add(f"GET {path}?{name} = {label}", f"{response.status_code}")
    assert not problems, problems.report("Query values must never cause a 5xx")


@pytest.mark.parametrize("label", sorted(STRINGS))
def test_a_hostile_token_in_a_portal_route_is_not_found(client, db, label, settings):
    settings.PORTAL_RATE_LIMIT = 10_000
    token = quote(STRINGS[label], safe="")
    for response in (
        client.get(f"/api/v1/portal/{token}"),
        client.post(f"/api/v1/portal/{token}/approval", "{}", content_type="application/json"),
    ):
        assert response.status_code in (404, 422), response.content[:200]
        # A token with "/" matches no API route at all; the shape of that 404 is the error
        # pages' business. One that reaches a portal route is answered in the error shape.
        if "/" not in STRINGS[label]:
            assert set(response.json()) == {"error"}
