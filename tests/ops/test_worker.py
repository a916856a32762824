"""`signoff worker`: the task loop and the sweeper in one process that stops cleanly."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from signoff.sharing.models import Message
from tests.factories import MessageFactory
from tests.support.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, TwilioStandIn
from tests.support.worker import connections_kept_open

pytestmark = pytest.mark.django_db

SEED = """
import django
django.setup()
from datetime import timedelta
from django.utils import timezone
from signoff.sharing.models import Message
from tests.factories import MessageFactory
from tests.support.worker import connections_kept_open
m = MessageFactory(channel="sms")
# Written long ago and never enqueued: only the sweeper can find it.
Message.objects.filter(pk=m.pk).update(created_at=timezone.now() - timedelta(hours=1))
print(m.pk)
"""


@pytest.fixture
def keep_signal_handlers():
    """db_worker installs SIGINT/SIGTERM handlers; give pytest its own back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_a_batch_run_sweeps_first_then_delivers_what_it_found(
    settings, twilio_standin, keep_signal_handlers
):
    message = MessageFactory(
        channel="sms", share__version__repair_order__shop__sms_sender="+15035550100"
    )
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=1))
    with connections_kept_open():
        call_command("signoff_worker", batch=True, startup_delay=False, verbosity=0)
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(twilio_standin.messages) == 1


PYTHON = [sys.executable, "-m", "signoff.manage"]
WORKER = [*PYTHON, "signoff_worker", "--interval", "0.1", "--sweep-interval", "0.2"]
WORKER += ["--no-startup-delay", "-v0"]


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    """One migrated SQLite file; each process test works on its own copy of it."""
    folder = tmp_path_factory.mktemp("worker-db")
    env = _process_env(folder)
    subprocess.run([*PYTHON, "migrate", "-v0"], env=env, check=True, timeout=120)
    return folder / "worker.sqlite3"


def _process_env(folder, **extra: str) -> dict[str, str]:
    # Its own SQLite file, whatever database the test run uses.
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "signoff.settings",
        "SIGNOFF_DATA_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'worker.sqlite3'}",
        "SIGNOFF_DEV_OUTBOX": "1",
        **extra,
    }


def _seed(env, script: str = SEED) -> int:
    seeded = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    return int(seeded.stdout.strip().splitlines()[-1])


def test_the_worker_process_delivers_a_lost_message_and_exits_cleanly_on_sigterm(
    tmp_path, migrated_sqlite
):
    shutil.copy(migrated_sqlite, tmp_path / "worker.sqlite3")
    env = _process_env(tmp_path)
    message_id = _seed(env)

    worker = subprocess.Popen(WORKER, env=env)
    try:
        status = _wait_for_status(tmp_path / "worker.sqlite3", message_id, "sent", seconds=30)
        assert status == "sent"
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def _wait_for_status(db_path, message_id: int, wanted: str, *, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    status = ""
    while time.monotonic() < deadline:
        with sqlite3.connect(db_path) as db:
            row = db.execute(
                "select status from sharing_message where id = ?", (message_id,)
            ).fetchone()
        status = row[0] if row else ""
        if status == wanted:
            break
        time.sleep(0.1)
    return status


SEED_QUEUED_TEXT = """
import django
django.setup()
from signoff.sharing.delivery import message_enqueue
from tests.factories import MessageFactory
m = MessageFactory(channel="sms", share__version__repair_order__shop__sms_sender="+15035550100")
message_enqueue(m.pk)
print(m.pk)
"""


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
    shutil.copy(migrated_sqlite, tmp_path / "worker.sqlite3")
    db = tmp_path / "worker.sqlite3"
    with _HoldFirstSend() as twilio:
        env = _process_env(
            tmp_path,
            SIGNOFF_DEV_OUTBOX="0",
            SIGNOFF_TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            SIGNOFF_TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            SIGNOFF_TWILIO_API_BASE=twilio.base_url,
            # Short enough for the test to wait out, long enough for a send to finish.
            SIGNOFF_DELIVERY_LEASE="3",
        )
        message_id = _seed(env, SEED_QUEUED_TEXT)
        first = subprocess.Popen(WORKER, env=env)
        second = None
        try:
            assert twilio.first_arrived.wait(timeout=30), "the first worker never tried to send"
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=15)
            twilio.release.set()
            assert _status(db, message_id) == "sending"  # what a killed worker leaves behind

            second = subprocess.Popen(WORKER, env=env)
            assert _wait_for_status(db, message_id, "sent", seconds=30) == "sent"
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


def _status(db_path, message_id: int) -> str:
    with sqlite3.connect(db_path) as db:
        row = db.execute(
            "select status from sharing_message where id = ?", (message_id,)
        ).fetchone()
    return row[0] if row else ""
