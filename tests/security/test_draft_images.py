"""Issue 17, finding 7: a draft's hero image is not at a predictable address.

Media is served without asking Django (the web server, the bucket), so what
keeps a draft's picture private is its name: each upload is stored in a
folder named by 128 random bits, never at articles/YYYY/MM/<file name>.
"""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article
from tests.articles.test_workflow import admin_post_data
from tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def upload_hero(client, article, name):
    data = admin_post_data(article, hero_image=png(name), hero_alt="圖")
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )
    assert response.status_code == 302
    return Article.objects.get(pk=article.pk).hero_image.name


def test_a_drafts_hero_image_is_stored_under_an_unguessable_folder(
    writer_client, writer
):
    draft = make_article(created_by=writer)
    name = upload_hero(writer_client, draft, "results-q4.png")
    month = timezone.localdate().strftime("%Y/%m")
    assert re.fullmatch(rf"articles/{month}/[A-Za-z0-9_-]{{22}}/results-q4\.png", name)
    assert default_storage.exists(name)
    assert not default_storage.exists(f"articles/{month}/results-q4.png")


def test_two_uploads_of_one_file_name_get_different_folders(editor_client):
    first = upload_hero(editor_client, make_article(), "hero.png")
    second = upload_hero(editor_client, make_article(), "hero.png")
    assert first.rsplit("/", 2)[1] != second.rsplit("/", 2)[1]
