"""One rule for data after the end of an image, whatever its format.

A trailer holding markup or script is refused (a polyglot); any other trailer
is accepted and never stored (the original is re-encoded). Issue 17, finding 9:
a JPEG with a trailer was accepted while a PNG with the same one was refused.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.validators import check_image_upload

BINARY_TRAILER = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4
SCRIPT_TRAILERS = [
    b"<html><script>alert(1)</script></html>",
    b"\n<?php system($_GET['c']); ?>",
    b"javascript:alert(1)",
]


def image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


FORMATS = [("JPEG", "x.jpg"), ("PNG", "x.png"), ("GIF", "x.gif"), ("WEBP", "x.webp")]


@pytest.mark.parametrize(("fmt", "name"), FORMATS)
def test_a_binary_trailer_is_accepted_in_every_format(fmt, name):
    upload = SimpleUploadedFile(name, image(fmt) + BINARY_TRAILER)
    assert check_image_upload(upload) is not None


@pytest.mark.parametrize(("fmt", "name"), FORMATS)
@pytest.mark.parametrize("trailer", SCRIPT_TRAILERS)
def test_a_script_trailer_is_refused_in_every_format(fmt, name, trailer):
    upload = SimpleUploadedFile(name, image(fmt) + trailer)
    with pytest.raises(ValidationError) as error:
        check_image_upload(upload)
    assert error.value.code == "image_trailing_data"
