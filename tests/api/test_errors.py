"""Every error under /api/ is `{"error": {"code", "message", "fields"}}`: unknown paths, wrong
methods, bodies too large to read, unreadable JSON (the 503 of an outage is in
tests/test_error_pages.py)."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert "<html" not in response.content.decode().lower()
    return body["error"]


@pytest.fixture
def as_alice(alice, shop, api_client_for):
    return api_client_for(alice, shop)


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v1/customers/1/nothing", "/api/v2/customers", "/api/"]
)
def test_an_unknown_path_is_a_404_in_the_error_shape(as_alice, path):
    error = _error(as_alice.get(path), 404, "not_found")
    assert error["message"] == "Not found."
    assert error["fields"] == {}


def test_an_unknown_path_is_a_404_in_the_error_shape_without_a_token_too():
    _error(
        Client().post("/api/v1/nothing-here", "{}", content_type="application/json"),
        404,
        "not_found",
    )


def test_a_wrong_method_is_a_405_naming_the_methods_the_path_takes(as_alice):
    response = as_alice.put("/api/v1/customers", "{}", content_type="application/json")
    error = _error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, POST"
    assert error["message"] == "This path does not take that method. Use GET, POST."


def test_a_wrong_method_on_a_portal_route_is_a_405_too(shared):
    response = Client().delete(f"/api/v1/portal/{shared.token}")
    _error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


def test_a_body_over_the_upload_limit_is_a_413_saying_the_limit(as_alice, settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440  # Django's default: 2.5 MB
    body = json.dumps({"name": "x" * 2_700_000})
    response = as_alice.post("/api/v1/customers", body, content_type="application/json")
    error = _error(response, 413, "too_large")
    assert "at most 2.5 MB (2621440 bytes)" in error["message"]


def test_a_body_over_the_limit_on_the_portal_route_is_a_413_too(shared, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post(
        f"/api/v1/portal/{shared.token}/approval",
        json.dumps({"consent": True, "pad": "x" * 2000}),
        content_type="application/json",
    )
    assert "at most 1000 bytes." in _error(response, 413, "too_large")["message"]


def test_unreadable_json_is_a_400_saying_what_to_send(as_alice):
    response = as_alice.post("/api/v1/customers", "{not json", content_type="application/json")
    error = _error(response, 400, "bad_request")
    assert "not valid JSON" in error["message"]
