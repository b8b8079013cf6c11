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
