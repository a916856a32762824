from datetime import time
from decimal import Decimal

import pytest
from django.utils import timezone

from signoff.core.errors import NotAllowed, NotFound, ValidationFailed
from signoff.shops.access import actor_for
from signoff.shops.models import ApiToken, Role, Shop, SmsStatus
from signoff.shops.services import (
    api_token_create,
    api_token_revoke,
    shop_create,
    shop_settings_update,
    shop_switch,
)
from signoff.shops.signals import shop_created
from tests.factories import MembershipFactory


def test_api_token_create_stores_only_the_hash_and_returns_the_raw_value_once(alice, shop):
    token, raw = api_token_create(actor=actor_for(user=alice, shop_id=shop.pk), name=" DMS link ")
    assert raw.startswith(ApiToken.PREFIX)
    assert token.name == "DMS link"
    assert token.token_hash == ApiToken.hash(raw)
    assert raw not in {token.token_hash, token.hint}
    assert raw.startswith(token.hint)
    assert token.shop == shop and token.user == alice


def test_api_token_create_asks_for_a_name(alice, shop):
    with pytest.raises(ValidationFailed) as exc:
        api_token_create(actor=actor_for(user=alice, shop_id=shop.pk), name="   ")
    assert "name" in exc.value.fields
    assert ApiToken.objects.count() == 0


def test_a_technician_may_create_a_token_for_themselves(bob, shop):
    token, _ = api_token_create(actor=actor_for(user=bob, shop_id=shop.pk), name="read only")
    assert token.user == bob


def test_api_token_revoke_sets_revoked_at_and_keeps_the_row(alice, shop):
    token, _ = api_token_create(actor=actor_for(user=alice, shop_id=shop.pk), name="t")
    api_token_revoke(actor=actor_for(user=alice, shop_id=shop.pk), token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_member_cannot_revoke_a_colleagues_token_but_an_owner_can(alice, carol, shop):
    token, _ = api_token_create(actor=actor_for(user=alice, shop_id=shop.pk), name="owner's")
    with pytest.raises(NotFound):
        api_token_revoke(actor=actor_for(user=carol, shop_id=shop.pk), token_id=token.pk)
    carols, _ = api_token_create(actor=actor_for(user=carol, shop_id=shop.pk), name="carol's")
    api_token_revoke(actor=actor_for(user=alice, shop_id=shop.pk), token_id=carols.pk)
    carols.refresh_from_db()
    assert carols.revoked_at is not None


def test_another_shops_token_is_not_found(alice, shop, charlie, other_shop):
    token, _ = api_token_create(actor=actor_for(user=charlie, shop_id=other_shop.pk), name="theirs")
    with pytest.raises(NotFound):
        api_token_revoke(actor=actor_for(user=alice, shop_id=shop.pk), token_id=token.pk)


def test_shop_switch_returns_the_actor_for_a_shop_the_user_belongs_to(alice, shop, other_shop):
    MembershipFactory(user=alice, shop=other_shop, role=Role.ADVISOR)
    switched = shop_switch(user=alice, shop_id=str(other_shop.pk))
    assert switched.shop == other_shop
    assert switched.role == Role.ADVISOR


@pytest.mark.parametrize("shop_id", ["abc", None, "999999"])
def test_shop_switch_refuses_unknown_shops(alice, shop_id):
    with pytest.raises(NotFound):
        shop_switch(user=alice, shop_id=shop_id)


def test_shop_switch_refuses_a_shop_the_user_is_not_a_member_of(alice, other_shop):
    with pytest.raises(NotFound):
        shop_switch(user=alice, shop_id=other_shop.pk)


def test_settings_update_saves_every_field(alice, shop):
    shop = shop_settings_update(
        actor=actor_for(user=alice, shop_id=shop.pk),
        data={
            "name": "Main Street Auto & Truck",
            "phone": "(323) 555-0142",
            "email": "Service@Shop.Example",
            "timezone": "America/Chicago",
            "tax_rate": "9.25",
            "default_labor_rate": "$185",
            "paper_size": "a4",
            "link_expiry_days": "14",
            "sms_status": SmsStatus.APPROVED,
            "sms_sender": "+13235550199",
            "allow_recommendation_approval": "on",
            "capture_recommendation_approver": "on",
            "over_limit_percent": "10",
            "over_limit_amount": "100.00",
            "reminder_delay_hours": "48",
            "quiet_hours_start": "21:00",
            "quiet_hours_end": "08:00",
        },
    )
    shop.refresh_from_db()
    assert shop.phone == "+13235550142"
    assert shop.email == "service@shop.example"
    assert shop.timezone == "America/Chicago"
    assert shop.tax_rate == Decimal("9.250")
    assert shop.default_labor_rate == Decimal("185.00")
    assert shop.paper_size == "a4"
    assert shop.link_expiry_days == 14
    assert shop.sms_enabled
    assert shop.allow_recommendation_approval and shop.capture_recommendation_approver
    assert shop.over_limit_percent == Decimal("10") and shop.over_limit_amount == Decimal("100")
    assert shop.reminder_delay_hours == 48
    assert (shop.quiet_hours_start, shop.quiet_hours_end) == (time(21), time(8))


def test_settings_update_reports_every_bad_field_and_saves_nothing(alice, shop):
    before = (shop.name, shop.tax_rate, shop.timezone)
    with pytest.raises(ValidationFailed) as exc:
        shop_settings_update(
            actor=actor_for(user=alice, shop_id=shop.pk),
            data={
                "name": "",
                "email": "not-an-email",
                "phone": "12",
                "timezone": "Mars/Olympus",
                "tax_rate": "101",
                "link_expiry_days": "0",
                "quiet_hours_start": "25:00",
            },
        )
    fields = exc.value.fields
    assert set(fields) >= {
        "name",
        "email",
        "phone",
        "timezone",
        "tax_rate",
        "link_expiry_days",
        "quiet_hours_start",
    }
    assert "between 0 and 100" in fields["tax_rate"]
    shop.refresh_from_db()
    assert (shop.name, shop.tax_rate, shop.timezone) == before


@pytest.mark.parametrize("allow", [False, True])
@pytest.mark.parametrize("capture", [False, True])
def test_the_two_recommendation_options_are_saved_independently(alice, shop, allow, capture):
    shop = shop_settings_update(
        actor=actor_for(user=alice, shop_id=shop.pk),
        data={"allow_recommendation_approval": allow, "capture_recommendation_approver": capture},
    )
    shop.refresh_from_db()
    assert shop.allow_recommendation_approval is allow
    assert shop.capture_recommendation_approver is capture


def test_changing_one_recommendation_option_leaves_the_other_as_it_was(alice, shop):
    actor = actor_for(user=alice, shop_id=shop.pk)
    shop_settings_update(actor=actor, data={"capture_recommendation_approver": True})
    shop_settings_update(actor=actor, data={"allow_recommendation_approval": False})
    shop.refresh_from_db()
    assert (shop.allow_recommendation_approval, shop.capture_recommendation_approver) == (
        False,
        True,
    )


def test_any_zone_zoneinfo_knows_is_accepted_and_others_are_refused(alice, shop):
    actor = actor_for(user=alice, shop_id=shop.pk)
    assert shop_settings_update(actor=actor, data={"timezone": "Asia/Tokyo"}).timezone == (
        "Asia/Tokyo"
    )
    with pytest.raises(ValidationFailed) as exc:
        shop_settings_update(actor=actor, data={"timezone": "Asia/Atlantis"})
    assert "Choose the shop's time zone from the list" in exc.value.fields["timezone"]
    shop.refresh_from_db()
    assert shop.timezone == "Asia/Tokyo"


def test_approved_text_messaging_needs_a_sender(alice, shop):
    with pytest.raises(ValidationFailed) as exc:
        shop_settings_update(
            actor=actor_for(user=alice, shop_id=shop.pk),
            data={"sms_status": SmsStatus.APPROVED, "sms_sender": ""},
        )
    assert "sender" in exc.value.fields["sms_sender"]


def test_quiet_hours_need_both_ends(alice, shop):
    with pytest.raises(ValidationFailed) as exc:
        shop_settings_update(
            actor=actor_for(user=alice, shop_id=shop.pk),
            data={"quiet_hours_start": "21:00", "quiet_hours_end": ""},
        )
    assert "quiet_hours_end" in exc.value.fields


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.TECHNICIAN])
def test_only_owners_and_managers_change_settings(shop, role):
    user = MembershipFactory(shop=shop, role=role).user
    with pytest.raises(NotAllowed):
        shop_settings_update(actor=actor_for(user=user, shop_id=shop.pk), data={"name": "Renamed"})
    shop.refresh_from_db()
    assert shop.name != "Renamed"


def test_a_manager_can_change_settings(shop):
    user = MembershipFactory(shop=shop, role=Role.MANAGER).user
    saved = shop_settings_update(
        actor=actor_for(user=user, shop_id=shop.pk), data={"tax_rate": "7.5"}
    )
    assert saved.tax_rate == Decimal("7.5")
    assert saved.created_at <= timezone.now()


def test_shop_create_sets_the_settings_given_and_defaults_the_rest(db):
    shop = shop_create(
        name=" Eastside Diesel ", slug="eastside", phone="(312) 555-0100", tax_rate="9.5"
    )
    assert (shop.name, shop.phone, shop.tax_rate) == (
        "Eastside Diesel",
        "+13125550100",
        Decimal("9.5"),
    )
    assert (shop.timezone, shop.default_labor_rate) == ("America/Los_Angeles", Decimal("150.00"))


def test_shop_create_announces_the_new_shop_inside_its_transaction(db):
    seen = []

    def receiver(sender, *, shop, **kwargs):
        seen.append(shop.slug)
        raise RuntimeError("a higher app could not set the shop up")

    shop_created.connect(receiver, dispatch_uid="test")
    try:
        with pytest.raises(RuntimeError):
            shop_create(name="Eastside Diesel", slug="eastside")
    finally:
        shop_created.disconnect(dispatch_uid="test")
    assert seen == ["eastside"]
    assert not Shop.objects.filter(slug="eastside").exists()


def test_shop_create_refuses_a_taken_or_malformed_slug(shop):
    for slug, problem in [
        (shop.slug, "already exists"),
        ("", "Enter a slug"),
        ("x" * 61, "at most 60"),
        ("east side", "letters, digits"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            shop_create(name="Eastside Diesel", slug=slug)
        assert problem in refused.value.fields["slug"]
    assert Shop.objects.count() == 1
