"""API test wiring: a JSON client per person (alice owner, carol advisor, bob technician, charlie
outsider), each sending their own Bearer token."""

import pytest

from tests.factories import api_token_for
from tests.support.clients import ApiClient


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
