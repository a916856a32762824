"""The approval form's fields, as the customer page and the counter screen post them, when they
are not what the page sent: each is refused with a message, never a server error."""

import pytest

from signoff.approvals.models import Decision, Signature
from signoff.approvals.versions import version_current
from tests.portal.builders import signature_fields
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

DEEP_STROKES = "[" * 5000 + "]" * 5000


@pytest.fixture(params=["customer page", "counter screen"])
def screen(request, shared, alice):
    """Where the form is posted, and by whom: the contact's link, or alice at the counter."""
    if request.param == "customer page":
        from django.test import Client

        return Client(), shared.url
    client = client_for(alice)
    return client, f"/ros/{shared.ro.pk}/in-person/"


def _answers(shared, **changes) -> dict:
    version = version_current(repair_order=shared.ro)
    data = {
        "version": version.pk,
        f"op-{shared.brakes.pk}": "approved",
        "contact": shared.primary.pk,
        "consent": "yes",
        **signature_fields(),
    }
    data.update(changes)
    return data


def _nothing_recorded() -> bool:
    return not Decision.objects.exists() and not Signature.objects.exists()


@pytest.mark.parametrize(
    "total", ["sNaN", "NaN", "-Infinity", "0,00", "$ 1.00", "1e99999999999999999999"]
)
def test_a_shown_total_that_is_not_a_number_is_refused_rather_than_unchecked(screen, shared, total):
    client, url = screen
    response = client.post(url, _answers(shared, shown_total=total))
    assert response.status_code == 422
    assert "The total shown could not be read" in response.content.decode()
    assert _nothing_recorded()


@pytest.mark.parametrize("total", ["1e999999", "-0", "99999999999999999999"])
def test_a_shown_total_far_from_the_real_one_is_refused(screen, shared, total):
    client, url = screen
    response = client.post(url, _answers(shared, shown_total=total))
    assert response.status_code == 422
    assert "The total changed" in response.content.decode()
    assert _nothing_recorded()


def test_an_operation_id_beyond_the_database_range_is_not_an_answer(screen, shared):
    client, url = screen
    data = _answers(shared)
    del data[f"op-{shared.brakes.pk}"]
    data["op-99999999999999999999"] = "approved"
    response = client.post(url, data)
    assert response.status_code == 422
    assert "Choose Approve or Decline for at least one item" in response.content.decode()
    assert _nothing_recorded()


@pytest.mark.parametrize("field", ["version", "contact"])
@pytest.mark.parametrize("value", ["99999999999999999999", str(2**63), "-1", "1e3", "٣"])
def test_ids_that_are_not_ids_are_refused_rather_than_defaulted(screen, shared, field, value):
    client, url = screen
    response = client.post(url, _answers(shared, **{field: value}))
    assert response.status_code in (409, 422)
    assert _nothing_recorded()


def test_signature_strokes_nested_too_deep_are_refused(screen, shared):
    client, url = screen
    response = client.post(url, _answers(shared, signature_strokes=DEEP_STROKES))
    assert response.status_code == 422
    assert "The signature could not be read" in response.content.decode()
    assert _nothing_recorded()


def test_the_live_total_ignores_an_operation_id_beyond_the_database_range(client, shared):
    version = version_current(repair_order=shared.ro)
    response = client.post(
        shared.url + "/total", {"version": version.pk, "op-99999999999999999999": "approved"}
    )
    assert response.status_code == 200


def test_the_live_total_of_a_version_id_beyond_the_database_range_is_not_found(client, shared):
    response = client.post(shared.url + "/total", {"version": "99999999999999999999"})
    assert response.status_code == 404
