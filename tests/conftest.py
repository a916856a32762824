"""Shared test wiring. The alice/bob/charlie trio: owner and advisor of one shop, and an outsider."""

import pytest
from django.test import Client

from tests.factories import MembershipFactory, ShopFactory, api_token_for
from tests.portal.builders import shared_estimate
from tests.support.smtp import smtp_sink  # noqa: F401
from tests.support.twilio_standin import twilio_standin  # noqa: F401

# Tests log in many users; the production hasher's deliberate slowness buys nothing here.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def shop(db):
    return ShopFactory(name="Main Street Auto")


@pytest.fixture
def other_shop(db):
    return ShopFactory(name="Across Town Tire")


@pytest.fixture
def alice(shop):
    """Owner of `shop`."""
    return MembershipFactory(shop=shop, role="owner", user__username="alice").user


@pytest.fixture
def bob(shop):
    """Technician of `shop`: may read, may not change."""
    return MembershipFactory(shop=shop, role="technician", user__username="bob").user


@pytest.fixture
def carol(shop):
    """Service advisor of `shop`."""
    return MembershipFactory(shop=shop, role="advisor", user__username="carol").user


@pytest.fixture
def charlie(other_shop):
    """Owner of another shop: must never see `shop`'s data."""
    return MembershipFactory(shop=other_shop, role="owner", user__username="charlie").user


@pytest.fixture
def alice_client(alice):
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def api_client_for():
    """Build a test client that sends a Bearer token for (user, shop)."""

    def make(user, shop):
        token = api_token_for(user=user, shop=shop)
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make


@pytest.fixture
def shared(shop):
    """An RO shared with its primary contact (rate-limit counters live in the database cache,
    so each test's transaction starts and ends with none)."""
    return shared_estimate(shop=shop)
