"""`signoff shop create`: a shop from the shell, ready for decisions; bad input saves nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from signoff.approvals.models import DEFAULT_REASONS, ApprovalReason
from signoff.shops.models import Shop


def run(*args: str) -> str:
    out = StringIO()
    call_command("shop_create", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_new_shop_is_printed_and_has_the_default_reasons(db):
    printed = run(
        "--name", "Eastside Diesel", "--slug", "eastside", "--timezone", "America/Chicago"
    )
    shop = Shop.objects.get(slug="eastside")
    assert (shop.name, shop.timezone, shop.link_expiry_days) == (
        "Eastside Diesel",
        "America/Chicago",
        30,
    )
    assert "Created shop “Eastside Diesel” (slug eastside, time zone America/Chicago)" in printed
    assert f"/admin/shops/shop/{shop.pk}/change/" in printed
    assert ApprovalReason.objects.filter(shop=shop).count() == len(DEFAULT_REASONS)


def test_without_a_time_zone_the_shop_gets_the_default_one(db):
    run("--name", "Eastside Diesel", "--slug", "eastside")
    assert Shop.objects.get(slug="eastside").timezone == "America/Los_Angeles"


def test_a_taken_slug_is_refused_and_nothing_is_saved(shop):
    with pytest.raises(CommandError, match=f"A shop with the slug “{shop.slug}” already exists"):
        run("--name", "Copycat Auto", "--slug", shop.slug)
    assert not Shop.objects.filter(name="Copycat Auto").exists()


def test_every_problem_is_named_at_once_and_nothing_is_saved(db):
    with pytest.raises(CommandError) as refused:
        run("--name", " ", "--slug", "east side!", "--timezone", "Mars/Olympus_Mons")
    message = str(refused.value)
    assert "nothing was saved" in message
    assert "Enter the shop's name" in message
    assert "letters, digits, hyphens and underscores" in message
    assert "Choose the shop's time zone" in message
    assert not Shop.objects.exists() and not ApprovalReason.objects.exists()


def test_signoff_shop_create_runs_this_command(monkeypatch):
    from signoff import cli

    calls = []
    monkeypatch.setattr(cli, "_django", calls.append)
    cli.main(["shop", "create", "--name", "Eastside", "--slug", "east", "--timezone", "UTC"])
    cli.main(["shop", "create", "--name", "Eastside", "--slug", "east"])
    assert calls == [
        ["shop_create", "--name", "Eastside", "--slug", "east", "--timezone", "UTC"],
        ["shop_create", "--name", "Eastside", "--slug", "east"],
    ]


# Django closes every database connection when a command ends, so this test cannot run inside
# the usual per-test transaction (PostgreSQL would be left with a closed connection).
@pytest.mark.django_db(transaction=True)
def test_a_refused_shop_ends_the_console_command_with_exit_code_1(shop, capsys):
    from signoff import cli

    with pytest.raises(SystemExit) as ended:
        cli.main(["shop", "create", "--name", "Copycat Auto", "--slug", shop.slug])
    assert ended.value.code == 1
    assert "already exists" in capsys.readouterr().err
    assert not Shop.objects.filter(name="Copycat Auto").exists()


def test_with_an_owner_the_new_user_can_log_in_with_the_password_shown_once(db):
    from django.contrib.auth import authenticate

    from signoff.shops.models import Membership

    printed = run("--name", "Eastside Diesel", "--slug", "eastside", "--owner", "maria")
    password = printed.split("password: ", 1)[1].split()[0]
    user = authenticate(username="maria", password=password)
    assert user is not None
    assert Membership.objects.get(user=user, shop__slug="eastside").role == "owner"
    assert "shown once" in printed


def test_an_existing_user_becomes_owner_and_keeps_their_password(db):
    from django.contrib.auth import get_user_model

    from signoff.shops.models import Membership

    get_user_model().objects.create_user(username="maria", password="her-own-password-1")
    printed = run("--name", "Eastside Diesel", "--slug", "eastside", "--owner", "maria")
    assert "password:" not in printed
    assert Membership.objects.get(user__username="maria").role == "owner"


def test_a_bad_owner_name_saves_neither_the_shop_nor_a_user(db):
    from django.contrib.auth import get_user_model

    with pytest.raises(CommandError, match="Use only letters, digits and @ . \\+ - _"):
        run("--name", "Eastside Diesel", "--slug", "eastside", "--owner", "maria lopez!")
    with pytest.raises(CommandError, match="is not a valid email address"):
        run("--name", "Eastside Diesel", "--slug", "eastside", "--owner", "maria", "--email", "x")
    assert not Shop.objects.filter(slug="eastside").exists()
    assert not get_user_model().objects.exists()
