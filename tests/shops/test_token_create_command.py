"""`signoff token create`: a token from the shell that works against the API at once."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from signoff.shops.models import ApiToken
from tests.factories import MembershipFactory
from tests.support.clients import bearer_client


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token_create", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_printed_token_authenticates_api_calls_and_only_its_hash_is_kept(alice, shop):
    raw, message = run("--user", "alice", "--shop", shop.slug, "--name", "DMS")
    assert "shown only once" in message
    token = ApiToken.objects.get(user=alice, shop=shop)
    assert (token.name, token.token_hash) == ("DMS", ApiToken.hash(raw))
    response = bearer_client(raw).get("/api/v1/customers")
    assert response.status_code == 200


def test_the_token_acts_with_the_users_role(bob, shop):
    raw, _ = run("--user", "bob", "--shop", shop.slug)
    client = bearer_client(raw)
    response = client.post(
        "/api/v1/customers",
        {"name": "X", "primary": {"email": "x@example.com"}},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_an_unknown_user_is_named_in_the_error(shop):
    with pytest.raises(CommandError, match="No user named “nobody”"):
        run("--user", "nobody", "--shop", shop.slug)


def test_an_unknown_shop_is_named_in_the_error(alice):
    with pytest.raises(CommandError, match="No shop with the slug “nowhere”"):
        run("--user", "alice", "--shop", "nowhere")


def test_a_user_outside_the_shop_gets_no_token(charlie, shop):
    with pytest.raises(CommandError, match="not a member"):
        run("--user", "charlie", "--shop", shop.slug)
    assert not ApiToken.objects.exists()


def test_a_user_in_two_shops_gets_a_token_for_the_one_named(alice, shop, other_shop):
    MembershipFactory(user=alice, shop=other_shop, role="advisor")
    run("--user", "alice", "--shop", other_shop.slug)
    assert ApiToken.objects.get(user=alice).shop == other_shop


def test_signoff_token_create_runs_this_command(monkeypatch):
    from signoff import cli

    calls = []
    monkeypatch.setattr(cli, "_django", calls.append)
    cli.main(["token", "create", "--user", "alice", "--shop", "main", "--name", "DMS"])
    assert calls == [["token_create", "--user", "alice", "--shop", "main", "--name", "DMS"]]
