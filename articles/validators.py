"""Checks on uploaded images, before anything is stored.

``check_image_upload`` runs them all, cheapest first, and stops at the first
that fails; the image form field (articles/image_fields.py) calls it before
Django's own ``ImageField`` opens the file, so every refusal is a form error:

1. size, from the upload handler, before the file is read (newsroom/uploads.py
   stops storing an upload past the limit and hands on an ``OversizedUpload``);
2. the extension: .jpg/.jpeg, .png, .webp or .gif;
3. the format, decided by the content, never by the name: only Pillow's JPEG,
   PNG, WebP and GIF readers may open the file (SVG, PSD, TIFF, FITS, EPS,
   ICO, BMP, HTML... are refused), and the name must agree with it (a PNG
   called .jpg is refused);
4. pixels, from the header, before anything is decoded: width × height ×
   frames under ``MAX_IMAGE_PIXELS`` (40 million by default, well below
   Pillow's own 89.5 million), so decompression bombs never get decoded;
5. the whole file decodes, every frame, on a throw-away copy (truncated files);
6. one rule for data after the end of the image, in every format (JPEG, PNG,
   GIF, WebP): a trailer holding markup or script (HTML, SVG, ``<?php``,
   ``javascript:``) is refused, the way polyglots hide pages in images; any
   other trailer (phones append motion-photo video, gain maps and maker data)
   is accepted and dropped, since the original is re-encoded
   (articles/images.py) and no trailer is ever stored or served.

The three ``validate_image_*`` functions are the model fields' validators (the
migrations name them); ``validate_image_content`` is the field class's own.
They skip images already in storage and uploads the form field has checked.
"""

import io
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]
# Pillow's readers allowed to open an upload, and the extensions each may carry.
# A JPEG with a multi-picture index (many phone photos) opens as "MPO".
PILLOW_FORMATS = ["JPEG", "PNG", "WEBP", "GIF"]
EXTENSIONS_BY_FORMAT = {
    "JPEG": ("jpg", "jpeg"),
    "MPO": ("jpg", "jpeg"),
    "PNG": ("png",),
    "WEBP": ("webp",),
    "GIF": ("gif",),
}
FORMAT_NAMES = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
# Below Pillow's default (89.5 million): what one upload may cost to decode.
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000
# What other files start with, to say what was uploaded instead of an image.
OTHER_KINDS = [
    (re.compile(rb"^\s*<(\?xml|svg)", re.IGNORECASE), "SVG/XML"),
    (re.compile(rb"^\s*<", re.IGNORECASE), "HTML"),
    (re.compile(rb"^8BPS"), "Photoshop (PSD)"),
    (re.compile(rb"^(II\*\x00|MM\x00\*)"), "TIFF"),
    (re.compile(rb"^SIMPLE  ="), "FITS"),
    (re.compile(rb"^(%!PS|\xc5\xd0\xd3\xc6)"), "PostScript (EPS)"),
    (re.compile(rb"^%PDF"), "PDF"),
    (re.compile(rb"^BM"), "BMP"),
    (re.compile(rb"^\x00\x00[\x01\x02]\x00"), "Windows icon (ICO)"),
    (re.compile(rb"^....ftyp(hei|hev|mif|avi)", re.DOTALL), "HEIC/AVIF"),
]
# Markup that must not hide after the end of an image.
MARKUP = re.compile(
    rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|img|a\s)|"
    rb"<\?|<%|javascript:",
    re.IGNORECASE,
)
CHECKED = "_newsroom_image_checked"

validate_image_extension = FileExtensionValidator(
    allowed_extensions=IMAGE_EXTENSIONS,
    message=_(
        "“%(extension)s” files are not accepted. Upload a JPEG, PNG, WebP or GIF image."
    ),
)


@dataclass(frozen=True)
class ImageFacts:
    """What the header says: Pillow's format name, size and frame count."""

    format: str
    width: int
    height: int
    frames: int


def pixel_limit() -> int:
    """Most pixels (width × height × frames) one upload may have."""
    limit = getattr(settings, "MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)
    if Image.MAX_IMAGE_PIXELS:
        limit = min(limit, int(Image.MAX_IMAGE_PIXELS))
    return limit


def _upload(file):
    """The upload to check, or None for nothing or an image already stored."""
    if not file or getattr(file, "_committed", False):
        return None
    # The model validators get a FieldFile around the upload; the form field
    # gets the upload itself.
    upload = file.file if isinstance(file, FieldFile) else file
    if getattr(upload, CHECKED, False):
        return None
    return upload


def _read(upload) -> bytes:
    # Only after the size check: at most MAX_IMAGE_UPLOAD_BYTES.
    position = upload.tell()
    try:
        upload.seek(0)
        return upload.read()
    finally:
        upload.seek(position)


def _name(file) -> str:
    return (getattr(file, "name", "") or "").rsplit("/", 1)[-1]


def _extension(file) -> str:
    name = _name(file)
    return name.rpartition(".")[2].lower() if "." in name else ""


def _pixels_error(facts: ImageFacts | None) -> ValidationError:
    limit = round(pixel_limit() / 1_000_000)
    if facts is not None and facts.frames > 1:
        return ValidationError(
            _(
                "This animation has too many pixels to process safely: "
                "%(frames)s frames of %(width)s × %(height)s (the limit is "
                "%(limit)s million pixels in all). Please shorten or shrink it."
            ),
            code="image_too_many_pixels",
            params={
                "frames": facts.frames,
                "width": facts.width,
                "height": facts.height,
                "limit": limit,
            },
        )
    return ValidationError(
        _(
            "This image has too many pixels to process safely (the limit is "
            "%(limit)s million). Please resize it."
        ),
        code="image_too_many_pixels",
        params={"limit": limit},
    )


def validate_image_size(file) -> None:
    """Refuse images over MAX_IMAGE_UPLOAD_BYTES.

    The size comes from the upload handler, which streams large files to a
    temporary file and stops storing one past the limit (newsroom/uploads.py),
    so this check reads nothing.
    """
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    if file and getattr(file, "size", 0) > limit:
        raise ValidationError(
            _("This image is %(size)s; the limit is %(limit)s. Please resize it."),
            code="image_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )


def identify(data: bytes, name: str = "") -> ImageFacts:
    """The format, size and frame count the header of ``data`` gives.

    Only the allowed readers try; nothing is decoded. Pillow's own bomb
    check (twice its limit) counts as too many pixels.
    """
    try:
        with warnings.catch_warnings():
            # Our own limit is lower; it is applied by the caller.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=PILLOW_FORMATS) as image:
                return ImageFacts(
                    format=image.format,
                    width=image.width,
                    height=image.height,
                    frames=getattr(image, "n_frames", 1),
                )
    except Image.DecompressionBombError:
        raise _pixels_error(None) from None
    except Image.UnidentifiedImageError:
        pass
    except (OSError, ValueError, SyntaxError, EOFError, IndexError):
        # Recognised as one of ours, but the header is broken.
        raise _damaged_error(name) from None
    kind = next((kind for pattern, kind in OTHER_KINDS if pattern.match(data)), None)
    if kind:
        raise ValidationError(
            _(
                "“%(name)s” is a %(kind)s file, which is not accepted here. "
                "Upload a JPEG, PNG, WebP or GIF image."
            ),
            code="image_format",
            params={"name": name, "kind": kind},
        )
    raise ValidationError(
        _(
            "“%(name)s” is not a JPEG, PNG, WebP or GIF image. Upload an image "
            "in one of those formats."
        ),
        code="image_format",
        params={"name": name},
    )


def _damaged_error(name: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” is damaged or incomplete (it may have been cut short "
            "while copying). Download or export it again."
        ),
        code="image_damaged",
        params={"name": name},
    )


def _check_name(file, facts: ImageFacts) -> None:
    allowed = EXTENSIONS_BY_FORMAT[facts.format]
    extension = _extension(file)
    if extension not in allowed:
        raise ValidationError(
            _(
                "“%(name)s” is a %(format)s image, but its name ends in "
                ".%(extension)s. Rename it to end in .%(expected)s and upload "
                "it again."
            ),
            code="image_name_mismatch",
            params={
                "name": _name(file),
                "format": FORMAT_NAMES.get(facts.format, facts.format),
                "extension": extension,
                "expected": allowed[0],
            },
        )


def _check_pixels(facts: ImageFacts) -> None:
    if facts.width * facts.height * facts.frames > pixel_limit():
        raise _pixels_error(facts)


def _check_decodes(data: bytes, facts: ImageFacts, name: str) -> None:
    # A copy, dropped at once: only whether every frame decodes matters.
    try:
        with Image.open(io.BytesIO(data), formats=PILLOW_FORMATS) as image:
            for frame in range(facts.frames):
                image.seek(frame)
                image.load()
    except (OSError, ValueError, SyntaxError, EOFError, IndexError):
        raise _damaged_error(name) from None


def _sub_blocks_end(data: bytes, pos: int) -> int | None:
    # GIF data sub-blocks: a length byte, that many bytes; a zero length ends.
    while pos < len(data):
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos
    return None


def _gif_end(data: bytes) -> int | None:
    if len(data) < 13:
        return None
    flags, pos = data[10], 13
    if flags & 0x80:
        pos += 3 * (2 << (flags & 7))
    while pos is not None and pos < len(data):
        block = data[pos]
        if block == 0x3B:  # trailer
            return pos + 1
        if block == 0x21:  # extension: label, then sub-blocks
            pos = _sub_blocks_end(data, pos + 2)
        elif block == 0x2C:  # image descriptor, colour table, LZW code size
            if pos + 10 > len(data):
                return None
            flags = data[pos + 9]
            pos += 10
            if flags & 0x80:
                pos += 3 * (2 << (flags & 7))
            pos = _sub_blocks_end(data, pos + 1)
        else:
            return None
    return None


def _png_end(data: bytes) -> int | None:
    pos = 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            return pos if pos <= len(data) else None
    return None


def _jpeg_end(data: bytes) -> int | None:
    """Where the first image's EOI marker ends, or None without one."""
    pos, size = 2, len(data)
    while pos < size:
        if data[pos] != 0xFF:
            return None
        while pos < size and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= size:
            return None
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            return pos
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # no length
            continue
        if pos + 2 > size:
            return None
        pos += int.from_bytes(data[pos : pos + 2], "big")
        if marker == 0xDA:  # start of scan: entropy-coded data up to a marker
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= size:
                    return None
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos += 2  # a stuffed 0xFF or a restart marker
                else:
                    break
    return None


def _webp_end(data: bytes) -> int | None:
    if len(data) < 12:
        return None
    length = int.from_bytes(data[4:8], "little")
    end = 8 + length + (length & 1)
    return end if end <= len(data) else None


IMAGE_END = {
    "GIF": _gif_end,
    "PNG": _png_end,
    "JPEG": _jpeg_end,
    "MPO": _jpeg_end,
    "WEBP": _webp_end,
}


def _check_nothing_follows(data: bytes, facts: ImageFacts, name: str) -> None:
    end = IMAGE_END[facts.format](data)
    if end is None:
        raise _damaged_error(name)
    trailer = data[end:].strip(b"\x00")
    if not trailer:
        return
    if not MARKUP.search(trailer):
        return  # the same rule for every format (see the module docstring)
    raise ValidationError(
        _(
            "“%(name)s” has data after the end of the picture, the way web "
            "pages and scripts are hidden in images. Open it in an image "
            "editor, save or export it again, and upload that."
        ),
        code="image_trailing_data",
        params={"name": name},
    )


def check_image_upload(file) -> ImageFacts | None:
    """Every check on a new upload, cheapest first; raise at the first failure.

    Returns what the header says (None for no upload or a stored image) and
    marks the upload as checked, so the model validators do not repeat it.
    """
    upload = _upload(file)
    if upload is None:
        return None
    validate_image_size(file)
    validate_image_extension(file)
    name = _name(file)
    data = _read(upload)
    facts = identify(data, name)
    _check_name(file, facts)
    _check_pixels(facts)
    _check_decodes(data, facts, name)
    _check_nothing_follows(data, facts, name)
    setattr(upload, CHECKED, True)
    return facts


def validate_image_pixels(file) -> None:
    """Refuse decompression bombs: width × height × frames over the limit.

    Only the header is read. Other problems are left to the other checks.
    """
    upload = _upload(file)
    if upload is None or getattr(file, "size", 0) > settings.MAX_IMAGE_UPLOAD_BYTES:
        return
    try:
        facts = identify(_read(upload), _name(file))
    except ValidationError as error:
        if error.code == "image_too_many_pixels":
            raise
        return
    _check_pixels(facts)


def validate_image_content(file) -> None:
    """The content checks (format, name, decoding, trailing data) for code
    that saves through ``full_clean`` rather than the form field.

    Size and pixels are left to their own validators, which run too.
    """
    try:
        check_image_upload(file)
    except ValidationError as error:
        if error.code not in (
            "image_too_large",
            "image_too_many_pixels",
            "invalid_extension",
        ):
            raise
