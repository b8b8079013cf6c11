"""Settings come from the environment, with safe defaults."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env):
    """Import newsroom.settings in a fresh interpreter with exactly ``env``."""
    script = (
        "import json, newsroom.settings as s;"
        "db = s.DATABASES['default'];"
        "print(json.dumps({'debug': s.DEBUG, 'engine': db['ENGINE'],"
        "'name': str(db['NAME']),"
        "'hosts': s.ALLOWED_HOSTS, 'cache': s.CACHES['default']['BACKEND'],"
        "'tz': s.TIME_ZONE, 'lang': s.LANGUAGE_CODE, 'csrf': s.CSRF_TRUSTED_ORIGINS,"
        "'static': s.STORAGES['staticfiles']['BACKEND'], 'media': str(s.MEDIA_ROOT)}))"
    )
    base = {"PATH": os.environ["PATH"], "VAR_DIR": str(ROOT / "var")}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_defaults_to_sqlite_under_var():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("var/newsroom.sqlite3")
    assert values["tz"] == "Asia/Hong_Kong"
    assert values["lang"] == "zh-hant"
    assert values["cache"].endswith("LocMemCache")


def test_production_reads_database_redis_hosts_from_environment(tmp_path):
    result = load_settings(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://news:pw@db.internal:5432/newsroom",
        REDIS_URL="redis://127.0.0.1:6379/1",
        ALLOWED_HOSTS="news.example.com, www.news.example.com",
        CSRF_TRUSTED_ORIGINS="https://news.example.com",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "newsroom"
    assert values["hosts"] == ["news.example.com", "www.news.example.com"]
    assert values["csrf"] == ["https://news.example.com"]
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["media"] == str(tmp_path / "media")


@pytest.mark.parametrize("cookie", ["en", "zh-hans"])
def test_language_follows_the_chosen_cookie_not_the_browser(client, cookie, db):
    """In the admin; the public site's edition comes from the URL (test_editions)."""
    login = "/admin/login/"
    response = client.get(login, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hant"
    client.cookies["django_language"] = cookie
    assert client.get(login)["Content-Language"] == cookie
    assert client.get("/")["Content-Language"] == "zh-hant"


def test_admin_offers_a_language_switch_that_sticks(client, db):
    from tests.factories import make_editor

    client.force_login(make_editor())
    html = client.get("/admin/").content.decode()
    assert 'name="language"' in html and 'value="en"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert response.status_code == 302
    english = client.get("/admin/")
    assert english["Content-Language"] == "en"
    assert "Articles" in english.content.decode()
    chinese = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/admin/"})
    assert chinese.status_code == 302
    assert "文章" in client.get("/admin/").content.decode()


def test_production_static_files_are_hashed_and_compressed(tmp_path):
    """collectstatic with production settings: every asset gets a hashed name
    (so it can be cached for ever) and a gzip copy for WhiteNoise to serve."""
    env = {
        "PATH": os.environ["PATH"],
        "VAR_DIR": str(ROOT / "var"),
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "news.example.com",
        "STATIC_ROOT": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/site.css"]
    assert hashed != "css/site.css" and hashed.startswith("css/site.")
    assert (tmp_path / (hashed + ".gz")).exists()
    assert "articles/article-form.js" in manifest


def test_a_bad_number_stops_the_server_with_a_message_naming_the_variable():
    result = load_settings(DEBUG="1", PAGE_CACHE_SECONDS="6h")
    assert result.returncode != 0
    assert (
        "PAGE_CACHE_SECONDS='6h': expected a whole number of seconds" in result.stderr
    )
    assert "ValueError" not in result.stderr
