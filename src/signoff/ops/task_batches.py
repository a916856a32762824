"""django-tasks-db's worker loop, claiming a batch of tasks (and the messages they deliver) in
one transaction instead of one task per transaction.

django-tasks-db's `Worker.run` claims one task per transaction and records its result in
another, on top of the outbox's own claim and result: four write transactions a message.
`BatchWorker.run` locks up to `claim_size` ready tasks with one `SELECT … FOR UPDATE SKIP
LOCKED`, marks them running and, in the same transaction, claims the outbox messages of the
delivery tasks among them (`messages_claim`). Each message's result is then recorded in one
transaction together with its task's. Other tasks run as django-tasks-db runs them.

A batch's messages go out from `senders` threads at once (`ops.senders`), each recording each
result in its own transaction right after the send, so a worker waits on several mail servers'
and PostgreSQL's answers at the same time instead of one after the other. On SQLite, which
has one write lock, there is one sender: the worker's own thread.

Nothing claimed is lost or sent twice by batching: a message is sent only while at most half of
its lease has gone by, and one the worker could not get to in time, or was told to stop before
sending, is given back (the message as it was, its task ready again) in one transaction. A
worker killed mid-batch leaves the rest of its messages `sending`, never sent, until their lease
runs out and the sweeper queues them again; only the sends in flight then (one per sender) may
have gone out without their result being recorded.
"""

from __future__ import annotations

import contextlib
import logging
import random
import signal
import threading
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from types import FrameType
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, InterfaceError, close_old_connections, connections, transaction
from django.db.models import QuerySet
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from signoff.ops.senders import SenderPool
from signoff.sharing.delivery import (
    message_deliver_task,
    message_result_record,
    message_send,
    messages_claim,
    messages_release,
)
from signoff.sharing.models import Message

logger = logging.getLogger(__name__)

# Enough that a claim's cost is shared by many messages, few enough that two workers finishing
# a queue end together (a batch of texts and emails takes well under a second).
CLAIM_SIZE = 20
# Enough to overlap the round trips of a few sends; each sender holds a database connection.
SENDERS = 4
SKIPPED = "skipped"


@dataclass
class Batch:
    """What one claim took: its tasks in queue order, the message each delivery task sends."""

    tasks: list[DBTaskResult] = field(default_factory=list)
    messages: dict[UUID, Message] = field(default_factory=dict)
    # Delivery tasks whose message was not due or someone else's: finished with the claim.
    skipped: set[UUID] = field(default_factory=set)


class _Sends:
    """The delivery tasks of a batch not started yet, taken one at a time by its senders."""

    def __init__(self, tasks: list[DBTaskResult]) -> None:
        self.waiting = deque(tasks)
        # Set when the batch stops early (a signal, a late message, a sender that failed): the
        # other senders finish the message in hand and take no more.
        self.stopped = False
        self.lock = threading.Lock()


class BatchWorker(Worker):
    """`Worker` with a loop that claims up to `claim_size` tasks at a time.

    Signals are django-tasks-db's: SIGTERM or Ctrl-C while a batch runs lets the messages in
    hand finish and gives back the rest; at any other moment the process exits at once.
    `senders` is how many of a batch's messages are sent at once (one on SQLite).
    """

    def __init__(self, *, claim_size: int = CLAIM_SIZE, senders: int = 1, **options) -> None:
        super().__init__(**options)
        self.claim_size = claim_size
        self.senders = senders
        self.holding_batch = False
        self._pool: SenderPool | None = None
        self._count_lock = threading.Lock()

    def run(self) -> None:
        """django-tasks-db's `Worker.run`, one batch per pass, with this run's senders."""
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, self.queue_names)
        senders = self._senders_here()
        with SenderPool(senders) if senders > 1 else contextlib.nullcontext() as pool:
            self._pool = pool
            try:
                self._loop()
            finally:
                self._pool = None

    def _loop(self) -> None:
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 (spreads workers started together)
        while self.running:
            # Dropped or expired connections are noticed right after waking up.
            close_old_connections()
            # From the claim on, a signal only asks the loop to stop: a batch it claimed is
            # finished or given back, never left behind.
            self.holding_batch = True
            try:
                batch, retrieved = self._claim_unless_locked()
                if batch.tasks:
                    self._run_batch(batch)
            finally:
                self.holding_batch = False
            if self.batch and retrieved and not batch.tasks:
                return  # --batch: the queue is empty
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            close_old_connections()
            # Stopped by a signal during the batch: exit now, not after the sleep.
            if self.running and not batch.tasks:
                time.sleep(self.interval)

    def after_task(self) -> None:
        """Called after each task of a batch, however it ended (by the sender thread that
        sent, for a message)."""

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if self.running and self.holding_batch:
            logger.warning(
                "Received %s - stopping after the messages in hand; the rest of their batch "
                "goes back to the queue. (Press Ctrl+C again to force.)",
                signal.strsignal(signum),
            )
            self.running = False
            return
        super().shutdown(signum, frame)

    def _senders_here(self) -> int:
        """SQLite takes one write at a time: senders would only queue for its lock."""
        if self.senders > 1 and connections[Message.objects.db].vendor == "sqlite":
            logger.info("Sending from one thread: the database is SQLite.")
            return 1
        return self.senders

    def _queue(self) -> QuerySet[DBTaskResult]:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        return tasks

    def _claim_unless_locked(self) -> tuple[Batch, bool]:
        """The claimed batch, and whether the queue could be read at all."""
        try:
            return self._claim(), True
        except OperationalError as exc:
            # SQLite's "database is locked" passes; try again after the interval.
            if not is_locked_database_exception(exc):
                raise
            return Batch(), False

    def _claim(self) -> Batch:
        limit = self.claim_size
        if self.max_tasks is not None:
            limit = min(limit, self.max_tasks - self._run_tasks)
        tasks = self._queue()
        with exclusive_transaction(tasks.db):
            batch = Batch(tasks=tasks_claim(tasks, worker_id=self.worker_id, limit=limit))
            wanted = {task.pk: _message_id(task) for task in batch.tasks}
            claimed = {m.pk: m for m in messages_claim(i for i in wanted.values() if i)}
            for task_id, message_id in wanted.items():
                if message_id is None:
                    continue
                if message_id in claimed:
                    # Of two tasks for one message (the sweeper queued it again), the first sends.
                    batch.messages[task_id] = claimed.pop(message_id)
                else:
                    batch.skipped.add(task_id)
            tasks_finish([t for t in batch.tasks if t.pk in batch.skipped], result=SKIPPED)
        return batch

    def _run_batch(self, batch: Batch) -> None:
        """Send the batch's messages (from the senders), then run its other tasks; give back
        what a signal or the end of the first half of the lease kept from starting."""
        self._run_tasks += len(batch.skipped)  # finished with the claim
        waiting = [t for t in batch.tasks if t.pk not in batch.skipped]
        sends = _Sends([t for t in waiting if t.pk in batch.messages])
        others = deque(t for t in waiting if t.pk not in batch.messages)
        try:
            if self._pool is None:
                self._send_from(sends, batch)
            else:
                self._pool.run(lambda: self._send_from(sends, batch))
        except BaseException:
            # A database error in a sender ends up here once all senders are done, and the
            # outage handling takes over. What never started goes back first if the database
            # still answers (else the messages wait for their lease, the other tasks for the
            # worker to be back).
            self._give_back_if_possible(batch, [*sends.waiting, *others])
            raise
        while others and self.running and not sends.stopped:
            self.run_task(others.popleft())  # django-tasks-db's own, which counts the task
            self.after_task()
        if sends.waiting or others:
            self._give_back(batch, [*sends.waiting, *others])

    def _send_from(self, sends: _Sends, batch: Batch) -> None:
        """Send and record messages of the batch one after the other until none is left or the
        batch stops; every sender runs this on the same `sends`."""
        try:
            while (task := self._next_send(sends, batch)) is not None:
                self._deliver(task, batch.messages[task.pk])
                self.after_task()
        except BaseException:
            sends.stopped = True
            raise

    def _next_send(self, sends: _Sends, batch: Batch) -> DBTaskResult | None:
        """The next task to send, or None when the batch is done or stops here."""
        with sends.lock:
            if sends.stopped or not sends.waiting:
                return None
            if not self.running or not _in_time(batch.messages[sends.waiting[0].pk]):
                sends.stopped = True
                return None
            return sends.waiting.popleft()

    def _deliver(self, task: DBTaskResult, message: Message) -> None:
        outcome = message_send(message)
        try:
            with transaction.atomic():
                status = message_result_record(message, outcome)
                tasks_finish([task], result=status)
        except (DatabaseError, InterfaceError):
            raise  # the database is gone: the worker's outage handling takes over
        except Exception as exc:
            # As django-tasks-db does for a task that raised: record it, and carry on.
            logger.exception("Recording message %s's result failed", message.pk)
            task.set_failed(exc)
        finally:
            with self._count_lock:
                self._run_tasks += 1

    def _give_back_if_possible(self, batch: Batch, tasks: Sequence[DBTaskResult]) -> None:
        if not tasks:
            return
        try:
            self._give_back(batch, tasks)
        except (DatabaseError, InterfaceError):
            logger.warning(
                "Could not give back %d unstarted task(s) of a batch: the database is gone",
                len(tasks),
            )

    def _give_back(self, batch: Batch, tasks: Sequence[DBTaskResult]) -> None:
        """Tasks of the batch not run yet go back to the queue, and their messages back to
        what they were, in one transaction."""
        with transaction.atomic():
            messages_release([batch.messages[t.pk] for t in tasks if t.pk in batch.messages])
            DBTaskResult.objects.filter(pk__in=[t.pk for t in tasks]).update(
                status=TaskResultStatus.READY, started_at=None
            )


def tasks_claim(tasks: QuerySet[DBTaskResult], *, worker_id: str, limit: int) -> list[DBTaskResult]:
    """Lock up to `limit` ready tasks that no other worker has locked and mark them running
    (django-tasks-db's `claim`, for many rows in one UPDATE per earlier history)."""
    claimed = list(tasks.select_for_update(skip_locked=True)[:limit])
    now = timezone.now()
    by_history: dict[tuple[str, ...], list[UUID]] = defaultdict(list)
    for task in claimed:
        by_history[tuple(task.worker_ids)].append(task.pk)
        task.status, task.started_at = TaskResultStatus.RUNNING, now
        task.worker_ids = [*task.worker_ids, worker_id]
    for history, ids in by_history.items():
        DBTaskResult.objects.filter(pk__in=ids).update(
            status=TaskResultStatus.RUNNING, started_at=now, worker_ids=[*history, worker_id]
        )
    return claimed


def tasks_finish(tasks: Sequence[DBTaskResult], *, result: str) -> None:
    """Mark tasks successful with `result` (django-tasks-db's `set_successful`, in one UPDATE)."""
    if not tasks:
        return
    now = timezone.now()
    DBTaskResult.objects.filter(pk__in=[t.pk for t in tasks]).update(
        status=TaskResultStatus.SUCCESSFUL,
        finished_at=now,
        return_value=result,
        exception_class_path="",
        traceback="",
    )


def _in_time(message: Message) -> bool:
    """Whether a claimed message may still be sent: within the first half of its lease, so
    that the send ends before the sweeper could take the message back and send it again."""
    half = timedelta(seconds=settings.DELIVERY_LEASE_SECONDS / 2)
    return timezone.now() < message.lease_until - half


def _message_id(task: DBTaskResult) -> int | None:
    """The message a delivery task sends; None for any other task."""
    if task.task_path != message_deliver_task.module_path:
        return None
    args, kwargs = task.args_kwargs.get("args"), task.args_kwargs.get("kwargs")
    if kwargs or not isinstance(args, list) or len(args) != 1 or not isinstance(args[0], int):
        return None  # not as message_enqueue writes it: let django-tasks-db run it as it is
    return args[0]
