"""Shared test wiring: the people, their shops, their clients and actors.

alice owns `shop`, carol is its service advisor and bob its technician; charlie owns
`other_shop` and must never see `shop`'s data.
"""

import pytest
from django.conf import settings

from signoff.sharing import services as sharing_services
from signoff.shops.access import actor_for
from tests.factories import MembershipFactory, ShopFactory
from tests.portal.builders import shared_estimate
from tests.sharing.builders import estimate_for
from tests.support import clients
from tests.support.logos import fresh_logo_storage  # noqa: F401
from tests.support.smtp import smtp_sink  # noqa: F401
from tests.support.twilio_standin import twilio_standin  # noqa: F401
from tests.support.walk import World, build_world


def pytest_runtest_setup(item):
    """`postgres_only` tests run in the PostgreSQL pass (scripts/with-postgres.sh) only."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if item.get_closest_marker("postgres_only") and engine != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL: run under scripts/with-postgres.sh")


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


def _member(shop, role: str, username: str):
    return MembershipFactory(shop=shop, role=role, user__username=username).user


@pytest.fixture
def alice(shop):
    """Owner of `shop`."""
    return _member(shop, "owner", "alice")


@pytest.fixture
def bob(shop):
    """Technician of `shop`: may read, may not change."""
    return _member(shop, "technician", "bob")


@pytest.fixture
def carol(shop):
    """Service advisor of `shop`."""
    return _member(shop, "advisor", "carol")


@pytest.fixture
def charlie(other_shop):
    """Owner of another shop: must never see `shop`'s data."""
    return _member(other_shop, "owner", "charlie")


@pytest.fixture
def owner(alice, shop):
    """alice as services see her: the owner of `shop`."""
    return actor_for(user=alice, shop_id=shop.pk)


@pytest.fixture
def technician(bob, shop):
    return actor_for(user=bob, shop_id=shop.pk)


@pytest.fixture
def outsider(charlie, other_shop):
    return actor_for(user=charlie, shop_id=other_shop.pk)


@pytest.fixture
def client_for(db):
    """Build a test client logged in as a user: `client_for(bob)`."""
    return clients.client_for


@pytest.fixture
def alice_client(client_for, alice):
    return client_for(alice)


@pytest.fixture
def api_client_for(db):
    """Build a test client that sends a Bearer token for (user, shop): `api_client_for(bob, shop)`.

    It takes full paths (`/api/v1/...`); tests/api's `api_as` gives the JSON `ApiClient`."""
    return clients.api_client_for


@pytest.fixture
def shared(shop):
    """An RO shared with its primary contact (rate-limit counters live in the database, so each
    test's transaction starts and ends with none)."""
    return shared_estimate(shop=shop)


@pytest.fixture
def est(shop):
    """An RO of `shop` with two priced operations, a primary contact (email) and a spouse (text)."""
    return estimate_for(shop)


@pytest.fixture
def no_delivery(monkeypatch):
    """Shares write their outbox messages but never enqueue them for delivery."""
    monkeypatch.setattr(sharing_services, "_enqueue", lambda message_id: None)


@pytest.fixture
def world(shop, alice, settings) -> World:
    """One of every object the staff pages and API routes are about, in `shop` (see
    tests/support/walk.py), with the dev outbox on so its pages are there too."""
    settings.DEV_OUTBOX = True
    return build_world(shop=shop, owner=alice)
