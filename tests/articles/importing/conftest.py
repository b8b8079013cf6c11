"""The importer's tests read its messages in English (their msgids).

The product speaks Traditional Chinese by default (commands included); these
tests check what the messages say, not the translation, so they run in
English: activated for the test, and chosen by cookie for the admin.
"""

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def english_admin(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
