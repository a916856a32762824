"""Every staff route with an owner, a technician (reads only) and another shop's owner (404)."""

import pytest

from signoff.orders.models import Operation
from signoff.shops.models import ApiToken
from tests.factories import RepairOrderFactory, api_token_for, priced_ro


@pytest.fixture
def objects(shop, alice):
    built = priced_ro(shop, contacts=[{"is_primary": True}], operations=[{}, {"title": "Second"}])
    ro, (contact,), (op, _) = built.ro, built.contacts, built.operations
    api_token_for(user=alice, shop=shop)
    return {
        "ro": ro.pk,
        "op": op.pk,
        "customer": ro.customer_id,
        "contact": contact.pk,
        "vehicle": ro.vehicle_id,
        "token": ApiToken.objects.get(shop=shop).pk,
    }


# (url template, what a technician gets on GET)
READ_PAGES = [
    "/",
    "/ros/",
    "/ros/{ro}/",
    "/customers/",
    "/customers/{customer}/",
    "/settings/",
    "/settings/api-tokens/",
]
EDIT_PAGES = [
    "/ros/new/",
    "/ros/new/?customer={customer}",
    "/ros/{ro}/edit/",
    "/ros/{ro}/operations/new/",
    "/operations/{op}/edit/",
    "/operations/{op}/remove/",
    "/customers/new/",
    "/customers/{customer}/edit/",
    "/customers/{customer}/contacts/new/",
    "/contacts/{contact}/edit/",
    "/customers/{customer}/vehicles/new/",
    "/vehicles/{vehicle}/edit/",
]
# Routes that change something, with a body that would succeed for an owner.
WRITES = [
    ("/ros/{ro}/edit/", {"status": "approved"}),
    ("/ros/{ro}/operations/new/", {"title": "Wipers", "kind": "estimate"}),
    ("/operations/{op}/edit/", {"title": "Renamed", "kind": "estimate"}),
    ("/operations/{op}/remove/", {}),
    ("/operations/{op}/move/", {"direction": "down"}),
    ("/customers/{customer}/edit/", {"kind": "individual", "name": "Renamed"}),
    ("/customers/{customer}/contacts/new/", {"name": "New", "notify": "email", "email": "n@x.io"}),
    ("/contacts/{contact}/edit/", {"name": "Renamed", "notify": "email", "email": "r@x.io"}),
    ("/contacts/{contact}/make-primary/", {}),
    ("/customers/{customer}/vehicles/new/", {"make": "Ford", "model": "F-150"}),
    ("/vehicles/{vehicle}/edit/", {"make": "Ford", "model": "F-150"}),
]
OBJECT_PAGES = [p for p in READ_PAGES + EDIT_PAGES if "{" in p]


@pytest.mark.parametrize("url", READ_PAGES + EDIT_PAGES)
def test_the_owner_can_open_every_page(url, objects, client_for, alice):
    assert client_for(alice).get(url.format(**objects)).status_code == 200


@pytest.mark.parametrize("url", READ_PAGES)
def test_a_technician_can_read(url, objects, client_for, bob):
    assert client_for(bob).get(url.format(**objects)).status_code == 200


@pytest.mark.parametrize("url", EDIT_PAGES)
def test_a_technician_gets_no_edit_form_and_is_told_why(url, objects, client_for, bob):
    response = client_for(bob).get(url.format(**objects))
    assert response.status_code == 403
    assert b"Ask a service advisor" in response.content


@pytest.mark.parametrize(("url", "data"), WRITES)
def test_a_technicians_changes_are_refused_and_nothing_changes(url, data, objects, client_for, bob):
    before = list(Operation.objects.values_list("pk", "title", "position", "removed_at"))
    response = client_for(bob).post(url.format(**objects), data)
    assert response.status_code == 403
    assert list(Operation.objects.values_list("pk", "title", "position", "removed_at")) == before


@pytest.mark.parametrize("url", OBJECT_PAGES)
def test_another_shops_user_gets_404_for_every_object_page(url, objects, client_for, charlie):
    assert client_for(charlie).get(url.format(**objects)).status_code == 404


@pytest.mark.parametrize(("url", "data"), WRITES + [("/settings/api-tokens/{token}/revoke/", {})])
def test_another_shops_user_gets_404_for_every_change(url, data, objects, client_for, charlie):
    response = client_for(charlie).post(url.format(**objects), data)
    assert response.status_code == 404
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 0


def test_lists_never_show_another_shops_records(objects, client_for, charlie, shop):
    ro = RepairOrderFactory(shop=shop)
    client = client_for(charlie)
    assert ro.customer.name.encode() not in client.get("/").content
    assert ro.customer.name.encode() not in client.get("/customers/").content
    assert ro.customer.name.encode() not in client.get(f"/ros/?q={ro.number}").content
