"""Image uploads: checked for type and size before anything is stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article
from tests.articles.test_workflow import admin_post_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def png_bytes(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def post_hero(client, article, upload):
    data = admin_post_data(article, hero_image=upload, hero_alt="紅色方塊")
    return client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )


def test_hero_image_upload_is_stored(editor_client):
    article = make_article()
    upload = SimpleUploadedFile("hero.png", png_bytes(), content_type="image/png")
    response = post_hero(editor_client, article, upload)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.hero_image.name.startswith("articles/")
    assert article.hero_alt == "紅色方塊"


def test_oversized_image_is_refused_with_a_clear_message(editor_client, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 100
    article = make_article(headline="原標題")
    upload = SimpleUploadedFile(
        "hero.png", png_bytes((64, 64)), content_type="image/png"
    )
    response = post_hero(editor_client, article, upload)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["hero_image"]
    assert "limit" in errors[0] or "上限" in errors[0]
    article.refresh_from_db()
    assert not article.hero_image
    assert article.version == 1  # nothing half-saved


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("hero.png", b"<svg onload=alert(1)>"),  # not an image at all
        ("hero.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("hero.html", png_bytes()),
    ],
)
def test_non_images_are_refused(editor_client, name, content):
    article = make_article()
    response = post_hero(editor_client, article, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["hero_image"]
    assert not Article.objects.get(pk=article.pk).hero_image
