"""Production settings from the environment: persistent PostgreSQL
connections, sessions through Redis backed by the database, media in S3 when
a bucket is named, the read replica when one is given."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://news:pw@db.internal:5432/newsroom",
}


def settings_with(expression: str, **env):
    """``expression`` over newsroom.settings (as ``s``), imported in a fresh
    interpreter with only ``env`` set, as JSON."""
    script = f"import json, newsroom.settings as s; print(json.dumps({expression}))"
    base = {"PATH": os.environ["PATH"], "VAR_DIR": str(ROOT / "var")}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_connections_persist_and_are_checked_before_reuse():
    db = settings_with("s.DATABASES['default']", **PRODUCTION)
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["OPTIONS"]["connect_timeout"] == 5
    db = settings_with("s.DATABASES['default']", **PRODUCTION, CONN_MAX_AGE="0")
    assert db["CONN_MAX_AGE"] == 0


def test_postgresql_prepares_statements_unless_a_pooler_cannot_keep_them():
    db = settings_with("s.DATABASES['default']", **PRODUCTION)
    assert db["OPTIONS"]["prepare_threshold"] == 0
    off = settings_with(
        "s.DATABASES['default']", **PRODUCTION, DATABASE_PREPARED_STATEMENTS="0"
    )
    assert "prepare_threshold" not in off["OPTIONS"]


def test_sqlite_connections_are_not_kept_by_default():
    db = settings_with("s.DATABASES['default']", DEBUG="1")
    assert db["CONN_MAX_AGE"] == 0


def test_sessions_live_in_redis_and_the_database_when_redis_is_set():
    # Without Redis: Django's default, the database.
    assert settings_with("getattr(s, 'SESSION_ENGINE', None)", **PRODUCTION) is None
    with_redis = settings_with(
        "[s.SESSION_ENGINE, s.CACHES['default']['OPTIONS']]",
        **PRODUCTION,
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert with_redis == [
        "django.contrib.sessions.backends.cached_db",
        {"socket_connect_timeout": 3, "socket_timeout": 3},
    ]


def test_media_goes_to_s3_compatible_storage_when_a_bucket_is_named():
    assert (
        settings_with("s.STORAGES['default']['BACKEND']", **PRODUCTION)
        == "django.core.files.storage.FileSystemStorage"
    )
    storage, media_url = settings_with(
        "[s.STORAGES['default'], s.MEDIA_URL]",
        **PRODUCTION,
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
        AWS_S3_CUSTOM_DOMAIN="media.news.example.com",
        AWS_LOCATION="media",
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "newsroom-media"
    assert options["endpoint_url"] == "https://s3.example.net"
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    assert media_url == "https://media.news.example.com/media/"


def test_s3_storage_builds_public_urls_under_media_url():
    """The real django-storages class with those options (no network)."""
    from storages.backends.s3 import S3Storage

    storage = S3Storage(
        bucket_name="newsroom-media",
        custom_domain="media.news.example.com",
        location="media",
        querystring_auth=False,
        file_overwrite=False,
    )
    url = storage.url("renditions/0123456789abcdef/800.jpg")
    assert (
        url
        == "https://media.news.example.com/media/renditions/0123456789abcdef/800.jpg"
    )


def test_a_replica_adds_an_alias_the_router_and_its_middleware():
    values = settings_with(
        "[s.DATABASES['replica'], s.DATABASE_ROUTERS, s.MIDDLEWARE]",
        **PRODUCTION,
        DATABASE_REPLICA_URL="postgres://news:pw@replica.internal:5432/newsroom",
    )
    replica, routers, middleware = values
    assert replica["HOST"] == "replica.internal"
    assert replica["TEST"] == {"MIRROR": "default"}
    assert replica["CONN_MAX_AGE"] == 60
    assert routers == ["newsroom.db_routers.ReplicaRouter"]
    assert "newsroom.db_routers.PublicReadsFromReplicaMiddleware" in middleware
    without = settings_with("'replica' in s.DATABASES", **PRODUCTION)
    assert without is False
