"""The OpenAPI schema and the docs page: every documented route is there, and the docs work
without the internet."""

import json
import re
import typing
from collections import defaultdict

import pytest
from django.test import Client
from pydantic import BaseModel

from signoff.api import routers

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


def _schema_classes() -> dict[str, set[type[BaseModel]]]:
    """Every schema class the API's operations use, by the name ninja gives its component:
    their responses and parameters, and every class inside those, at any depth."""
    found: dict[str, set[type[BaseModel]]] = defaultdict(set)

    def visit(annotation) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in found[annotation.__name__]:
                return
            found[annotation.__name__].add(annotation)
            for field in annotation.model_fields.values():
                visit(field.annotation)
        for arg in typing.get_args(annotation):
            visit(arg)

    for _prefix, router in routers.ALL:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                # ninja's wrappers (a `response` field, a model per parameter source) are no
                # components of their own: what they hold is.
                for wrapper in operation.response_models.values():
                    if isinstance(wrapper, type) and issubclass(wrapper, BaseModel):
                        visit(wrapper.model_fields["response"].annotation)
                for params in operation.models:
                    for field in params.model_fields.values():
                        visit(field.annotation)
    return found


def test_no_two_schema_classes_share_a_component_name():
    """ninja names a component after its class: two classes of one name would share one
    component, and one of the two routes would be documented with the other's shape."""
    shared = {
        name: sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in classes)
        for name, classes in _schema_classes().items()
        if len(classes) > 1
    }
    assert shared == {}


def test_each_component_is_the_shape_of_the_one_class_of_its_name(schema):
    classes = {name: next(iter(found)) for name, found in _schema_classes().items()}
    components = schema["components"]["schemas"]
    assert set(components) == set(classes)
    for name, cls in classes.items():
        fields = {field.alias or key for key, field in cls.model_fields.items()}
        assert set(components[name].get("properties", {})) == fields, name


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def test_every_error_answer_is_documented_in_the_error_shape(schema):
    for method, path, operation in _operations(schema):
        responses = operation["responses"]
        assert "503" in responses, (method, path)
        for status, response in responses.items():
            if int(status) >= 400:
                content = response["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)
                assert response["description"], (method, path, status)


def test_statuses_follow_the_kind_of_route(schema):
    for method, path, operation in _operations(schema):
        statuses = set(operation["responses"])
        where = (method, path, sorted(statuses))
        if path.startswith("/api/v1/portal/"):
            assert {"404", "410", "429"} <= statuses and "401" not in statuses, where
        else:
            assert "401" in statuses and "429" not in statuses, where
            assert ("403" in statuses) == (method != "get" or path.endswith("/url")), where
            assert ("404" in statuses) == ("{" in path), where
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= statuses, where


def test_writes_document_the_idempotency_key_and_its_refusals(schema):
    for method, path, operation in _operations(schema):
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        if method == "get" or path.startswith("/api/v1/portal/"):
            assert "Idempotency-Key" not in headers, (method, path)
        else:
            assert "Idempotency-Key" in headers, (method, path)
            assert {"409", "413", "422"} <= set(operation["responses"]), (method, path)


def test_waits_are_documented_with_retry_after(schema):
    for method, path, operation in _operations(schema):
        for status in ("429", "503"):
            if status in operation["responses"]:
                headers = operation["responses"][status]["headers"]
                assert headers["Retry-After"]["required"] is True, (method, path, status)


def _answer_components(schema) -> set[str]:
    """The components an answer (any response) is made of, at any depth."""
    components = schema["components"]["schemas"]
    found: set[str] = set()

    def visit(node) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] not in found:
                found.add(ref.rsplit("/", 1)[1])
                visit(components[ref.rsplit("/", 1)[1]])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for _method, _path, operation in _operations(schema):
        visit(operation["responses"])
    return found


def test_answers_list_every_field_as_required_and_say_which_can_be_null(schema):
    """An answer always carries every field of its schema (null where the type allows it), so
    a client may rely on each being there."""
    components = schema["components"]["schemas"]
    answers = _answer_components(schema)
    assert {"PortalOut", "RepairOrderOut", "ErrorOut"} <= answers
    for name in answers:
        component = components[name]
        assert set(component.get("required", [])) == set(component["properties"]), name
    line = components["PortalLineOut"]["properties"]["unit_price"]
    assert {"type": "null"} in line["anyOf"]


def test_every_reference_names_a_component(schema):
    """Swagger UI shows a "Resolver error" for a $ref that names nothing."""
    names = set(schema["components"]["schemas"])
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(schema))
    assert refs and set(refs) <= names
