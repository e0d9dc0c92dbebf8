"""Receiving uploads: size limit, digest, streaming multipart parsing, display names."""

from __future__ import annotations

import hashlib

import pytest

from tandem.core import InvalidInput
from tandem.media import (
    IncomingFile,
    MultipartReceiver,
    UploadTooLarge,
    display_filename,
)
from tandem.media.upload import describe_bytes

BOUNDARY = "----tandem-test-boundary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(*parts: tuple[str, str | None, bytes]) -> bytes:
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        body += (
            f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    return body + f"--{BOUNDARY}--\r\n".encode()


def feed_in_chunks(receiver: MultipartReceiver, body: bytes, size: int = 7) -> dict:
    for start in range(0, len(body), size):
        receiver.feed(body[start : start + size])
    return receiver.finish()


def test_an_incoming_file_is_hashed_while_it_is_written(tmp_path):
    with IncomingFile(tmp_path, max_bytes=100) as incoming:
        incoming.filename = "a.png"
        incoming.write(b"hello ")
        incoming.write(b"world")
        received = incoming.received()
        assert received.path.read_bytes() == b"hello world"
    assert received.sha256 == hashlib.sha256(b"hello world").hexdigest()
    assert (received.size_bytes, received.filename) == (11, "a.png")
    assert not received.path.exists()  # nothing moved it away: removed on exit


def test_an_incoming_file_stops_at_the_limit_and_names_it(tmp_path):
    with (
        pytest.raises(UploadTooLarge, match=r"limit of 1 KB \(1,024 bytes\)") as error,
        IncomingFile(tmp_path, max_bytes=1024) as incoming,
    ):
        incoming.write(b"x" * 1000)
        incoming.write(b"x" * 25)
    assert error.value.status == 413
    assert list(tmp_path.iterdir()) == []


def test_an_empty_upload_asks_for_a_file(tmp_path):
    with (
        pytest.raises(InvalidInput, match="Choose a file"),
        IncomingFile(tmp_path) as incoming,
    ):
        incoming.received()


def test_multipart_bodies_are_parsed_in_small_chunks(tmp_path):
    data = bytes(range(256)) * 40  # includes CR, LF and dashes
    body = multipart(
        ("csrf_token", None, b"t0ken"),
        ("file", "photo.png", data),
        ("alt_text", None, "Café terrace".encode()),
    )
    with IncomingFile(tmp_path) as incoming:
        fields = feed_in_chunks(MultipartReceiver(CONTENT_TYPE, incoming), body)
        received = incoming.received()
        assert received.path.read_bytes() == data
    assert fields == {"csrf_token": "t0ken", "alt_text": "Café terrace"}
    assert received.filename == "photo.png"


def test_a_body_over_the_limit_is_cut_off_while_streaming(tmp_path):
    body = multipart(("file", "big.bin", b"x" * 5000))
    with (
        pytest.raises(UploadTooLarge),
        IncomingFile(tmp_path, max_bytes=4000) as incoming,
    ):
        feed_in_chunks(MultipartReceiver(CONTENT_TYPE, incoming), body, size=1000)


def test_two_files_in_one_upload_are_refused(tmp_path):
    body = multipart(("file", "a.png", b"a"), ("file", "b.png", b"b"))
    with (
        pytest.raises(InvalidInput, match="one file at a time"),
        IncomingFile(tmp_path) as incoming,
    ):
        feed_in_chunks(MultipartReceiver(CONTENT_TYPE, incoming), body)


def test_a_body_without_the_file_part_asks_for_one(tmp_path):
    body = multipart(("alt_text", None, b"x"))
    with (
        pytest.raises(InvalidInput, match="Choose a file"),
        IncomingFile(tmp_path) as incoming,
    ):
        feed_in_chunks(MultipartReceiver(CONTENT_TYPE, incoming), body)


def test_a_body_that_stops_inside_the_file_is_malformed(tmp_path):
    body = multipart(("file", "a.png", b"x" * 100))[:-40]
    with (
        pytest.raises(InvalidInput, match="not valid multipart"),
        IncomingFile(tmp_path) as incoming,
    ):
        feed_in_chunks(MultipartReceiver(CONTENT_TYPE, incoming), body)


def test_json_is_not_an_upload(tmp_path):
    with (
        pytest.raises(InvalidInput, match="multipart/form-data"),
        IncomingFile(tmp_path) as incoming,
    ):
        MultipartReceiver("application/json", incoming)


def test_an_oversized_text_field_is_refused(tmp_path):
    body = multipart(("alt_text", None, b"a" * 70_000), ("file", "a.png", b"x"))
    with (
        pytest.raises(InvalidInput, match="too long"),
        IncomingFile(tmp_path) as incoming,
    ):
        feed_in_chunks(MultipartReceiver(CONTENT_TYPE, incoming), body, size=4096)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("photo.png", "photo.png"),
        ("C:\\Users\\ann\\Desktop\\launch.jpg", "launch.jpg"),
        ("../../etc/passwd", "passwd"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),  # no right-to-left override tricks
        ("  two\tspaces\n.png ", "two spaces .png"),
        ("", "untitled"),
        (None, "untitled"),
        ("...", "untitled"),
        ("é" * 300, "é" * 255),
    ],
)
def test_file_names_are_made_safe_to_display(raw, shown):
    assert display_filename(raw) == shown


@pytest.mark.parametrize(
    ("count", "said"),
    [(300, "300 bytes"), (1024, "1 KB"), (1536, "1.5 KB"), (1 << 30, "1 GB")],
)
def test_sizes_are_described_as_people_say_them(count, said):
    assert describe_bytes(count) == said
