"""The reason list page at /settings/reasons/ (owners and managers)."""

import pytest

from signoff.approvals.models import ApprovalReason
from tests.support.clients import client_for

URL = "/settings/reasons/"


@pytest.fixture
def owner_client(alice):
    return client_for(alice)


def _labels(shop):
    return list(
        ApprovalReason.objects.filter(shop=shop, active=True)
        .order_by("position", "id")
        .values_list("label", flat=True)
    )


def test_the_page_lists_the_active_reasons_with_their_kinds(owner_client):
    html = owner_client.get(URL).content.decode()
    assert 'value="Phone call"' in html and 'value="Verbal at front counter"' in html
    assert '<option value="phone" selected>Phone call</option>' in html
    assert "Approval reasons" in html


def test_adding_a_reason_puts_it_last(owner_client, shop):
    response = owner_client.post(URL, {"label": "Fleet portal", "kind": "written"})
    assert response.status_code == 302
    assert _labels(shop)[-1] == "Fleet portal"


def test_adding_a_duplicate_shows_why_and_adds_nothing(owner_client, shop):
    response = owner_client.post(URL, {"label": "email", "kind": "written"})
    assert response.status_code == 422
    assert "The list already has “Email”." in response.content.decode()
    assert _labels(shop).count("Email") == 1


def test_renaming_and_changing_the_kind(owner_client, shop):
    other = ApprovalReason.objects.get(shop=shop, label="Other")
    owner_client.post(f"{URL}{other.pk}/", {"label": "Walk-in", "kind": "verbal"})
    other.refresh_from_db()
    assert (other.label, other.kind) == ("Walk-in", "verbal")


def test_a_bad_rename_is_reported_and_changes_nothing(owner_client, shop):
    other = ApprovalReason.objects.get(shop=shop, label="Other")
    response = owner_client.post(f"{URL}{other.pk}/", {"label": "", "kind": "other"}, follow=True)
    assert "Enter the reason as staff should see it" in response.content.decode()
    other.refresh_from_db()
    assert other.label == "Other"


def test_retiring_moves_a_reason_to_the_retired_list_and_reactivating_brings_it_back(
    owner_client, shop
):
    email = ApprovalReason.objects.get(shop=shop, label="Email")
    html = owner_client.post(f"{URL}{email.pk}/retire/", follow=True).content.decode()
    assert "Email" not in _labels(shop)
    assert "“Email” retired." in html
    retired_section = html[html.index("Retired reasons") :]
    assert "Email" in retired_section and "Reactivate" in retired_section
    owner_client.post(f"{URL}{email.pk}/reactivate/")
    assert "Email" in _labels(shop)


def test_moving_a_reason_down(owner_client, shop):
    phone = ApprovalReason.objects.get(shop=shop, label="Phone call")
    owner_client.post(f"{URL}{phone.pk}/move/", {"direction": "down"})
    assert _labels(shop)[:2] == ["Verbal at front counter", "Phone call"]


def test_advisors_and_technicians_are_refused(carol, bob, shop):
    email = ApprovalReason.objects.get(shop=shop, label="Email")
    for user in (carol, bob):
        client = client_for(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"label": "X", "kind": "other"}).status_code == 403
        assert client.post(f"{URL}{email.pk}/retire/").status_code == 403
    assert "Email" in _labels(shop)


def test_another_shops_reasons_are_not_found(charlie, shop):
    email = ApprovalReason.objects.get(shop=shop, label="Email")
    client = client_for(charlie)
    for suffix in ("", "retire/", "reactivate/", "move/"):
        assert (
            client.post(f"{URL}{email.pk}/{suffix}", {"label": "X", "kind": "o"}).status_code == 404
        )
    assert ApprovalReason.objects.get(pk=email.pk).active
