"""API test wiring: a JSON client per person (alice owner, carol advisor, bob technician, charlie
outsider), each sending their own Bearer token."""

import json

import pytest
from django.test import Client

from tests.factories import api_token_for

PREFIX = "/api/v1"


class ApiClient:
    """Sends JSON to /api/v1 with one person's token; `key=` adds an Idempotency-Key."""

    def __init__(self, token: str | None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = Client(headers=headers)

    def _headers(self, key):
        return {"Idempotency-Key": key} if key is not None else {}

    def get(self, path, **params):
        return self.client.get(PREFIX + path, params)

    def _send(self, method, path, body, key):
        payload = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(
            PREFIX + path,
            payload if body is not None else "",
            content_type="application/json",
            headers=self._headers(key),
        )

    def post(self, path, body=None, *, key=None):
        return self._send("post", path, body, key)

    def patch(self, path, body=None, *, key=None):
        return self._send("patch", path, body, key)

    def delete(self, path, *, key=None):
        return self._send("delete", path, None, key)


@pytest.fixture
def api_as():
    def make(user, shop):
        return ApiClient(api_token_for(user=user, shop=shop))

    return make


@pytest.fixture
def as_alice(api_as, alice, shop):
    return api_as(alice, shop)


@pytest.fixture
def as_carol(api_as, carol, shop):
    return api_as(carol, shop)


@pytest.fixture
def as_bob(api_as, bob, shop):
    return api_as(bob, shop)


@pytest.fixture
def as_charlie(api_as, charlie, other_shop):
    return api_as(charlie, other_shop)


def error_of(response) -> dict:
    """The `error` object of an API error response (and a check that the shape holds)."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]
