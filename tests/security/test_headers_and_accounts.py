"""Issue 9, points 1 and 2: production settings and headers, accounts.

Headers on every public page (Content-Security-Policy without inline
scripts, nosniff, frame denial, a referrer policy, HSTS over HTTPS), foreign
Host headers refused, Argon2 with old hashes upgraded at login, login
throttling that says the same for every user name, ``next=`` that never
leaves the site, and a password reset that gives nothing away.
"""

import os
import secrets
import subprocess
import sys
from datetime import UTC
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.core.cache import caches
from django.urls import reverse
from django.utils import translation

from newsroom import pagecache
from newsroom.edge import has_control_characters
from tests.factories import make_company, make_editor, make_live_article

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 電池 staple"


def production_env(**extra):
    return {
        "PATH": os.environ["PATH"],
        "VAR_DIR": str(ROOT / "var"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.com",
        **extra,
    }


def deploy_check(**extra):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(**extra),
        capture_output=True,
        text=True,
    )


def test_deploy_check_passes_with_production_settings():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_deploy_check_fails_when_hardening_is_turned_off():
    # The check is real: switching HSTS off makes it fail.
    result = deploy_check(SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


# --- headers -------------------------------------------------------------------


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.fixture
def public_urls(db):
    company = make_company("6638.HK", name="開普檢測")
    article = make_live_article(headline="開普檢測公布業績", slug="kaipu-results")
    article.companies.add(company)
    article.tags.add("檢測")
    return [
        "/",
        article.get_absolute_url(),
        "/zh-hans" + article.get_absolute_url(),
        "/articles/",
        "/briefs/",
        "/features/",
        company.get_absolute_url(),
        "/search/?q=檢測",
        "/newsletter/",
        "/no-such-page/",
        reverse("admin:login"),
    ]


def test_every_public_html_page_carries_the_security_headers(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert response["Content-Type"].startswith("text/html"), url
        policy = directives(response["Content-Security-Policy"])
        scripts = policy.get("script-src", policy.get("default-src"))
        assert "'self'" in scripts, url
        assert "'unsafe-inline'" not in scripts, url
        assert "'unsafe-eval'" not in scripts, url
        assert policy["object-src"] == ["'none'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["base-uri"] == ["'self'"], url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] == "same-origin", url


def test_public_pages_have_no_inline_script_for_the_policy_to_block(
    client, public_urls
):
    """The policy allows no inline script, so the pages must not need one:
    every <script> has a src, or is data (JSON-LD)."""
    from lxml import html

    for url in public_urls:
        tree = html.fromstring(client.get(url).content)
        for script in tree.iter("script"):
            kind = script.get("type", "")
            assert script.get("src") or kind == "application/ld+json", url
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            handlers = [name for name in element.attrib if name.startswith("on")]
            assert not handlers, (url, element.tag, handlers)


def test_inline_styles_only_where_a_page_needs_them(client, editor, public_urls):
    home = directives(client.get("/")["Content-Security-Policy"])
    assert home["style-src"] == ["'self'"]
    client.force_login(editor)
    admin = directives(client.get("/admin/")["Content-Security-Policy"])
    assert "'unsafe-inline'" in admin["style-src"]
    assert "'unsafe-inline'" not in admin["script-src"]


def test_hsts_over_https_in_production(client, settings):
    assert settings.SECURE_HSTS_SECONDS >= 31536000
    response = client.get("/", secure=True)
    assert "max-age=31536000" in response["Strict-Transport-Security"]
    assert "includeSubDomains" in response["Strict-Transport-Security"]


def test_plain_http_is_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/briefs/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/briefs/"
    # The proxy in front says the request came over HTTPS: served.
    assert client.get("/briefs/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    # Health checks are answered before the redirect.
    assert client.get("/healthz").status_code in (200, 503)


def test_a_cached_page_keeps_its_policy(client, settings):
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_ALIAS = "pages"
    caches["pages"].clear()
    pagecache._local.clear()
    try:
        first = client.get("/briefs/")
        second = client.get("/briefs/")
    finally:
        caches["pages"].clear()
        pagecache._local.clear()
    assert second["X-Page-Cache"] == "hit"
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "script-src 'self'" in second["Content-Security-Policy"]


def test_media_is_served_with_nosniff(client, settings, tmp_path):
    # SERVE_MEDIA is a development convenience; the header must be there too.
    target = Path(settings.MEDIA_ROOT) / "nosniff-check.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("<script>alert(1)</script>")
    from django.test import override_settings
    from django.urls import clear_url_caches

    import newsroom.urls

    with override_settings(SERVE_MEDIA=True):
        import importlib

        importlib.reload(newsroom.urls)
        clear_url_caches()
        try:
            response = client.get(settings.MEDIA_URL + "nosniff-check.txt")
        finally:
            importlib.reload(newsroom.urls)
            clear_url_caches()
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    target.unlink()


# --- hosts -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/admin/password_reset/"])
def test_a_foreign_host_gets_400(client, path):
    response = client.get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_a_password_reset_through_a_foreign_host_sends_nothing(client):
    make_editor(email="desk@newsroom.example")
    response = client.post(
        "/admin/password_reset/",
        {"email": "desk@newsroom.example"},
        HTTP_HOST="evil.example",
    )
    assert response.status_code == 400
    assert mail.outbox == []


def test_reset_mail_links_to_the_site_url_not_the_request_host(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    settings.SITE_URL = "https://news.example.com"
    make_editor(email="desk@newsroom.example")
    client.post(
        "/admin/password_reset/",
        {"email": "desk@newsroom.example"},
        HTTP_HOST="other.example",
    )
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "https://news.example.com/admin/reset/" in body
    assert "other.example" not in body + mail.outbox[0].subject


# --- password reset --------------------------------------------------------------


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPException("the mail server is down")


def reset_answer(client, email):
    response = client.post("/admin/password_reset/", {"email": email}, follow=True)
    return response.status_code, response.redirect_chain, response.content


def test_password_reset_answers_the_same_for_known_and_unknown(client):
    make_editor(email="known@newsroom.example")
    known = reset_answer(client, "known@newsroom.example")
    unknown = reset_answer(client, "nobody@newsroom.example")
    assert known == unknown
    assert known[1][-1][0] == "/admin/password_reset/done/"
    assert [m.to for m in mail.outbox] == [["known@newsroom.example"]]


def test_password_reset_answers_the_same_when_sending_fails(client, settings):
    make_editor(email="known@newsroom.example")
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    known = reset_answer(client, "known@newsroom.example")
    unknown = reset_answer(client, "nobody@newsroom.example")
    assert known == unknown
    assert known[0] == 200


def test_the_reset_link_sets_a_new_password(client, settings):
    settings.SITE_URL = "http://testserver"
    user = make_editor(email="known@newsroom.example")
    client.post("/admin/password_reset/", {"email": "known@newsroom.example"})
    link = next(word for word in mail.outbox[0].body.split() if "/admin/reset/" in word)
    page = client.get(urlsplit(link).path, follow=True)
    form_url = page.redirect_chain[-1][0]
    done = client.post(
        form_url,
        {
            "new_password1": "新的密碼 long enough 42",
            "new_password2": "新的密碼 long enough 42",
        },
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("新的密碼 long enough 42")


# --- Argon2 --------------------------------------------------------------------

PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def admin_login(client, username, password, next_url="/admin/"):
    return client.post(
        f"{reverse('admin:login')}?next={next_url}",
        {"username": username, "password": password, "next": next_url},
    )


def test_argon2_hashes_new_passwords_and_upgrades_old_ones_at_login(client, settings):
    from django.conf import settings as live

    assert live.PASSWORD_HASHERS  # the tests' fast hasher...
    from newsroom import settings as production

    # ...but production puts Argon2 first.
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = make_editor(username="old-hash")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert user.password.startswith("pbkdf2_sha256$")
    response = admin_login(client, "old-hash", PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert make_password("x").startswith("argon2$")


# --- login throttling -------------------------------------------------------------


def scrub(content: bytes) -> bytes:
    """A page without its CSRF token (different on every render)."""
    import re

    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_failed_logins_are_throttled_the_same_for_known_and_unknown_names(
    client, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    make_editor(username="desk-editor", password=PASSWORD)
    answers = {}
    for name in ("desk-editor", "no-such-person"):
        failures = [admin_login(client, name, "wrong") for _ in range(3)]
        assert [r.status_code for r in failures] == [200, 200, 429]
        # Now even the right password is refused, for a while.
        locked = admin_login(client, name, PASSWORD)
        assert locked.status_code == 429
        answers[name] = (
            scrub(failures[0].content).replace(name.encode(), b"NAME"),
            scrub(locked.content),
        )
    assert answers["desk-editor"] == answers["no-such-person"]
    # The admin speaks Traditional Chinese unless the language cookie says otherwise.
    with translation.override("zh-hant"):
        title = translation.gettext("Too many failed logins")
    assert title != "Too many failed logins"
    assert title.encode() in answers["desk-editor"][1]


def test_a_good_login_resets_the_count(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_editor(username="desk-editor", password=PASSWORD)
    for _ in range(2):
        admin_login(client, "desk-editor", "wrong")
    assert admin_login(client, "desk-editor", PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        assert admin_login(client, "desk-editor", "wrong").status_code == 200
    assert admin_login(client, "desk-editor", PASSWORD).status_code == 302


def test_throttling_is_per_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    make_editor(username="desk-editor", password=PASSWORD)
    for _ in range(2):
        admin_login(client, "desk-editor", "wrong")
    assert admin_login(client, "desk-editor", PASSWORD).status_code == 429
    other = client.__class__(REMOTE_ADDR="10.9.8.7")
    assert admin_login(other, "desk-editor", PASSWORD).status_code == 302


# --- open redirects ---------------------------------------------------------------

HOSTILE_NEXT = [
    "//evil.example",
    "//evil.example/admin/",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://testserver@evil.example/",
    "/admin/@evil.example",
]


def lands_home(location: str) -> bool:
    """Where a browser would go: tabs and newlines dropped, backslashes as
    slashes (WHATWG URL parsing), resolved against our page."""
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "")
    cleaned = cleaned.strip().replace("\\", "/")
    target = urlsplit(urljoin("http://testserver/admin/login/", cleaned))
    return target.scheme in ("http", "https") and target.netloc == "testserver"


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_next_after_login_stays_on_our_host(client, next_url):
    make_editor(username="desk-editor", password=PASSWORD)
    response = client.post(
        reverse("admin:login"),
        {"username": "desk-editor", "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302
    assert lands_home(response["Location"]), response["Location"]


def test_a_refused_next_lands_on_the_desk(client):
    make_editor(username="desk-editor", password=PASSWORD)
    response = client.post(
        reverse("admin:login"),
        {"username": "desk-editor", "password": PASSWORD, "next": "//evil.example"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.status_code == 200


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_next_when_already_logged_in_stays_on_our_host(client, editor, next_url):
    client.force_login(editor)
    response = client.get(reverse("admin:login"), {"next": next_url})
    if has_control_characters(next_url):
        # A tab in a query string is refused at the edge (newsroom/edge.py).
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert lands_home(response["Location"]), response["Location"]


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_language_switch_next_stays_on_our_host(client, next_url):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": next_url}
    )
    assert response.status_code == 302
    assert lands_home(response["Location"]), response["Location"]


def test_a_safe_next_is_followed(client):
    make_editor(username="desk-editor", password=PASSWORD)
    response = client.post(
        reverse("admin:login"),
        {"username": "desk-editor", "password": PASSWORD, "next": "/admin/articles/"},
    )
    assert response["Location"] == "/admin/articles/"


def test_newsletter_mail_links_to_the_site_url_not_the_request_host(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    settings.SITE_URL = "https://news.example.com"
    response = client.post(
        reverse("newsletter:subscribe"),
        {"email": "reader@example.com"},
        HTTP_HOST="other.example",
    )
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    text = message.body + str(message.message())
    assert "https://news.example.com/newsletter/confirm/" in message.body
    assert "other.example" not in text


def test_security_txt_says_where_to_report(client, settings):
    settings.SECURITY_CONTACTS = ["mailto:security@news.example.com"]
    settings.SITE_URL = "https://news.example.com"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(
        line.split(": ", 1) for line in response.content.decode().splitlines() if line
    )
    assert fields["Contact"] == "mailto:security@news.example.com"
    assert fields["Canonical"] == "https://news.example.com/.well-known/security.txt"
    from datetime import datetime

    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ")
    days = (expires.replace(tzinfo=UTC) - datetime.now(UTC)).days
    assert 300 < days <= 365
