"""`signoff worker`: run queued tasks (django-tasks-db's queue, several tasks per claim) and
the outbox sweeper.

The worker outlives its database. Its task loop (`ops.task_batches.BatchWorker`) ends at the
first database error that is not "database is locked"; `DeliveryWorker.run` runs it again once
the database answers, so a restarted PostgreSQL or a moved SQLite file is an outage the worker
waits out, not the end of the process. It logs one line when an outage starts and one when it
ends."""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from django.core.management.base import CommandError
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
)
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import valid_interval, valid_max_tasks
from django_tasks_db.models import DBTaskResult

from signoff.api.idempotency import idempotency_records_purge
from signoff.core.formatting import duration
from signoff.core.health import first_line
from signoff.core.ratelimit import rate_counters_purge
from signoff.ops.task_batches import CLAIM_SIZE, SENDERS, BatchWorker
from signoff.sharing.delivery import message_sweep
from signoff.sharing.health import HEARTBEAT_SECONDS, heartbeat_record, heartbeats_prune
from signoff.sharing.reminders import reminders_send_due

logger = logging.getLogger(__name__)

# Whatever the database raises: a lost connection, a server that is gone, a file that moved.
DATABASE_ERRORS = (DatabaseError, InterfaceError)
# The ones that mean "the database is not there" rather than a mistake in a query.
CONNECTION_ERRORS = (OperationalError, InterfaceError)


class DatabaseOutage:
    """This process has lost its database: said once when that starts and once when it ends,
    whichever thread (the task loop or the sweeper) notices first."""

    def __init__(self, *, first_delay: float, max_delay: float) -> None:
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._since: float | None = None
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        return self._since is not None

    def begin(self, exc: BaseException) -> None:
        with self._lock:
            if self._since is not None:
                return
            self._since = time.monotonic()
        logger.error(
            "Delivery worker: the database is unavailable (%s); retrying in %g s, backing off "
            "up to %g s.",
            first_line(exc),
            self.first_delay,
            self.max_delay,
        )

    def end(self) -> None:
        with self._lock:
            if self._since is None:
                return
            lasted = time.monotonic() - self._since
            self._since = None
        logger.warning(
            "Delivery worker: the database is back after %s; delivering again.", duration(lasted)
        )


class DeliveryWorker(BatchWorker):
    """The batch worker's loop, run again after database outages, reporting in as it goes.

    Signals are django-tasks-db's: SIGTERM or Ctrl-C while a batch runs lets the task in hand
    finish and gives the rest back; at any other moment (waiting for work, or for the
    database) the process exits at once with 0.
    """

    def __init__(self, *, outage: DatabaseOutage, **options) -> None:
        super().__init__(**options)
        self.outage = outage
        self.started_at = timezone.now()
        self._delay = outage.first_delay
        self._next_report = 0.0
        # The sender threads report in after their messages, the loop between polls.
        self._reporting = threading.Lock()

    # `BatchWorker.run` reads `interval` once at start and then just before each sleep between
    # polls of an empty queue: that is where an idle worker reports in. A busy one reports in
    # after its tasks (`after_task`).
    @property
    def interval(self) -> float:
        self._report_in()
        return self._interval

    @interval.setter
    def interval(self, value: float) -> None:
        self._interval = value

    def run(self) -> None:
        starting = True
        while self.running:
            try:
                if starting:
                    self._report_in()
                super().run()
                return  # --max-tasks reached, or stopped by a signal after a task
            except DATABASE_ERRORS as exc:
                # From the claim, a heartbeat, or recording a task's result.
                self.outage.begin(exc)
            starting = False
            # After an outage the loop starts again at once, not after a random delay.
            self.startup_delay = False
            self._wait_for_database()

    def after_task(self) -> None:
        self._report_in()

    def _report_in(self) -> None:
        """The heartbeat, when due. During an outage the loop's first pass that gets this far
        (past the claim of a task) ends it."""
        with self._reporting:
            if not self.outage.active and time.monotonic() < self._next_report:
                return
            heartbeat_record(worker_id=self.worker_id, started_at=self.started_at)
            self._next_report = time.monotonic() + HEARTBEAT_SECONDS
            self._delay = self.outage.first_delay
            self.outage.end()

    def _wait_for_database(self) -> None:
        """Back off until the database takes a heartbeat and shows the task queue again."""
        while self.running:
            _close_connections()
            time.sleep(self._delay)
            self._delay = min(self._delay * 2, self.outage.max_delay)
            try:
                heartbeat_record(worker_id=self.worker_id, started_at=self.started_at)
                DBTaskResult.objects.filter(backend_name=self.backend_name).exists()
            except DATABASE_ERRORS:
                continue
            # The loop itself ends the outage, at its first heartbeat (`_report_in`).
            return


def _close_connections() -> None:
    """Drop this thread's connections; a broken one may fail to close, which changes nothing."""
    for conn in connections.all(initialized_only=True):
        with contextlib.suppress(*DATABASE_ERRORS):
            conn.close()


class Command(DbWorkerCommand):
    help = (
        "Deliver queued emails and texts: runs the database task worker and, every "
        "--sweep-interval seconds, re-queues messages whose task was lost. Waits out database "
        "outages."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--sweep-interval",
            type=float,
            default=30.0,
            help="Seconds between outbox sweeps (default: %(default)s).",
        )
        parser.add_argument(
            "--reconnect-delay",
            type=valid_interval,
            default=1.0,
            help="Seconds before the first try to reach a database that went away; each "
            "further try waits twice as long (default: %(default)s).",
        )
        parser.add_argument(
            "--reconnect-max-delay",
            type=valid_interval,
            default=30.0,
            help="The longest wait between tries to reach the database (default: %(default)s).",
        )
        parser.add_argument(
            "--claim-size",
            type=valid_max_tasks,
            default=CLAIM_SIZE,
            help="Tasks (and the messages they send) claimed in one transaction "
            "(default: %(default)s).",
        )
        parser.add_argument(
            "--senders",
            type=valid_max_tasks,
            default=SENDERS,
            help="Messages of a batch sent at the same time, each from a thread with its own "
            "database connection; always 1 on SQLite (default: %(default)s).",
        )
        # Reloading forks a child worker; the sweeper thread would stay behind in the parent.
        parser.set_defaults(reload=False)

    def handle(
        self,
        *args,
        sweep_interval: float,
        reconnect_delay: float,
        reconnect_max_delay: float,
        claim_size: int,
        senders: int,
        **options,
    ) -> None:
        if options["reload"]:
            raise CommandError("signoff worker does not reload on code changes; restart it.")
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        self.configure_logging(options["verbosity"])
        loop = {
            "queue_names": queue_names,
            "interval": options["interval"],
            "backend_name": options["backend_name"],
            "startup_delay": options["startup_delay"],
            "max_tasks": options["max_tasks"],
            "worker_id": options["worker_id"],
            "excluded_queue_names": excluded,
            "claim_size": claim_size,
            "senders": senders,
        }
        if options["batch"]:
            # One pass (scripts, tests): sweep first so recovered messages run in this pass.
            # A database error ends it, as it should end a script.
            message_sweep()
            reminders_send_due()
            worker = BatchWorker(batch=True, **loop)
            worker.configure_signals()
            worker.run()
            return
        outage = DatabaseOutage(
            first_delay=reconnect_delay, max_delay=max(reconnect_max_delay, reconnect_delay)
        )
        worker = DeliveryWorker(outage=outage, batch=False, **loop)
        stop = threading.Event()
        sweeper = threading.Thread(
            target=_sweep_until,
            args=(stop, sweep_interval, outage),
            name="outbox-sweeper",
            daemon=True,
        )
        sweeper.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
            sweeper.join(timeout=10)


def _sweep_until(stop: threading.Event, interval: float, outage: DatabaseOutage) -> None:
    """Sweep at once (work left over from a stopped worker), then every `interval` seconds."""
    while not stop.is_set():
        try:
            close_old_connections()
            requeued = message_sweep()
            if requeued:
                logger.warning("Outbox sweeper re-queued messages %s", requeued)
            reminders_send_due()
            idempotency_records_purge()
            heartbeats_prune()
            rate_counters_purge()
        except CONNECTION_ERRORS as exc:
            # The database is gone: one line for the whole process, and sweep again later.
            outage.begin(exc)
        except Exception:
            # A failed sweep (a bug, a locked database) must not end the sweeper.
            logger.exception("Outbox sweep failed")
        finally:
            with contextlib.suppress(*DATABASE_ERRORS):
                connection.close()
        stop.wait(interval)
