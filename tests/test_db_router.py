"""The read-replica router: anonymous public GETs read the replica; editors,
the admin, the newsletter, previews, writes and transactions use the primary.

The ``replica`` alias here is a test mirror of the default database (what
settings make of DATABASE_REPLICA_URL under test: ``TEST: {"MIRROR":
"default"}``): a second connection to the same database, so reads through
it see only committed rows, as from a real replica.
"""

import copy

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connections, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.roles import ensure_groups
from newsroom import db_routers
from newsroom.db_routers import (
    REPLICA,
    PublicReadsFromReplicaMiddleware,
    ReplicaRouter,
    replica_allowed,
)
from tests.factories import make_editor, make_live_article

MIDDLEWARE = "newsroom.db_routers.PublicReadsFromReplicaMiddleware"


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """A ``replica`` alias mirroring the test database, for this module only
    (the rest of the suite runs without a replica)."""
    default = connections["default"].settings_dict
    mirror = copy.deepcopy(default)
    mirror["TEST"] = {**mirror["TEST"], "MIRROR": "default"}
    connections.settings[REPLICA] = mirror
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]
    # The transactional tests' flush took the groups a data migration made.
    with django_db_blocker.unblock():
        ensure_groups(Group, Permission)


@pytest.fixture
def routed(settings):
    cache.clear()  # a page cached by an earlier test would read nothing
    settings.DATABASE_ROUTERS = ["newsroom.db_routers.ReplicaRouter"]
    settings.MIDDLEWARE = [
        *django_settings.MIDDLEWARE[:2],
        MIDDLEWARE,
        *django_settings.MIDDLEWARE[2:],
    ]


def request(method="get", path="/", **extra):
    return getattr(RequestFactory(), method)(path, **extra)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/", True),
        ("/articles/12/", True),
        ("/zh-hans/companies/vanke/", True),
        ("/search/?q=光伏", True),
        ("/admin/articles/article/", False),
        ("/preview/abc/", False),
        ("/zh-hans/preview/abc/", False),
        ("/newsletter/confirm/abc/", False),
        ("/zh-hans/newsletter/", False),
        ("/i18n/setlang/", False),
    ],
)
def test_only_public_paths_may_read_the_replica(path, allowed):
    assert replica_allowed(request(path=path)) is allowed


def test_editors_and_writes_read_the_primary():
    assert replica_allowed(request(method="head")) is True
    assert replica_allowed(request(method="post")) is False
    signed_in = request()
    signed_in.COOKIES[django_settings.SESSION_COOKIE_NAME] = "abc"
    assert replica_allowed(signed_in) is False


def read_db_during(req, then=lambda router: None):
    """Where the router sends a read while ``req`` is being answered."""
    router, seen = ReplicaRouter(), []

    def view(request):
        then(router)
        seen.append(router.db_for_read(Article))
        return None

    PublicReadsFromReplicaMiddleware(view)(req)
    return seen[0]


def test_router_sends_reads_to_the_replica_only_inside_an_allowed_request():
    router = ReplicaRouter()
    assert router.db_for_read(Article) == "default"  # commands, workers
    assert read_db_during(request()) == REPLICA
    assert read_db_during(request(method="post")) == "default"
    assert router.db_for_read(Article) == "default"  # reset after the request
    assert router.db_for_write(Article) == "default"


def test_after_a_write_the_request_reads_its_own_write_from_the_primary():
    def write(router):
        router.db_for_write(Article)

    assert read_db_during(request(), then=write) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_use_the_primary():
    def in_transaction(router):
        with transaction.atomic():
            assert router.db_for_read(Article) == "default"

    read_db_during(request(), then=in_transaction)


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "articles") is True
    assert router.allow_migrate(REPLICA, "articles") is False


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_anonymous_article_page_is_read_from_the_replica(client, routed):
    article = make_live_article(headline="萬科公布業績")
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "萬科公布業績" in response.content.decode()
    assert len(replica) > 0
    assert len(primary) == 0


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_signed_in_editor_reads_the_primary(client, routed):
    ensure_groups(Group, Permission)
    client.force_login(make_editor())
    article = make_live_article()
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert client.get("/admin/articles/article/").status_code == 200
    assert len(replica) == 0
    assert len(primary) > 0
    assert db_routers._reads.get() is None
