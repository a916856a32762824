"""Delivery health: is a worker reporting in, and has any message waited too long to go out?"""

from datetime import timedelta

import pytest
from django.utils import timezone

from signoff.sharing.health import (
    delivery_health,
    heartbeat_record,
    heartbeats_prune,
    worker_required,
)
from signoff.sharing.models import Message, WorkerHeartbeat
from tests.factories import MessageFactory, WorkerHeartbeatFactory

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _ago(**delta):
    return timezone.now() - timedelta(**delta)


def _waiting(message, **fields) -> None:
    Message.objects.filter(pk=message.pk).update(**fields)


def test_with_no_worker_ever_seen_the_worker_is_missing():
    health = delivery_health()
    assert health.worker_required
    assert health.heartbeat_age is None
    assert health.worker_missing and health.stalled
    assert health.problems["worker"].startswith("No delivery worker has ever reported in: start")


def test_a_worker_seen_within_the_window_is_fine(settings):
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 120
    WorkerHeartbeatFactory(seen_at=_ago(minutes=5))
    WorkerHeartbeatFactory(seen_at=_ago(seconds=30))
    health = delivery_health()
    assert 30 <= health.heartbeat_age < 40
    assert not health.worker_missing
    assert health.problems == {}


def test_a_worker_silent_for_longer_than_the_window_is_missing(settings):
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 120
    WorkerHeartbeatFactory(seen_at=_ago(minutes=14, seconds=5))
    health = delivery_health()
    assert health.worker_missing
    assert health.problems["worker"] == (
        "No delivery worker has reported in for 14 minutes (more than 2 minutes): start "
        "`signoff worker`, or read its log for why it stopped. Until one runs, emails and texts "
        "wait in the queue."
    )


def test_with_the_immediate_backend_no_worker_is_needed(settings):
    settings.TASKS = IMMEDIATE
    assert not worker_required()
    health = delivery_health()
    assert not health.worker_missing
    assert health.problems == {}


def test_a_message_queued_longer_than_the_window_is_a_queue_problem(settings):
    settings.QUEUE_STALE_MINUTES = 10
    WorkerHeartbeatFactory()
    _waiting(MessageFactory(), created_at=_ago(minutes=9))
    assert not delivery_health().queue_stuck
    _waiting(MessageFactory(), created_at=_ago(minutes=14))
    health = delivery_health()
    assert health.queue_stuck
    assert 14 * 60 <= health.oldest_waiting_age < 15 * 60
    assert health.problems == {
        "queue": "A message has waited 14 minutes to be sent (more than 10 minutes): check that "
        "`signoff worker` is running and read its log; the mail server or Twilio may be "
        "unreachable."
    }


def test_a_retry_counts_from_when_it_was_due_and_not_before():
    WorkerHeartbeatFactory()
    message = MessageFactory()
    _waiting(message, status="retry", created_at=_ago(hours=3), next_attempt_at=_ago(minutes=-20))
    assert delivery_health().oldest_waiting_age is None  # due in 20 minutes: nothing is late
    _waiting(message, next_attempt_at=_ago(minutes=12))
    assert delivery_health().queue_stuck


def test_a_send_whose_lease_ran_out_long_ago_is_waiting_too():
    WorkerHeartbeatFactory()
    message = MessageFactory()
    _waiting(message, status="sending", lease_until=_ago(minutes=11))
    assert delivery_health().queue_stuck


@pytest.mark.parametrize("status", ["sent", "delivered", "failed", "undelivered"])
def test_messages_that_are_done_are_not_waiting(status):
    _waiting(MessageFactory(), status=status, created_at=_ago(days=2))
    assert delivery_health().oldest_waiting_age is None


def test_a_shop_sees_only_its_own_messages_waiting(shop, other_shop):
    WorkerHeartbeatFactory()
    _waiting(MessageFactory(share__shop=other_shop), created_at=_ago(hours=1))
    assert delivery_health(shop=shop).oldest_waiting_age is None
    assert delivery_health(shop=other_shop).queue_stuck
    assert delivery_health().queue_stuck


def test_delivery_health_takes_two_queries(django_assert_num_queries, shop):
    with django_assert_num_queries(2):
        delivery_health(shop=shop)


def test_a_heartbeat_is_one_row_per_worker_rewritten_as_it_runs():
    started = _ago(minutes=3)
    heartbeat_record(worker_id="w1", started_at=started)
    first = WorkerHeartbeat.objects.get()
    heartbeat_record(worker_id="w1", started_at=started)
    heartbeat_record(worker_id="w2", started_at=timezone.now())
    again = WorkerHeartbeat.objects.get(worker_id="w1")
    assert WorkerHeartbeat.objects.count() == 2
    assert again.pk == first.pk and again.started_at == started
    assert again.seen_at >= first.seen_at
    assert again.pid > 0 and again.hostname


def test_workers_gone_for_a_day_are_forgotten():
    gone = WorkerHeartbeatFactory(seen_at=_ago(days=1, minutes=1))
    kept = WorkerHeartbeatFactory(seen_at=_ago(hours=23))
    assert heartbeats_prune() == 1
    assert list(WorkerHeartbeat.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not WorkerHeartbeat.objects.filter(pk=gone.pk).exists()
