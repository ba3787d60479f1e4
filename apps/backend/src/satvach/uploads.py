"""Reads one photo from a multipart/form-data stream, bounded in size, checking what it is."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from satvach.errors import ApiProblem
from satvach.schemas import FieldError

FILE_FIELD = "file"
# Form fields other than the file and multipart framing are small; anything beyond this is abuse.
_FRAMING_ALLOWANCE = 64 * 1024

_MAGIC = {
    "image/jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "image/png": lambda head: head.startswith(b"\x89PNG"),
    "image/webp": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
}
ALLOWED_CONTENT_TYPES = tuple(_MAGIC)


@dataclass(frozen=True)
class Photo:
    content_type: str
    data: bytes


def matches_magic(content_type: str, head: bytes) -> bool:
    """Whether the first bytes are those of `content_type` (one of ALLOWED_CONTENT_TYPES)."""
    check = _MAGIC.get(content_type)
    return check is not None and check(head)


def too_large(max_bytes: int) -> ApiProblem:
    return ApiProblem(413, "payload_too_large", f"the photo is larger than {max_bytes} bytes")


def _missing_file(message: str) -> ApiProblem:
    return ApiProblem(
        422,
        "validation_failed",
        f"invalid request: {FILE_FIELD}",
        [FieldError(field=FILE_FIELD, message=message)],
    )


def unsupported(message: str) -> ApiProblem:
    return ApiProblem(415, "unsupported_media_type", message)


class _PartCollector:
    """python-multipart callbacks keeping only the `file` part, failing once it is too big."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self._in_file = False
        self.file_content_type: str | None = None
        self.file_data = bytearray()
        self.file_count = 0

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._append_field(data[start:end]),
            "on_header_value": lambda data, start, end: self._append_value(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
        }

    def _part_begin(self) -> None:
        self.headers = {}
        self._in_file = False

    def _append_field(self, chunk: bytes) -> None:
        self._field += chunk

    def _append_value(self, chunk: bytes) -> None:
        self._value += chunk

    def _header_end(self) -> None:
        self.headers[self._field.lower()] = self._value
        self._field, self._value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        if options.get(b"name") != FILE_FIELD.encode():
            return
        self.file_count += 1
        if self.file_count > 1:
            raise _missing_file("exactly one file is expected")
        self._in_file = True
        declared, _ = parse_options_header(self.headers.get(b"content-type", b""))
        self.file_content_type = declared.decode("latin-1").lower()
        if self.file_content_type not in ALLOWED_CONTENT_TYPES:
            allowed = ", ".join(ALLOWED_CONTENT_TYPES)
            raise unsupported(f"{self.file_content_type or 'no type'} is not one of {allowed}")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._in_file:
            return
        if len(self.file_data) + (end - start) > self.max_bytes:
            raise too_large(self.max_bytes)
        self.file_data += data[start:end]


async def read_photo(
    content_type_header: str,
    content_length: int | None,
    chunks: AsyncIterator[bytes],
    max_bytes: int,
) -> Photo:
    """The uploaded photo; raises ApiProblem 413/415/422 before more than the limit is held."""
    media_type, options = parse_options_header(content_type_header)
    boundary = options.get(b"boundary")
    if media_type != b"multipart/form-data" or not boundary:
        raise _missing_file("send multipart/form-data with the photo in a field named file")
    request_limit = max_bytes + _FRAMING_ALLOWANCE
    if content_length is not None and content_length > request_limit:
        raise too_large(max_bytes)

    collector = _PartCollector(max_bytes)
    parser = MultipartParser(boundary, collector.callbacks())
    received = 0
    try:
        async for chunk in chunks:
            received += len(chunk)
            if received > request_limit:
                raise too_large(max_bytes)
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        raise _missing_file("the multipart/form-data body is malformed") from None

    if collector.file_content_type is None:
        raise _missing_file("field required")
    data = bytes(collector.file_data)
    if not matches_magic(collector.file_content_type, data[:12]):
        raise unsupported(f"the file's bytes are not {collector.file_content_type}")
    return Photo(content_type=collector.file_content_type, data=data)
