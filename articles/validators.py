"""Checks on uploaded images, before anything is stored."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

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
