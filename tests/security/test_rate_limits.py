"""Every limit counts atomically before it decides: attempts made at the same moment cannot
overtake it. The counters (`core.ratelimit`), then share-link guessing, approvals through one
link and staff log-ins (the admin's too), each with 50 parallel attempts."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from signoff.core import ratelimit
from signoff.core.errors import NotFound, RateLimited
from signoff.core.models import RateCounter
from signoff.sharing import ratelimit as portal_limits
from signoff.sharing.links import share_link_resolve
from tests.factories import MembershipFactory
from tests.support.threads import database_for_threads, one_test_at_a_time, run_together

PARALLEL = 50
ADDRESS = "198.51.100.77"
PASSWORD = "correct-horse-battery"


def _count(**overrides):
    return ratelimit.attempt_count(
        **{"scope": "test", "subject": "x", "limit": 2, "window_seconds": 60, **overrides}
    )


# The counters -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_attempt_gets_the_next_count_and_the_one_past_the_limit_is_not_allowed():
    assert [(a.count, a.allowed) for a in (_count(), _count(), _count())] == [
        (1, True),
        (2, True),
        (3, False),
    ]
    assert _count(subject="y").count == 1
    assert _count(scope="other").count == 1


@pytest.mark.django_db
def test_a_refunded_attempt_no_longer_counts():
    ratelimit.attempt_refund(_count())
    assert _count().count == 1


@pytest.mark.django_db
def test_a_new_window_starts_from_nothing_and_ended_windows_are_purged(monkeypatch):
    now = 1_800_000_000
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now))
    assert [_count().count, _count().count] == [1, 2]
    now += 60
    assert _count().count == 1
    assert RateCounter.objects.count() == 2
    RateCounter.objects.filter(hits=2).update(expires_at=timezone.now())
    assert ratelimit.rate_counters_purge() == 1


@pytest.mark.django_db
def test_subjects_are_stored_hashed():
    _count(subject="dana\n203.0.113.7")
    (key,) = RateCounter.objects.values_list("key", flat=True)
    assert "dana" not in key and "203.0.113.7" not in key


# Fifty at once ------------------------------------------------------------------------------


@pytest.fixture
def parallel(tmp_path):
    """Run work in 50 threads at once, each on its own connection to the database as it is
    when called."""
    with one_test_at_a_time("fifty-connections"):
        yield lambda work: run_together(database_for_threads(tmp_path), work, count=PARALLEL)


def _failures(results, *allowed):
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, allowed)]


@pytest.mark.django_db
def test_finding_a_real_link_counts_nothing_and_a_client_out_of_guesses_is_refused_it_too(
    shared, settings
):
    settings.PORTAL_RATE_LIMIT = 2
    share_link_resolve(raw_token=shared.token, client=ADDRESS)
    assert RateCounter.objects.count() == 0  # opening a real link writes nothing
    for _ in range(2):
        with pytest.raises(NotFound):
            share_link_resolve(raw_token="g" * 43, client=ADDRESS)
    with pytest.raises(RateLimited):
        share_link_resolve(raw_token=shared.token, client=ADDRESS)
    assert share_link_resolve(raw_token=shared.token, client="192.0.2.50") == shared.link


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_guesses_of_a_share_link_let_at_most_the_limit_through(
    shop, settings, parallel
):
    settings.PORTAL_RATE_LIMIT = 20

    def guess():
        share_link_resolve(raw_token="g" * 43, client=ADDRESS)

    results = parallel(guess)
    assert _failures(results, NotFound, RateLimited) == []
    looked_up = [r for r in results if isinstance(r, NotFound)]
    assert len(looked_up) == 20
    assert len([r for r in results if isinstance(r, RateLimited)]) == PARALLEL - 20


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_approval_submissions_through_a_link_let_at_most_the_limit_through(
    shared, settings, parallel
):
    settings.PORTAL_RATE_LIMIT = 20
    limit = min(portal_limits.APPROVALS_PER_WINDOW, settings.PORTAL_RATE_LIMIT)

    def submit():
        portal_limits.approval_attempt(link_id=shared.link.pk)
        return "through"

    results = parallel(submit)
    assert _failures(results, RateLimited) == []
    assert results.count("through") == limit


@pytest.fixture
def dana(shop):
    return MembershipFactory(shop=shop, role="advisor", user__username="dana").user


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_wrong_passwords_are_checked_at_most_the_limit_times(
    dana, settings, parallel, path
):
    settings.LOGIN_RATE_LIMIT = 10

    def wrong():
        response = Client().post(
            path, {"username": "dana", "password": "wrong"}, REMOTE_ADDR=ADDRESS
        )
        return response.status_code

    results = parallel(wrong)
    assert _failures(results) == []
    assert results.count(200) == 10
    assert results.count(429) == PARALLEL - 10


# The admin's login shares the staff login's limit ------------------------------------------


def _admin_log_in(client, password):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "root", "password": password, "next": "/admin/"},
        REMOTE_ADDR=ADDRESS,
    )


@pytest.fixture
def root(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)


def test_thirty_wrong_admin_passwords_stop_the_right_one_too(root):
    client = Client()
    answers = [_admin_log_in(client, f"wrong-{n}").status_code for n in range(30)]
    assert answers[:10] == [200] * 10 and set(answers[10:]) == {429}
    refused = _admin_log_in(client, PASSWORD)
    assert refused.status_code == 429
    assert b"Too many failed log-ins" in refused.content
    assert "_auth_user_id" not in client.session


def test_the_admin_and_the_staff_login_count_against_one_limit(root, settings):
    settings.LOGIN_RATE_LIMIT = 4
    client = Client()
    for _ in range(2):
        client.post("/login/", {"username": "root", "password": "no"}, REMOTE_ADDR=ADDRESS)
        _admin_log_in(client, "no")
    assert _admin_log_in(client, PASSWORD).status_code == 429
    assert (
        client.post(
            "/login/", {"username": "root", "password": PASSWORD}, REMOTE_ADDR=ADDRESS
        ).status_code
        == 429
    )


def test_the_right_admin_password_after_a_few_wrong_ones_logs_in(root):
    client = Client()
    for _ in range(3):
        _admin_log_in(client, "wrong")
    assert _admin_log_in(client, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(root.pk)
