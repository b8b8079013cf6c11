"""The admin's "Import copy" page and the read-only import records."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from articles.models import Article, ImportRecord
from tests.factories import make_user

from . import samples

pytestmark = pytest.mark.django_db
IMPORT_URL = "admin:articles_importrecord_import"


def upload(client, text, name="feed.txt", **data):
    file = SimpleUploadedFile(name, text.encode("utf-8"), "text/plain")
    return client.post(reverse(IMPORT_URL), {"file": file, **data})


@pytest.mark.parametrize("who", ["editor_client", "writer_client"])
def test_editors_and_writers_import_and_get_links_to_the_drafts(request, who):
    client = request.getfixturevalue(who)
    response = upload(client, samples.WIRE_FEED)
    assert response.status_code == 200
    html = response.content.decode()
    for article in Article.objects.all():
        assert article.status == Article.Status.DRAFT
        url = reverse("admin:articles_article_change", args=[article.pk])
        assert f'href="{url}"' in html
    assert Article.objects.count() == 2
    assert "示例通訊社" in html


def test_upload_report_lists_dropped_lines_and_duplicates(editor_client):
    upload(editor_client, samples.CMS_EXPORT)
    html = upload(editor_client, samples.CMS_EXPORT).content.decode()
    assert "欲訂閱本站每周免費通訊,請點擊這裏" in html
    assert Article.objects.count() == 3


def test_dry_run_upload_writes_nothing(editor_client):
    response = upload(editor_client, samples.CMS_EXPORT, dry_run="on")
    assert response.status_code == 200
    assert Article.objects.count() == 0


def test_bad_upload_shows_the_reason(editor_client):
    file = SimpleUploadedFile("x.pdf", b"%PDF-1.4 \x00\x01", "application/pdf")
    response = editor_client.post(reverse(IMPORT_URL), {"file": file})
    assert "This is a PDF, not text" in response.content.decode()
    assert Article.objects.count() == 0


@override_settings(IMPORT_MAX_UPLOAD_MB=0.001)
def test_upload_over_the_limit_is_refused(editor_client):
    response = upload(editor_client, samples.CMS_EXPORT * 3)
    assert response.status_code == 200
    assert "File too large" in response.content.decode()
    assert Article.objects.count() == 0


def test_staff_without_add_permission_cannot_import(client):
    client.force_login(make_user())
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert upload(client, samples.WIRE_FEED).status_code == 403
    assert Article.objects.count() == 0


def test_upload_needs_a_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert upload(client, samples.WIRE_FEED).status_code == 403
    assert Article.objects.count() == 0


def test_changelist_offers_import_and_record_shows_raw_text(editor_client):
    upload(editor_client, samples.CMS_EXPORT)
    changelist = editor_client.get(reverse("admin:articles_importrecord_changelist"))
    assert reverse(IMPORT_URL) in changelist.content.decode()
    record = ImportRecord.objects.order_by("pk").first()
    detail = editor_client.get(
        reverse("admin:articles_importrecord_change", args=[record.pk])
    ).content.decode()
    assert "9863.HK" in detail and "Leapmotor widens its overseas push" in detail
    assert "newsletter call to action" in detail


def test_article_list_links_to_import_copy(writer_client):
    response = writer_client.get(reverse("admin:articles_article_changelist"))
    assert reverse("admin:articles_importrecord_import").encode() in response.content
