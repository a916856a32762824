from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from signoff.errors import LinkGone, NotFound
from signoff.sharing.links import share_link_resolve, share_link_url
from signoff.sharing.models import ShareLink
from signoff.sharing.services import Recipient, share_create
from tests.sharing.builders import actor_of, estimate_for


@pytest.fixture
def shared(shop, alice, monkeypatch):
    from signoff.sharing import services

    monkeypatch.setattr(services, "_enqueue", lambda message_id: None)
    est = estimate_for(shop)
    result = share_create(
        actor=actor_of(alice, shop),
        ro_id=est.ro.pk,
        kind="request_approval",
        recipients=[Recipient(est.primary.pk), Recipient(est.spouse.pk)],
    )
    return est, result


def token_of(url: str) -> str:
    return url.rsplit("/s/", 1)[1]


@override_settings(SITE_URL="https://shop.example")
def test_share_link_url_is_the_site_url_and_the_token():
    assert share_link_url("abc") == "https://shop.example/s/abc"


def test_a_token_resolves_to_its_own_contact_and_repair_order(shared):
    est, result = shared
    (john_link, john_url), (jane_link, jane_url) = result.links
    resolved = share_link_resolve(raw_token=token_of(jane_url))
    assert resolved == jane_link
    assert resolved.contact == est.spouse
    assert resolved.repair_order == est.ro
    assert share_link_resolve(raw_token=token_of(john_url)).contact == est.primary


def test_an_unknown_token_is_not_found(shared):
    with pytest.raises(NotFound):
        share_link_resolve(raw_token=ShareLink.new_token())


@pytest.mark.parametrize("raw", ["", "short", "x" * 500])
def test_malformed_tokens_are_not_found_without_a_lookup(shared, raw, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(NotFound):
        share_link_resolve(raw_token=raw)


def test_the_stored_hash_itself_does_not_open_the_link(shared):
    link = shared[1].links[0][0]
    with pytest.raises(NotFound):
        share_link_resolve(raw_token=link.token_hash)


def test_an_expired_link_is_gone_and_says_to_ask_for_a_new_one(shared):
    link, url = shared[1].links[0]
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(LinkGone) as err:
        share_link_resolve(raw_token=token_of(url))
    assert "expired" in err.value.message and "new one" in err.value.message


def test_a_revoked_link_is_gone(shared):
    link, url = shared[1].links[0]
    ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    with pytest.raises(LinkGone) as err:
        share_link_resolve(raw_token=token_of(url))
    assert "withdrawn" in err.value.message
