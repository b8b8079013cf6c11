import pytest
from django.core.cache import cache


@pytest.fixture
def empty_cache():
    """Rate-limit counters (and cached pages) start from nothing, and end so."""
    cache.clear()
    yield
    cache.clear()
