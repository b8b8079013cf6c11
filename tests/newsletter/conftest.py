import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache, shared by every test in the process."""
    cache.clear()
    yield
    cache.clear()
