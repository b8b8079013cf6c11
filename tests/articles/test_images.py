"""Image renditions: made once after a save (by a task worker in production),
oriented, stripped of metadata, served with srcset, sizes, width and height;
decompression bombs refused."""

import io
import json
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from PIL import Image

from articles import images
from articles.models import Article, Author
from tests.articles.test_workflow import admin_post_data
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

ORIENTATION, GPS_IFD, MAKE = 0x0112, 0x8825, 0x010F


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def camera_jpeg(size=(1200, 800)) -> bytes:
    """A landscape JPEG that the camera says to turn 90° (EXIF orientation 6),
    with the camera's make and a GPS position in its EXIF."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "TestCam"
    exif[GPS_IFD] = {1: "N", 2: (22.0, 16.0, 30.0), 3: "E", 4: (114.0, 10.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"shot at home")
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # really there
    return data


def transparent_png(size=(300, 200)) -> bytes:
    image = Image.new("RGBA", size, (255, 0, 0, 0))
    image.paste((0, 0, 255, 255), (100, 50, 200, 150))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def png_claiming(width, height) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels."""

    def chunk(kind, payload):
        body = kind + payload
        return (
            struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def upload(name, data):
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    return SimpleUploadedFile(name, data, content_type=content_type)


def post_hero(client, article, file, **fields):
    data = admin_post_data(article, hero_image=file, hero_alt="交易大堂", **fields)
    return client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )


def stored(name) -> Image.Image:
    with default_storage.open(name, "rb") as f:
        image = Image.open(io.BytesIO(f.read()))
        image.load()
        return image


def assert_no_metadata(image):
    assert not image.getexif()
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"):
        assert key not in image.info


def widths_by_format(renditions):
    found = {}
    for item in renditions["items"]:
        found.setdefault(item["format"], []).append(item["width"])
    return found


def snapshot(root: Path):
    return {
        str(p.relative_to(root)): p.stat().st_mtime_ns
        for p in root.rglob("*")
        if p.is_file()
    }


def test_widths_are_never_upscaled_and_never_none():
    assert images.rendition_widths(2000, images.HERO_WIDTHS) == [480, 800, 1200, 1600]
    assert images.rendition_widths(1600, images.HERO_WIDTHS) == [480, 800, 1200, 1600]
    assert images.rendition_widths(800, images.HERO_WIDTHS) == [480, 800]
    assert images.rendition_widths(300, images.HERO_WIDTHS) == [300]


def test_admin_upload_makes_oriented_stripped_renditions(editor_client):
    article = make_article()
    response = post_hero(editor_client, article, upload("hero.jpg", camera_jpeg()))
    assert response.status_code == 302
    article.refresh_from_db()
    renditions = article.hero_renditions
    assert renditions["source"] == article.hero_image.name
    # Turned upright: 800 wide, 1200 high; no width above the original's.
    assert (renditions["width"], renditions["height"]) == (800, 1200)
    assert widths_by_format(renditions) == {"jpeg": [480, 800], "webp": [480, 800]}
    for item in renditions["items"]:
        assert re.fullmatch(r"renditions/[0-9a-f]{16}/\d+\.(jpg|webp)", item["name"])
        image = stored(item["name"])
        assert image.format == {"jpeg": "JPEG", "webp": "WEBP"}[item["format"]]
        assert image.size == (item["width"], item["height"])
        assert item["height"] == item["width"] * 3 // 2
        assert_no_metadata(image)
    original = stored(article.hero_image.name)
    assert original.size == (800, 1200)
    assert_no_metadata(original)


def test_model_save_flattens_transparency_on_white_for_jpeg():
    article = make_article(hero_image=upload("logo.png", transparent_png()))
    renditions = article.hero_renditions
    assert widths_by_format(renditions) == {"jpeg": [300], "webp": [300]}
    jpeg = next(i for i in renditions["items"] if i["format"] == "jpeg")
    image = stored(jpeg["name"])
    assert image.mode == "RGB"
    assert image.getpixel((5, 5)) == (255, 255, 255)
    assert image.getpixel((150, 100))[2] > 200  # the blue square
    original = stored(article.hero_image.name)
    assert original.format == "PNG" and original.mode == "RGBA"  # kept as-is


def test_article_page_serves_a_picture_with_srcset_sizes_and_size(
    editor_client, client
):
    article = make_article(
        status=Article.Status.PUBLISHED, hero_caption="港交所", hero_credit="本報"
    )
    post_hero(
        editor_client,
        article,
        upload("hero.jpg", camera_jpeg((2400, 1800))),
        hero_caption="港交所",
        hero_credit="本報",
    )
    article.refresh_from_db()
    html = client.get(article.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="hero">.*?</figure>', html, re.S).group(0)
    assert "<picture>" in figure
    webp = re.search(
        r'<source type="image/webp" srcset="([^"]+)" sizes="[^"]+">', figure
    )
    assert re.findall(r" (\d+)w", webp.group(1)) == ["480", "800", "1200", "1600"]
    img = re.search(r"<img [^>]+>", figure).group(0)
    assert re.findall(r" (\d+)w", re.search(r'srcset="([^"]+)"', img).group(1)) == [
        "480",
        "800",
        "1200",
        "1600",
    ]
    assert re.search(r'src="/media/renditions/[0-9a-f]{16}/800\.jpg"', img)
    assert f'sizes="{images.HERO_SIZES}"' in img
    assert 'width="1600" height="2133"' in img
    assert 'alt="交易大堂"' in img
    assert 'loading="eager" fetchpriority="high"' in img
    assert "<figcaption>港交所" in figure and "本報" in figure

    largest = f"http://testserver/media/{article.hero_renditions['items'][3]['name']}"
    assert largest.endswith("/1600.jpg")
    assert f'<meta property="og:image" content="{largest}">' in html
    jsonld = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    )
    assert json.loads(jsonld.group(1))["image"] == [largest]


@pytest.mark.usefixtures("no_page_cache")
def test_article_page_with_a_hero_still_runs_at_most_ten_queries(
    client, django_assert_max_num_queries
):
    article = make_article(
        status=Article.Status.PUBLISHED,
        hero_image=upload("hero.jpg", camera_jpeg()),
        authors=[make_author()],
    )
    with django_assert_max_num_queries(10):
        response = client.get(article.get_absolute_url())
    assert "<picture>" in response.content.decode()


def test_page_falls_back_to_the_original_without_renditions(client):
    article = make_article(
        status=Article.Status.PUBLISHED, hero_image=upload("h.jpg", camera_jpeg())
    )
    Article.objects.filter(pk=article.pk).update(hero_renditions={})
    html = client.get(article.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="hero">.*?</figure>', html, re.S).group(0)
    assert "<picture>" not in figure and "srcset" not in figure
    assert f'src="/media/{article.hero_image.name}"' in figure


def test_author_page_serves_the_photo_as_a_lazy_picture(client):
    author = make_author(photo=upload("me.jpg", camera_jpeg((600, 400))))
    assert widths_by_format(author.photo_renditions) == {
        "jpeg": [96, 192, 288],
        "webp": [96, 192, 288],
    }
    html = client.get(author.get_absolute_url()).content.decode()
    img = re.search(r'<img [^>]*class="avatar"[^>]*>', html).group(0)
    assert 'sizes="96px"' in img and 'loading="lazy"' in img
    assert 'width="288" height="432"' in img
    assert "<picture>" in html and 'type="image/webp"' in html
    assert_no_metadata(stored(author.photo.name))


def test_saving_again_without_a_new_image_writes_no_files(editor_client, media):
    article = make_article(hero_image=upload("hero.jpg", camera_jpeg()))
    before = snapshot(media)
    renditions = article.hero_renditions

    article.headline = "新標題"
    article.save()
    article.refresh_from_db()
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        admin_post_data(article, hero_alt="交易大堂"),
    )
    assert response.status_code == 302

    assert snapshot(media) == before
    article.refresh_from_db()
    assert article.hero_renditions == renditions


def test_removing_the_image_drops_the_renditions():
    article = make_article(hero_image=upload("hero.jpg", camera_jpeg()))
    article.hero_image = None
    article.save()
    article.refresh_from_db()
    assert article.hero_renditions == {}
    assert article.hero_picture is None


def test_command_makes_missing_renditions_strips_old_uploads_and_is_idempotent(
    media,
):
    # Uploaded before renditions existed: the stored original still has GPS.
    legacy = default_storage.save("articles/2025/01/old.jpg", io.BytesIO(camera_jpeg()))
    article = make_article()
    Article.objects.filter(pk=article.pk).update(hero_image=legacy)
    broken = default_storage.save("authors/broken.jpg", io.BytesIO(b"not a jpeg"))
    author = make_author()
    Author.objects.filter(pk=author.pk).update(photo=broken)

    out, err = io.StringIO(), io.StringIO()
    call_command("make_renditions", stdout=out, stderr=err)
    assert "1 made, 0 already done, 0 failed" in out.getvalue()
    assert "0 made, 0 already done, 1 failed" in out.getvalue()
    assert "broken.jpg" in err.getvalue()

    article.refresh_from_db()
    assert widths_by_format(article.hero_renditions) == {
        "jpeg": [480, 800],
        "webp": [480, 800],
    }
    assert_no_metadata(stored(article.hero_image.name))
    version = article.version

    before = snapshot(media)
    out = io.StringIO()
    call_command("make_renditions", stdout=out, stderr=io.StringIO())
    assert "0 made, 1 already done" in out.getvalue()
    assert snapshot(media) == before

    out = io.StringIO()
    call_command("make_renditions", "--force", stdout=out, stderr=io.StringIO())
    assert "1 made, 0 already done" in out.getvalue()
    article.refresh_from_db()
    assert article.version == version  # an editor's open copy stays saveable
    assert widths_by_format(article.hero_renditions)["jpeg"] == [480, 800]


def test_decompression_bomb_is_a_form_error_and_nothing_is_stored(editor_client, media):
    article = make_article()
    before = snapshot(media)
    bomb = upload("bomb.png", png_claiming(50_000, 50_000))
    response = post_hero(editor_client, article, bomb)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["hero_image"]
    assert snapshot(media) == before
    article.refresh_from_db()
    assert not article.hero_image and article.hero_renditions == {}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_image_over_the_pixel_limit_is_refused_with_a_clear_message(
    editor_client, media, monkeypatch
):
    # Between the limit and twice it, Pillow itself only warns.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(buffer, "PNG")
    article = make_article()
    before = snapshot(media)
    response = post_hero(editor_client, article, upload("big.png", buffer.getvalue()))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["hero_image"]
    assert any("pixels" in e or "像素" in e for e in errors), errors
    assert snapshot(media) == before
    assert not Article.objects.get(pk=article.pk).hero_image


# --- renditions as a task ------------------------------------------------------


@pytest.fixture
def task_queue(settings, monkeypatch):
    """The production set-up: tasks wait in the database for ``db_worker``."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker closes any connection not in autocommit, as the test's
    # transaction is; the data would go with it (on PostgreSQL).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())


def test_with_a_task_queue_the_save_strips_the_upload_and_a_worker_makes_renditions(
    task_queue, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as on_commit:
        article = make_article(
            status=Article.Status.PUBLISHED,
            hero_image=upload("hero.jpg", camera_jpeg()),
        )
        # Enqueued only once the save commits: a worker must find the row.
        assert not DBTaskResult.objects.exists()
    for callback in on_commit:
        callback()
    job = DBTaskResult.objects.get()
    assert job.task_path == "articles.image_tasks.make_renditions_task"
    assert job.status == "READY"

    # Public at once without metadata; pending renditions give the original.
    article.refresh_from_db()
    assert_no_metadata(stored(article.hero_image.name))
    assert article.hero_renditions == {
        "source": article.hero_image.name,
        "width": 800,
        "height": 1200,
    }
    html = client.get(article.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="hero">.*?</figure>', html, re.S).group(0)
    assert "srcset" not in figure
    assert f'src="/media/{article.hero_image.name}" width="800" height="1200"' in figure

    version = article.version
    run_worker()
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    article.refresh_from_db()
    assert widths_by_format(article.hero_renditions) == {
        "jpeg": [480, 800],
        "webp": [480, 800],
    }
    assert article.version == version  # an editor's open copy stays saveable
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<picture>" in html


def test_a_queued_rendition_job_for_a_replaced_image_writes_nothing(
    task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        author = make_author(photo=upload("old.jpg", camera_jpeg((600, 400))))
    author.photo = upload("new.png", transparent_png())
    with django_capture_on_commit_callbacks(execute=True):
        author.save()
    assert DBTaskResult.objects.count() == 2

    run_worker()
    author.refresh_from_db()
    assert author.photo_renditions["source"] == author.photo.name
    assert widths_by_format(author.photo_renditions) == {
        "jpeg": [96, 192, 288],
        "webp": [96, 192, 288],
    }
    results = sorted(r.return_value["status"] for r in DBTaskResult.objects.all())
    assert results == ["made", "skipped"]
