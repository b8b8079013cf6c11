"""The image fields of Article and Author: every upload checked before Django
opens it, every refusal a form error.

``CheckedImageField`` is Django's ``ImageField`` with a form field that runs
articles/validators.py ``check_image_upload`` (size, format by content, name,
pixels, decoding, trailing data) before Django's own Pillow check, and a
model-level content validator for code that saves through ``full_clean``.
It migrates as a plain ``models.ImageField``: nothing in the database changes.

Stored names cannot be guessed: each upload goes into a folder named by 128
random bits (``articles/2026/12/<22 characters>/hero.jpg``). Media is served
by the web server or the bucket without asking Django, so a draft's image
must not be findable from the month and the file name a writer chose; its
address is known only to those shown the article (the desk, a preview link).
"""

import posixpath
import secrets

from django import forms
from django.db import models

from .validators import check_image_upload, validate_image_content


class CheckedImageFormField(forms.ImageField):
    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        # Before Django reads the file with Pillow: an upload stopped for its
        # size (newsroom/uploads.py) or a bomb must not get that far.
        check_image_upload(upload)
        return super().to_python(data)


class CheckedImageField(models.ImageField):
    default_validators = [validate_image_content]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CheckedImageFormField, **kwargs})

    def generate_filename(self, instance, filename):
        folder, name = posixpath.split(filename)
        unguessable = posixpath.join(folder, secrets.token_urlsafe(16), name)
        return super().generate_filename(instance, unguessable)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs
