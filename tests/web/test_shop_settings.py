import zoneinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from signoff.shops import timezones
from signoff.shops.models import ApiToken
from tests.factories import api_token_for


def settings_form(shop, **overrides):
    data = {
        "name": shop.name,
        "phone": "(503) 555-0100",
        "email": shop.email,
        "address": "1 Main St",
        "timezone": "America/Denver",
        "tax_rate": "9.25",
        "default_labor_rate": "165.00",
        "paper_size": "us-letter",
        "link_expiry_days": "30",
        "sms_status": "not_registered",
        "sms_sender": "",
        "allow_recommendation_approval": "on",
        "capture_recommendation_approver": "on",
        "over_estimate_rule": "none",
        "over_limit_percent": "",
        "over_limit_amount": "",
        "reminder_delay_hours": "24",
        "reminder_max": "1",
        "fallback_channel": "offer",
        "quiet_hours_start": "",
        "quiet_hours_end": "",
    }
    data.update(overrides)
    return data


def test_the_settings_page_shows_every_section_and_links_to_reasons_and_tokens(alice_client):
    body = alice_client.get("/settings/").content.decode()
    for text in (
        "Time zone",
        "Sales tax rate",
        "Default labor rate",
        "Paper size",
        "Share links expire after",
        "Text messaging registration",
        "RO info",
        "Allow contacts to approve recommendations on their link",
        "Capture who approved each recommendation, with a signature",
        "Over-estimate rule",
        "Local rules differ, and the shop is responsible for choosing the rule that applies",
        "Michigan: up to $10 or 10% over, whichever is less (MCL 257.1332)",
        "Quiet hours",
        'href="/settings/reasons/"',
        'href="/settings/api-tokens/"',
        '<option value="America/Los_Angeles" selected>',
    ):
        assert text in body, text


def test_an_owner_picks_a_rule_preset_and_it_is_shown_chosen(alice_client, shop):
    response = alice_client.post(
        "/settings/", settings_form(shop, over_estimate_rule="florida"), follow=True
    )
    assert "Shop settings saved." in response.content.decode()
    shop.refresh_from_db()
    assert shop.over_estimate_rule == "florida"
    body = alice_client.get("/settings/").content.decode()
    assert 'value="florida" id="id_over_estimate_rule_3" checked>' in body


def test_the_custom_rule_needs_a_percent_or_an_amount(alice_client, shop):
    response = alice_client.post("/settings/", settings_form(shop, over_estimate_rule="custom"))
    body = response.content.decode()
    assert "The custom rule needs a percent, an amount, or both" in body
    shop.refresh_from_db()
    assert shop.over_estimate_rule == "none"
    alice_client.post(
        "/settings/", settings_form(shop, over_estimate_rule="custom", over_limit_amount="25")
    )
    shop.refresh_from_db()
    assert (shop.over_estimate_rule, shop.over_limit_amount) == ("custom", Decimal("25"))


def test_an_owner_saves_the_settings(alice_client, shop):
    response = alice_client.post("/settings/", settings_form(shop), follow=True)
    assert "Shop settings saved." in response.content.decode()
    shop.refresh_from_db()
    assert shop.timezone == "America/Denver"
    assert shop.tax_rate == Decimal("9.25")
    assert shop.allow_recommendation_approval and shop.capture_recommendation_approver


def test_unticking_a_box_turns_the_setting_off(alice_client, shop):
    shop.allow_recommendation_approval = shop.capture_recommendation_approver = True
    shop.save()
    data = settings_form(shop)
    del data["allow_recommendation_approval"], data["capture_recommendation_approver"]
    alice_client.post("/settings/", data)
    shop.refresh_from_db()
    assert not shop.allow_recommendation_approval
    assert not shop.capture_recommendation_approver


@pytest.mark.parametrize(
    ("allow", "capture"), [(False, False), (True, False), (False, True), (True, True)]
)
def test_each_recommendation_option_is_saved_on_its_own(alice_client, shop, allow, capture):
    data = settings_form(shop)
    del data["allow_recommendation_approval"], data["capture_recommendation_approver"]
    if allow:
        data["allow_recommendation_approval"] = "on"
    if capture:
        data["capture_recommendation_approver"] = "on"
    alice_client.post("/settings/", data)
    shop.refresh_from_db()
    assert (shop.allow_recommendation_approval, shop.capture_recommendation_approver) == (
        allow,
        capture,
    )
    body = alice_client.get("/settings/").content.decode()
    for name, on in (
        ("allow_recommendation_approval", allow),
        ("capture_recommendation_approver", capture),
    ):
        box = body.split(f'name="{name}"')[1].split(">")[0]
        assert ("checked" in box) is on, name


def test_the_recommendation_options_say_what_each_does_without_depending_on_the_other(
    alice_client,
):
    body = alice_client.get("/settings/").content.decode()
    assert "Two separate choices: each one works on its own." in body
    assert "Off: the link shows recommendations without buttons" in body
    assert "On: whoever approves a recommendation, on their link or at the counter" in body
    assert "Only applies when" not in body
    assert 'class="indent"' not in body


def test_the_time_zone_is_a_short_list_of_north_american_zones(alice_client):
    body = alice_client.get("/settings/").content.decode()
    select = body.split('name="timezone"')[1].split("</select>")[0]
    assert '<optgroup label="United States">' in select and '<optgroup label="Canada">' in select
    for zone in (
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
        "America/Toronto",
    ):
        assert f'value="{zone}"' in select, zone
    assert '<option value="America/Los_Angeles" selected>Pacific — Los Angeles</option>' in select
    listed = sum(len(zones) for _group, zones in timezones.COMMON_ZONES)
    assert select.count("<option") == listed
    assert "Europe/Berlin" not in select and "US/Pacific" not in select


def test_a_zone_outside_the_list_stays_selected_for_a_shop_that_has_it(alice_client, shop):
    shop.timezone = "Europe/Madrid"
    shop.save()
    select = alice_client.get("/settings/").content.decode().split('name="timezone"')[1]
    select = select.split("</select>")[0]
    assert '<optgroup label="This shop&#x27;s zone">' in select
    assert '<option value="Europe/Madrid" selected>Europe/Madrid</option>' in select
    alice_client.post("/settings/", settings_form(shop, timezone="Europe/Madrid"))
    shop.refresh_from_db()
    assert shop.timezone == "Europe/Madrid"


@pytest.mark.parametrize("zone", ["Nowhere/Land", "america/chicago", "../../etc/passwd", "x" * 65])
def test_a_zone_zoneinfo_does_not_know_is_refused_on_its_field(alice_client, shop, zone):
    body = alice_client.post("/settings/", settings_form(shop, timezone=zone)).content.decode()
    assert "Choose the shop&#x27;s time zone from the list" in body
    shop.refresh_from_db()
    assert shop.timezone == "America/Los_Angeles"
    assert shop.address == ""  # nothing half-saved


def test_every_listed_zone_is_a_canonical_zone_zoneinfo_knows():
    for _group, zones in timezones.COMMON_ZONES:
        for zone, _label in zones:
            assert zone in zoneinfo.available_timezones()
            assert ZoneInfo(zone).key == zone
            assert zone.split("/")[0] in ("America", "Pacific")


def test_each_error_sits_under_its_field_and_the_summary_links_to_it(alice_client, shop):
    data = settings_form(shop, link_expiry_days="999", quiet_hours_start="21:00")
    body = alice_client.post("/settings/", data).content.decode()
    summary = body.split('class="form-errors"')[1].split("</div>")[0]
    assert (
        '<a href="#id_link_expiry_days" data-error-link>Share links expire after (days): '
        "Enter a number of days between 1 and 365.</a>" in summary
    )
    assert '<a href="#id_quiet_hours_end" data-error-link>Quiet hours until: ' in summary
    for field, message in (
        ("link_expiry_days", "Enter a number of days between 1 and 365."),
        ("quiet_hours_end", "Quiet hours need both a start and an end, or leave both empty."),
    ):
        wrapper = body.split(f'id="id_{field}"')[0].rsplit('<div class="field', 1)[1]
        assert wrapper.startswith(" has-error")
        after = body.split(f'id="id_{field}"')[1].split('<div class="field')[0]
        assert f'<p class="field-error" id="id_{field}_error">{message}</p>' in after
    field = body.split('id="id_link_expiry_days"')[0].rsplit("<input", 1)[1]
    assert 'aria-invalid="true"' in field


def test_bad_settings_are_reported_on_their_fields_and_nothing_is_saved(alice_client, shop):
    data = settings_form(shop, tax_rate="nine", email="shop@", timezone="Nowhere/Land")
    body = alice_client.post("/settings/", data).content.decode()
    assert "Enter the tax rate as a number" in body
    assert "is not a valid email address" in body
    assert body.count('class="field-error"') == 3
    shop.refresh_from_db()
    assert shop.timezone == "America/Los_Angeles"


def test_an_advisor_sees_the_settings_read_only_and_cannot_post(client_for, carol, shop):
    client = client_for(carol)
    body = client.get("/settings/").content.decode()
    assert "Only owners and managers can change shop settings" in body
    assert 'name="tax_rate"' in body and "disabled" in body
    assert "Save settings" not in body
    response = client.post("/settings/", settings_form(shop, tax_rate="1"))
    assert response.status_code == 403
    shop.refresh_from_db()
    assert shop.tax_rate == Decimal("8.250")


def test_creating_a_token_shows_it_once_with_a_copy_button(alice_client, alice, shop):
    response = alice_client.post("/settings/api-tokens/", {"name": "DMS"})
    body = response.content.decode()
    token = ApiToken.objects.get(shop=shop, user=alice)
    raw = body.split('id="new-token" class="mono" value="')[1].split('"')[0]
    assert ApiToken.hash(raw) == token.token_hash
    assert "shown only this once" in body and "data-copy" in body
    assert response["Cache-Control"] == "no-store"
    assert raw not in alice_client.get("/settings/api-tokens/").content.decode()


def test_a_token_without_a_name_is_refused_on_the_field(alice_client):
    body = alice_client.post("/settings/api-tokens/", {"name": ""}).content.decode()
    assert "Enter a name" in body
    assert not ApiToken.objects.exists()


def test_owners_see_every_token_and_members_only_their_own(client_for, alice, carol, shop):
    api_token_for(user=alice, shop=shop, name="alice-token")
    api_token_for(user=carol, shop=shop, name="carol-token")
    owner_view = client_for(alice).get("/settings/api-tokens/").content.decode()
    assert "alice-token" in owner_view and "carol-token" in owner_view
    advisor_view = client_for(carol).get("/settings/api-tokens/").content.decode()
    assert "carol-token" in advisor_view and "alice-token" not in advisor_view


def test_revoking_a_token(alice_client, alice, shop):
    api_token_for(user=alice, shop=shop, name="old")
    token = ApiToken.objects.get(name="old")
    response = alice_client.post(f"/settings/api-tokens/{token.pk}/revoke/", follow=True)
    assert "revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_advisor_cannot_revoke_a_colleagues_token(client_for, alice, carol, shop):
    api_token_for(user=alice, shop=shop, name="owner's")
    token = ApiToken.objects.get()
    assert client_for(carol).post(f"/settings/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
