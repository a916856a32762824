import pytest

from signoff.approvals.models import EstimateVersion, Event, EventKind
from signoff.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from signoff.sharing import services
from signoff.sharing.compose import LINK_PLACEHOLDER
from signoff.sharing.links import share_link_resolve
from signoff.sharing.models import Message, Share, ShareLink
from signoff.sharing.services import Recipient, link_revoke, share_create
from signoff.shops.access import actor_for
from tests.factories import ContactFactory, RepairOrderFactory
from tests.sharing.builders import decide, ready_to_send, url_of


@pytest.fixture
def enqueued(monkeypatch):
    ids = []
    monkeypatch.setattr(services, "_enqueue", ids.append)
    return ids


def request_approval(actor, est, *recipients, **kwargs):
    return share_create(
        actor=actor,
        ro_id=est.ro.pk,
        kind="request_approval",
        recipients=list(recipients) or [Recipient(est.primary.pk)],
        **kwargs,
    )


def test_request_approval_writes_a_version_a_share_a_link_and_a_message(shop, alice, est, enqueued):
    result = request_approval(actor_for(user=alice, shop_id=shop.pk), est)
    share = Share.objects.get()
    assert result.share == share
    assert share.kind == "request_approval"
    assert share.version.number == 1
    assert share.created_by == alice
    link = ShareLink.objects.get()
    assert link.contact == est.primary
    message = Message.objects.get()
    assert (message.channel, message.to_address, message.status) == (
        "email",
        "john@mail.example",
        "queued",
    )
    assert message.link == link and message.share == share and message.contact == est.primary


def test_messages_are_enqueued_only_after_the_transaction_commits(
    shop, alice, est, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = request_approval(actor_for(user=alice, shop_id=shop.pk), est)
        assert enqueued == []
    assert len(callbacks) == 1
    assert enqueued == [result.messages[0].pk]


def test_the_link_token_is_256_bits_and_only_its_hash_and_nonce_are_stored(
    shop, alice, est, enqueued
):
    result = request_approval(actor_for(user=alice, shop_id=shop.pk), est)
    raw = url_of(result.links[0]).rsplit("/s/", 1)[1]
    assert len(raw) == 43  # an HMAC-SHA256, URL-safe base64 without padding
    stored = ShareLink.objects.get(pk=result.links[0].pk)
    assert stored.token_hash == ShareLink.hash_token(raw)
    assert len(stored.token_nonce) == 32
    assert raw not in (stored.token_hash, stored.token_nonce)
    assert share_link_resolve(raw_token=raw, client=None) == stored


def test_links_expire_after_the_shops_link_expiry_days(shop, alice, est, enqueued):
    shop.link_expiry_days = 7
    shop.save()
    result = request_approval(actor_for(user=alice, shop_id=shop.pk), est)
    link = result.links[0]
    assert 6.99 < (link.expires_at - link.created_at).total_seconds() / 86400 < 7.01


def test_each_person_gets_their_own_link_and_message_saying_who_else_got_it(
    shop, alice, est, enqueued
):
    result = request_approval(
        actor_for(user=alice, shop_id=shop.pk),
        est,
        Recipient(est.primary.pk, ["email"]),
        Recipient(est.spouse.pk, ["email"]),
        primary_contact_id=est.primary.pk,
    )
    to_john, to_jane = result.messages
    assert to_john.to_address == "john@mail.example"
    assert to_jane.to_address == "jane@mail.example"
    assert to_john.link != to_jane.link
    assert to_john.link.contact == est.primary and to_jane.link.contact == est.spouse
    assert to_john.cc_text == "Also sent to: Jane Doe (Spouse)"
    assert to_jane.cc_text == "Also sent to: John Doe (Primary)"
    # Each body keeps a placeholder that delivery fills with that person's link.
    for message in (to_john, to_jane):
        assert LINK_PLACEHOLDER in message.body_text and LINK_PLACEHOLDER in message.body_html
        for link in result.links:
            assert url_of(link) not in message.body_text + message.body_html


def test_the_primary_recipient_comes_first_whatever_order_they_were_listed_in(
    shop, alice, est, enqueued
):
    result = request_approval(
        actor_for(user=alice, shop_id=shop.pk),
        est,
        Recipient(est.spouse.pk, ["email"]),
        Recipient(est.primary.pk, ["email"]),
        primary_contact_id=est.primary.pk,
    )
    assert [m.contact for m in result.messages] == [est.primary, est.spouse]


def test_channels_default_to_each_contacts_preference(shop, alice, est, enqueued):
    shop.sms_status, shop.sms_sender = "approved", "+15035550199"
    shop.save()
    est.primary.notify = "both"
    est.primary.save()
    result = request_approval(
        actor_for(user=alice, shop_id=shop.pk),
        est,
        Recipient(est.primary.pk),
        Recipient(est.spouse.pk),
    )
    sent = [(m.contact.name, m.channel, m.to_address) for m in result.messages]
    assert sent == [
        ("John Doe", "email", "john@mail.example"),
        ("John Doe", "sms", "+15035551001"),
        ("Jane Doe", "sms", "+15035551002"),
    ]
    # Both of John's messages carry the same personal link.
    assert result.messages[0].link == result.messages[1].link


def test_a_text_preference_falls_back_to_email_while_texting_is_not_approved(
    shop, alice, est, enqueued
):
    result = request_approval(actor_for(user=alice, shop_id=shop.pk), est, Recipient(est.spouse.pk))
    assert [(m.channel, m.to_address) for m in result.messages] == [("email", "jane@mail.example")]


def test_texts_are_refused_while_the_shop_is_not_approved_for_texting(shop, alice, est, enqueued):
    shop.sms_status, shop.sms_sender = "pending", "+15035550199"
    shop.save()
    with pytest.raises(ValidationFailed) as err:
        request_approval(
            actor_for(user=alice, shop_id=shop.pk), est, Recipient(est.spouse.pk, ["sms"])
        )
    assert "not approved for this shop" in err.value.fields["recipients.0.channels"]
    assert not Share.objects.exists() and not Message.objects.exists()


def test_one_text_per_person_never_a_group(shop, alice, est, enqueued):
    shop.sms_status, shop.sms_sender = "approved", "+15035550199"
    shop.save()
    result = request_approval(
        actor_for(user=alice, shop_id=shop.pk),
        est,
        Recipient(est.primary.pk, ["sms"]),
        Recipient(est.spouse.pk, ["sms"]),
    )
    assert [m.to_address for m in result.messages] == ["+15035551001", "+15035551002"]
    for message in result.messages:
        assert message.subject == "" and message.body_html == ""
        assert est.ro.label in message.body_text
        assert len(message.body_text) < 200


def test_a_contact_without_a_mobile_cannot_be_texted(shop, alice, est, enqueued):
    shop.sms_status, shop.sms_sender = "approved", "+15035550199"
    shop.save()
    est.spouse.mobile = ""
    est.spouse.save()
    with pytest.raises(ValidationFailed) as err:
        request_approval(
            actor_for(user=alice, shop_id=shop.pk), est, Recipient(est.spouse.pk, ["sms"])
        )
    assert err.value.fields["recipients.0.channels"] == (
        "Jane Doe: No mobile number — add one on the customer page."
    )


def test_an_email_channel_needs_a_valid_email_and_says_whose_is_missing(shop, alice, est, enqueued):
    est.spouse.email = ""
    est.spouse.save()
    with pytest.raises(ValidationFailed) as err:
        request_approval(
            actor_for(user=alice, shop_id=shop.pk),
            est,
            Recipient(est.primary.pk, ["email"]),
            Recipient(est.spouse.pk, ["email"]),
        )
    assert "Jane Doe" in err.value.fields["recipients.1.channels"]
    assert "email" in err.value.fields["recipients.1.channels"]
    assert not ShareLink.objects.exists()


def test_a_contact_of_another_customer_is_refused(shop, alice, est, enqueued):
    stranger = ContactFactory(customer=RepairOrderFactory(shop=shop).customer, name="Sam Other")
    with pytest.raises(ValidationFailed) as err:
        request_approval(actor_for(user=alice, shop_id=shop.pk), est, Recipient(stranger.pk))
    assert "Sam Other is not a contact of" in err.value.fields["recipients.0.contact_id"]


def test_an_unknown_contact_is_a_field_error(shop, alice, est, enqueued):
    with pytest.raises(ValidationFailed) as err:
        request_approval(actor_for(user=alice, shop_id=shop.pk), est, Recipient(999_999))
    assert "recipients.0.contact_id" in err.value.fields


def test_another_shops_contact_is_unknown(shop, alice, other_shop, est, enqueued):
    outsider = ContactFactory(customer=RepairOrderFactory(shop=other_shop).customer)
    with pytest.raises(ValidationFailed) as err:
        request_approval(actor_for(user=alice, shop_id=shop.pk), est, Recipient(outsider.pk))
    assert err.value.fields["recipients.0.contact_id"] == f"There is no contact #{outsider.pk}."


def test_sharing_needs_at_least_one_recipient(shop, alice, est, enqueued):
    with pytest.raises(ValidationFailed) as err:
        share_create(
            actor=actor_for(user=alice, shop_id=shop.pk),
            ro_id=est.ro.pk,
            kind="request_approval",
            recipients=[],
        )
    assert "recipients" in err.value.fields


def test_the_primary_must_be_one_of_the_recipients(shop, alice, est, enqueued):
    with pytest.raises(ValidationFailed) as err:
        request_approval(
            actor_for(user=alice, shop_id=shop.pk),
            est,
            Recipient(est.spouse.pk),
            primary_contact_id=est.primary.pk,
        )
    assert "primary_contact_id" in err.value.fields


def test_unknown_pdf_sections_are_refused(shop, alice, est, enqueued):
    with pytest.raises(ValidationFailed) as err:
        request_approval(
            actor_for(user=alice, shop_id=shop.pk), est, sections=["labor", "secret_margin"]
        )
    assert "secret_margin" in err.value.fields["sections"]


def test_sections_default_to_all_and_keep_their_documented_order(shop, alice, est, enqueued):
    everything = request_approval(actor_for(user=alice, shop_id=shop.pk), est).share
    assert everything.sections[0] == "customer_vehicle" and "signatures" in everything.sections
    some = request_approval(
        actor_for(user=alice, shop_id=shop.pk), est, sections=["notes", "labor"]
    ).share
    assert some.sections == ["labor", "notes"]


def test_a_technician_cannot_share(shop, bob, est, enqueued):
    with pytest.raises(NotAllowed):
        request_approval(actor_for(user=bob, shop_id=shop.pk), est)
    assert not EstimateVersion.objects.exists()


def test_another_shops_repair_order_is_not_found(shop, charlie, other_shop, est, enqueued):
    with pytest.raises(NotFound):
        request_approval(actor_for(user=charlie, shop_id=other_shop.pk), est)


def test_request_approval_needs_an_operation(shop, alice, enqueued):
    ro = RepairOrderFactory(shop=shop)
    contact = ContactFactory(customer=ro.customer, is_primary=True)
    with pytest.raises(Conflict) as err:
        share_create(
            actor=actor_for(user=alice, shop_id=shop.pk),
            ro_id=ro.pk,
            kind="request_approval",
            recipients=[Recipient(contact.pk)],
        )
    assert "Add an operation" in err.value.message


def test_send_to_customer_is_refused_while_an_operation_is_pending(shop, alice, est, enqueued):
    decide(est.brakes, "approved")
    with pytest.raises(Conflict) as err:
        share_create(
            actor=actor_for(user=alice, shop_id=shop.pk),
            ro_id=est.ro.pk,
            kind="send_to_customer",
            recipients=[Recipient(est.primary.pk)],
        )
    assert err.value.code == "share_not_ready"
    assert "1 is still pending" in err.value.message
    assert not Share.objects.exists()


def test_send_to_customer_needs_an_approval_on_the_customers_behalf(shop, alice, est, enqueued):
    decide(est.brakes, "approved", source="in_person")
    decide(est.wipers, "declined")
    with pytest.raises(Conflict) as err:
        share_create(
            actor=actor_for(user=alice, shop_id=shop.pk),
            ro_id=est.ro.pk,
            kind="send_to_customer",
            recipients=[Recipient(est.primary.pk)],
        )
    assert "approved on the customer's behalf" in err.value.message
    assert "pending" not in err.value.message


def test_send_to_customer_works_once_every_operation_is_decided(shop, alice, est, enqueued):
    ready_to_send(est)
    result = share_create(
        actor=actor_for(user=alice, shop_id=shop.pk),
        ro_id=est.ro.pk,
        kind="send_to_customer",
        recipients=[Recipient(est.primary.pk)],
        include_etr=False,
        notes="Pads are in stock.",
    )
    assert result.share.kind == "send_to_customer"
    assert result.share.version.content["operations"][0]["status"] == "approved"
    body = result.messages[0].body_text
    assert "Pads are in stock." in body
    assert "Estimated time of repair" not in body


def test_sharing_twice_without_changes_reuses_the_version(shop, alice, est, enqueued):
    first = request_approval(actor_for(user=alice, shop_id=shop.pk), est)
    second = request_approval(actor_for(user=alice, shop_id=shop.pk), est)
    assert first.share.version == second.share.version
    assert not second.version_created
    assert first.links[0] != second.links[0]


def test_a_share_records_share_created_and_version_created_events(shop, alice, est, enqueued):
    result = request_approval(actor_for(user=alice, shop_id=shop.pk), est)
    kinds = list(Event.objects.filter(repair_order=est.ro).values_list("kind", flat=True))
    assert kinds == [
        EventKind.VERSION_CREATED,
        EventKind.SHARE_CREATED,
        EventKind.RO_STATUS_CHANGED,  # Estimate → Awaiting approval (approvals.lifecycle)
    ]
    event = Event.objects.get(kind=EventKind.SHARE_CREATED)
    assert event.actor == alice
    assert event.data["share"] == result.share.pk and event.data["version"] == 1


def test_revoking_a_link_stops_it_opening_and_is_recorded(shop, alice, est, enqueued):
    from signoff.core.errors import LinkGone

    result = request_approval(actor_for(user=alice, shop_id=shop.pk), est)
    link = result.links[0]
    url = url_of(link)
    revoked = link_revoke(actor=actor_for(user=alice, shop_id=shop.pk), link_id=link.pk)
    assert revoked.revoked_at is not None and revoked.revoked_by == alice
    with pytest.raises(LinkGone):
        share_link_resolve(raw_token=url.rsplit("/", 1)[1], client=None)
    assert Event.objects.filter(kind=EventKind.LINK_REVOKED, share_link=link).count() == 1
    link_revoke(actor=actor_for(user=alice, shop_id=shop.pk), link_id=link.pk)
    assert Event.objects.filter(kind=EventKind.LINK_REVOKED).count() == 1


def test_technicians_and_other_shops_cannot_revoke_links(
    shop, alice, bob, charlie, other_shop, est, enqueued
):
    link = request_approval(actor_for(user=alice, shop_id=shop.pk), est).links[0]
    with pytest.raises(NotAllowed):
        link_revoke(actor=actor_for(user=bob, shop_id=shop.pk), link_id=link.pk)
    with pytest.raises(NotFound):
        link_revoke(actor=actor_for(user=charlie, shop_id=other_shop.pk), link_id=link.pk)
    assert ShareLink.objects.get(pk=link.pk).revoked_at is None


def test_send_to_customer_delivers_to_each_contact_by_their_preference(shop, alice, est, enqueued):
    shop.sms_status, shop.sms_sender = "approved", "+15035550199"
    shop.save()
    est.primary.notify = "both"
    est.primary.save()
    ready_to_send(est)
    result = share_create(
        actor=actor_for(user=alice, shop_id=shop.pk),
        ro_id=est.ro.pk,
        kind="send_to_customer",
        recipients=[Recipient(est.primary.pk), Recipient(est.spouse.pk, ["sms"])],
        primary_contact_id=est.primary.pk,
    )
    sent = [(m.contact.name, m.channel) for m in result.messages]
    assert sent == [("John Doe", "email"), ("John Doe", "sms"), ("Jane Doe", "sms")]


def test_send_to_customer_refuses_channels_other_than_the_contacts_preference(
    shop, alice, est, enqueued
):
    ready_to_send(est)
    with pytest.raises(ValidationFailed) as err:
        share_create(
            actor=actor_for(user=alice, shop_id=shop.pk),
            ro_id=est.ro.pk,
            kind="send_to_customer",
            recipients=[Recipient(est.primary.pk, ["sms"])],
        )
    message = err.value.fields["recipients.0.channels"]
    assert "follows John Doe's notification preference (email)" in message
    assert "Request Approval" in message
    assert not Share.objects.exists() and not Message.objects.exists()
