"""The OpenAPI schema and the docs page: every documented route is there, and the docs work
without the internet."""

import json
import re

import pytest
from django.test import Client

STAFF_ROUTES = {
    ("get", "/api/v1/customers"),
    ("post", "/api/v1/customers"),
    ("get", "/api/v1/customers/{id}"),
    ("patch", "/api/v1/customers/{id}"),
    ("post", "/api/v1/customers/{id}/contacts"),
    ("patch", "/api/v1/contacts/{id}"),
    ("post", "/api/v1/customers/{id}/vehicles"),
    ("get", "/api/v1/repair-orders"),
    ("post", "/api/v1/repair-orders"),
    ("get", "/api/v1/repair-orders/{id}"),
    ("patch", "/api/v1/repair-orders/{id}"),
    ("post", "/api/v1/repair-orders/{id}/operations"),
    ("patch", "/api/v1/operations/{id}"),
    ("delete", "/api/v1/operations/{id}"),
}


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _routes(schema) -> set[tuple[str, str]]:
    """(method, path) with every path parameter spelled {id}, as API.md writes them."""
    return {
        (method, re.sub(r"\{[^}]+\}", "{id}", path))
        for path, operations in schema["paths"].items()
        for method in operations
    }


def test_the_schema_lists_every_staff_route_of_the_public_contract(schema):
    missing = STAFF_ROUTES - _routes(schema)
    assert not missing, missing


def test_staff_routes_declare_the_bearer_token(schema):
    operation = schema["paths"]["/api/v1/customers"]["get"]
    [requirement] = operation["security"]
    scheme = schema["components"]["securitySchemes"][next(iter(requirement))]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def test_money_is_documented_as_strings(schema):
    totals = schema["components"]["schemas"]["TotalsOut"]["properties"]
    assert {totals[name]["type"] for name in totals} == {"string"}


def test_errors_are_documented_with_their_shape(schema):
    responses = schema["paths"]["/api/v1/customers"]["post"]["responses"]
    assert {"201", "401", "403", "422"} <= set(responses)
    ref = responses["422"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/ErrorOut")


def test_the_docs_page_renders_with_local_assets_only(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert Client().get(asset).status_code == 200, asset


def test_the_served_schema_has_no_key_twice(db):
    """Swagger UI refuses a document with a duplicated key ("duplicated mapping key")."""
    doubled = []

    def no_doubles(pairs):
        keys = [key for key, _ in pairs]
        doubled.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=no_doubles)
    assert doubled == []
