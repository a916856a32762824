"""The staff RO pages say so when messages are not going out, in words, with what to do."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from signoff.sharing.models import Message
from tests.factories import MessageFactory, RepairOrderFactory, WorkerHeartbeatFactory

pytestmark = pytest.mark.django_db

BANNER = 'data-testid="delivery-stalled"'
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def ro(shop):
    return RepairOrderFactory(shop=shop)


def _pages(client, ro) -> list[str]:
    return [client.get(path).content.decode() for path in ("/", f"/ros/{ro.pk}/")]


def _text(page: str) -> str:
    """The page as read: without tags, one space between words."""
    return " ".join(re.sub(r"<[^>]+>", "", page).split())


def test_no_banner_while_a_worker_reports_in_and_nothing_waits(alice_client, ro):
    WorkerHeartbeatFactory()
    assert all(BANNER not in page for page in _pages(alice_client, ro))


def test_a_silent_worker_is_named_with_how_long_and_what_to_do(alice_client, ro, settings):
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 120
    WorkerHeartbeatFactory(seen_at=timezone.now() - timedelta(minutes=14, seconds=10))
    for page in _pages(alice_client, ro):
        assert BANNER in page
        assert (
            "Messages are not being sent: no delivery worker has reported in for 14 minutes. "
            "Start signoff worker on the server, or ask whoever runs Signoff for "
            "you to start it. Estimates you share now wait in the queue, and go out once "
            "delivery works again."
        ) in _text(page)


def test_a_worker_never_seen_is_said_plainly(alice_client, ro):
    for page in _pages(alice_client, ro):
        assert "no delivery worker has reported in yet." in _text(page)


def test_the_banner_goes_once_a_worker_reports_in(alice_client, ro):
    assert all(BANNER in page for page in _pages(alice_client, ro))
    WorkerHeartbeatFactory()
    assert all(BANNER not in page for page in _pages(alice_client, ro))


def test_a_message_of_this_shop_waiting_too_long_shows_the_banner(alice_client, ro, settings):
    settings.QUEUE_STALE_MINUTES = 10
    WorkerHeartbeatFactory()
    message = MessageFactory(share__shop=ro.shop)
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=25))
    for page in _pages(alice_client, ro):
        assert (
            "Messages are not being sent: a message to a customer has waited 25 minutes to go out."
        ) in _text(page)
    Message.objects.filter(pk=message.pk).update(status="sent")
    assert all(BANNER not in page for page in _pages(alice_client, ro))


def test_another_shops_waiting_message_shows_nothing_here(alice_client, ro, other_shop):
    WorkerHeartbeatFactory()
    message = MessageFactory(share__shop=other_shop)
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert all(BANNER not in page for page in _pages(alice_client, ro))


def test_with_the_immediate_backend_no_worker_is_asked_for(alice_client, ro, settings):
    settings.TASKS = IMMEDIATE
    assert all(BANNER not in page for page in _pages(alice_client, ro))


def test_customers_never_see_it(client, shared):
    page = client.get(shared.url).content.decode()
    assert page and BANNER not in page and "signoff worker" not in page
