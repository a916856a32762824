"""Schemathesis against our own OpenAPI schema: generated requests to the staff routes never
make the server fail (no 5xx), whatever the body."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.factories import MembershipFactory, ShopFactory, api_token_for, priced_ro

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    tag=["customers", "repair orders", "operations"]
)
# Generated bodies only, a bounded number per route, so the whole file stays fast.
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture
def one_connection():
    """Keep the test's database connection open across requests, as Django's test client does:
    the WSGI app would otherwise close it after each request, ending the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, one_connection):
    """One shop with an owner's token and one of each object, so ids in paths are real."""
    shop = ShopFactory()
    owner = MembershipFactory(shop=shop, role="owner").user
    built = priced_ro(shop, contacts=[{"is_primary": True}], operations=[{}])
    ro, (contact,), (operation,) = built.ro, built.contacts, built.operations
    ids = {
        "customer_id": contact.customer_id,
        "contact_id": contact.pk,
        "vehicle_id": ro.vehicle_id,
        "ro_id": ro.pk,
        "operation_id": operation.pk,
    }
    return {"token": api_token_for(user=owner, shop=shop), "ids": ids}


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_generated_requests_never_cause_a_server_error(case, world):
    for name in case.path_parameters or {}:
        case.path_parameters[name] = world["ids"][name]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world['token']}"}, checks=[not_a_server_error]
    )
