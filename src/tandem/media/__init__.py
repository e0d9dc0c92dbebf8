"""Media library: uploads, what each file is, alt text."""

from tandem.media import actions, store
from tandem.media.checks import (
    ALT_TEXT_MISSING,
    Validate,
    alt_text_problems,
    media_info,
    platform_checks,
)
from tandem.media.ffprobe import find_ffprobe
from tandem.media.files import LocalMediaStore
from tandem.media.model import (
    MAX_ALT_TEXT,
    MediaInfo,
    MediaItem,
    MediaKind,
    MediaStore,
    PlatformCheck,
    Probe,
)
from tandem.media.probe import probe_file, sniff
from tandem.media.store import MEDIA_SORTS, MediaQuery, get_media
from tandem.media.upload import (
    MAX_UPLOAD_BYTES,
    IncomingFile,
    MultipartReceiver,
    Received,
    UploadTooLarge,
    describe_bytes,
    display_filename,
    too_large,
)

__all__ = [
    "ALT_TEXT_MISSING",
    "MAX_ALT_TEXT",
    "MAX_UPLOAD_BYTES",
    "MEDIA_SORTS",
    "IncomingFile",
    "LocalMediaStore",
    "MediaInfo",
    "MediaItem",
    "MediaKind",
    "MediaQuery",
    "MediaStore",
    "MultipartReceiver",
    "PlatformCheck",
    "Probe",
    "Received",
    "UploadTooLarge",
    "Validate",
    "actions",
    "alt_text_problems",
    "describe_bytes",
    "display_filename",
    "find_ffprobe",
    "get_media",
    "media_info",
    "platform_checks",
    "probe_file",
    "sniff",
    "store",
    "too_large",
]
