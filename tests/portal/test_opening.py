"""Opening the customer page reads: no lock, no update, one insert recording the opening."""

import logging
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signoff.approvals.models import EstimateVersion, Event, EventKind
from signoff.orders.services import operation_update
from signoff.signing import services

pytestmark = pytest.mark.django_db

WRITES = re.compile(r"^\s*(UPDATE|DELETE|INSERT|BEGIN|SAVEPOINT)\b|\bFOR UPDATE\b", re.I)


def _writes(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if WRITES.search(q["sql"])]


def _open(client, url: str):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_USER_AGENT="PhoneBrowser/1.0", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    return response, captured


def _inserted_opening(sql: str) -> bool:
    return sql.lstrip().upper().startswith("INSERT") and "approvals_event" in sql


def test_opening_the_page_takes_no_lock_updates_nothing_and_inserts_only_the_opening(
    client, shared
):
    _response, captured = _open(client, shared.url)
    [write] = _writes(captured)
    assert _inserted_opening(write)
    assert Event.objects.filter(kind=EventKind.LINK_OPENED, share_link=shared.link).count() == 1


def test_the_opening_is_inserted_after_the_page_was_built(client, shared):
    _response, captured = _open(client, shared.url)
    assert _inserted_opening(captured.captured_queries[-1]["sql"])


def test_opening_the_page_after_the_estimate_changed_writes_no_version(client, shared, owner):
    operation_update(actor=owner, operation_id=shared.brakes.pk, data={"title": "Pads and rotors"})
    versions = EstimateVersion.objects.filter(repair_order=shared.ro).count()
    response, captured = _open(client, shared.url)
    assert "Pads and rotors" in response.content.decode()
    assert [_inserted_opening(sql) for sql in _writes(captured)] == [True]
    assert EstimateVersion.objects.filter(repair_order=shared.ro).count() == versions


def test_a_change_the_page_was_not_told_about_shows_the_last_version_without_writing(
    client, shared
):
    # Written behind the services' back: no version is frozen, and the page does not freeze
    # one either; a submission against it is refused as stale (tests/signing/test_submit.py).
    shared.brakes.title = "Changed in the database"
    shared.brakes.save()
    response, captured = _open(client, shared.url)
    html = response.content.decode()
    assert "Changed in the database" not in html and "Front brake pads" in html
    assert f'name="version" value="{shared.version.pk}"' in html
    assert [_inserted_opening(sql) for sql in _writes(captured)] == [True]


def test_the_json_twin_also_writes_only_the_opening(client, shared):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/portal/{shared.token}")
    assert response.status_code == 200
    [write] = _writes(captured)
    assert _inserted_opening(write)
    assert Event.objects.get(kind=EventKind.LINK_OPENED).data["via"] == "api"


def test_a_failure_to_record_the_opening_is_logged_and_the_page_still_answers(
    client, shared, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("the events table is full")

    monkeypatch.setattr(services, "share_link_opening_record", broken)
    with caplog.at_level(logging.ERROR, logger="signoff.core.http"):
        response = client.get(shared.url)
    assert response.status_code == 200
    assert "Front brake pads" in response.content.decode()
    [record] = caplog.records
    assert "the events table is full" in record.exc_text


def test_a_real_link_reads_its_guess_count_and_current_version_in_its_own_query(client, shared):
    _response, captured = _open(client, shared.url)
    sqls = [q["sql"] for q in captured.captured_queries]
    counted = [sql for sql in sqls if "core_ratecounter" in sql]
    assert counted and all('FROM "sharing_sharelink"' in sql for sql in counted)
    versions = [sql for sql in sqls if sql.lstrip().startswith('SELECT "sharing_estimateversion"')]
    assert versions == []  # the share's own version is the current one, read with the link


def test_once_a_newer_version_is_frozen_the_page_shows_it_not_the_shares_own(client, shared):
    shared.brakes.title = "Brake pads, front and rear"
    shared.brakes.save()
    newer = services.approval_version_freeze(repair_order=shared.ro)
    assert newer.pk != shared.version.pk
    response, _captured = _open(client, shared.url)
    html = response.content.decode()
    assert f'name="version" value="{newer.pk}"' in html
    assert "Brake pads, front and rear" in html
