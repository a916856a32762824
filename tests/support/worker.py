"""Run the database task queue in this process, the way `signoff worker --batch` would."""

from __future__ import annotations

import signal
from contextlib import contextmanager
from unittest import mock

from django_tasks_db.models import DBTaskResult

from signoff.ops.task_batches import BatchWorker


@contextmanager
def connections_kept_open():
    """The worker closes "old" connections between tasks; inside a test's transaction that
    would end the test's connection (on PostgreSQL). Django's test client skips it likewise."""
    with (
        mock.patch("signoff.ops.task_batches.close_old_connections", lambda: None),
        mock.patch(
            "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
        ),
    ):
        yield


@contextmanager
def signal_handlers_kept():
    """db_worker installs SIGINT/SIGTERM handlers; give pytest its own back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def batch_worker(*, worker_id: str = "test-worker", **options) -> BatchWorker:
    """A worker that runs what is due now and stops (`signoff worker --batch`); `options` are
    BatchWorker's own (claim_size, senders)."""
    return BatchWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
        **options,
    )


def run_queued_tasks() -> int:
    """Run every task that is due, then return how many ran. A task that raised fails the test."""
    worker = batch_worker()
    with connections_kept_open():
        worker.run()
    failed = list(DBTaskResult.objects.failed())
    if failed:
        raise AssertionError("A task raised:\n" + "\n".join(f.traceback for f in failed))
    return worker._run_tasks


def pending_tasks() -> list[DBTaskResult]:
    """Tasks still waiting (including those set to run later), oldest first."""
    return list(DBTaskResult.objects.filter(status="READY").order_by("enqueued_at"))
