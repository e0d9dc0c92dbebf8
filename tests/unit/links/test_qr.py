"""QR codes: SVG and PNG of the short URL, valid files of the expected size."""

from __future__ import annotations

import struct
import zlib

import segno

from tandem.links import qr_png, qr_svg
from tandem.links.qr import BORDER, SCALE

URL = "http://tandem.test/l/AbCd1234"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == PNG_SIGNATURE
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append((kind, body))
        offset += 12 + length
    return chunks


def test_the_png_is_a_complete_image_of_the_symbol_with_its_quiet_zone():
    chunks = png_chunks(qr_png(URL))
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    modules = segno.make(URL, error="m", micro=False, boost_error=False).symbol_size(
        scale=1, border=BORDER
    )[0]
    assert width == height == modules * SCALE
    pixels = zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT"))
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    row_bytes = -(-width * depth * channels // 8)
    assert len(pixels) == height * (1 + row_bytes)


def test_the_svg_encodes_the_short_url_and_scales():
    svg = qr_svg(URL).decode()
    assert svg.startswith("<?xml")
    assert "<svg" in svg and "viewBox" in svg
    assert f"<title>{URL}</title>" in svg
