"""Uploads (issue 9, point 5): the size limit applies before a file is kept,
the format is decided by the content, bombs, damaged files, polyglots and
formats outside the allow-list are form errors (never a 500) that leave the
row unchanged, stored originals are re-encoded without metadata, and media
is served with nosniff."""

import importlib
import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import clear_url_caches, reverse
from django.utils import translation
from PIL import Image

from articles import validators
from articles.models import Article, Author
from articles.validators import check_image_upload
from newsroom.uploads import OversizedUpload, SizeLimitUploadHandler
from tests.articles.test_workflow import admin_post_data
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

ORIENTATION, EXIF_IFD, GPS_IFD = 0x0112, 0x8769, 0x8825
BODY_SERIAL, LENS_SERIAL, MAKER_NOTE = 0xA431, 0xA435, 0x927C


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def english(settings, client):
    """The admin in English: the language the cookie chooses."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- images made in code ----------------------------------------------------------


def encode(image, fmt, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def picture(size=(64, 48)):
    """A picture with detail, so that encoders have something to encode."""
    return Image.linear_gradient("L").resize(size).convert("RGB")


def png(size=(64, 48)) -> bytes:
    return encode(picture(size), "PNG")


def jpeg(size=(64, 48), **options) -> bytes:
    return encode(picture(size), "JPEG", **options)


def gif(frames=1, size=(40, 30)) -> bytes:
    colours = ["red", "green", "blue", "yellow", "white", "black"]
    images = [Image.new("RGB", size, colours[i % len(colours)]) for i in range(frames)]
    return encode(
        images[0], "GIF", save_all=True, append_images=images[1:], duration=80, loop=0
    )


def webp(size=(64, 48)) -> bytes:
    return encode(picture(size), "WEBP")


def camera_jpeg() -> bytes:
    """A landscape JPEG to be turned upright (EXIF orientation 6) that carries
    a GPS position, the body and lens serial numbers, a maker note, XMP and a
    comment."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[GPS_IFD] = {1: "N", 2: (22.0, 16.0, 30.0), 3: "E", 4: (114.0, 10.0, 0.0)}
    exif[EXIF_IFD] = {
        BODY_SERIAL: "BODY-SN-0042",
        LENS_SERIAL: "LENS-SN-0077",
        MAKER_NOTE: b"MAKERNOTE-SECRET",
    }
    data = encode(
        picture((120, 80)),
        "JPEG",
        exif=exif,
        xmp=b"<x:xmpmeta><rdf:Description>XMP-SECRET</rdf:Description></x:xmpmeta>",
        comment=b"COMMENT-SECRET",
    )
    stored = Image.open(io.BytesIO(data))
    assert stored.getexif().get_ifd(GPS_IFD)  # really there
    assert stored.getexif().get_ifd(EXIF_IFD)[BODY_SERIAL] == "BODY-SN-0042"
    return data


def chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def png_claiming(width, height) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
PSD = (
    b"8BPS\x00\x01"
    + b"\x00" * 6
    + b"\x00\x03"
    + struct.pack(">II", 16, 16)
    + (b"\x00\x08\x00\x03" + b"\x00" * 64)
)
FITS = (
    b"SIMPLE  =                    T".ljust(80)
    + b"BITPIX  =                    8".ljust(80)
    + b"NAXIS   =                    2".ljust(80)
    + b"NAXIS1  =                   16".ljust(80)
    + b"NAXIS2  =                   16".ljust(80)
    + b"END".ljust(80)
).ljust(2880) + b"\0" * 2880
EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 16 16\n"
    b"newpath 0 0 moveto 16 16 lineto stroke\n%%EOF\n"
)


# --- posting ----------------------------------------------------------------------


def upload(name, data, content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def post_hero(client, article, file):
    data = admin_post_data(article, hero_image=file, hero_alt="交易大堂")
    return client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )


def post_photo(client, author, file):
    data = {
        "name": author.name,
        "slug": author.slug,
        "bio": author.bio,
        "email": author.email,
        "user": "",
        "photo": file,
    }
    return client.post(reverse("admin:articles_author_change", args=[author.pk]), data)


def files_in(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def assert_refused(response, field="hero_image") -> str:
    """The form came back (no 500, no redirect) with an error on ``field``."""
    assert response.status_code == 200, response.status_code
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    # The request's middleware deactivated English on the way out.
    with translation.override("en"):
        return " ".join(str(error) for error in errors[field])


def assert_article_unchanged(article, media):
    fresh = Article.objects.get(pk=article.pk)
    assert not fresh.hero_image
    assert fresh.hero_renditions == {}
    assert fresh.hero_alt == article.hero_alt
    assert fresh.version == article.version
    assert files_in(media) == []


def stored_image(name) -> tuple[Image.Image, bytes]:
    with default_storage.open(name, "rb") as f:
        data = f.read()
    image = Image.open(io.BytesIO(data))
    image.load()
    return image, data


# --- size, before the file is kept -----------------------------------------------


@pytest.mark.parametrize(
    ("memory_limit", "keeper"),
    # Under FILE_UPLOAD_MAX_MEMORY_SIZE Django keeps an upload in memory,
    # past it in a temporary file: the handler stops both.
    [(1024, 2), (5 * 1024 * 1024, 1)],
    ids=["temporary-file", "memory"],
)
def test_upload_handler_stops_keeping_a_huge_file_at_the_limit(
    editor_client, media, settings, memory_limit, keeper
):
    settings.MAX_IMAGE_UPLOAD_BYTES = 64 * 1024
    settings.IMPORT_MAX_UPLOAD_MB = 0.01
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = memory_limit
    article = make_article()
    huge = 3 * 1024 * 1024
    # A real PNG header, then megabytes: the handler must not care what it is.
    big = upload("hero.png", png() + b"\0" * huge)
    response = post_hero(editor_client, article, big)
    message = assert_refused(response)
    assert "the limit is 64.0\xa0KB" in message
    assert "3.0\xa0MB" in message
    handlers = response.wsgi_request.upload_handlers
    handler = handlers[0]
    assert isinstance(handler, SizeLimitUploadHandler)
    # Every byte went past the handler; no more than the limit was passed on
    # to Django's handlers, and what they had kept is gone.
    assert handler.received > huge
    assert handler.passed_on <= 64 * 1024
    kept = handlers[keeper].file
    assert kept.closed
    if keeper == 2:
        assert not os.path.exists(kept.name)
    assert isinstance(response.wsgi_request.FILES["hero_image"], OversizedUpload)
    # The rest of the form is as the person typed it.
    form = response.context["adminform"].form
    assert form.data["hero_alt"] == "交易大堂"
    assert_article_unchanged(article, media)


@override_settings(MAX_IMAGE_UPLOAD_BYTES=64 * 1024, IMPORT_MAX_UPLOAD_MB=0.01)
def test_a_file_under_the_limit_is_passed_on_whole(editor_client):
    article = make_article()
    data = png((200, 150))
    response = post_hero(editor_client, article, upload("hero.png", data))
    assert response.status_code == 302
    handler = response.wsgi_request.upload_handlers[0]
    assert handler.passed_on == handler.received == len(data)


def test_oversized_image_is_refused_with_its_size_and_the_limit(editor_client, media):
    article = make_article()
    noise = encode(Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)), "PNG")
    with override_settings(MAX_IMAGE_UPLOAD_BYTES=1000):
        message = assert_refused(
            post_hero(editor_client, article, upload("hero.png", noise))
        )
    assert "KB; the limit is 1000\xa0bytes" in message
    assert_article_unchanged(article, media)


# --- pixels, before decoding --------------------------------------------------------


def test_decompression_bomb_is_refused_without_being_decoded(editor_client, media):
    article = make_article()
    bomb = png_claiming(50_000, 50_000)  # 2.5 billion pixels in 100 bytes
    message = assert_refused(post_hero(editor_client, article, upload("b.png", bomb)))
    assert "too many pixels" in message
    assert_article_unchanged(article, media)


def test_our_pixel_limit_is_below_pillows(settings):
    assert settings.MAX_IMAGE_PIXELS == 40_000_000 < Image.MAX_IMAGE_PIXELS
    # 7,000 x 7,000 is under Pillow's limit (no warning from Pillow) but over ours.
    with pytest.raises(ValidationError) as caught:
        check_image_upload(upload("big.png", png_claiming(7000, 7000)))
    assert caught.value.code == "image_too_many_pixels"


def test_pixel_limit_counts_width_height_and_frames(editor_client, settings, media):
    settings.MAX_IMAGE_PIXELS = 40 * 30 * 4
    article = make_article()
    response = post_hero(editor_client, article, upload("anim.gif", gif(frames=5)))
    message = assert_refused(response)
    assert "5 frames of 40 × 30" in message
    assert_article_unchanged(article, media)

    response = post_hero(editor_client, article, upload("anim.gif", gif(frames=4)))
    assert response.status_code == 302
    stored, _data = stored_image(Article.objects.get(pk=article.pk).hero_image.name)
    assert stored.n_frames == 4  # the animation survives re-encoding


# --- format by content, not by name ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("photo.jpg", png(), "is a PNG image, but its name ends in .jpg"),
        ("photo.png", jpeg(), "is a JPEG image, but its name ends in .png"),
        ("photo.gif", webp(), "is a WebP image, but its name ends in .gif"),
        ("page.png", HTML, "is a HTML file"),
        ("vector.png", SVG, "is a SVG/XML file"),
        ("vector.svg", SVG, "“svg” files are not accepted"),
        ("layers.png", PSD, "Photoshop (PSD)"),
        ("layers.psd", PSD, "“psd” files are not accepted"),
        ("scan.jpg", encode(Image.new("RGB", (16, 16)), "TIFF"), "TIFF"),
        ("scan.tif", encode(Image.new("RGB", (16, 16)), "TIFF"), "not accepted"),
        ("sky.png", FITS, "FITS"),
        ("logo.jpg", EPS, "PostScript (EPS)"),
        ("icon.png", encode(Image.new("RGB", (16, 16)), "ICO"), "icon (ICO)"),
        ("paint.png", encode(Image.new("RGB", (16, 16)), "BMP"), "BMP"),
        ("noise.png", b"\x13\x37" * 1024, "is not a JPEG, PNG, WebP or GIF image"),
    ],
)
def test_files_that_are_not_what_they_claim_or_not_allowed_are_refused(
    editor_client, media, name, data, words
):
    article = make_article()
    message = assert_refused(post_hero(editor_client, article, upload(name, data)))
    assert words in message, message
    assert_article_unchanged(article, media)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("png.png", png()),
        ("photo.jpg", jpeg()),
        ("photo.jpeg", jpeg()),
        ("web.webp", webp()),
        ("still.gif", gif()),
        ("anim.gif", gif(frames=3)),
    ],
)
def test_allowed_images_are_accepted(editor_client, name, data):
    article = make_article()
    response = post_hero(editor_client, article, upload(name, data))
    assert response.status_code == 302
    stored, _data = stored_image(Article.objects.get(pk=article.pk).hero_image.name)
    assert stored.format == {"jpg": "JPEG", "jpeg": "JPEG"}.get(
        name.rpartition(".")[2], name.rpartition(".")[2].upper()
    )


# --- damaged files and polyglots -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cut.png", png((300, 200))[:-400]),
        ("cut.jpg", jpeg((300, 200))[:-300]),
        ("cut.gif", gif(frames=3, size=(100, 80))[:-20]),
        ("cut.webp", webp((300, 200))[:-100]),
        ("no-end.png", png()[:-12]),  # everything but IEND
    ],
)
def test_truncated_images_are_refused(editor_client, media, name, data):
    article = make_article()
    message = assert_refused(post_hero(editor_client, article, upload(name, data)))
    assert "damaged or incomplete" in message
    assert_article_unchanged(article, media)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("poly.png", png() + HTML),
        ("poly.png", png() + b"\n<?php system($_GET['c']); ?>"),
        ("poly.gif", gif() + HTML),
        ("poly.webp", webp() + HTML),
        ("poly.jpg", jpeg() + HTML),
        ("poly.jpg", jpeg() + b"javascript:alert(1)"),
    ],
)
def test_images_with_something_appended_are_refused(editor_client, media, name, data):
    article = make_article()
    message = assert_refused(post_hero(editor_client, article, upload(name, data)))
    assert "data after the end of the picture" in message
    assert_article_unchanged(article, media)


def test_a_jpeg_trailer_without_markup_is_accepted_and_not_stored(editor_client):
    # Phones append motion-photo video or gain maps after the picture.
    article = make_article()
    trailer = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8
    response = post_hero(editor_client, article, upload("phone.jpg", jpeg() + trailer))
    assert response.status_code == 302
    _image, data = stored_image(Article.objects.get(pk=article.pk).hero_image.name)
    assert trailer not in data


def test_model_validation_refuses_the_same_files():
    """Code that saves through full_clean() gets the same checks as the form."""
    article = make_article()
    article.hero_image = upload("page.png", HTML)
    translation.activate("en")
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert "hero_image" in caught.value.message_dict
    article.hero_image = upload("poly.png", png() + HTML)
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert "data after the end" in " ".join(caught.value.message_dict["hero_image"])


def test_an_upload_is_decoded_once_for_the_checks(editor_client, monkeypatch):
    """The form field checks; the model validators see that and skip."""
    calls = []
    real = validators._check_decodes
    monkeypatch.setattr(
        validators, "_check_decodes", lambda *a: calls.append(a) or real(*a)
    )
    response = post_hero(editor_client, make_article(), upload("a.png", png()))
    assert response.status_code == 302
    assert len(calls) == 1


# --- every image field --------------------------------------------------------------


def test_author_photo_gets_the_same_checks(editor_client, media):
    author = make_author(name="陳大文")
    for name, data in [
        ("photo.png", HTML),
        ("photo.jpg", png()),
        ("photo.png", png_claiming(50_000, 50_000)),
        ("photo.png", png() + HTML),
    ]:
        assert_refused(post_photo(editor_client, author, upload(name, data)), "photo")
    assert not Author.objects.get(pk=author.pk).photo
    assert files_in(media) == []

    response = post_photo(editor_client, author, upload("photo.jpg", camera_jpeg()))
    assert response.status_code == 302
    stored, _data = stored_image(Author.objects.get(pk=author.pk).photo.name)
    assert not stored.getexif()


# --- stored originals are re-encoded without metadata -----------------------------


def test_stored_original_has_no_gps_serial_numbers_xmp_or_comment(editor_client):
    article = make_article()
    original = camera_jpeg()
    response = post_hero(editor_client, article, upload("hero.jpg", original))
    assert response.status_code == 302
    stored, data = stored_image(Article.objects.get(pk=article.pk).hero_image.name)
    exif = stored.getexif()
    assert not exif
    assert not exif.get_ifd(GPS_IFD) and not exif.get_ifd(EXIF_IFD)
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"):
        assert key not in stored.info
    for secret in (b"BODY-SN-0042", b"LENS-SN-0077", b"MAKERNOTE-SECRET"):
        assert secret not in data
    assert b"XMP-SECRET" not in data and b"COMMENT-SECRET" not in data
    # The orientation is applied, not lost: 120 x 80 turned upright.
    assert stored.size == (80, 120)


def test_an_image_without_metadata_is_still_re_encoded(editor_client):
    article = make_article()
    original = jpeg((200, 150), quality=30) + b"\0" * 64  # padding after EOI
    response = post_hero(editor_client, article, upload("plain.jpg", original))
    assert response.status_code == 302
    stored, data = stored_image(Article.objects.get(pk=article.pk).hero_image.name)
    assert data != original
    assert stored.format == "JPEG" and stored.size == (200, 150)
    assert data.endswith(b"\xff\xd9")


# --- media served with nosniff ------------------------------------------------------


@pytest.fixture
def media_served():
    """The root URLconf as it is with SERVE_MEDIA on (development)."""
    import newsroom.urls

    with override_settings(SERVE_MEDIA=True):
        importlib.reload(newsroom.urls)
        clear_url_caches()
        yield
    importlib.reload(newsroom.urls)
    clear_url_caches()


def test_media_is_served_with_nosniff(client, media_served):
    name = default_storage.save("articles/2026/11/hero.png", io.BytesIO(png()))
    response = client.get(default_storage.url(name))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
