"""Receiving an upload: streamed to a temporary file, hashed on the way, cut off at a limit.

The web edge feeds request body chunks to `MultipartReceiver` (or copies an already parsed
form file into `IncomingFile`); nothing here knows about HTTP frameworks.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from tandem.core import InvalidInput, TandemError

MAX_UPLOAD_BYTES = 1 << 30  # 1 GB: above every platform's video limit we know of
MAX_FILENAME = 255
MAX_FIELDS = 20
MAX_FIELD_BYTES = (
    64 * 1024
)  # alt text is at most 1,500 characters; leave room for UTF-8
FIELD_ALLOWANCE = MAX_FIELDS * MAX_FIELD_BYTES  # body bytes allowed besides the file


class UploadTooLarge(TandemError):
    status = 413
    title = "Too large"


def describe_bytes(count: int) -> str:
    """A size as people say it: 1 GB, 12.5 MB, 300 bytes (binary multiples)."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= size:
            return f"{count / size:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"


def too_large(limit: int) -> UploadTooLarge:
    return UploadTooLarge(
        f"This file is larger than the upload limit of {describe_bytes(limit)} "
        f"({limit:,} bytes). Compress or shorten it, or ask your administrator to "
        "raise the limit.",
        field="file",
    )


def display_filename(raw: str | None) -> str:
    """The client's file name made safe to show: last path part, no control or bidi
    characters, whitespace collapsed. Only ever displayed (escaped); never a path."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]  # old browsers on Windows sent the full path
    name = " ".join(name.split())  # tabs and newlines become single spaces first
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = name.strip(" .")
    return name[:MAX_FILENAME] or "untitled"


@dataclass(frozen=True)
class Received:
    path: Path
    size_bytes: int
    sha256: str
    filename: str


class IncomingFile:
    """A temporary file in `directory` that refuses to grow past `max_bytes`.

    Use as a context manager: the file is removed on exit unless a store moved it away.
    """

    def __init__(self, directory: Path, *, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.size = 0
        self.filename = ""
        self._digest = hashlib.sha256()
        self._file: BinaryIO | None = None
        self.path: Path | None = None

    def __enter__(self) -> IncomingFile:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.directory, prefix="upload-")
        self._file, self.path = os.fdopen(fd, "wb"), Path(name)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._file is not None:
            self._file.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def write(self, chunk: bytes) -> None:
        if self._file is None:
            raise RuntimeError("IncomingFile is used outside its `with` block")
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise too_large(self.max_bytes)
        self._digest.update(chunk)
        self._file.write(chunk)

    def received(self) -> Received:
        """Close the file and describe it; raises InvalidInput when nothing arrived."""
        if self._file is None or self.path is None:
            raise RuntimeError("IncomingFile is used outside its `with` block")
        self._file.close()
        if self.size == 0:
            raise InvalidInput("Choose a file to upload.", field="file")
        return Received(
            self.path,
            self.size,
            self._digest.hexdigest(),
            display_filename(self.filename),
        )


class MultipartReceiver:
    """Parses a multipart/form-data body chunk by chunk (python-multipart's streaming
    parser): the part named `file_field` goes to `incoming`, other parts become fields."""

    def __init__(
        self, content_type: str, incoming: IncomingFile, *, file_field: str = "file"
    ) -> None:
        kind, options = parse_options_header(content_type)
        if kind != b"multipart/form-data" or not options.get(b"boundary"):
            raise InvalidInput(
                "Send the file as multipart/form-data, in a part named "
                f"{file_field!r}.",
                field=file_field,
            )
        self.incoming = incoming
        self.file_field = file_field
        self.fields: dict[str, str] = {}
        self._body_bytes = 0
        self._files = 0
        self._file_complete = False
        self._header = [b"", b""]
        self._disposition = b""
        self._name = ""
        self._is_file = False
        self._data = bytearray()
        self._parser = MultipartParser(
            options[b"boundary"],
            {
                "on_part_begin": self._part_begin,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
                "on_header_field": lambda d, s, e: self._header_part(0, d[s:e]),
                "on_header_value": lambda d, s, e: self._header_part(1, d[s:e]),
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
            },
        )

    def feed(self, chunk: bytes) -> None:
        self._body_bytes += len(chunk)
        if self._body_bytes > self.incoming.max_bytes + FIELD_ALLOWANCE:
            raise too_large(self.incoming.max_bytes)
        try:
            self._parser.write(chunk)
        except FormParserError:
            raise _malformed() from None

    def finish(self) -> dict[str, str]:
        try:
            self._parser.finalize()
        except FormParserError:
            raise _malformed() from None
        if self._files == 0:
            raise InvalidInput(
                f"Choose a file to upload (a part named {self.file_field!r}).",
                field=self.file_field,
            )
        if not self._file_complete:  # the body stopped inside the file part
            raise _malformed()
        return self.fields

    def _part_begin(self) -> None:
        self._disposition, self._is_file, self._data = b"", False, bytearray()

    def _header_part(self, which: int, data: bytes) -> None:
        self._header[which] += data

    def _header_end(self) -> None:
        if self._header[0].lower() == b"content-disposition":
            self._disposition = self._header[1]
        self._header = [b"", b""]

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        self._is_file = self._name == self.file_field
        if self._is_file:
            self._files += 1
            if self._files > 1:
                raise InvalidInput("Upload one file at a time.", field=self.file_field)
            raw = options.get(b"filename", b"").decode("utf-8", "replace")
            self.incoming.filename = raw
        elif len(self.fields) >= MAX_FIELDS:
            raise InvalidInput("Too many form fields.", field=self._name)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._is_file:
            self.incoming.write(data[start:end])
            return
        self._data += data[start:end]
        if len(self._data) > MAX_FIELD_BYTES:
            raise InvalidInput("This form field is too long.", field=self._name)

    def _part_end(self) -> None:
        if self._is_file:
            self._file_complete = True
        else:
            self.fields[self._name] = self._data.decode("utf-8", "replace")


def _malformed() -> InvalidInput:
    return InvalidInput(
        "The upload was not valid multipart/form-data; try again.", field="file"
    )
