"""`signoff worker`: run queued tasks (django-tasks-db's worker) and the outbox sweeper."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from signoff.api.idempotency import idempotency_records_purge
from signoff.core.ratelimit import rate_counters_purge
from signoff.sharing.delivery import message_sweep

logger = logging.getLogger(__name__)


class Command(DbWorkerCommand):
    help = (
        "Deliver queued emails and texts: runs the database task worker and, every "
        "--sweep-interval seconds, re-queues messages whose task was lost."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--sweep-interval",
            type=float,
            default=30.0,
            help="Seconds between outbox sweeps (default: %(default)s).",
        )
        # Reloading forks a child worker; the sweeper thread would stay behind in the parent.
        parser.set_defaults(reload=False)

    def handle(self, *args, sweep_interval: float, **options) -> None:
        if options["batch"]:
            # One pass (scripts, tests): sweep first so recovered messages run in this pass.
            message_sweep()
            super().handle(*args, **options)
            return
        stop = threading.Event()
        sweeper = threading.Thread(
            target=_sweep_until, args=(stop, sweep_interval), name="outbox-sweeper", daemon=True
        )
        sweeper.start()
        try:
            # The worker loop handles SIGTERM/SIGINT: it finishes the task in hand, then exits.
            super().handle(*args, **options)
        finally:
            stop.set()
            sweeper.join(timeout=10)


def _sweep_until(stop: threading.Event, interval: float) -> None:
    """Sweep at once (work left over from a stopped worker), then every `interval` seconds."""
    while not stop.is_set():
        try:
            close_old_connections()
            requeued = message_sweep()
            if requeued:
                logger.warning("Outbox sweeper re-queued messages %s", requeued)
            idempotency_records_purge()
            rate_counters_purge()
        except Exception:
            # A failed sweep (a locked or restarting database) must not end the sweeper.
            logger.exception("Outbox sweep failed")
        finally:
            connection.close()
        stop.wait(interval)
