"""The portal's rate limit says when to try again, in words and in a Retry-After header."""

from types import SimpleNamespace

import pytest

from signoff.core import ratelimit as counters
from signoff.core.errors import RateLimited
from signoff.sharing import ratelimit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("into_window", "seconds", "words"),
    [
        (0, 600, "Wait 10 minutes and try again."),
        (545, 55, "Wait 1 minute and try again."),
        (479, 121, "Wait 3 minutes and try again."),
    ],
)
def test_the_refusal_names_the_time_left_in_the_window(
    settings, monkeypatch, into_window, seconds, words
):
    settings.PORTAL_RATE_LIMIT = 1
    settings.PORTAL_RATE_WINDOW_SECONDS = 600
    clock = SimpleNamespace(time=lambda: 600 * 3_000_000 + into_window)
    monkeypatch.setattr(counters, "time", clock)
    ratelimit.lookup_missed(client="192.0.2.1")
    with pytest.raises(RateLimited) as refused:
        ratelimit.lookup_missed(client="192.0.2.1")
    assert refused.value.message.endswith(words)
    assert refused.value.retry_after == seconds
