"""`signoff worker`: the task loop and the sweeper in one process that stops cleanly."""

import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from signoff.sharing.models import Message
from tests.factories import MessageFactory
from tests.support.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, TwilioStandIn
from tests.support.worker import connections_kept_open, signal_handlers_kept
from tests.support.worker_process import (
    SEED_QUEUED_TEXT,
    SQLITE_NAME,
    WORKER,
    process_env,
    seed,
    sqlite_status,
    wait_for_status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_signal_handlers():
    with signal_handlers_kept():
        yield


def test_a_batch_run_sweeps_first_then_delivers_what_it_found(
    settings, twilio_standin, keep_signal_handlers
):
    message = MessageFactory(
        channel="sms", share__version__repair_order__shop__sms_sender="+15035550100"
    )
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=1))
    # One sender: the test's data is in its transaction, which other threads cannot see.
    with connections_kept_open():
        call_command("signoff_worker", batch=True, startup_delay=False, senders=1, verbosity=0)
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(twilio_standin.messages) == 1


def test_the_worker_process_delivers_a_lost_message_and_exits_cleanly_on_sigterm(
    tmp_path, migrated_sqlite
):
    shutil.copy(migrated_sqlite, tmp_path / SQLITE_NAME)
    env = process_env(tmp_path)
    (message_id,) = seed(env)

    worker = subprocess.Popen(WORKER, env=env)
    try:
        status = wait_for_status(tmp_path / SQLITE_NAME, message_id, "sent", seconds=30)
        assert status == "sent"
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


class _HoldFirstSend(TwilioStandIn):
    """Keeps the first send waiting (the worker is mid-send) and never accepts it."""

    def __init__(self) -> None:
        super().__init__()
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        self.accepted = 0
        # Answering the killed worker's closed connection fails; that is expected here.
        self._server.handle_error = lambda request, client_address: None

    def _answer(self, request):
        if not self.first_arrived.is_set():
            with self.lock:
                self.requests.append(request)
            self.first_arrived.set()
            self.release.wait(timeout=30)
            return 503, {"status": 503, "message": "The caller hung up."}
        status, body = super()._answer(request)
        if status == 201:
            with self.lock:
                self.accepted += 1
        return status, body


def test_a_worker_killed_mid_send_then_another_worker_delivers_the_text_exactly_once(
    tmp_path, migrated_sqlite
):
    shutil.copy(migrated_sqlite, tmp_path / SQLITE_NAME)
    db = tmp_path / SQLITE_NAME
    with _HoldFirstSend() as twilio:
        env = process_env(
            tmp_path,
            SIGNOFF_DEV_OUTBOX="0",
            SIGNOFF_TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            SIGNOFF_TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            SIGNOFF_TWILIO_API_BASE=twilio.base_url,
            # Short enough for the test to wait out, long enough for a send to finish.
            SIGNOFF_DELIVERY_LEASE="3",
        )
        (message_id,) = seed(env, SEED_QUEUED_TEXT)
        first = subprocess.Popen(WORKER, env=env)
        second = None
        try:
            assert twilio.first_arrived.wait(timeout=30), "the first worker never tried to send"
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=15)
            twilio.release.set()
            assert sqlite_status(db, message_id) == "sending"  # what a killed worker leaves behind

            second = subprocess.Popen(WORKER, env=env)
            assert wait_for_status(db, message_id, "sent", seconds=30) == "sent"
            time.sleep(1)  # a second send, if any, would have happened by now
        finally:
            for worker in (first, second):
                if worker is not None and worker.poll() is None:
                    worker.kill()
                    worker.wait()
        assert twilio.accepted == 1
        assert len(twilio.messages) == 2  # the lost try and the one that went through
    with sqlite3.connect(db) as conn:
        attempts = conn.execute(
            "select attempts from sharing_message where id = ?", (message_id,)
        ).fetchone()[0]
    assert attempts == 2
