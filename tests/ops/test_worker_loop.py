"""The delivery worker's loop on a clock of the test's own: outages, backoff and heartbeats.

The database goes away when the test says so (the claim and the heartbeat raise what a lost
PostgreSQL connection raises) and time passes only when the worker sleeps, so every run is the
same. tests/ops/test_worker_outages.py breaks real databases under a real worker process.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable

import pytest
from django.db import InterfaceError, OperationalError
from django_tasks_db.models import DBTaskResult

from signoff.ops import task_batches
from signoff.ops.management.commands import signoff_worker
from signoff.ops.management.commands.signoff_worker import DatabaseOutage, DeliveryWorker
from signoff.sharing.delivery import message_enqueue
from signoff.sharing.health import HEARTBEAT_SECONDS
from signoff.sharing.models import WorkerHeartbeat
from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db

START = 1000.0
LOST = "server closed the connection unexpectedly"


class Clock:
    """time.monotonic and time.sleep for both modules: the poll's sleeps and the backoff's."""

    def __init__(self) -> None:
        self.now = START
        self.polls: list[float] = []
        self.backoffs: list[float] = []
        self.on_tick: Callable[[float], None] = lambda now: None

    def monotonic(self) -> float:
        return self.now

    def _sleep(self, seconds: float, into: list[float]) -> None:
        into.append(seconds)
        self.now += seconds
        self.on_tick(self.now)

    def as_module(self, into: list[float]):
        clock = self

        class _Time:
            @staticmethod
            def monotonic() -> float:
                return clock.monotonic()

            @staticmethod
            def sleep(seconds: float) -> None:
                clock._sleep(seconds, into)

        return _Time


class Database:
    """Up or down, as the test says; counts the heartbeats that got through."""

    def __init__(self, real_heartbeat) -> None:
        self.down = False
        self.heartbeats: list[float] = []
        self._real_heartbeat = real_heartbeat

    def check(self) -> None:
        if self.down:
            raise OperationalError(f"{LOST}\n\tThis probably means the server terminated.")


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(task_batches, "time", clock.as_module(clock.polls))
    monkeypatch.setattr(signoff_worker, "time", clock.as_module(clock.backoffs))
    # The test's own transaction holds its connection: nothing may close it.
    monkeypatch.setattr(task_batches, "close_old_connections", lambda: None)
    monkeypatch.setattr(signoff_worker, "_close_connections", lambda: None)
    return clock


@pytest.fixture
def database(monkeypatch, clock) -> Database:
    database = Database(signoff_worker.heartbeat_record)

    def heartbeat(**kwargs) -> None:
        database.check()
        database._real_heartbeat(**kwargs)
        database.heartbeats.append(clock.now)

    real_claim = task_batches.tasks_claim

    def tasks_claim(*args, **kwargs):
        database.check()
        return real_claim(*args, **kwargs)

    monkeypatch.setattr(signoff_worker, "heartbeat_record", heartbeat)
    monkeypatch.setattr(task_batches, "tasks_claim", tasks_claim)
    return database


def _worker(*, first_delay: float = 1, max_delay: float = 8) -> DeliveryWorker:
    return DeliveryWorker(
        outage=DatabaseOutage(first_delay=first_delay, max_delay=max_delay),
        queue_names=["*"],
        interval=1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="loop-test",
        excluded_queue_names=[],
    )


def _lines(caplog, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if text in r.getMessage()]


def test_an_outage_is_logged_once_waited_out_with_backoff_and_logged_again_when_over(
    clock, database, caplog
):
    worker = _worker()

    def script(now: float) -> None:
        database.down = START + 5 <= now < START + 40
        worker.running = now < START + 70

    clock.on_tick = script
    with caplog.at_level(logging.INFO, logger=signoff_worker.__name__):
        worker.run()

    (down,) = _lines(caplog, "the database is unavailable")
    assert down == (
        f"Delivery worker: the database is unavailable ({LOST}); retrying in 1 s, backing off "
        "up to 8 s."
    )
    (back,) = _lines(caplog, "the database is back")
    assert back == "Delivery worker: the database is back after 39 seconds; delivering again."
    # Doubling from the first delay, never past the cap, until a try got through at 1044 s.
    assert clock.backoffs == [1, 2, 4, 8, 8, 8, 8]
    assert caplog.records[-1].levelno == logging.WARNING


def test_the_worker_reports_in_at_start_then_every_ten_seconds_not_on_every_poll(clock, database):
    worker = _worker()

    def script(now: float) -> None:
        worker.running = now < START + 35

    clock.on_tick = script
    worker.run()

    assert len(clock.polls) == 35
    assert database.heartbeats == [START + n * HEARTBEAT_SECONDS for n in range(4)]
    beat = WorkerHeartbeat.objects.get()
    assert (beat.worker_id, beat.started_at) == ("loop-test", worker.started_at)


def test_the_first_heartbeat_after_an_outage_ends_it_and_the_rhythm_starts_again(clock, database):
    worker = _worker()

    def script(now: float) -> None:
        database.down = START + 5 <= now < START + 12
        worker.running = now < START + 40

    clock.on_tick = script
    worker.run()

    # At start; then, the outage over at 1012 s (tries after 1, 2 and 4 s), the backoff's try
    # and the loop's own heartbeat; then every ten seconds again.
    assert database.heartbeats == [START, START + 12, START + 12, START + 22, START + 32]


def test_a_worker_that_cannot_reach_the_database_at_start_waits_for_it(clock, database, caplog):
    database.down = True
    worker = _worker()

    def script(now: float) -> None:
        database.down = now < START + 3
        worker.running = now < START + 10

    clock.on_tick = script
    worker.run()

    assert len(_lines(caplog, "the database is unavailable")) == 1
    assert len(_lines(caplog, "the database is back after 3 seconds")) == 1
    assert database.heartbeats[0] == START + 3


def test_a_database_error_recording_a_tasks_result_does_not_end_the_worker(
    clock, database, caplog, monkeypatch, settings
):
    settings.DEV_OUTBOX = True
    message = MessageFactory(channel="sms")
    message_enqueue(message.pk)

    def lost(*args, **kwargs):
        raise InterfaceError("connection already closed")

    # The server goes away between the send and the transaction that records its result.
    monkeypatch.setattr(task_batches, "message_result_record", lost)
    worker = _worker()

    def script(now: float) -> None:
        worker.running = now < START + 5

    clock.on_tick = script
    worker.run()

    (down,) = _lines(caplog, "the database is unavailable")
    assert "(connection already closed)" in down
    assert len(_lines(caplog, "the database is back")) == 1
    assert clock.polls, "the loop never ran again"
    # The message row, not the task, is the truth: it stays the worker's until its lease runs
    # out, and then the sweeper queues it again.
    message.refresh_from_db()
    assert message.status == "sending" and message.lease_until is not None
    assert DBTaskResult.objects.get().status == "RUNNING"


def test_sigterm_while_waiting_for_the_database_exits_at_once_with_0(clock, database):
    worker = _worker()
    database.down = True

    def script(now: float) -> None:
        if len(clock.backoffs) == 3:
            worker.shutdown(signal.SIGTERM, None)

    clock.on_tick = script
    with pytest.raises(SystemExit) as exit_:
        worker.run()
    assert exit_.value.code == 0


def test_the_sweeper_and_the_loop_noticing_one_outage_log_one_line(caplog):
    outage = DatabaseOutage(first_delay=1, max_delay=30)
    outage.begin(OperationalError("unable to open database file"))
    outage.begin(OperationalError("unable to open database file"))
    assert outage.active
    outage.end()
    outage.end()
    assert not outage.active
    assert [r.getMessage() for r in caplog.records] == [
        "Delivery worker: the database is unavailable (unable to open database file); "
        "retrying in 1 s, backing off up to 30 s.",
        "Delivery worker: the database is back after 0 seconds; delivering again.",
    ]
