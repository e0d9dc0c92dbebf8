"""Duration and picture size from ISO base media files (MP4, MOV, HEIF) in pure Python.

Box layout per ISO/IEC 14496-12 (ISO base media file format): every box starts with a
32-bit big-endian size and a four-character type; size 1 means a 64-bit size follows, size 0
means "to the end of the file". QuickTime (MOV) uses the same boxes ("atoms") for everything
read here. HEIF images (ISO/IEC 23008-12) keep their size in `meta/iprp/ipco/ispe`.

Only the few small boxes needed are read; `mdat` (the media data) is skipped with a seek, so
a 1 GB file costs a handful of reads. Input is untrusted: sizes are checked against the
parent box and the number of boxes visited is capped.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

MAX_BOXES = (
    50_000  # a real moov has a few hundred boxes; more means a hostile or broken file
)
MAX_DEPTH = 8
FIXED_16_16 = 65536.0
UNKNOWN_32 = 0xFFFFFFFF  # "duration unknown" in version-0 mvhd/tkhd (14496-12 §8.2.2.3)
UNKNOWN_64 = 0xFFFFFFFFFFFFFFFF


class Mp4Error(ValueError):
    """The file is not a readable ISO base media file."""


class NoVideoTrack(Mp4Error):
    """The movie parsed, but none of its tracks is video (an audio-only M4A, say)."""


@dataclass(frozen=True)
class Box:
    kind: bytes
    start: int  # first byte of the payload, after the header
    end: int  # one past the last byte of the box


@dataclass(frozen=True)
class Movie:
    duration_seconds: float | None
    width: int | None
    height: int | None


@dataclass(frozen=True)
class _Track:
    width: int
    height: int
    handler: bytes | None  # b"vide", b"soun"...; None when the track has no hdlr box


class _Reader:
    """Bounded box walking over one open file."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.visited = 0
        file.seek(0, 2)
        self.size = file.tell()

    def read_at(self, offset: int, length: int) -> bytes:
        self.file.seek(offset)
        data = self.file.read(length)
        if len(data) != length:
            raise Mp4Error("the file ends in the middle of a box")
        return data

    def boxes(self, start: int, end: int, *, lenient: bool = False) -> Iterator[Box]:
        """Children in [start, end). `lenient` stops quietly at a box that overruns `end`
        (a truncated trailing mdat is common in files that still play)."""
        pos = start
        while pos + 8 <= end:
            self.visited += 1
            if self.visited > MAX_BOXES:
                raise Mp4Error("too many boxes")
            size, kind = struct.unpack(">I4s", self.read_at(pos, 8))
            header = 8
            if size == 1:
                (size,) = struct.unpack(">Q", self.read_at(pos + 8, 8))
                header = 16
            elif size == 0:
                size = end - pos
            if size < header or pos + size > end:
                if lenient:
                    return
                raise Mp4Error(f"box {kind!r} overruns its parent")
            yield Box(kind, pos + header, pos + size)
            pos += size

    def child(self, parent: Box, kind: bytes, *, skip: int = 0) -> Box | None:
        """The first child of type `kind`; `skip` bytes of the payload precede the children
        (4 for a FullBox container such as ISO `meta`)."""
        return next(
            (b for b in self.boxes(parent.start + skip, parent.end) if b.kind == kind),
            None,
        )

    def payload(self, box: Box, limit: int = 256) -> bytes:
        return self.read_at(box.start, min(box.end - box.start, limit))


def _top_level(reader: _Reader, kind: bytes) -> Box | None:
    return next(
        (b for b in reader.boxes(0, reader.size, lenient=True) if b.kind == kind), None
    )


def _mvhd(data: bytes) -> tuple[int, int]:
    """(timescale, duration) from a Movie Header Box (14496-12 §8.2.2)."""
    if data[:1] == b"\x01":  # version 1: 64-bit creation/modification/duration
        timescale, duration = struct.unpack_from(">IQ", data, 20)
        return timescale, (0 if duration == UNKNOWN_64 else duration)
    timescale, duration = struct.unpack_from(">II", data, 12)
    return timescale, (0 if duration == UNKNOWN_32 else duration)


def _tkhd_size(data: bytes) -> tuple[int, int]:
    """Displayed (width, height) from a Track Header Box (14496-12 §8.3.2).

    After the times come reserved[2], layer, alternate_group, volume, reserved, a 3x3
    matrix of int32 and width/height as 16.16 fixed point. Phones record portrait video as
    landscape pixels plus a 90-degree matrix, so a rotation swaps width and height.
    """
    matrix_at = 52 if data[:1] == b"\x01" else 40  # version 1 has 64-bit times
    matrix = struct.unpack_from(">9i", data, matrix_at)
    raw_w, raw_h = struct.unpack_from(">II", data, matrix_at + 36)
    width, height = round(raw_w / FIXED_16_16), round(raw_h / FIXED_16_16)
    a, b, _u, c, d = matrix[:5]
    if a == 0 and d == 0 and b != 0 and c != 0:  # 90 or 270 degrees
        width, height = height, width
    return width, height


def _track(reader: _Reader, trak: Box) -> _Track | None:
    tkhd = reader.child(trak, b"tkhd")
    if tkhd is None:
        return None
    width, height = _tkhd_size(reader.payload(tkhd))
    handler = None
    mdia = reader.child(trak, b"mdia")
    hdlr = reader.child(mdia, b"hdlr") if mdia else None
    if hdlr is not None:
        handler = reader.payload(hdlr, 12)[8:12]  # FullBox header, pre_defined, type
    return _Track(width, height, handler)


def _video_track(tracks: list[_Track]) -> _Track | None:
    if any(t.handler is not None for t in tracks):
        tracks = [t for t in tracks if t.handler == b"vide"]
    return next((t for t in tracks if t.width > 0 and t.height > 0), None)


def _fragment_duration(reader: _Reader, moov: Box) -> int:
    """Fragmented MP4 leaves mvhd's duration at 0 and may give it in mvex/mehd (§8.8.2)."""
    mvex = reader.child(moov, b"mvex")
    mehd = reader.child(mvex, b"mehd") if mvex else None
    if mehd is None:
        return 0
    data = reader.payload(mehd, 12)
    if data[:1] == b"\x01":
        return int(struct.unpack_from(">Q", data, 4)[0])
    return int(struct.unpack_from(">I", data, 4)[0])


def read_movie(file: BinaryIO) -> Movie:
    """Duration (from moov/mvhd) and picture size (from the video track's tkhd).

    Raises Mp4Error when there is no moov box or it is malformed, NoVideoTrack when no
    track carries pictures.
    """
    reader = _Reader(file)
    moov = _top_level(reader, b"moov")
    if moov is None:
        raise Mp4Error("no moov box (the file is incomplete or not a movie)")
    mvhd = reader.child(moov, b"mvhd")
    if mvhd is None:
        raise Mp4Error("no mvhd box in moov")
    try:
        timescale, duration = _mvhd(reader.payload(mvhd))
        duration = duration or _fragment_duration(reader, moov)
        tracks = [
            track
            for box in reader.boxes(moov.start, moov.end)
            if box.kind == b"trak" and (track := _track(reader, box)) is not None
        ]
    except struct.error as exc:  # a box shorter than its fixed fields
        raise Mp4Error(f"a header box is too short: {exc}") from None
    video = _video_track(tracks)
    if video is None:
        raise NoVideoTrack("no video track")
    seconds = duration / timescale if timescale and duration else None
    return Movie(seconds, video.width, video.height)


def _primary_item(reader: _Reader, meta: Box) -> int | None:
    pitm = reader.child(meta, b"pitm", skip=4)
    if pitm is None:
        return None
    data = reader.payload(pitm, 8)
    fmt = ">I" if data[:1] != b"\x00" else ">H"  # item_ID is 32-bit from version 1
    return int(struct.unpack_from(fmt, data, 4)[0])


def _associations(data: bytes) -> dict[int, list[int]]:
    """Item id -> 1-based property indexes, from an ItemPropertyAssociation box
    (ISO/IEC 23008-12 §9.3.2): 16- or 32-bit ids by version, 7- or 15-bit indexes by flags."""
    version, flags = data[0], int.from_bytes(data[1:4], "big")
    (count,) = struct.unpack_from(">I", data, 4)
    pos, out = 8, {}
    for _ in range(count):
        id_fmt = ">I" if version >= 1 else ">H"
        (item_id,) = struct.unpack_from(id_fmt, data, pos)
        pos += struct.calcsize(id_fmt)
        n = data[pos]
        pos += 1
        indexes = []
        for _ in range(n):
            if flags & 1:
                indexes.append(struct.unpack_from(">H", data, pos)[0] & 0x7FFF)
                pos += 2
            else:
                indexes.append(data[pos] & 0x7F)
                pos += 1
        out[item_id] = indexes
    return out


def read_heif_size(file: BinaryIO) -> tuple[int, int]:
    """Displayed (width, height) of a HEIF/HEIC image's primary item.

    Uses the primary item's `ispe` (spatial extent) and `irot` (rotation, anticlockwise in
    90-degree steps); falls back to the largest `ispe` when item associations are missing.
    """
    reader = _Reader(file)
    meta = _top_level(reader, b"meta")
    iprp = reader.child(meta, b"iprp", skip=4) if meta else None
    ipco = reader.child(iprp, b"ipco") if iprp else None
    if meta is None or iprp is None or ipco is None:
        raise Mp4Error("no image properties (meta/iprp/ipco)")
    try:
        properties = list(reader.boxes(ipco.start, ipco.end))
        ipma = reader.child(iprp, b"ipma")
        primary = _primary_item(reader, meta)
        links = _associations(reader.payload(ipma, 65536)) if ipma else {}
        chosen = [
            properties[i - 1]
            for i in links.get(primary or -1, [])
            if 0 < i <= len(properties)
        ] or properties
        sizes = [
            struct.unpack_from(">II", reader.payload(b, 12), 4)
            for b in chosen
            if b.kind == b"ispe"
        ]
        rotations = [reader.payload(b, 1)[0] & 3 for b in chosen if b.kind == b"irot"]
    except (struct.error, IndexError) as exc:
        raise Mp4Error(f"malformed image properties: {exc}") from None
    if not sizes:
        raise Mp4Error("no ispe (image size) property")
    width, height = max(sizes, key=lambda s: s[0] * s[1])
    if rotations and rotations[0] in (1, 3):
        width, height = height, width
    return int(width), int(height)
