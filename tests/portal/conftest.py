import pytest

from tests.portal.builders import shared_estimate


@pytest.fixture
def shared(shop):
    """An RO shared with its primary contact (rate-limit counters live in the database cache,
    so each test's transaction starts and ends with none)."""
    return shared_estimate(shop=shop)
