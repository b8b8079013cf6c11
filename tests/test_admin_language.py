"""The admin speaks Chinese: every page an editor or a writer can open, in
Traditional and in Simplified, shows no English interface words.

The crawl starts at the desk, follows every admin link it finds (one page per
URL shape, so a list of 30 articles costs one visit), and reads what a person
sees: text, and the title, placeholder, aria-label and alt attributes and the
labels of buttons. Words that people typed (headlines, names, tags, addresses:
anything stored in the database) are user content and allowed; so are the
words in ALLOWED (units, codes and names of formats).
"""

import re
from collections import deque
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.test import Client
from lxml import html as lxml_html

pytestmark = pytest.mark.django_db

ALLOWED = {
    # Zones, markets, codes, units and formats the desk writes in Latin letters.
    *"HKT HK HKEX US SH SZ BJ TW SG JP KS NYSE NASDAQ ISO URL HTML CSV JSON".split(),
    *"RSS Atom PDF JPEG PNG WebP GIF UTF-8 UTF-16 GB18030 GBK Big5 MB ID IP".split(),
    *"mbox eml OCFT BRK BABA Equity Bloomberg Word Excel Django LDAP sha256".split(),
    *"pbkdf2_sha256 chan-tai-man OneConnect gzip zip".split(),
    # Key names in Django's "hold down Control, or Command on a Mac" hint.
    *"Control Command Mac".split(),
    # The alt text of Django's yes/no icons (the value, for screen readers).
    *"True False".split(),
}
# ISO weeks (2026-W47) and hex digests (a password hash's salt, shown masked).
ISO_WEEK = re.compile(r"W\d\d|(?=[0-9a-f]*\d)[0-9a-f]{4,}")
# Where a page lists user content in a way the database does not hold word
# for word (the text of an imported file, a diff of two versions).
SKIP_URL = re.compile(
    r"/(logout|password_change|jsi18n|autocomplete|preview|revisions/\d+/\d+)/|"
    r"/(export|download|csv)|\.(csv|txt|eml|mbox|zip|gz|json)$"
)
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
# Words, with the digits and hyphens that make one token of "Big5" or a slug.
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]{2,}")
# Cap the crawl: one visit per URL shape (digits replaced), at most this many.
MAX_PAGES = 160


def _user_words() -> set[str]:
    """Every word stored in a text column: what people typed, not the interface."""
    words = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                if value:
                    words.update(WORD.findall(str(value)))
    return words


def _visible_words(page: str) -> list[str]:
    tree = lxml_html.fromstring(page)
    # <bdi> holds values, not words: a password hash's algorithm and salt.
    for bad in tree.xpath("//script|//style|//noscript|//textarea|//template|//bdi"):
        bad.drop_tree()
    texts = list(tree.xpath("//body//text()"))
    for attribute in ATTRIBUTES:
        texts += tree.xpath(f"//@{attribute}")
    texts += tree.xpath("//input[@type='submit' or @type='button']/@value")
    return [w for text in texts for w in WORD.findall(str(text))]


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client) -> dict[str, set[str]]:
    """English words on each admin page reachable from the desk."""
    queue, seen, found = deque(["/admin/"]), set(), {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if _shape(path) in seen or SKIP_URL.search(path):
            continue
        seen.add(_shape(path))
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get(
            "Content-Type", ""
        ):
            continue
        page = response.content.decode()
        found[path] = set(_visible_words(page))
        for href in lxml_html.fromstring(page).xpath("//a/@href"):
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/admin/"):
                continue
            queue.append(parts.path + ("?" + parts.query if parts.query else ""))
    return found


@pytest.fixture
def demo(settings):
    settings.DEBUG = False
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize("login", ["editor", "writer", "admin"])
@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_admin_pages_show_no_english_interface_words(demo, login, language):
    client = Client()
    client.force_login(get_user_model().objects.get(username=login))
    client.cookies["django_language"] = language
    allowed = ALLOWED | _user_words()
    pages = crawl(client)
    assert len(pages) > 10
    english = {
        path: sorted(w for w in words - allowed if not ISO_WEEK.fullmatch(w))
        for path, words in pages.items()
    }
    english = {path: words for path, words in english.items() if words}
    assert english == {}, "\n".join(f"{p}: {w}" for p, w in sorted(english.items()))


def _report(client, name, data, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    file = SimpleUploadedFile(name, data, content_type)
    url = reverse("admin:articles_importrecord_import")
    response = client.post(url, {"file": file, "kind": "brief"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_import_report_names_kinds_and_file_types_in_chinese(demo, language):
    client = Client()
    client.force_login(get_user_model().objects.get(username="editor"))
    client.cookies["django_language"] = language
    copy = "港股收市\n\n恒生指數今日收市上升，成交額增加。\n".encode()
    report = _report(client, "copy.txt", copy, "text/plain")
    # The file's name is the person's: the report shows it.
    allowed = ALLOWED | _user_words() | {"copy", "txt", "photo", "jpg"}
    assert set(_visible_words(report)) - allowed == set()
    assert "簡訊" in report or "简讯" in report
    refused = _report(client, "photo.jpg", b"\xff\xd8\xff\xe0 JFIF", "image/jpeg")
    assert set(_visible_words(refused)) - allowed == set()
    assert "JPEG" in refused
