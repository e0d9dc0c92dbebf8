"""What an uploaded file is, judged by its bytes: never by its name or the client's word.

Images are read with Pillow (headers only, no pixel decoding). MP4 and MOV are read by
`mp4.py` in pure Python; other video containers, and MP4s that parser cannot read, go to
FFmpeg's ffprobe when it is installed, and are otherwise stored with what stays unknown
named in `Probe.note`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from tandem.core import InvalidInput
from tandem.media import ffprobe, mp4
from tandem.media.model import MediaKind, Probe

HEAD_BYTES = 64
EXIF_ORIENTATION = 0x0112  # EXIF 2.32 tag 274; values 5-8 turn the picture a quarter
MAX_PIXELS = (
    89_478_485  # Pillow's own decompression-bomb threshold (Image.MAX_IMAGE_PIXELS)
)

REFUSED = (
    "This file is neither an image (JPEG, PNG, GIF, WebP, HEIC) nor a video "
    "(MP4, MOV, WebM). Tandem looks at the file's content, not its name: "
    "export it again in one of these formats."
)


@dataclass(frozen=True)
class Format:
    name: str
    mime_type: str
    kind: MediaKind
    pillow: str | None = None  # Pillow's format id, for images
    bmff: bool = False  # an ISO base media file mp4.py can read
    weak_magic: bool = False  # recognised by a common box name only: require a parse


JPEG = Format("JPEG", "image/jpeg", MediaKind.IMAGE, "JPEG")
PNG = Format("PNG", "image/png", MediaKind.IMAGE, "PNG")
GIF = Format("GIF", "image/gif", MediaKind.IMAGE, "GIF")
WEBP = Format("WebP", "image/webp", MediaKind.IMAGE, "WEBP")
HEIC = Format("HEIC", "image/heic", MediaKind.IMAGE, "HEIF", bmff=True)
HEIF = Format("HEIF", "image/heif", MediaKind.IMAGE, "HEIF", bmff=True)
AVIF = Format("AVIF", "image/avif", MediaKind.IMAGE, "AVIF", bmff=True)
MP4 = Format("MP4", "video/mp4", MediaKind.VIDEO, bmff=True)
MOV = Format("MOV", "video/quicktime", MediaKind.VIDEO, bmff=True)
OLD_MOV = Format("MOV", "video/quicktime", MediaKind.VIDEO, bmff=True, weak_magic=True)
THREE_GP = Format("3GP", "video/3gpp", MediaKind.VIDEO, bmff=True)
WEBM = Format("WebM", "video/webm", MediaKind.VIDEO)
MKV = Format("Matroska", "video/x-matroska", MediaKind.VIDEO)
AVI = Format("AVI", "video/x-msvideo", MediaKind.VIDEO)

# ftyp brands: ISO/IEC 23008-12 Annex B (HEIF/HEIC), AV1 Image File Format §9 (AVIF).
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_AVIF_BRANDS = {b"avif", b"avis"}
_HEIF_BRANDS = {b"mif1", b"msf1"}
# Files from old QuickTime versions have no ftyp and start with one of these atoms.
_QUICKTIME_FIRST = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def _iso_bmff(head: bytes) -> Format:
    major = head[8:12]
    end = min(
        int.from_bytes(head[:4], "big"), len(head)
    )  # compatible brands end the box
    brands = {major} | {head[i : i + 4] for i in range(16, end - 3, 4)}
    if major in _HEIC_BRANDS or (major in _HEIF_BRANDS and brands & _HEIC_BRANDS):
        return HEIC
    if major in _AVIF_BRANDS or (major in _HEIF_BRANDS and brands & _AVIF_BRANDS):
        return AVIF
    if major in _HEIF_BRANDS:
        return HEIF
    if major == b"qt  ":
        return MOV
    if major.startswith(b"3g"):
        return THREE_GP
    return MP4


def sniff(head: bytes) -> Format | None:
    """The format announced by a file's first bytes (HEAD_BYTES of them), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"AVI "):
        return WEBP if head[8:12] == b"WEBP" else AVI
    if head[4:8] == b"ftyp" and len(head) >= 12:
        return _iso_bmff(head)
    if head[4:8] in _QUICKTIME_FIRST:
        return OLD_MOV
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML header; DocType says which
        return WEBM if b"webm" in head else MKV
    return None


def probe_file(path: Path, *, ffprobe_path: str | None = None) -> Probe:
    """Identify and measure a file. Raises InvalidInput (field "file") when it is refused.

    `ffprobe_path` names an ffprobe executable; None means there is none to ask.
    """
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    fmt = sniff(head)
    if fmt is None:
        raise InvalidInput(REFUSED, field="file")
    if fmt.kind is MediaKind.IMAGE:
        return _probe_image(path, fmt)
    return _probe_video(path, fmt, ffprobe_path)


def _damaged(fmt: Format) -> InvalidInput:
    return InvalidInput(
        f"This looks like a {fmt.name} file, but it could not be read: it may be "
        "incomplete or damaged. Export or download it again.",
        field="file",
    )


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(EXIF_ORIENTATION, 1))
    except Exception:  # malformed EXIF must not refuse an otherwise fine picture
        return 1


def _pillow_reads(fmt: Format) -> bool:
    # HEIF needs a plugin (pillow-heif) that may be absent; AVIF depends on the build.
    return fmt.pillow in set(Image.registered_extensions().values())


def _probe_image(path: Path, fmt: Format) -> Probe:
    assert fmt.pillow is not None
    if not _pillow_reads(fmt):
        return _probe_heif_container(path, fmt)
    try:
        with Image.open(path, formats=[fmt.pillow]) as image:
            width, height = image.size
            animated = bool(getattr(image, "is_animated", False))
            orientation = _orientation(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # The warning is an exception where warnings are errors (tests, -W error).
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        if fmt.bmff:
            return _probe_heif_container(path, fmt)
        raise _damaged(fmt) from None
    if width * height > MAX_PIXELS:
        raise _too_many_pixels()
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    kind = MediaKind.GIF if fmt is GIF and animated else MediaKind.IMAGE
    return Probe(kind, fmt.mime_type, fmt.name, width, height)


def _too_many_pixels() -> InvalidInput:
    return InvalidInput(
        f"This image has more than {MAX_PIXELS // 1_000_000} million pixels; no "
        "platform takes one that large. Resize it and upload it again.",
        field="file",
    )


def _probe_heif_container(path: Path, fmt: Format) -> Probe:
    """HEIC/AVIF when Pillow has no decoder for them: the size from the container alone."""
    try:
        with path.open("rb") as handle:
            width, height = mp4.read_heif_size(handle)
    except mp4.Mp4Error:
        raise _damaged(fmt) from None
    return Probe(
        MediaKind.IMAGE,
        fmt.mime_type,
        fmt.name,
        width,
        height,
        note=f"Most browsers other than Safari cannot preview {fmt.name} images.",
    )


def _probe_video(path: Path, fmt: Format, ffprobe_path: str | None) -> Probe:
    movie, failure = None, ""
    if fmt.bmff:
        try:
            with path.open("rb") as handle:
                movie = mp4.read_movie(handle)
        except mp4.NoVideoTrack:
            raise _no_video() from None
        except mp4.Mp4Error as exc:
            failure = str(exc)
    if movie and (movie.duration_seconds is not None or not ffprobe_path):
        note = (
            "" if movie.duration_seconds else "The file does not record its duration."
        )
        return _video(fmt, movie.width, movie.height, movie.duration_seconds, note)
    facts = ffprobe.run(ffprobe_path, path) if ffprobe_path else None
    if facts is not None and not facts.has_video:
        raise _no_video()
    if facts is not None:
        return _video(fmt, facts.width, facts.height, facts.duration_seconds)
    if movie:
        return _video(fmt, movie.width, movie.height, None, "Duration unknown.")
    if fmt.weak_magic:
        raise InvalidInput(REFUSED, field="file")
    return _video(fmt, None, None, None, _unknown_note(fmt, failure, ffprobe_path))


def _video(
    fmt: Format,
    width: int | None,
    height: int | None,
    duration: float | None,
    note: str = "",
) -> Probe:
    return Probe(
        MediaKind.VIDEO, fmt.mime_type, fmt.name, width, height, duration, note
    )


def _no_video() -> InvalidInput:
    return InvalidInput(
        "This file has no video track (audio only?). Upload images or videos.",
        field="file",
    )


def _unknown_note(fmt: Format, failure: str, ffprobe_path: str | None) -> str:
    unknown = "Duration and picture size unknown"
    if ffprobe_path:
        return f"{unknown}: neither Tandem nor ffprobe could read this {fmt.name} file."
    if failure:
        return (
            f"{unknown}: the {fmt.name} structure could not be read ({failure}); the "
            "file may be incomplete. With FFmpeg's ffprobe installed on the server, "
            "Tandem would try again with it."
        )
    return (
        f"{unknown}: Tandem reads MP4 and MOV files itself, but {fmt.name} only "
        "with FFmpeg's ffprobe, which is not installed on this server."
    )
