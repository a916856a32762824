import json
from datetime import datetime

import pytest

from signoff.sharing.models import Message, Share, ShareLink
from tests.factories import ContactFactory, RepairOrderFactory
from tests.sharing.builders import ready_to_send, url_of

pytestmark = pytest.mark.usefixtures("no_delivery")


def post(client, path, body, **headers):
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def shares_path(est):
    return f"/api/v1/repair-orders/{est.ro.pk}/shares"


def post_share(client, est, kind, recipients, **fields):
    """POST a share of `kind` for the estimate's RO to `recipients` (contact_id, channels)."""
    return post(client, shares_path(est), {"kind": kind, "recipients": recipients, **fields})


def test_posting_a_share_returns_the_version_links_without_urls_and_messages(
    shop, alice, est, api_client_for
):
    client = api_client_for(alice, shop)
    response = post_share(
        client,
        est,
        "request_approval",
        [
            {"contact_id": est.primary.pk, "channels": ["email"]},
            {"contact_id": est.spouse.pk, "channels": ["email"]},
        ],
        primary_contact_id=est.primary.pk,
        notes="Call us with questions.",
        sections=["labor", "prices"],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "request_approval"
    assert body["version"]["number"] == 1 and len(body["version"]["content_hash"]) == 64
    assert body["version_created"] is True
    assert body["sections"] == ["labor", "prices"]
    assert [link["contact_name"] for link in body["links"]] == ["John Doe", "Jane Doe"]
    for link in body["links"]:
        assert "url" not in link
        assert url_of(ShareLink.objects.get(pk=link["id"])) not in response.content.decode()
    assert [(m["to_address"], m["status"], m["cc_text"]) for m in body["messages"]] == [
        ("john@mail.example", "queued", "Also sent to: Jane Doe (Spouse)"),
        ("jane@mail.example", "queued", "Also sent to: John Doe (Primary)"),
    ]


def test_listing_shares_never_shows_a_url_or_token(shop, alice, est, api_client_for):
    client = api_client_for(alice, shop)
    created = post_share(client, est, "request_approval", [{"contact_id": est.primary.pk}]).json()
    response = client.get(shares_path(est))
    assert response.status_code == 200
    [share] = response.json()
    assert share["id"] == created["id"]
    assert "url" not in share["links"][0]
    token = url_of(ShareLink.objects.get(pk=created["links"][0]["id"])).rsplit("/", 1)[1]
    assert token not in response.content.decode()
    assert share["messages"][0]["channel"] == "email"


def test_channels_are_optional_and_follow_the_contacts_preference(shop, alice, est, api_client_for):
    shop.sms_status, shop.sms_sender = "approved", "+15035550199"
    shop.save()
    body = post_share(
        api_client_for(alice, shop), est, "request_approval", [{"contact_id": est.spouse.pk}]
    ).json()
    assert [(m["channel"], m["to_address"]) for m in body["messages"]] == [("sms", "+15035551002")]


def test_send_to_customer_before_every_operation_is_decided_is_a_409_naming_the_rule(
    shop, alice, est, api_client_for
):
    response = post_share(
        api_client_for(alice, shop), est, "send_to_customer", [{"contact_id": est.primary.pk}]
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "share_not_ready"
    assert "2 are still pending" in error["message"]
    assert "approved on the customer's behalf" in error["message"]
    assert not Share.objects.exists()


def test_send_to_customer_succeeds_once_the_rules_are_met(shop, alice, est, api_client_for):
    ready_to_send(est, by=alice)
    response = post_share(
        api_client_for(alice, shop),
        est,
        "send_to_customer",
        [{"contact_id": est.primary.pk}],
        include_etr=False,
    )
    assert response.status_code == 201
    assert response.json()["include_etr"] is False


def test_send_updated_is_still_accepted_and_answered_as_send_to_customer(
    shop, alice, est, api_client_for
):
    ready_to_send(est, by=alice)
    client = api_client_for(alice, shop)
    response = post(
        client,
        shares_path(est),
        {"kind": "send_updated", "recipients": [{"contact_id": est.primary.pk}]},
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "send_to_customer"
    assert Share.objects.get().kind == "send_to_customer"
    listed = client.get(shares_path(est)).json()
    assert [s["kind"] for s in listed] == ["send_to_customer"]


def test_send_updated_is_held_to_the_send_to_customer_rules(shop, alice, est, api_client_for):
    response = post(
        api_client_for(alice, shop),
        shares_path(est),
        {"kind": "send_updated", "recipients": [{"contact_id": est.primary.pk}]},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "share_not_ready"


def test_the_openapi_schema_documents_send_updated_as_an_alias(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    kind_in = schema["ShareIn"]["properties"]["kind"]
    assert kind_in["enum"] == ["request_approval", "send_to_customer", "send_updated"]
    assert "`send_updated` is the former name of `send_to_customer`" in kind_in["description"]
    assert schema["ShareOut"]["properties"]["kind"]["enum"] == [
        "request_approval",
        "send_to_customer",
    ]


def test_an_unknown_kind_is_refused(shop, alice, est, api_client_for):
    response = post(
        api_client_for(alice, shop),
        shares_path(est),
        {"kind": "send_update", "recipients": [{"contact_id": est.primary.pk}]},
    )
    assert response.status_code == 422
    assert not Share.objects.exists()


def test_an_unknown_contact_is_a_field_error(shop, alice, est, api_client_for):
    response = post_share(
        api_client_for(alice, shop), est, "request_approval", [{"contact_id": 987654}]
    )
    assert response.status_code == 422
    assert "recipients.0.contact_id" in response.json()["error"]["fields"]


def test_a_contact_of_another_customer_is_refused(shop, alice, est, api_client_for):
    stranger = ContactFactory(customer=RepairOrderFactory(shop=shop).customer, name="Sam Other")
    response = post_share(
        api_client_for(alice, shop), est, "request_approval", [{"contact_id": stranger.pk}]
    )
    assert response.status_code == 422
    assert (
        "Sam Other is not a contact"
        in response.json()["error"]["fields"]["recipients.0.contact_id"]
    )


def test_an_email_channel_without_an_email_names_the_contact(shop, alice, est, api_client_for):
    est.spouse.email = ""
    est.spouse.save()
    response = post_share(
        api_client_for(alice, shop),
        est,
        "request_approval",
        [{"contact_id": est.spouse.pk, "channels": ["email"]}],
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["recipients.0.channels"].startswith("Jane Doe:")


def test_an_unknown_channel_or_kind_is_rejected_by_the_schema(shop, alice, est, api_client_for):
    client = api_client_for(alice, shop)
    bad_channel = post_share(
        client, est, "request_approval", [{"contact_id": est.primary.pk, "channels": ["fax"]}]
    )
    assert bad_channel.status_code == 422
    bad_kind = post_share(client, est, "carrier_pigeon", [{"contact_id": est.primary.pk}])
    assert bad_kind.status_code == 422
    assert "kind" in bad_kind.json()["error"]["fields"]


def test_texting_while_not_approved_is_refused_with_the_reason(shop, alice, est, api_client_for):
    response = post_share(
        api_client_for(alice, shop),
        est,
        "request_approval",
        [{"contact_id": est.spouse.pk, "channels": ["sms"]}],
    )
    assert response.status_code == 422
    assert "not approved for this shop" in response.json()["error"]["message"]


def test_the_same_idempotency_key_shares_only_once(shop, alice, est, api_client_for):
    client = api_client_for(alice, shop)
    body = {"kind": "request_approval", "recipients": [{"contact_id": est.primary.pk}]}
    first = post(client, shares_path(est), body, **{"Idempotency-Key": "share-1"})
    again = post(client, shares_path(est), body, **{"Idempotency-Key": "share-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Share.objects.count() == 1 and Message.objects.count() == 1


def test_a_technician_may_read_but_not_share(shop, alice, bob, est, api_client_for):
    post_share(
        api_client_for(alice, shop), est, "request_approval", [{"contact_id": est.primary.pk}]
    )
    client = api_client_for(bob, shop)
    assert client.get(shares_path(est)).status_code == 200
    assert client.get(f"/api/v1/repair-orders/{est.ro.pk}/versions").status_code == 200
    response = post_share(client, est, "request_approval", [{"contact_id": est.primary.pk}])
    assert response.status_code == 403
    assert Share.objects.count() == 1


def test_another_shop_gets_404_on_every_sharing_route(
    shop, alice, charlie, other_shop, est, api_client_for
):
    created = post_share(
        api_client_for(alice, shop), est, "request_approval", [{"contact_id": est.primary.pk}]
    ).json()
    client = api_client_for(charlie, other_shop)
    assert client.get(shares_path(est)).status_code == 404
    assert client.get(f"/api/v1/repair-orders/{est.ro.pk}/versions").status_code == 404
    assert client.get(f"/api/v1/versions/{created['version']['id']}/pdf").status_code == 404
    link_id = created["links"][0]["id"]
    assert client.post(f"/api/v1/share-links/{link_id}/revoke").status_code == 404
    response = post_share(client, est, "request_approval", [{"contact_id": est.primary.pk}])
    assert response.status_code == 404
    assert ShareLink.objects.get(pk=link_id).revoked_at is None


def test_versions_list_each_shared_version_with_its_content(shop, alice, est, api_client_for):
    client = api_client_for(alice, shop)
    post_share(client, est, "request_approval", [{"contact_id": est.primary.pk}])
    ready_to_send(est)
    post_share(client, est, "send_to_customer", [{"contact_id": est.primary.pk}])
    versions = client.get(f"/api/v1/repair-orders/{est.ro.pk}/versions").json()
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[1]["content"]["operations"][0]["status"] == "approved"
    assert versions[0]["total"] == "399.43"
    assert versions[0]["created_by"]["id"] == alice.pk


def test_a_versions_pdf_is_a_pdf_of_that_version(shop, alice, est, api_client_for):
    client = api_client_for(alice, shop)
    created = post_share(client, est, "request_approval", [{"contact_id": est.primary.pk}]).json()
    response = client.get(f"/api/v1/versions/{created['version']['id']}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"estimate-RO-{est.ro.number}-v1.pdf" in response["Content-Disposition"]


def test_a_pdf_with_an_unknown_section_is_a_field_error(shop, alice, est, api_client_for):
    client = api_client_for(alice, shop)
    created = post_share(client, est, "request_approval", [{"contact_id": est.primary.pk}]).json()
    response = client.get(f"/api/v1/versions/{created['version']['id']}/pdf?sections=margins")
    assert response.status_code == 422
    assert "sections" in response.json()["error"]["fields"]


def test_revoking_a_link_through_the_api(shop, alice, est, api_client_for):
    client = api_client_for(alice, shop)
    created = post_share(client, est, "request_approval", [{"contact_id": est.primary.pk}]).json()
    link_id = created["links"][0]["id"]
    response = client.post(f"/api/v1/share-links/{link_id}/revoke")
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert ShareLink.objects.get(pk=link_id).revoked_at is not None


def _pop_times(item: dict, *names: str) -> dict:
    """Takes the named times out of a JSON object, parsed (the API writes milliseconds)."""
    return {n: datetime.fromisoformat(item.pop(n)) if item[n] else item.pop(n) for n in names}


def _ms(value):
    return value.replace(microsecond=value.microsecond // 1000 * 1000) if value else None


LINK_TIMES = ("created_at", "expires_at", "revoked_at", "first_opened_at", "last_opened_at")


def test_the_share_list_shows_each_shares_version_author_links_and_messages_field_for_field(
    shop, alice, est, api_client_for
):
    client = api_client_for(alice, shop)
    body = {"kind": "request_approval", "recipients": [{"contact_id": est.spouse.pk}]}
    assert post(client, shares_path(est), body).status_code == 201
    [listed] = client.get(shares_path(est)).json()
    share = Share.objects.get()
    [link], [message] = share.links.all(), share.messages.all()
    assert _pop_times(listed["version"], "created_at") == {
        "created_at": _ms(share.version.created_at)
    }
    assert listed["version"] == {
        "id": share.version.pk,
        "number": share.version.number,
        "content_hash": share.version.content_hash,
        "total": str(share.version.total),
    }
    assert listed["created_by"] == {
        "id": alice.pk,
        "name": alice.get_full_name() or alice.get_username(),
    }
    [link_json] = listed["links"]
    assert _pop_times(link_json, *LINK_TIMES) == {n: _ms(getattr(link, n)) for n in LINK_TIMES}
    assert link_json == {
        "id": link.pk,
        "contact_id": est.spouse.pk,
        "contact_name": est.spouse.name,
        "contact_relationship": est.spouse.relationship_label,
        "version": share.version.number,
        "open_count": 0,
        "open_count_exact": True,
    }
    [message_json] = listed["messages"]
    assert message_json["contact_name"] == est.spouse.name
    assert (message_json["id"], message_json["link_id"]) == (message.pk, link.pk)
    revoked = post(client, f"/api/v1/share-links/{link.pk}/revoke", {}).json()
    assert (revoked["contact_name"], revoked["version"]) == (est.spouse.name, share.version.number)
    assert revoked["revoked_at"] is not None
