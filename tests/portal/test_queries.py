"""The approval screens make as many queries for 40 operations as for 2."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signoff.approvals.chain import decision_append
from signoff.approvals.models import Source, Status
from signoff.signing.services import approval_version_freeze
from tests.factories import priced_operation
from tests.portal.builders import shared_estimate, signature_fields

pytestmark = pytest.mark.django_db


def _queries(client, method: str, url: str, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), response.status_code
    return len(captured)


def _grow(shared, n: int) -> None:
    """Adds operations, then freezes the version showing them (as the change services do)."""
    for i in range(n):
        op = priced_operation(repair_order=shared.ro, title=f"Extra {i}")
        if i % 3 == 0:
            decision_append(operation=op, status=Status.DEFERRED, source=Source.ON_BEHALF)
    shared.version = approval_version_freeze(repair_order=shared.ro)


def test_opening_the_page_costs_the_same_for_many_operations(client, shop):
    small, large = shared_estimate(shop=shop), shared_estimate(shop=shop)
    _grow(small, 1)
    _grow(large, 38)
    assert _queries(client, "get", large.url) == _queries(client, "get", small.url)


def test_submitting_costs_the_same_per_answer_whatever_the_estimate_size(client, shop):
    small, large = shared_estimate(shop=shop), shared_estimate(shop=shop)
    _grow(small, 1)
    _grow(large, 38)

    def submit(shared):
        data = {
            "version": shared.version.pk,
            f"op-{shared.brakes.pk}": "approved",
            "consent": "yes",
        }
        return _queries(client, "post", shared.url, {**data, **signature_fields()})

    assert submit(large) == submit(small)
