"""Reading uploaded files without spending memory or disk on what a page would refuse anyway."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers


class CappedUploadHandler(FileUploadHandler):
    """Keeps each uploaded file in memory up to `limit` bytes and only counts the rest.

    Django's own handlers keep a file of any size (on disk past 2.5 MB), so a page that takes
    a 1 MB logo would first store a 1 GB upload. This one hands over a file whose `size` is
    what was sent (so the page can say "The file is 40 MB") and whose content stops at the
    limit. Set it before anything reads the body (a view under `csrf_exempt` that then checks
    CSRF itself: Django's "modifying upload handlers on the fly").
    """

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.buffer = io.BytesIO()
        self.received = 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.received = 0
        raise StopFutureHandlers()  # this handler alone takes the file

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = self.limit + 1 - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])
        self.received += len(raw_data)
        return None  # nothing is passed to later handlers

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
