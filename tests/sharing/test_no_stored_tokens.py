"""No usable share-link token is stored anywhere: every text column of every table is scanned
after a share went out, was replayed through the API and its links were asked for."""

import json
import uuid

import pytest
from django.apps import apps

from signoff.sharing.links import share_link_token
from signoff.sharing.models import OutboxCapture, ShareLink
from signoff.shops.models import SmsStatus
from tests.sharing.builders import estimate_for
from tests.support.clients import client_for
from tests.support.worker import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fake_pdf(monkeypatch):
    monkeypatch.setattr("signoff.documents.render.estimate_pdf", lambda **kw: b"%PDF-1.4 stand-in")


def as_text(value) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return "" if value is None else str(value)


def rows_containing(secrets: list[str], *, skip=()) -> list[str]:
    """'app.Model #pk.column' for every stored value that contains one of the secrets."""
    found = []
    for model in apps.get_models():
        if model in skip:
            continue
        names = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.values_list(*names):
            for name, value in zip(names, row, strict=True):
                text = as_text(value)
                if any(secret in text for secret in secrets):
                    found.append(f"{model._meta.label} #{row[0]}.{name}")
    return found


def share_everything(shop, alice, api_client_for, django_capture_on_commit_callbacks):
    """Share by email and text through the API (with an idempotency key, then replayed), deliver
    it all, and fetch each link's URL through the API and the staff Copy link button."""
    shop.sms_status, shop.sms_sender = SmsStatus.APPROVED, "+15035550199"
    shop.save()
    est = estimate_for(shop)
    client = api_client_for(alice, shop)
    body = json.dumps(
        {
            "kind": "request_approval",
            "recipients": [
                {"contact_id": est.primary.pk, "channels": ["email", "sms"]},
                {"contact_id": est.spouse.pk, "channels": ["sms"]},
            ],
        }
    )
    path = f"/api/v1/repair-orders/{est.ro.pk}/shares"
    key = {"Idempotency-Key": str(uuid.uuid4())}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(path, body, content_type="application/json", headers=key)
    assert first.status_code == 201, first.content
    replay = client.post(path, body, content_type="application/json", headers=key)
    assert replay["Idempotent-Replayed"] == "true"
    assert run_queued_tasks() == 3
    links = list(ShareLink.objects.order_by("pk"))
    tokens = [share_link_token(link) for link in links]
    for link, token in zip(links, tokens, strict=True):
        assert token in client.get(f"/api/v1/share-links/{link.pk}/url").json()["url"]
        assert token in client_for(alice).post(f"/share-links/{link.pk}/url/").json()["url"]
        assert token not in first.content.decode() + replay.content.decode()
    return tokens


def test_after_a_share_is_delivered_no_table_holds_a_raw_token(
    shop, alice, api_client_for, django_capture_on_commit_callbacks, smtp_sink, twilio_standin
):
    tokens = share_everything(shop, alice, api_client_for, django_capture_on_commit_callbacks)
    # The customers did get working links: the scan below looks for what was really sent.
    sent = [m.as_string() for m in smtp_sink.messages] + [
        m["Body"] for m in twilio_standin.messages
    ]
    for token in tokens:
        assert any(token in what for what in sent)
    assert rows_containing(tokens) == []


def test_with_the_dev_outbox_only_its_captures_hold_the_links(
    shop, alice, api_client_for, django_capture_on_commit_callbacks, settings
):
    settings.DEV_OUTBOX = True
    tokens = share_everything(shop, alice, api_client_for, django_capture_on_commit_callbacks)
    captured = rows_containing(tokens)
    assert captured and all(row.startswith("sharing.OutboxCapture #") for row in captured)
    assert rows_containing(tokens, skip={OutboxCapture}) == []
