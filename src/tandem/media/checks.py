"""What platforms would say about a file, and what the library itself warns about."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tandem.core import Problem, Severity
from tandem.media.model import MediaInfo, MediaItem, MediaKind, PlatformCheck

# compose.rules.validate(platform, text, media): media depends on nobody's rules; the edge
# passes them in, so compose may import media without a cycle.
Validate = Callable[[str, str, Sequence[MediaInfo]], list[Problem]]

ALT_TEXT_MISSING = "media.alt_text_missing"
_SEEN_AS = {
    MediaKind.IMAGE: "image",
    MediaKind.GIF: "animation",
    MediaKind.VIDEO: "video",
}


def media_info(item: MediaItem) -> MediaInfo:
    """What platform rules need to judge the item."""
    return MediaInfo(
        kind=item.kind,
        mime_type=item.mime_type,
        size_bytes=item.size_bytes,
        width=item.width,
        height=item.height,
        duration_seconds=item.duration_seconds,
        alt_text=item.alt_text,
    )


def alt_text_problems(item: MediaItem) -> list[Problem]:
    if item.alt_text.strip():
        return []
    return [
        Problem(
            Severity.WARNING,
            ALT_TEXT_MISSING,
            f"Add alt text: it is what people using screen readers hear instead of "
            f"seeing the {_SEEN_AS[item.kind]}. Describe what matters in it.",
        )
    ]


def platform_checks(
    item: MediaItem, *, platforms: Sequence[str], validate: Validate
) -> list[PlatformCheck]:
    """Each platform's media problems for the item alone (an empty post with it attached)."""
    info = media_info(item)
    return [
        PlatformCheck(
            platform,
            tuple(
                p for p in validate(platform, "", [info]) if p.code.startswith("media.")
            ),
        )
        for platform in platforms
    ]
