"""Streaming uploads with a size limit that keeps the rest of the form.

Django streams files to disk (over FILE_UPLOAD_MAX_MEMORY_SIZE) and never counts them
against DATA_UPLOAD_MAX_MEMORY_SIZE, so a too-large file does not cost the user the text
fields sent with it. This handler, first in FILE_UPLOAD_HANDLERS, stops storing a file as
soon as it passes the largest size Børnesag accepts (DOCUMENT_MAX_BYTES): the rest is
read from the connection and dropped, and the form receives an empty placeholder that
carries the real size, so the upload check answers "Filen er for stor (… MB)" and the page
re-renders with everything else the user typed."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizeUploadedFile(UploadedFile):
    """A file that was too large: no content, only its name and the bytes received
    (``received``). Its ``size`` is 0, so a form that does not know it (the admin's plain
    ``FileField``) refuses it as empty rather than storing an empty file; Børnesag's forms
    use ``lib.forms.UploadField``, which says it was too large."""

    too_large = True

    def __init__(self, name, content_type, received, charset=None, content_type_extra=None):
        super().__init__(io.BytesIO(b""), name, content_type, 0, charset, content_type_extra)
        self.received = received


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.over = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.DOCUMENT_MAX_BYTES:
            self.over = True
        # None stops the chunk here: later handlers store nothing more of this file.
        return None if self.over else raw_data

    def file_complete(self, file_size):
        if not self.over:
            return None  # the next handler (memory or temporary file) delivers the file
        return OversizeUploadedFile(
            self.file_name,
            self.content_type,
            self.received,
            self.charset,
            self.content_type_extra,
        )
