import re

import pytest

from signoff.sharing import services
from signoff.sharing.models import Message, Share, ShareLink
from signoff.shops.access import actor_for
from tests.sharing.builders import link_for, ready_to_send, url_of
from tests.support.clients import client_for

pytestmark = pytest.mark.usefixtures("no_delivery")


def share_url(est, slug="request-approval"):
    return f"/ros/{est.ro.pk}/share/{slug}/"


def test_the_share_form_has_its_own_page(shop, alice, est):
    response = client_for(alice).get(share_url(est))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Request Approval" in html and "John Doe" in html and "Jane Doe" in html
    assert f'href="/ros/{est.ro.pk}/"' in html


def test_posting_the_form_shares_and_returns_to_the_ro_with_a_summary(shop, alice, est):
    client = client_for(alice)
    response = client.post(
        share_url(est),
        {
            "recipient": [est.primary.pk, est.spouse.pk],
            "channel": [f"{est.primary.pk}:email", f"{est.spouse.pk}:email"],
            "primary": est.spouse.pk,
            "include_etr": "1",
            "notes": "Ready by Tuesday.",
            "sections": ["labor", "parts", "prices"],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/ros/{est.ro.pk}/"
    share = Share.objects.get()
    assert share.sections == ["labor", "parts", "prices"] and share.notes == "Ready by Tuesday."
    assert [m.contact for m in share.messages.order_by("id")] == [est.spouse, est.primary]
    flash = [str(m) for m in response.wsgi_request._messages]
    assert flash == [
        "Version 1 shared with Jane Doe (email); John Doe (email). Delivery status is below."
    ]


def test_channels_of_contacts_not_ticked_are_ignored(shop, alice, est):
    client_for(alice).post(
        share_url(est),
        {
            "recipient": [est.primary.pk],
            "channel": [f"{est.primary.pk}:email", f"{est.spouse.pk}:email"],
            "primary": est.primary.pk,
        },
    )
    assert [m.to_address for m in Message.objects.all()] == ["john@mail.example"]


def test_a_form_without_recipients_is_shown_again_with_the_reason(shop, alice, est):
    response = client_for(alice).post(share_url(est), {"notes": "kept"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Select at least one contact" in html
    assert ">kept</textarea>" in html
    assert not Share.objects.exists()


def test_a_ticked_contact_without_a_channel_is_refused_by_name(shop, alice, est):
    response = client_for(alice).post(share_url(est), {"recipient": [est.spouse.pk]})
    assert response.status_code == 422
    assert "Choose email or text for Jane Doe." in response.content.decode()


def test_send_to_customer_before_the_rules_are_met_shows_why(shop, alice, est):
    client = client_for(alice)
    page = client.get(share_url(est, "send-to-customer")).content.decode()
    assert "2 are still pending" in page
    response = client.post(
        share_url(est, "send-to-customer"),
        {
            "recipient": [est.primary.pk],
            "channel": [f"{est.primary.pk}:email"],
        },
    )
    assert response.status_code == 409
    assert "cannot be sent to the customer yet" in response.content.decode()
    assert not Share.objects.exists()


def test_send_to_customer_shares_once_the_rules_are_met(shop, alice, est):
    ready_to_send(est, by=alice)
    response = client_for(alice).post(
        share_url(est, "send-to-customer"),
        {
            "recipient": [est.primary.pk],
            "channel": [f"{est.primary.pk}:email"],
        },
    )
    assert response.status_code == 302
    assert Share.objects.get().kind == "send_to_customer"


def test_an_unknown_way_to_share_is_404(shop, alice, est):
    assert client_for(alice).get(share_url(est, "fax-it")).status_code == 404


def test_a_technician_cannot_open_or_post_the_share_form(shop, bob, est):
    client = client_for(bob)
    assert client.get(share_url(est)).status_code == 403
    response = client.post(
        share_url(est),
        {
            "recipient": [est.primary.pk],
            "channel": [f"{est.primary.pk}:email"],
        },
    )
    assert response.status_code == 403
    assert not Share.objects.exists()


def test_another_shop_gets_404_from_the_share_pages(shop, charlie, est):
    client = client_for(charlie)
    assert client.get(share_url(est)).status_code == 404
    response = client.post(
        share_url(est),
        {
            "recipient": [est.primary.pk],
            "channel": [f"{est.primary.pk}:email"],
        },
    )
    assert response.status_code == 404
    assert not Share.objects.exists()


def test_signed_out_visitors_are_sent_to_log_in(client, db, est):
    response = client.get(share_url(est))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.fixture
def link(shop, alice, est):
    return link_for(est, est.primary, by=alice)


def test_revoking_a_link_returns_to_the_ro_messages(shop, alice, est, link):
    response = client_for(alice).post(f"/share-links/{link.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == f"/ros/{est.ro.pk}/#ro-messages"
    assert ShareLink.objects.get(pk=link.pk).revoked_at is not None


def test_revoking_needs_a_post(shop, alice, link):
    assert client_for(alice).get(f"/share-links/{link.pk}/revoke/").status_code == 405
    assert ShareLink.objects.get(pk=link.pk).revoked_at is None


def test_technicians_and_other_shops_cannot_revoke(shop, bob, charlie, link):
    assert client_for(bob).post(f"/share-links/{link.pk}/revoke/").status_code == 403
    assert client_for(charlie).post(f"/share-links/{link.pk}/revoke/").status_code == 404
    assert ShareLink.objects.get(pk=link.pk).revoked_at is None


def test_copy_link_answers_the_contacts_url_as_json_for_an_editor(shop, alice, carol, link):
    for user in (alice, carol):
        response = client_for(user).post(f"/share-links/{link.pk}/url/")
        assert response.status_code == 200
        assert response.json() == {"url": url_of(link)}
        assert response["Cache-Control"] == "no-store"


def test_copy_link_needs_a_post(shop, alice, link):
    assert client_for(alice).get(f"/share-links/{link.pk}/url/").status_code == 405


def test_technicians_and_other_shops_cannot_copy_a_link(shop, bob, charlie, link):
    refused = client_for(bob).post(f"/share-links/{link.pk}/url/")
    assert refused.status_code == 403 and url_of(link) not in refused.content.decode()
    assert client_for(charlie).post(f"/share-links/{link.pk}/url/").status_code == 404


def test_copying_a_revoked_link_says_why_instead(shop, alice, link):
    services.link_revoke(actor=actor_for(user=alice, shop_id=shop.pk), link_id=link.pk)
    response = client_for(alice).post(f"/share-links/{link.pk}/url/")
    assert response.status_code == 410
    assert "revoked" in response.json()["error"] and "url" not in response.json()


def test_send_to_customer_ignores_posted_channels_and_follows_each_preference(shop, alice, est):
    ready_to_send(est, by=alice)
    client = client_for(alice)
    page = client.get(share_url(est, "send-to-customer")).content.decode()
    assert "the way their notification preference says" in page
    email_box = re.search(rf'<input[^>]*value="{est.primary.pk}:email"[^>]*>', page).group()
    assert "checked" in email_box and "disabled" in email_box
    response = client.post(
        share_url(est, "send-to-customer"),
        {
            "recipient": [est.primary.pk, est.spouse.pk],
            "channel": [f"{est.primary.pk}:sms"],
            "primary": est.primary.pk,
        },
    )
    assert response.status_code == 302
    # Jane prefers texts, but texting is not approved for the shop: she still gets an email.
    sent = sorted(Message.objects.values_list("to_address", "channel"))
    assert sent == [("jane@mail.example", "email"), ("john@mail.example", "email")]
