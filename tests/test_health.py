"""/healthz: 200 ``ok`` when the database and the cache answer, 503 naming the
part that failed; never cached, no session, no language, any Host header."""

import pytest
from django.db import OperationalError, connection
from redis.exceptions import ConnectionError as RedisConnectionError

from newsroom import health

pytestmark = pytest.mark.django_db


def fail(*args, **kwargs):
    raise RedisConnectionError("Connection refused")


def test_answers_ok_when_database_and_cache_answer(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert "Vary" not in response
    assert "Content-Language" not in response  # no language machinery ran


def test_answers_a_probe_by_ip_address_over_plain_http(client, settings):
    """Balancers probe with the machine's address and no TLS: neither the host
    check nor the HTTPS redirect may turn the probe away."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/", HTTP_HOST="testserver").status_code == 301
    response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200


def test_is_not_part_of_the_simplified_edition(client):
    assert client.get("/zh-hans/healthz").status_code == 404


def test_cache_down_is_503_naming_the_cache(client, monkeypatch, caplog):
    monkeypatch.setattr(health.cache, "set", fail)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"cache: failed"
    assert response["Cache-Control"] == "no-store"
    assert "Health check: cache failed" in caplog.text
    assert "Connection refused" in caplog.text


def test_cache_that_loses_what_was_written_is_503(client, monkeypatch):
    monkeypatch.setattr(health.cache, "get", lambda *args, **kwargs: None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"cache: failed"


def test_database_down_is_503_naming_the_database(client, monkeypatch):
    def refuse():
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database: failed"


def test_both_down_names_both(client, monkeypatch):
    monkeypatch.setattr(health, "check_database", fail)
    monkeypatch.setattr(health.cache, "set", fail)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content.decode().splitlines() == [
        "database: failed",
        "cache: failed",
    ]
