"""/healthz tells the truth: the database, its schema, the delivery worker and the queue."""

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from signoff.core import health
from signoff.sharing.models import Message
from tests.factories import MessageFactory, WorkerHeartbeatFactory
from tests.support.worker_process import (
    SQLITE_NAME,
    migrate,
    process_env,
    sqlite_move_away,
    sqlite_move_back,
)

pytestmark = pytest.mark.django_db

IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"


def _get(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


def test_all_is_well_with_a_fresh_heartbeat_and_nothing_waiting(client):
    WorkerHeartbeatFactory(seen_at=timezone.now() - timedelta(seconds=7))
    status, body = _get(client)
    assert status == 200
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "schema": "ok", "worker": "ok", "queue": "ok"},
        "worker_required": True,
        "worker_heartbeat_age_seconds": 7,
        "oldest_queued_seconds": None,
    }


def test_no_worker_ever_seen_is_unavailable(client):
    status, body = _get(client)
    assert status == 503
    assert body["status"] == "unavailable"
    assert list(body["problems"]) == ["worker"]
    assert "No delivery worker has ever reported in" in body["problems"]["worker"]
    assert body["checks"]["worker"] == "failed"
    assert body["worker_heartbeat_age_seconds"] is None


def test_a_stale_heartbeat_is_unavailable(client, settings):
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 120
    WorkerHeartbeatFactory(seen_at=timezone.now() - timedelta(minutes=3))
    status, body = _get(client)
    assert status == 503
    assert body["problems"]["worker"].startswith(
        "No delivery worker has reported in for 3 minutes (more than 2 minutes)"
    )
    assert 180 <= body["worker_heartbeat_age_seconds"] < 190


def test_with_the_immediate_backend_no_worker_is_needed(client, settings):
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE_BACKEND}}
    status, body = _get(client)
    assert status == 200
    assert body["checks"]["worker"] == "not required"
    assert body["worker_required"] is False


def test_a_message_queued_too_long_is_unavailable(client, settings):
    settings.QUEUE_STALE_MINUTES = 10
    WorkerHeartbeatFactory()
    message = MessageFactory()
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=25))
    status, body = _get(client)
    assert status == 503
    assert list(body["problems"]) == ["queue"]
    assert body["problems"]["queue"].startswith("A message has waited 25 minutes to be sent")
    assert body["checks"] == {"database": "ok", "schema": "ok", "worker": "ok", "queue": "failed"}
    assert 25 * 60 <= body["oldest_queued_seconds"] < 26 * 60


def test_a_migration_not_applied_is_a_schema_problem_and_delivery_is_not_checked(
    client, monkeypatch
):
    on_disk = health.expected_migrations()
    monkeypatch.setattr(
        health, "expected_migrations", lambda: on_disk | {("sharing", "9999_not_yet")}
    )
    status, body = _get(client)
    assert status == 503
    assert body["problems"] == {
        "schema": "1 migration(s) not applied (sharing.9999_not_yet): run `signoff migrate`."
    }
    assert body["checks"] == {
        "database": "ok",
        "schema": "failed",
        "worker": "not checked",
        "queue": "not checked",
    }


def test_a_database_that_does_not_answer_is_the_only_problem_reported(client, monkeypatch):
    monkeypatch.setattr(
        "signoff.web.views_health.database_problem",
        lambda: "The database does not answer: unable to open database file",
    )
    monkeypatch.setattr(
        "signoff.web.views_health.schema_problem",
        lambda: pytest.fail("the schema was checked without a database"),
    )
    status, body = _get(client)
    assert status == 503
    assert body == {
        "status": "unavailable",
        "problems": {"database": "The database does not answer: unable to open database file"},
        "checks": {"database": "failed"},
    }


def test_a_database_lost_during_the_delivery_checks_is_a_database_problem(client, monkeypatch):
    def lost(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("signoff.web.views_health.delivery_health", lost)
    status, body = _get(client)
    assert status == 503
    assert body["problems"] == {
        "database": "The database failed during the checks: server closed the connection "
        "unexpectedly"
    }


def test_healthz_takes_no_session_and_sets_no_cookie(client):
    WorkerHeartbeatFactory()
    response = client.get("/healthz")
    assert not response.cookies


# --- A running web process whose SQLite file goes away and comes back -------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthz(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _wait_until_serving(url: str, web: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert web.poll() is None, "the web process exited"
        try:
            _healthz(url)
            return
        except (ConnectionError, urllib.error.URLError):
            time.sleep(0.1)
    raise AssertionError("the web process never answered")


@pytest.mark.fault
def test_a_running_web_process_reports_a_moved_or_empty_database_and_recovers(tmp_path):
    data = tmp_path / "data"
    away = tmp_path / "away"
    data.mkdir()
    away.mkdir()
    # No worker runs here: with the immediate backend none is needed.
    env = process_env(data, SIGNOFF_TASK_BACKEND=IMMEDIATE_BACKEND)
    migrate(env)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/healthz"
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "signoff.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_serving(url, web)
        status, body = _healthz(url)
        assert (status, body["status"]) == (200, "ok")

        sqlite_move_away(data, away)
        status, body = _healthz(url)
        assert status == 503
        assert list(body["problems"]) == ["database"]
        assert body["problems"]["database"].startswith("The database does not answer")

        sqlite3.connect(data / SQLITE_NAME).close()  # an empty database in its place
        status, body = _healthz(url)
        assert status == 503
        assert list(body["problems"]) == ["schema"]
        assert "it is empty or not Signoff's" in body["problems"]["schema"]

        for name in (SQLITE_NAME, SQLITE_NAME + "-wal", SQLITE_NAME + "-shm"):
            (data / name).unlink(missing_ok=True)
        sqlite_move_back(away, data)
        status, body = _healthz(url)
        assert (status, body["status"]) == (200, "ok")
        assert web.poll() is None  # the same process all along
    finally:
        web.terminate()
        web.wait(timeout=30)
