"""Browser tests: Debian's Chromium, driven by Playwright, against live_server.

``make browser`` installs /usr/bin/chromium; Playwright never downloads a
browser of its own. Without Chromium these tests fail and say so; set
NEWSROOM_SKIP_BROWSER=1 to skip them instead.

One browser serves all the tests in this package; each test gets fresh
contexts (cookies, localStorage). People are logged in by copying the
session cookie of a ``django.test.Client().force_login()`` into a context.
"""

import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from articles.roles import ensure_groups

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
# Generous: the admin pages load a lot of JavaScript and CI machines are slow.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="package")
def browser(django_db_blocker):
    """Chromium, started once for the tests in this package.

    Package scope, not session: while Playwright's sync API is running, the
    main thread has a running asyncio loop and Django refuses ORM calls
    from it unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Both the loop and the
    variable end with the last browser test, so the tests collected after
    this package keep Django's check.
    """
    if os.environ.get("NEWSROOM_SKIP_BROWSER") == "1":
        pytest.skip("NEWSROOM_SKIP_BROWSER=1: browser tests skipped")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: run `make browser` to install Debian's "
            "Chromium (or set NEWSROOM_SKIP_BROWSER=1 to skip the browser tests).",
            pytrace=False,
        )
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # The test thread uses the ORM while Playwright's loop runs (see above).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
        # live_server's transactional_db flushes the tables after each test,
        # taking the groups made by a data migration with them: put them back
        # for any transactional test collected after this package.
        with django_db_blocker.unblock():
            ensure_groups(Group, Permission)


@pytest.fixture(autouse=True)
def roles(transactional_db):
    """The Writers and Editors groups, which a previous test's flush removed."""
    ensure_groups(Group, Permission)


def log_in(context, live_server, user):
    """Give the browser context a logged-in session for ``user``."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    )


class Contexts:
    """Makes browser contexts for a test and records their JavaScript errors."""

    def __init__(self, browser, live_server):
        self.browser = browser
        self.live_server = live_server
        self.opened = []
        self.errors = []

    def new(self, user=None, **options):
        """A context, logged in as ``user`` if given. The site's
        Content-Security-Policy applies (a violation is a console error, so
        the test fails) unless ``bypass_csp=True`` is passed, which only a
        test that injects its own script (axe-core) needs."""
        context = self.browser.new_context(
            **{
                "base_url": self.live_server.url,
                "locale": "zh-TW",
                "timezone_id": "Asia/Hong_Kong",
                "viewport": {"width": 1280, "height": 900},
                **options,
            }
        )
        context.set_default_timeout(TIMEOUT_MS)
        # No favicon exists; its 404 would show up as a console error.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        context.on("page", self._watch)
        if user is not None:
            log_in(context, self.live_server, user)
        self.opened.append(context)
        return context

    def _watch(self, page):
        def on_console(message):
            if message.type == "error":
                self.errors.append(f"{page.url}: console: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def close(self):
        for context in self.opened:
            context.close()


@pytest.fixture
def contexts(browser, live_server):
    made = Contexts(browser, live_server)
    yield made
    made.close()
    assert made.errors == [], "JavaScript errors:\n" + "\n".join(made.errors)
