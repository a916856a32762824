"""The test clients: a staff user's session, and the staff API with one person's Bearer token.

The root conftest's fixtures of the same names hand these functions to tests (`alice_client` is
`client_for(alice)`); tests/api's `api_as` gives the JSON `ApiClient`.
"""

from __future__ import annotations

import json

from django.test import Client

from tests.factories import api_token_for

API_PREFIX = "/api/v1"


def client_for(user) -> Client:
    """A test client logged in as `user`, as if through the staff login form."""
    client = Client()
    client.force_login(user)
    return client


def bearer_client(token: str | None) -> Client:
    """A test client that sends `token` as its Bearer token (none: an anonymous caller)."""
    return Client(headers={"Authorization": f"Bearer {token}"} if token else {})


def api_client_for(user, shop) -> Client:
    """A test client with a fresh API token of `user` in `shop`."""
    return bearer_client(api_token_for(user=user, shop=shop))


class ApiClient:
    """Sends JSON to /api/v1 with one person's token; `key=` adds an Idempotency-Key."""

    def __init__(self, token: str | None):
        self.client = bearer_client(token)

    def _headers(self, key):
        return {"Idempotency-Key": key} if key is not None else {}

    def get(self, path, **params):
        return self.client.get(API_PREFIX + path, params)

    def _send(self, method, path, body, key):
        payload = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(
            API_PREFIX + path,
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
