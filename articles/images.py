"""Renditions of hero images and author photos, and what the public may see of them.

An uploaded image is turned, once, into a few widths in WebP and JPEG (never
wider than the original), stored through Django's default storage under a
content-addressed path, ``renditions/<sha256[:16]>/<width>.<ext>``, and listed
on the row in a JSONField::

    {"source": "articles/2026/11/hero.jpg", "width": 1600, "height": 1067,
     "items": [{"width": 480, "height": 320, "format": "webp", "name": "..."}]}

``source`` is the image field's stored name the list was made from, so a save
without a new image does nothing, and a replaced image (or a revision restored
with another one) is noticed. ``Article.save()`` and ``Author.save()`` strip
and store a new upload at once (``prepare_for_save``) and leave the renditions
to a django-tasks task (articles/image_tasks.py), run after the commit by a
worker, or at once with the immediate backend; ``manage.py make_renditions``
makes any that are missing. Never while a page renders: until they exist,
pages show the original.

Every output has EXIF orientation applied and carries no metadata at all:
no EXIF (GPS position, camera serial, capture time), XMP, IPTC, comments or
text chunks; colours are converted to sRGB and the ICC profile dropped.

A new upload is re-encoded before it is stored, never copied: oriented, in
its own format (every frame of an animation), with none of the metadata
above and nothing after the end of the picture. MEDIA is served publicly by
the web server, CDN or S3, and the original's URL is guessable from its
upload path (``articles/%Y/%m/<file name>``), so a stripped rendition beside
an original full of GPS data and camera serial numbers would protect nobody.
An original already in storage is rewritten only when it still carries
metadata (``make_renditions`` cleans old uploads that way).

When an image is removed or replaced, the row's rendition list is dropped or
remade; the old files stay in storage (content-addressed, they may be shared
with another row that uses the same picture). Animated GIF and WebP originals
give renditions of their first frame.
"""

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image, ImageCms, ImageOps

from .validators import pixel_limit

logger = logging.getLogger(__name__)

# The article column is 46rem (736 px) wide; 1600 covers it at 2x.
HERO_WIDTHS = (480, 800, 1200, 1600)
HERO_SIZES = "(min-width: 48rem) 46rem, calc(100vw - 2rem)"
# The author photo is shown 96 px square: 1x, 2x, 3x.
PHOTO_WIDTHS = (96, 192, 288)
PHOTO_SIZES = "96px"

# Pillow format, file extension and encoder options of each rendition format.
FORMATS = {
    "webp": ("WEBP", "webp", {"quality": 80, "method": 5}),
    "jpeg": ("JPEG", "jpg", {"quality": 82, "progressive": True, "optimize": True}),
}
# Re-encoding an original costs a generation of quality: keep it high.
ORIGINAL_OPTIONS = {
    "JPEG": {"quality": 92, "optimize": True},
    "WEBP": {"quality": 92, "method": 4},
    "PNG": {"optimize": True},
    "GIF": {},
}
# The format an original is written back in; a JPEG with a multi-picture index
# (phones' gain maps and depth maps) keeps its first picture only.
ORIGINAL_FORMATS = {
    "JPEG": "JPEG",
    "MPO": "JPEG",
    "PNG": "PNG",
    "WEBP": "WEBP",
    "GIF": "GIF",
}
# Keys Pillow puts in ``Image.info`` that describe the encoding, not the picture's
# origin. Anything else (exif, xmp, comment, icc_profile, PNG text...) counts as
# metadata and makes us rewrite the original.
ENCODING_INFO = {
    "adobe",
    "adobe_transform",
    "aspect",
    "background",
    "compression",
    "dpi",
    "duration",
    "extension",
    "gamma",
    "interlace",
    "jfif",
    "jfif_density",
    "jfif_unit",
    "jfif_version",
    "loop",
    "progression",
    "progressive",
    "transparency",
    "version",
}
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class Result:
    """What ``ensure_renditions`` did: ``made``, ``unchanged``, ``cleared`` or
    ``failed``, and the rendition record to keep on the row."""

    status: str
    renditions: dict


def open_image(data: bytes) -> Image.Image:
    """``data`` as a Pillow image, refusing decompression bombs.

    Pillow only warns between MAX_IMAGE_PIXELS and twice that; we refuse
    there too, and over our own lower limit (articles/validators.py, width ×
    height × frames), since the renditions decode the whole image.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombWarning as exc:
            raise Image.DecompressionBombError(str(exc)) from exc
    limit = pixel_limit()
    frames = getattr(image, "n_frames", 1)
    if image.width * image.height * frames > limit:
        raise Image.DecompressionBombError(
            f"{image.width}x{image.height}x{frames} pixels is over the limit of {limit}"
        )
    return image


def has_metadata(image: Image.Image) -> bool:
    if set(image.info) - ENCODING_INFO:
        return True
    return bool(image.getexif())


def to_srgb(image: Image.Image) -> Image.Image:
    """``image`` in RGB or RGBA, in sRGB colours, without its ICC profile.

    Transparency is kept here (for a PNG original); ``flatten`` removes it.
    """
    icc = image.info.get("icc_profile")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    if icc:
        try:
            image = ImageCms.profileToProfile(
                image if image.mode in ("RGB", "RGBA", "CMYK") else image.convert(mode),
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode=mode,
            )
        except (OSError, ImageCms.PyCMSError):
            logger.warning("Unreadable ICC profile ignored; colours taken as sRGB")
    if image.mode != mode:
        image = image.convert(mode)
    image.info = {}
    return image


def flatten(image: Image.Image) -> Image.Image:
    """``image`` as RGB, any transparency laid on white."""
    if image.mode == "RGBA":
        background = Image.new("RGB", image.size, WHITE)
        background.paste(image, mask=image.getchannel("A"))
        image = background
    image.info = {}
    return image


def prepare(image: Image.Image) -> Image.Image:
    """The first frame, EXIF orientation applied, in sRGB, with no metadata."""
    image.seek(0)
    image.load()
    image = ImageOps.exif_transpose(image)
    return to_srgb(image)


def reencode(image: Image.Image) -> bytes:
    """``image`` written afresh in its own format: oriented, in sRGB, without
    metadata or anything after the picture; an animation keeps its frames."""
    fmt = ORIGINAL_FORMATS.get(image.format, "PNG")
    buffer = io.BytesIO()
    frames = getattr(image, "n_frames", 1) if fmt != "JPEG" else 1
    if frames > 1:
        loop = image.info.get("loop")
        sequence, durations = [], []
        for index in range(frames):
            image.seek(index)
            image.load()
            durations.append(image.info.get("duration", 100))
            sequence.append(to_srgb(ImageOps.exif_transpose(image.copy())))
        options = {"save_all": True, "append_images": sequence[1:]}
        options["duration"] = durations
        if loop is not None:
            options["loop"] = loop
        sequence[0].save(buffer, fmt, **ORIGINAL_OPTIONS[fmt], **options)
        return buffer.getvalue()
    clean = prepare(image)
    if fmt == "JPEG":
        clean = flatten(clean)
    clean.save(buffer, fmt, **ORIGINAL_OPTIONS[fmt])
    return buffer.getvalue()


def clean_original(image: Image.Image) -> bytes | None:
    """The original re-encoded oriented and without metadata, or None when it
    carries none (and so is kept byte for byte)."""
    if not has_metadata(image):
        return None
    return reencode(image)


def rendition_widths(width: int, widths) -> list[int]:
    """The widths to make for an original ``width`` px wide: never upscaled,
    always at least one (the original width itself when it is the largest)."""
    chosen = [w for w in sorted(widths) if w < width]
    if width <= max(widths):
        chosen.append(width)
    return chosen


def make_renditions(data: bytes, *, widths, storage, force: bool = False) -> dict:
    """Store renditions of the image in ``data``; return their record (no source).

    Files already in storage under the content-addressed name are reused,
    unless ``force``.
    """
    digest = hashlib.sha256(data).hexdigest()[:16]
    image = prepare(open_image(data))
    base = flatten(image)
    width, height = base.size
    items = []
    for target in sorted(rendition_widths(width, widths), reverse=True):
        target_height = max(1, round(height * target / width))
        resized = None
        for key, (fmt, ext, options) in FORMATS.items():
            name = f"renditions/{digest}/{target}.{ext}"
            if force or not storage.exists(name):
                if resized is None:
                    resized = (
                        base
                        if target == width
                        else base.resize(
                            (target, target_height),
                            Image.Resampling.LANCZOS,
                            reducing_gap=3.0,
                        )
                    )
                buffer = io.BytesIO()
                resized.save(buffer, fmt, **options)
                if storage.exists(name):
                    storage.delete(name)
                name = storage.save(name, ContentFile(buffer.getvalue()))
            items.append(
                {"width": target, "height": target_height, "format": key, "name": name}
            )
    items.sort(key=lambda item: (item["format"], item["width"]))
    return {"width": width, "height": height, "items": items}


def needs_renditions(fieldfile, renditions) -> bool:
    renditions = renditions or {}
    return bool(fieldfile) and (
        renditions.get("source") != fieldfile.name or not renditions.get("items")
    )


def store_original(fieldfile) -> bytes:
    """The image's bytes without metadata, stored that way.

    A new upload (not yet in storage) is re-encoded and stored; a stored
    original that still carries metadata is replaced (its name may change).
    """
    storage = fieldfile.storage
    if fieldfile._committed:
        with storage.open(fieldfile.name, "rb") as stored:
            data = stored.read()
        cleaned = clean_original(open_image(data))
    else:
        upload = fieldfile.file
        upload.seek(0)
        data = upload.read()
        cleaned = reencode(open_image(data))
    if cleaned is not None:
        data = cleaned
    if not fieldfile._committed:
        # What FileField.pre_save would do, but with the stripped bytes.
        fieldfile.save(fieldfile.name, ContentFile(data), save=False)
    elif cleaned is not None:
        name = fieldfile.name
        storage.delete(name)
        fieldfile.name = storage.save(name, ContentFile(data))
    return data


def prepare_for_save(fieldfile, renditions) -> tuple[dict, bool]:
    """The rendition record a model's ``save()`` writes, and whether the
    renditions still have to be made (by articles/image_tasks.py).

    A new upload is stripped and stored here, in the save: media is public at
    once, and the renditions may be made minutes later by a worker. Until
    then the record names the original's size only, and pages show the
    original (``picture``). An upload that cannot be read is left to
    FileField to store as it is, with no renditions, as before.
    """
    renditions = renditions or {}
    if not fieldfile:
        return {}, False
    if not needs_renditions(fieldfile, renditions):
        return renditions, False
    if fieldfile._committed:
        # A stored image put back (a revision restored): the task reads it.
        return {}, True
    try:
        data = store_original(fieldfile)
        width, height = open_image(data).size
    # As in ensure_renditions: whatever the file or storage does, the
    # editor's save goes through.
    except Exception:  # noqa: BLE001
        logger.exception("Could not store %s", fieldfile.name)
        return {}, False
    return {"source": fieldfile.name, "width": width, "height": height}, True


def ensure_renditions(fieldfile, renditions, *, widths, force=False) -> Result:
    """Strip the image in ``fieldfile`` and make its renditions, when needed.

    Never raises: a broken file or a storage failure is logged and gives
    ``failed`` with no renditions, and pages fall back to the original.
    """
    renditions = renditions or {}
    if not fieldfile:
        return Result("cleared" if renditions else "unchanged", {})
    if not force and not needs_renditions(fieldfile, renditions):
        return Result("unchanged", renditions)
    try:
        data = store_original(fieldfile)
        record = make_renditions(
            data, widths=widths, storage=fieldfile.storage, force=force
        )
    # Whatever goes wrong with a file or the storage (S3 errors are not
    # OSErrors), the editor's save must go through.
    except Exception:  # noqa: BLE001
        logger.exception("Could not make renditions of %s", fieldfile.name)
        return Result("failed", {})
    return Result("made", {"source": fieldfile.name, **record})


def picture(fieldfile, renditions, *, sizes, fallback_size=(None, None)):
    """What templates/includes/picture.html needs, from the row alone, or None.

    No storage access beyond ``storage.url()``. Without renditions of the
    current image (a storage failure, or not made yet): the original, sized
    ``fallback_size`` when given, else as the pending record says.
    """
    if not fieldfile:
        return None
    renditions = renditions or {}
    if renditions.get("source") != fieldfile.name:
        renditions = {}
    items = renditions.get("items") or []
    jpegs = [i for i in items if i["format"] == "jpeg"]
    if not jpegs:
        # Renditions pending: the original's own size, when the record has it.
        width, height = (
            fallback_size
            if fallback_size[0]
            else (renditions.get("width"), renditions.get("height"))
        )
        return {"src": fieldfile.url, "width": width, "height": height}
    url = fieldfile.storage.url
    webps = [i for i in items if i["format"] == "webp"]
    largest = jpegs[-1]
    return {
        "src": url(jpegs[(len(jpegs) - 1) // 2]["name"]),
        "srcset": ", ".join(f"{url(i['name'])} {i['width']}w" for i in jpegs),
        "webp_srcset": ", ".join(f"{url(i['name'])} {i['width']}w" for i in webps),
        "sizes": sizes,
        "width": largest["width"],
        "height": largest["height"],
    }


def largest_jpeg_url(fieldfile, renditions) -> str:
    """The storage URL of the widest JPEG rendition, else of the original."""
    if not fieldfile:
        return ""
    renditions = renditions or {}
    if renditions.get("source") == fieldfile.name:
        jpegs = [i for i in renditions.get("items") or [] if i["format"] == "jpeg"]
        if jpegs:
            return fieldfile.storage.url(jpegs[-1]["name"])
    return fieldfile.url
