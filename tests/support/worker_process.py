"""`signoff worker` as a real process over a database of its own, for the process tests.

env = process_env(folder)                  # its own SQLite file in `folder`, or
env = process_env(folder, DATABASE_URL=pg.url)
message_id = seed(env, SEED_QUEUED_TEXT)   # a message written (and queued) by a process
worker = subprocess.Popen(WORKER, env=env)
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

PYTHON = [sys.executable, "-m", "signoff.manage"]
WORKER = [*PYTHON, "signoff_worker", "--interval", "0.1", "--sweep-interval", "0.2"]
WORKER += ["--no-startup-delay", "-v0"]
SQLITE_NAME = "worker.sqlite3"

# Each seeding process starts the factories' counters afresh: names that must be unique in the
# whole database (shop slugs, usernames) start at a random offset so that processes seeding one
# database do not collide.
_FRESH_NAMES = """
import random
import django
django.setup()
from tests.factories import ShopFactory, UserFactory
_offset = random.randrange(10**6, 10**8)
ShopFactory.reset_sequence(_offset)
UserFactory.reset_sequence(_offset)
"""

# Written long ago and never enqueued: only the sweeper can find it.
SEED_LOST = (
    _FRESH_NAMES
    + """
from datetime import timedelta
from django.utils import timezone
from signoff.sharing.models import Message
from tests.factories import MessageFactory
m = MessageFactory(channel="sms")
Message.objects.filter(pk=m.pk).update(created_at=timezone.now() - timedelta(hours=1))
print(m.pk)
"""
)

# Texts as a share writes them: queued, with their delivery task enqueued. argv[1]: how many.
SEED_QUEUED_TEXT = (
    _FRESH_NAMES
    + """
import sys
from signoff.sharing.delivery import message_enqueue
from tests.factories import MessageFactory
for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 1):
    m = MessageFactory(
        channel="sms", share__version__repair_order__shop__sms_sender="+15035550100"
    )
    message_enqueue(m.pk)
    print(m.pk)
"""
)


def process_env(folder: Path, **extra: str) -> dict[str, str]:
    """Settings for a process of its own: an SQLite file in `folder` unless DATABASE_URL is
    given, whatever database the test run uses."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "signoff.settings",
        "SIGNOFF_DATA_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{Path(folder) / SQLITE_NAME}",
        "SIGNOFF_DEV_OUTBOX": "1",
        **extra,
    }


def migrate(env: dict[str, str]) -> None:
    subprocess.run([*PYTHON, "migrate", "-v0"], env=env, check=True, timeout=120)


def seed(env: dict[str, str], script: str = SEED_LOST, *args: str) -> list[int]:
    """Run a seeding script in a process of its own; return the ids it printed."""
    seeded = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert seeded.returncode == 0, f"seeding failed:\n{seeded.stderr}"
    return [int(line) for line in seeded.stdout.split()]


def sqlite_status(db_path: Path, message_id: int) -> str:
    with sqlite3.connect(db_path) as db:
        row = db.execute(
            "select status from sharing_message where id = ?", (message_id,)
        ).fetchone()
    return row[0] if row else ""


def wait_for_status(db_path: Path, message_id: int, wanted: str, *, seconds: float) -> str:
    """The message's status once it is `wanted`, or whatever it is after `seconds`."""
    deadline = time.monotonic() + seconds
    status = ""
    while time.monotonic() < deadline:
        status = sqlite_status(db_path, message_id)
        if status == wanted:
            break
        time.sleep(0.1)
    return status


def wait_until(check: Callable[[], object], *, seconds: float, every: float = 0.1) -> object:
    """`check()` once it is truthy, or its last (falsy) answer after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        answer = check()
        if answer or time.monotonic() >= deadline:
            return answer
        time.sleep(every)


_SQLITE_FILES = (SQLITE_NAME, SQLITE_NAME + "-wal", SQLITE_NAME + "-shm")


def sqlite_move_away(folder: Path, away: Path) -> None:
    """Take a running install's SQLite database (and its WAL files) from under it: the main
    file first, so that no process opens the database while half of it has gone."""
    for name in _SQLITE_FILES:
        if (folder / name).exists():
            shutil.move(folder / name, away / name)


def sqlite_move_back(away: Path, folder: Path) -> None:
    """Put it back: the main file last, once its WAL files are there to be read with it."""
    for name in reversed(_SQLITE_FILES):
        if (away / name).exists():
            shutil.move(away / name, folder / name)


def stop(*workers: subprocess.Popen | None) -> None:
    """Kill whichever of the workers still run (the end of a test, passed or failed)."""
    for worker in workers:
        if worker is not None and worker.poll() is None:
            worker.kill()
            worker.wait()
