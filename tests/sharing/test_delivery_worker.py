"""`signoff worker`: the task loop and the sweeper in one process that stops cleanly."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from signoff.sharing.models import Message
from tests.sharing.factories import MessageFactory
from tests.support.worker import connections_kept_open

pytestmark = pytest.mark.django_db

SEED = """
import django
django.setup()
from datetime import timedelta
from django.utils import timezone
from signoff.sharing.models import Message
from tests.sharing.factories import MessageFactory
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


def test_the_worker_process_delivers_a_lost_message_and_exits_cleanly_on_sigterm(tmp_path):
    # Its own SQLite file, whatever database the test run uses.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "signoff.settings",
        "SIGNOFF_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "SIGNOFF_DEV_OUTBOX": "1",
    }
    python = [sys.executable, "-m", "signoff.manage"]
    subprocess.run([*python, "migrate", "-v0"], env=env, check=True, timeout=120)
    seeded = subprocess.run(
        [sys.executable, "-c", SEED],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    message_id = int(seeded.stdout.strip().splitlines()[-1])

    worker = subprocess.Popen(
        [
            *python,
            "signoff_worker",
            "--interval",
            "0.1",
            "--sweep-interval",
            "0.2",
            "--no-startup-delay",
            "-v0",
        ],
        env=env,
    )
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
