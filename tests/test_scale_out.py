"""Two app servers behind one load balancer share everything that matters.

Two real gunicorn processes (gunicorn.conf.py, production settings) on two
ports serve one PostgreSQL database (the test database, so the data is
committed: ``transactional_db``) and one Redis. One cookie jar talks to both,
as a browser does behind a balancer: a login on server A is a session on
server B, an article published through B's admin is public on A, and an edit
through A's admin is what B's public page shows.

Runs only on PostgreSQL with Redis reachable (SQLite is one machine's file):
the Redis of ``REDIS_URL``, else database 14 of a local one. Keys carry a
prefix of their own and are deleted afterwards.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group, Permission
from django.db import connection

from articles.models import Article
from articles.roles import ensure_groups
from tests.articles.test_workflow import admin_post_data
from tests.factories import make_article, make_editor

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
PASSWORD = "scale-out-password-123"
START_TIMEOUT = 60


@pytest.fixture(scope="module", autouse=True)
def needs_postgresql_and_redis(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): app servers share a database")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at {REDIS_URL} ({exc})")
    yield
    # transactional_db's flush took the groups a data migration made.
    with django_db_blocker.unblock():
        ensure_groups(Group, Permission)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = urllib.parse.quote(db["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}{host}/{db['NAME']}"


def get(opener, url, data=None):
    """(status, body) of a request through ``opener``, following redirects."""
    body = urllib.parse.urlencode(data, doseq=True).encode() if data else None
    try:
        with opener.open(url, data=body, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_until_healthy(url, process, log):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"{url}/healthz did not answer 200 in {START_TIMEOUT} s")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def servers(transactional_db, tmp_path):
    """Base URLs of two gunicorn servers on the test database and Redis."""
    prefix = f"scale-out-{uuid.uuid4().hex[:8]}"
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "0",
        "SECRET_KEY": "scale-out-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }
    # Production settings use the manifest static storage: collect first.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    processes, urls = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"server-{name}.log"
            with log.open("w") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "newsroom.wsgi"]
                    + ["--bind", f"127.0.0.1:{port}"],
                    cwd=ROOT,  # gunicorn.conf.py is read from here
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its workers stop with it
                )
            processes.append(process)
            urls.append(f"http://127.0.0.1:{port}")
            wait_until_healthy(urls[-1], process, log)
        yield {"urls": urls, "prefix": prefix}
    finally:
        for process in processes:
            stop(process)
        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)


def log_in(opener, base, username):
    status, html = get(opener, f"{base}/admin/login/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    status, html = get(
        opener,
        f"{base}/admin/login/?next=/admin/",
        {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        },
    )
    assert status == 200 and "logout" in html, html[:500]


def save_in_admin(opener, base, article, **changes):
    """Open the change form on ``base`` and post it with ``changes``."""
    url = f"{base}/admin/articles/article/{article.pk}/change/"
    status, html = get(opener, url)
    assert status == 200, "the session made on the other server is not known here"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = admin_post_data(article, csrfmiddlewaretoken=token, **changes)
    status, html = get(opener, url, data)
    assert status == 200, html[:500]


def test_two_app_servers_share_sessions_data_and_caches(servers):
    a, b = servers["urls"]
    ensure_groups(Group, Permission)
    editor = make_editor()
    # The tests' fast MD5 hasher is not one the servers accept.
    hasher = PBKDF2PasswordHasher()
    editor.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    editor.save(update_fields=["password"])
    article = make_article(headline="港交所新規今日生效")
    public_url = article.get_absolute_url()

    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    reader = urllib.request.build_opener()
    assert get(reader, b + public_url)[0] == 404  # a draft

    # A session made on A works on B: it lives in Redis (and the database).
    log_in(browser, a, editor.username)
    store = redis.Redis.from_url(REDIS_URL)
    assert any(
        b"sessions.cached_db" in key
        for key in store.scan_iter(f"{servers['prefix']}:*")
    )
    save_in_admin(browser, b, article, workflow_action="publish")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED

    for base in (a, b):
        status, html = get(reader, base + public_url)
        assert status == 200 and "港交所新規今日生效" in html
        status, html = get(reader, base + "/")
        assert "港交所新規今日生效" in html

    # An edit through A is what both servers' public pages show: A's at once,
    # B's (which B served and kept just before) as soon as B reads the page
    # cache's generation again, within PAGE_CACHE_RECHECK_SECONDS.
    save_in_admin(browser, a, article, headline="港交所新規明日生效")
    assert "港交所新規明日生效" in get(reader, a + public_url)[1]
    deadline = time.monotonic() + settings.PAGE_CACHE_RECHECK_SECONDS + 1
    for path in (public_url, "/", "/zh-hans" + public_url):
        while True:
            status, html = get(reader, b + path)
            assert status == 200
            if "港交所新規明日生效" in html or "港交所新规明日生效" in html:
                break
            assert time.monotonic() < deadline, path
            time.sleep(0.05)
        assert "今日生效" not in html, path
