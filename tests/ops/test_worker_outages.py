"""The delivery worker outlives its database: a PostgreSQL restart, a moved SQLite file, and
several workers sharing one queue. Real processes, real servers, real outages."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import psycopg
import pytest

from tests.support.postgres import PostgresServer
from tests.support.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, TwilioStandIn
from tests.support.worker_process import (
    SEED_QUEUED_TEXT,
    SQLITE_NAME,
    WORKER,
    migrate,
    process_env,
    seed,
    sqlite_move_away,
    sqlite_move_back,
    sqlite_status,
    stop,
    wait_until,
)

pytestmark = pytest.mark.fault

UNAVAILABLE = "Delivery worker: the database is unavailable ("
BACK = "Delivery worker: the database is back after "
# Tries to reach a lost database after 0.2 s, doubling to at most 1 s: quick to recover here.
FAST_RECONNECT = ["--reconnect-delay", "0.2", "--reconnect-max-delay", "1"]


def _twilio_env(folder: Path, twilio: TwilioStandIn, **extra: str) -> dict[str, str]:
    return process_env(
        folder,
        SIGNOFF_DEV_OUTBOX="0",
        SIGNOFF_TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        SIGNOFF_TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        SIGNOFF_TWILIO_API_BASE=twilio.base_url,
        **extra,
    )


def _start(env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [*WORKER, *FAST_RECONNECT, *extra], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _lines(log: Path, text: str) -> list[str]:
    return [line for line in log.read_text().splitlines() if text in line]


def _pg_statuses(url: str, ids: list[int]) -> dict[int, str]:
    with psycopg.connect(url, connect_timeout=5) as db:
        rows = db.execute("select id, status from sharing_message where id = any(%s)", [ids])
        return dict(rows.fetchall())


def _pg_all_sent(url: str, ids: list[int]) -> bool:
    statuses = _pg_statuses(url, ids)
    return len(statuses) == len(ids) and set(statuses.values()) == {"sent"}


def _pg_heartbeats(url: str) -> int:
    with psycopg.connect(url, connect_timeout=5) as db:
        return db.execute("select count(*) from sharing_workerheartbeat").fetchone()[0]


def test_a_postgresql_restart_is_waited_out_and_delivery_carries_on(tmp_path):
    log = tmp_path / "worker.log"
    with TwilioStandIn() as twilio, PostgresServer(tmp_path) as pg:
        # A send cut off by the outage is retried soon after (at least once, not exactly once).
        env = _twilio_env(tmp_path, twilio, DATABASE_URL=pg.url, SIGNOFF_DELIVERY_LEASE="3")
        migrate(env)
        worker = _start(env, log)
        try:
            assert wait_until(lambda: _pg_heartbeats(pg.url), seconds=20), "never reported in"
            before = seed(env, SEED_QUEUED_TEXT)  # queued right before the outage
            pg.stop()

            assert wait_until(lambda: _lines(log, UNAVAILABLE), seconds=10), log.read_text()
            # Some seconds of outage: the worker keeps trying, and says so only once.
            died = wait_until(lambda: worker.poll() is not None, seconds=5)
            assert not died, log.read_text()
            (down,) = _lines(log, UNAVAILABLE)
            assert "retrying in 0.2 s, backing off up to 1 s." in down

            pg.start()
            after = seed(env, SEED_QUEUED_TEXT, "3")
            ids = before + after
            assert wait_until(lambda: _pg_all_sent(pg.url, ids), seconds=25), _pg_statuses(
                pg.url, ids
            )
            assert wait_until(lambda: _lines(log, BACK), seconds=10), log.read_text()
            assert len(_lines(log, UNAVAILABLE)) == 1
            assert len(_lines(log, BACK)) == 1
            assert _lines(log, BACK)[0].endswith("; delivering again.")

            # A second outage, and SIGTERM while the worker waits for the database.
            pg.stop()
            assert wait_until(lambda: len(_lines(log, UNAVAILABLE)) == 2, seconds=10)
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=10) == 0
        finally:
            stop(worker)
    assert "Traceback" not in log.read_text()


def _sqlite_heartbeats(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from sharing_workerheartbeat").fetchone()[0]


def test_an_sqlite_file_moved_away_and_back_is_waited_out(tmp_path, migrated_sqlite):
    data = tmp_path / "data"
    away = tmp_path / "away"
    data.mkdir()
    away.mkdir()
    shutil.copy(migrated_sqlite, data / SQLITE_NAME)
    log = tmp_path / "worker.log"
    env = process_env(data)
    worker = _start(env, log)
    try:
        assert wait_until(lambda: _sqlite_heartbeats(data / SQLITE_NAME), seconds=20)
        sqlite_move_away(data, away)
        assert wait_until(lambda: _lines(log, UNAVAILABLE), seconds=10), log.read_text()
        assert "(unable to open database file)" in _lines(log, UNAVAILABLE)[0]

        # Meanwhile a message is written to the database where it now is.
        moved_env = process_env(data, DATABASE_URL=f"sqlite:///{away / SQLITE_NAME}")
        (message_id,) = seed(moved_env, SEED_QUEUED_TEXT)
        assert sqlite_status(away / SQLITE_NAME, message_id) == "queued"
        assert worker.poll() is None, log.read_text()

        sqlite_move_back(away, data)
        sent = wait_until(
            lambda: sqlite_status(data / SQLITE_NAME, message_id) == "sent", seconds=20
        )
        assert sent, sqlite_status(data / SQLITE_NAME, message_id)
        assert worker.poll() is None
        # The line may follow the send by a moment (the task and the loop log separately).
        assert wait_until(lambda: _lines(log, BACK), seconds=10), log.read_text()
        assert len(_lines(log, UNAVAILABLE)) == 1
        assert len(_lines(log, BACK)) == 1
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0
    finally:
        stop(worker)
    assert "Traceback" not in log.read_text()


def _callback_code(form: dict[str, str]) -> str:
    return parse_qs(urlparse(form["StatusCallback"]).query)["m"][0]


SEED_MANY_TEXTS = """
import secrets
import sys
import django
django.setup()
from signoff.sharing.delivery import message_enqueue
from signoff.sharing.models import Message
from tests.factories import MessageFactory
first = MessageFactory(
    channel="sms", share__version__repair_order__shop__sms_sender="+15035550100"
)
fields = {
    f.attname: getattr(first, f.attname)
    for f in Message._meta.concrete_fields
    if f.attname not in ("id", "callback_code", "created_at")
}
rest = Message.objects.bulk_create(
    [Message(**fields, callback_code=secrets.token_hex(16)) for _ in range(int(sys.argv[1]) - 1)]
)
for m in [first, *rest]:
    message_enqueue(m.pk)
    print(m.pk)
"""

MESSAGES = 500
WORKERS = 2


def test_several_workers_on_one_postgresql_send_each_of_500_texts_once(tmp_path):
    with TwilioStandIn() as twilio, PostgresServer(tmp_path) as pg:
        env = _twilio_env(tmp_path, twilio, DATABASE_URL=pg.url)
        migrate(env)
        ids = seed(env, SEED_MANY_TEXTS, str(MESSAGES))
        assert len(ids) == MESSAGES
        logs = [tmp_path / f"worker-{n}.log" for n in range(WORKERS)]
        workers = [_start(env, log, "--interval", "0.05") for log in logs]
        try:
            assert wait_until(lambda: _pg_all_sent(pg.url, ids), seconds=60, every=0.5), Counter(
                _pg_statuses(pg.url, ids).values()
            )
            assert _pg_heartbeats(pg.url) == WORKERS
            assert all(worker.poll() is None for worker in workers)
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
            codes = [worker.wait(timeout=15) for worker in workers]
            stop(*workers)
        with psycopg.connect(pg.url) as db:
            codes_sent = dict(db.execute("select callback_code, attempts from sharing_message"))
            # Every worker took its share of the queue.
            (ran_tasks,) = db.execute(
                "select count(distinct w) from django_tasks_database_dbtaskresult, "
                "jsonb_array_elements_text(worker_ids) w where status = 'SUCCESSFUL'"
            ).fetchone()
    sends = Counter(_callback_code(form) for form in twilio.messages)
    assert len(sends) == MESSAGES
    assert set(sends.values()) == {1}, [code for code, n in sends.items() if n > 1]
    assert set(sends) == set(codes_sent)
    assert set(codes_sent.values()) == {1}
    assert codes == [0] * WORKERS
    assert ran_tasks == WORKERS
    assert all("Traceback" not in log.read_text() for log in logs)
