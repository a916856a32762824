"""GET /api/v1/share-links/{id}/url: a link's URL derived on demand, for editors of its shop."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from signoff.sharing import services
from signoff.sharing.links import share_link_resolve
from signoff.sharing.models import ShareLink
from signoff.shops.access import actor_for
from tests.sharing.builders import estimate_for, link_for, url_of

pytestmark = pytest.mark.usefixtures("no_delivery")


@pytest.fixture
def link(shop, alice) -> ShareLink:
    est = estimate_for(shop)
    return link_for(est, est.spouse, by=alice, channels=["email"])


def url_path(link) -> str:
    return f"/api/v1/share-links/{link.pk}/url"


def test_an_editor_gets_the_contacts_url_expiry_and_name(shop, alice, carol, link, api_client_for):
    for user in (alice, carol):
        response = api_client_for(user, shop).get(url_path(link))
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["url"] == url_of(link)
        assert share_link_resolve(raw_token=body["url"].rsplit("/s/", 1)[1], client=None) == link
        assert body["contact"] == {
            "id": link.contact_id,
            "name": "Jane Doe",
            "relationship": "Spouse",
        }
        assert body["expires_at"].startswith(link.expires_at.strftime("%Y-%m-%dT%H:%M"))
        assert response["Cache-Control"] == "no-store"


def test_asking_twice_gives_the_same_url(shop, alice, link, api_client_for):
    client = api_client_for(alice, shop)
    assert client.get(url_path(link)).json()["url"] == client.get(url_path(link)).json()["url"]


def test_a_technician_is_refused(shop, bob, link, api_client_for):
    response = api_client_for(bob, shop).get(url_path(link))
    assert response.status_code == 403
    assert url_of(link) not in response.content.decode()


def test_another_shops_link_is_not_found(other_shop, charlie, link, api_client_for):
    response = api_client_for(charlie, other_shop).get(url_path(link))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_without_a_token_it_is_401(client, link):
    assert client.get(url_path(link)).status_code == 401


def test_a_revoked_link_is_gone_and_says_to_share_again(shop, alice, link, api_client_for):
    services.link_revoke(actor=actor_for(user=alice, shop_id=shop.pk), link_id=link.pk)
    response = api_client_for(alice, shop).get(url_path(link))
    assert response.status_code == 410
    error = response.json()["error"]
    assert error["code"] == "link_gone"
    assert "revoked" in error["message"] and "Share the estimate again" in error["message"]


def test_an_expired_link_is_gone(shop, alice, link, api_client_for):
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = api_client_for(alice, shop).get(url_path(link))
    assert response.status_code == 410
    assert "expired" in response.json()["error"]["message"]


def test_a_link_made_before_tokens_were_derived_is_a_409_saying_to_share_again(
    shop, alice, link, api_client_for
):
    ShareLink.objects.filter(pk=link.pk).update(token_nonce="")
    response = api_client_for(alice, shop).get(url_path(link))
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "link_unavailable"
    assert "Jane Doe" in error["message"] and "Share the estimate again" in error["message"]


def test_the_route_is_documented_without_a_url_in_the_share_response(db, client):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    route = schema["paths"]["/api/v1/share-links/{link_id}/url"]["get"]
    assert set(route["responses"]) >= {"200", "401", "403", "404", "409", "410"}
    created = schema["components"]["schemas"]["ShareCreatedOut"]
    link_schema = created["properties"]["links"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert "url" not in schema["components"]["schemas"][link_schema]["properties"]


def test_each_reveal_is_recorded_as_evidence_naming_who_asked(shop, alice, link, api_client_for):
    from signoff.approvals.models import Event, EventKind

    api_client_for(alice, shop).get(url_path(link))
    [event] = Event.objects.filter(kind=EventKind.LINK_REVEALED)
    assert (event.actor, event.share_link, event.repair_order_id) == (
        alice,
        link,
        link.repair_order_id,
    )
    assert event.data == {"contact": "Jane Doe"}


def test_a_refused_reveal_records_nothing(shop, bob, link, api_client_for):
    from signoff.approvals.models import Event, EventKind

    api_client_for(bob, shop).get(url_path(link))
    assert not Event.objects.filter(kind=EventKind.LINK_REVEALED).exists()
