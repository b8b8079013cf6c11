"""Checks on uploaded images, before anything is stored."""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]

validate_image_extension = FileExtensionValidator(
    allowed_extensions=IMAGE_EXTENSIONS,
    message=_(
        "“%(extension)s” files are not accepted. Upload a JPEG, PNG, WebP or GIF image."
    ),
)


def validate_image_size(file) -> None:
    """Refuse images over MAX_IMAGE_UPLOAD_BYTES.

    The size comes from the upload handler, which streams large files to a
    temporary file, so this check does not read the image into memory.
    """
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    if file is not None and getattr(file, "size", 0) > limit:
        raise ValidationError(
            _("This image is %(size)s; the limit is %(limit)s. Please resize it."),
            code="image_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )


def validate_image_pixels(file) -> None:
    """Refuse decompression bombs: small files that decode to huge images.

    Pillow refuses images over twice ``Image.MAX_IMAGE_PIXELS`` when it opens
    them (the form then calls the file not an image); between the limit and
    twice it only warns, and the renditions would decode the whole picture.
    Only the header is read. Images already stored are not re-checked.
    """
    if not file or getattr(file, "_committed", False):
        return
    upload = getattr(file, "file", file)
    position = upload.tell()
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            width, height = Image.open(upload).size
    except Image.DecompressionBombError:
        width = height = None
    except (OSError, ValueError, SyntaxError):
        return  # not an image: the form field says so
    finally:
        upload.seek(position)
    limit = Image.MAX_IMAGE_PIXELS
    if width is None or (limit and width * height > limit):
        raise ValidationError(
            _(
                "This image has too many pixels to process safely (the limit is "
                "%(limit)s million). Please resize it."
            ),
            code="image_too_many_pixels",
            params={"limit": round(limit / 1_000_000)},
        )
