"""Media files made at test time: Pillow images and a tiny ISO BMFF (MP4/MOV/HEIF) builder.

The builder writes only the boxes Tandem reads, laid out as ISO/IEC 14496-12 specifies
(mvhd §8.2.2, tkhd §8.3.2, hdlr §8.4.3) and ISO/IEC 23008-12 for HEIF (ispe, irot, ipma).
"""

from __future__ import annotations

import io
import struct

from PIL import Image

IDENTITY = (0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
ROTATE_90 = (0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)
NOT_AN_IMAGE = b"Quarterly plan\nThis is a text file with a .jpg name.\n"


# ---- images ---------------------------------------------------------------------------------


def image(width: int, height: int, fmt: str = "PNG", **save: object) -> bytes:
    buffer = io.BytesIO()
    mode = "RGB" if fmt in ("JPEG", "WEBP") else "RGBA"
    Image.new(mode, (width, height), (200, 40, 90)).save(buffer, fmt, **save)
    return buffer.getvalue()


def jpeg_with_orientation(width: int, height: int, orientation: int) -> bytes:
    """A JPEG stored `width` x `height` whose EXIF says to turn it (6 = 90 degrees)."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    return image(width, height, "JPEG", exif=exif)


def gif(width: int, height: int, frames: int) -> bytes:
    pictures = [  # distinct colours: Pillow merges identical consecutive frames
        Image.new("RGB", (width, height), (i * 60 % 256, 80, 160))
        for i in range(frames)
    ]
    buffer = io.BytesIO()
    pictures[0].save(
        buffer, "GIF", save_all=frames > 1, append_images=pictures[1:], duration=100
    )
    return buffer.getvalue()


# ---- ISO base media files ---------------------------------------------------------------------


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def full_box(kind: bytes, version: int, payload: bytes, flags: int = 0) -> bytes:
    return box(kind, struct.pack(">I", (version << 24) | flags) + payload)


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    return box(b"ftyp", major + struct.pack(">I", 0) + b"".join(compatible))


def mvhd(timescale: int, duration: int, version: int = 0) -> bytes:
    times = struct.pack(">QQIQ" if version else ">IIII", 0, 0, timescale, duration)
    rest = struct.pack(">IH10x9i24xI", 0x10000, 0x100, *IDENTITY, 2)
    return full_box(b"mvhd", version, times + rest)


def tkhd(
    width: int,
    height: int,
    *,
    matrix: tuple[int, ...] = IDENTITY,
    version: int = 0,
    duration: int = 0,
) -> bytes:
    head = struct.pack(">QQIIQ" if version else ">IIIII", 0, 0, 1, 0, duration)
    body = struct.pack(">8xhhhH9iII", 0, 0, 0, 0, *matrix, width << 16, height << 16)
    return full_box(b"tkhd", version, head + body, flags=3)


def hdlr(handler: bytes) -> bytes:
    return full_box(b"hdlr", 0, struct.pack(">I4s12x", 0, handler) + b"Handler\0")


def trak(
    width: int,
    height: int,
    *,
    handler: bytes | None = None,
    matrix: tuple[int, ...] = IDENTITY,
    version: int = 0,
) -> bytes:
    children = tkhd(width, height, matrix=matrix, version=version)
    if handler is not None:
        children += box(b"mdia", hdlr(handler))
    return box(b"trak", children)


def mp4(
    *,
    seconds: float = 12.5,
    timescale: int = 1000,
    width: int = 1080,
    height: int = 1920,
    brand: bytes = b"isom",
    version: int = 0,
    matrix: tuple[int, ...] = IDENTITY,
    moov_last: bool = False,
    extra_tracks: bytes = b"",
    handler: bytes | None = None,
    mdat_bytes: int = 64,
) -> bytes:
    """ftyp + moov(mvhd, trak(tkhd)) + mdat: the smallest file a parser must read."""
    moov = box(
        b"moov",
        mvhd(timescale, round(seconds * timescale), version)
        + extra_tracks
        + trak(width, height, handler=handler, matrix=matrix, version=version),
    )
    mdat = box(b"mdat", b"\0" * mdat_bytes)
    head = ftyp(brand, brand, b"mp41")
    return head + (mdat + moov if moov_last else moov + mdat)


def heic(width: int, height: int, *, rotation: int = 0) -> bytes:
    """A HEIF still: primary item 1 with ispe (and irot), plus a 320x240 thumbnail item 2."""
    properties = [
        full_box(b"ispe", 0, struct.pack(">II", width, height)),
        full_box(b"ispe", 0, struct.pack(">II", 320, 240)),
    ]
    primary = [1]
    if rotation:
        properties.append(box(b"irot", bytes([rotation // 90])))
        primary.append(3)
    ipma_entries = struct.pack(">HB", 1, len(primary)) + bytes(primary)
    ipma_entries += struct.pack(">HB", 2, 1) + bytes([2])
    ipma = full_box(b"ipma", 0, struct.pack(">I", 2) + ipma_entries)
    iprp = box(b"iprp", box(b"ipco", b"".join(properties)) + ipma)
    meta = full_box(
        b"meta", 0, hdlr(b"pict") + full_box(b"pitm", 0, struct.pack(">H", 1)) + iprp
    )
    return ftyp(b"heic", b"mif1", b"heic") + meta + box(b"mdat", b"\0" * 16)


def webm_header() -> bytes:
    """The EBML header of a WebM file (DocType "webm"); no playable content follows."""
    return bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d") + (
        b"\0" * 64
    )
