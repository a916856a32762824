import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from signoff.core.errors import LinkGone, NotFound, RateLimited
from signoff.sharing.links import (
    ShareLinkGone,
    TokenUnavailable,
    share_link_resolve,
    share_link_token,
    share_link_url,
)
from signoff.sharing.models import ShareLink
from signoff.sharing.services import Recipient, share_create
from signoff.shops.access import actor_for
from tests.sharing.builders import estimate_for, url_of


@pytest.fixture
def shared(shop, alice, monkeypatch):
    from signoff.sharing import services

    monkeypatch.setattr(services, "_enqueue", lambda message_id: None)
    est = estimate_for(shop)
    result = share_create(
        actor=actor_for(user=alice, shop_id=shop.pk),
        ro_id=est.ro.pk,
        kind="request_approval",
        recipients=[Recipient(est.primary.pk), Recipient(est.spouse.pk)],
    )
    return est, result


def token_of(link: ShareLink) -> str:
    return url_of(link).rsplit("/s/", 1)[1]


@override_settings(SITE_URL="https://shop.example")
def test_share_link_url_is_the_site_url_and_the_token():
    assert share_link_url("abc") == "https://shop.example/s/abc"


def test_a_token_resolves_to_its_own_contact_and_repair_order(shared):
    est, result = shared
    john_link, jane_link = result.links
    resolved = share_link_resolve(raw_token=token_of(jane_link), client=None)
    assert resolved == jane_link
    assert resolved.contact == est.spouse
    assert resolved.repair_order == est.ro
    assert share_link_resolve(raw_token=token_of(john_link), client=None).contact == est.primary


def test_an_unknown_token_is_not_found(shared):
    with pytest.raises(NotFound):
        share_link_resolve(raw_token=secrets.token_urlsafe(32), client=None)


@pytest.mark.parametrize("raw", ["", "short", "x" * 500])
def test_malformed_tokens_are_not_found_without_a_lookup(shared, raw, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(NotFound):
        share_link_resolve(raw_token=raw, client=None)


def test_the_stored_hash_itself_does_not_open_the_link(shared):
    link = shared[1].links[0]
    with pytest.raises(NotFound):
        share_link_resolve(raw_token=link.token_hash, client=None)


def test_the_stored_nonce_itself_does_not_open_the_link(shared):
    link = shared[1].links[0]
    with pytest.raises(NotFound):
        share_link_resolve(raw_token=link.token_nonce, client=None)


def test_an_expired_link_is_gone_and_says_to_ask_for_a_new_one(shared):
    link = shared[1].links[0]
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(LinkGone) as err:
        share_link_resolve(raw_token=token_of(link), client=None)
    assert "expired" in err.value.message and "new one" in err.value.message


def test_a_link_is_active_until_it_expires_or_is_revoked(shared):
    link = shared[1].links[0]
    assert link.is_active() and not link.is_revoked and not link.is_expired()
    assert not link.is_active(now=link.expires_at) and link.is_expired(now=link.expires_at)
    assert link.is_active(now=link.expires_at - timedelta(seconds=1))
    link.revoked_at = timezone.now()
    assert link.is_revoked and not link.is_active() and not link.is_expired()


def test_a_revoked_link_is_gone(shared):
    link = shared[1].links[0]
    ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    with pytest.raises(LinkGone) as err:
        share_link_resolve(raw_token=token_of(link), client=None)
    assert "withdrawn" in err.value.message


def test_deriving_a_links_token_again_gives_the_same_token(shared):
    link = shared[1].links[0]
    fresh = ShareLink.objects.get(pk=link.pk)
    assert share_link_token(fresh) == share_link_token(link)
    assert ShareLink.hash_token(share_link_token(fresh)) == fresh.token_hash


def test_the_token_is_the_hmac_of_the_nonce_under_the_secret_key(shared, settings):
    link = shared[1].links[0]
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"signoff.share-link:{link.token_nonce}".encode(),
        hashlib.sha256,
    ).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert share_link_token(link) == expected and len(expected) == 43


def test_each_link_gets_its_own_nonce_and_token(shared):
    john_link, jane_link = shared[1].links
    assert john_link.token_nonce != jane_link.token_nonce
    assert share_link_token(john_link) != share_link_token(jane_link)


def test_a_link_minted_before_tokens_were_derived_still_opens_by_its_hash(shared):
    est = shared[0]
    legacy_token = secrets.token_urlsafe(32)
    legacy = ShareLink.objects.create(
        shop=est.ro.shop,
        share=shared[1].share,
        repair_order=est.ro,
        contact=est.primary,
        token_hash=ShareLink.hash_token(legacy_token),
        expires_at=timezone.now() + timedelta(days=5),
    )
    assert legacy.token_nonce == ""
    assert share_link_resolve(raw_token=legacy_token, client=None) == legacy
    with pytest.raises(TokenUnavailable) as err:
        share_link_token(legacy)
    assert "John Doe" in err.value.message and "Share the estimate again" in err.value.message


def test_after_a_secret_key_change_the_old_key_as_a_fallback_still_derives_the_token(
    shared, settings
):
    link = shared[1].links[0]
    token = share_link_token(link)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    with pytest.raises(TokenUnavailable):
        share_link_token(link)
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert share_link_token(link) == token
    # Whatever the key, a token the customer already has keeps opening the link.
    assert share_link_resolve(raw_token=token, client=None) == link


def test_a_gone_link_carries_the_link_so_the_page_can_name_the_shop(shared):
    link = shared[1].links[0]
    ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    with pytest.raises(ShareLinkGone) as err:
        share_link_resolve(raw_token=token_of(link), client=None)
    assert err.value.link == link
    assert err.value.link.shop.name == "Main Street Auto"
    assert err.value.status == 410


def test_unknown_tokens_count_against_the_client_until_it_is_refused(shared, settings):
    settings.PORTAL_RATE_LIMIT = 2
    for _ in range(2):
        with pytest.raises(NotFound):
            share_link_resolve(raw_token="z" * 43, client="198.51.100.20")
    with pytest.raises(RateLimited):
        share_link_resolve(raw_token=token_of(shared[1].links[0]), client="198.51.100.20")
    assert share_link_resolve(raw_token=token_of(shared[1].links[0]), client="198.51.100.21")


def test_gone_links_do_not_count_against_the_client(shared, settings):
    settings.PORTAL_RATE_LIMIT = 1
    link = shared[1].links[0]
    ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    for _ in range(3):
        with pytest.raises(ShareLinkGone):
            share_link_resolve(raw_token=token_of(link), client="198.51.100.30")
