"""A few threads that send one batch's messages at the same time, each on connections of its
own (database, SMTP, Twilio), kept from one batch to the next.

A worker spends most of a message waiting on round trips (the mail server's answers, Twilio's,
PostgreSQL's); a handful of senders overlap those waits. Each sender is a thread of its own so
that Django's connections and the channels' kept connections, all per thread, are its own too.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from types import TracebackType

from django.db import DatabaseError, InterfaceError, close_old_connections, connections

from signoff.sharing.channels import connections_close


class SenderPool:
    """`count` sender threads. `run(work)` runs `work()` once in each of them at the same time
    and returns when all have finished, raising what the first one that failed raised."""

    def __init__(self, count: int) -> None:
        self._inboxes: list[queue.SimpleQueue] = [queue.SimpleQueue() for _ in range(count)]
        # Daemon threads: a forced stop (a second SIGTERM) must not wait for a send.
        self._threads = [
            threading.Thread(target=self._serve, args=(inbox,), name=f"sender-{n}", daemon=True)
            for n, inbox in enumerate(self._inboxes, 1)
        ]
        for thread in self._threads:
            thread.start()

    def run(self, work: Callable[[], None]) -> None:
        outcomes: queue.SimpleQueue = queue.SimpleQueue()
        for inbox in self._inboxes:
            inbox.put((work, outcomes))
        failures = [outcomes.get() for _ in self._inboxes]
        for failure in failures:
            if failure is not None:
                raise failure

    def close(self) -> None:
        """Stop the threads once they are idle; each closes its connections as it ends."""
        for inbox in self._inboxes:
            inbox.put(None)
        for thread in self._threads:
            thread.join()

    def __enter__(self) -> SenderPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None or issubclass(exc_type, Exception):
            self.close()
        # Else SystemExit or Ctrl-C, forcing the stop: the daemon threads end with the process.

    @staticmethod
    def _serve(inbox: queue.SimpleQueue) -> None:
        try:
            while (job := inbox.get()) is not None:
                work, outcomes = job
                failure = None
                try:
                    # As the worker's loop does for its own: a connection that broke or grew
                    # old since the last batch is replaced, not used.
                    close_old_connections()
                    work()
                except BaseException as exc:  # handed to the worker's thread, which raises it
                    failure = exc
                outcomes.put(failure)
        finally:
            connections_close()
            for conn in connections.all(initialized_only=True):
                # A connection the database dropped may fail to close: that changes nothing.
                with contextlib.suppress(DatabaseError, InterfaceError):
                    conn.close()
