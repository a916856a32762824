import pytest
from django.core.cache import cache

from tests.portal.builders import shared_estimate


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the cache; start every test with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shared(shop):
    return shared_estimate(shop=shop)
