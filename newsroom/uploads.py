"""Uploads: no file past the size limit is kept in memory or on disk.

Django keeps an upload in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE and past
that writes it, all of it, to a temporary file: a 1 GB body would be 1 GB on
disk before any form could say "too large". ``SizeLimitUploadHandler`` sits
first in FILE_UPLOAD_HANDLERS and passes each chunk on to Django's handlers
only while the file is under ``upload_limit()``. Past it, the part already
kept is thrown away, the rest of the file is counted and dropped, and the
form receives an empty ``OversizedUpload`` that carries the real size, so
its size check (articles/validators.py) says "this image is 1.0 GB; the
limit is 10.0 MB" with every other field of the form as the person typed it.

The rest of the body is still read off the connection (and dropped): the
web server's own body limit (nginx ``client_max_body_size``) is what saves
the bandwidth.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


def upload_limit() -> int:
    """The largest file any form takes: the image or the import limit."""
    from articles.importing.decoding import max_bytes

    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    return max(limit, max_bytes(getattr(settings, "IMPORT_MAX_UPLOAD_MB", None)))


class OversizedUpload(UploadedFile):
    """An upload stopped at the limit: its name and real size, no content."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        super().__init__(
            io.BytesIO(), name, content_type, size, charset, content_type_extra
        )


class SizeLimitUploadHandler(FileUploadHandler):
    """Passes a file's chunks on to the next handlers while it is under the limit."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = upload_limit()
        self.received = 0
        self.passed_on = 0
        self.oversized = False
        self._earlier_files = set()

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = bool(self.content_length and self.content_length > self.limit)
        # The next handlers open this file's storage after this; what they
        # hold now belongs to earlier files.
        self._earlier_files = {id(f) for f in self._files_of_next_handlers()}

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if not self.oversized and self.received > self.limit:
            self.oversized = True
            self._discard_kept_part()
        if self.oversized:
            return None  # the next handlers never see it
        self.passed_on += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        if not self.oversized:
            return None  # the next handler makes the file
        return OversizedUpload(
            self.file_name,
            self.content_type,
            self.received,
            self.charset,
            self.content_type_extra,
        )

    def _files_of_next_handlers(self):
        for handler in getattr(self.request, "upload_handlers", ()):
            if handler is not self and getattr(handler, "file", None) is not None:
                yield handler.file

    def _discard_kept_part(self):
        # What Django's handlers hold of this file so far: closing a
        # temporary upload file deletes it.
        for file in self._files_of_next_handlers():
            if id(file) not in self._earlier_files:
                file.close()
