"""Who may call the staff API: a live Bearer token of a current member, nothing else."""

from django.test import Client
from django.utils import timezone

from signoff.shops.models import ApiToken, Membership
from tests.api.conftest import error_of
from tests.factories import CustomerFactory, MembershipFactory, api_token_for
from tests.support.clients import ApiClient


def test_a_request_without_a_token_is_401_in_the_error_shape(db):
    response = Client().get("/api/v1/customers")
    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "unauthorized"
    assert "Authorization: Bearer" in error["message"]


def test_an_unknown_token_is_401(db):
    response = ApiClient("sgf_not-a-real-token").get("/customers")
    assert response.status_code == 401


def test_a_token_sent_with_another_scheme_is_401(alice, shop):
    token = api_token_for(user=alice, shop=shop)
    response = Client(headers={"Authorization": f"Token {token}"}).get("/api/v1/customers")
    assert response.status_code == 401


def test_a_revoked_token_stops_working(alice, shop):
    token = api_token_for(user=alice, shop=shop)
    assert ApiClient(token).get("/customers").status_code == 200
    ApiToken.objects.filter(user=alice).update(revoked_at=timezone.now())
    assert ApiClient(token).get("/customers").status_code == 401


def test_a_token_stops_working_when_its_user_leaves_the_shop(alice, shop):
    token = api_token_for(user=alice, shop=shop)
    Membership.objects.filter(user=alice, shop=shop).delete()
    assert ApiClient(token).get("/customers").status_code == 401


def test_a_token_of_a_deactivated_user_is_401(alice, shop):
    token = api_token_for(user=alice, shop=shop)
    alice.is_active = False
    alice.save()
    assert ApiClient(token).get("/customers").status_code == 401


def test_a_logged_in_session_does_not_authenticate_the_api(alice_client):
    assert alice_client.get("/api/v1/customers").status_code == 401
    response = alice_client.post(
        "/api/v1/customers", {"name": "Via cookie"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_a_token_sees_only_the_shop_it_was_made_for(alice, shop, other_shop):
    MembershipFactory(user=alice, shop=other_shop, role="owner")
    CustomerFactory(shop=shop, name="Ours")
    CustomerFactory(shop=other_shop, name="Theirs")
    names = [
        c["name"]
        for c in ApiClient(api_token_for(user=alice, shop=other_shop))
        .get("/customers")
        .json()["items"]
    ]
    assert names == ["Theirs"]


def test_using_a_token_records_when_it_was_last_used(alice, shop):
    token = api_token_for(user=alice, shop=shop)
    ApiClient(token).get("/customers")
    assert ApiToken.objects.get(user=alice).last_used_at is not None


def test_the_token_is_stored_only_as_a_hash(alice, shop):
    token = api_token_for(user=alice, shop=shop)
    row = ApiToken.objects.get(user=alice)
    assert token not in (row.token_hash, row.hint, row.name)
    assert row.token_hash == ApiToken.hash(token)
