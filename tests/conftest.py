import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import make_editor, make_writer


@pytest.fixture
def writer(db):
    return make_writer()


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever the last one chose."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with an empty page cache (on, as in production): a page
    kept in one test would be served to the next, another article at that URL."""
    from django.core.cache import caches

    from newsroom import pagecache

    caches[settings.PAGE_CACHE_ALIAS].clear()
    pagecache._local.clear()
    yield
    pagecache._local.clear()


@pytest.fixture
def no_page_cache(settings):
    """The page cache off: for tests that count what rendering a page costs,
    which a kept page skips (and whose first request after a change also
    reads when the next scheduled article goes live)."""
    settings.PAGE_CACHE = False
