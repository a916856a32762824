"""Background tasks that deliver the outbox. Tasks take message ids, never objects."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from signoff.sharing import delivery


@task()
def message_deliver(message_id: int) -> str:
    """Send one outbox message; safe to run twice (the message row decides who sends)."""
    return delivery.message_deliver(message_id)


def message_enqueue(message_id: int, *, run_after: datetime | None = None) -> None:
    """Queue delivery of one outbox message. share_create calls this after its commit."""
    job = message_deliver
    # Backends that cannot defer run it now; the claim then skips it until it is due and the
    # sweeper queues it again later.
    if run_after is not None and job.get_backend().supports_defer:
        job = job.using(run_after=run_after)
    job.enqueue(message_id)
