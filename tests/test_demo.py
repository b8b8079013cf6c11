"""The demo works as shown: mails link to the server it runs on, only edited
articles say "updated", and every page has an icon."""

import re
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

from articles import demo
from articles.models import Article

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize(
    ("args", "site"),
    [
        (["PORT=8123"], "http://127.0.0.1:8123"),
        (["HOST=0.0.0.0", "PORT=9000"], "http://0.0.0.0:9000"),
    ],
)
def test_make_serve_gives_the_demo_the_address_it_runs_on(args, site):
    dry_run = subprocess.run(
        ["make", "-n", "serve", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    ).stdout
    assert f'SITE_URL="${{SITE_URL:-{site}}}"' in dry_run


@pytest.mark.django_db
def test_only_edited_or_corrected_demo_articles_say_updated(client, settings):
    settings.DEBUG = False
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    changed = {
        spec["headline"]
        for spec in demo.ARTICLES
        if spec.get("edited_after_hours") or spec.get("correction")
    }
    assert changed
    for article in Article.objects.live():
        html = client.get(article.get_absolute_url()).content.decode()
        says_updated = 'class="updated"' in html
        assert says_updated == (article.headline in changed), article.headline


def test_the_favicon_is_served_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.ico")
    for name in ("img/favicon.ico", "img/favicon.svg", "img/apple-touch-icon.png"):
        assert finders.find(name), name


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/zh-hans/", "/admin/login/"])
def test_every_page_links_its_icon(client, path):
    html = client.get(path).content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.ico"', html)
