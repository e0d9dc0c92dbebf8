"""Per-platform checks and the alt-text warning."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tandem.core import Problem, Severity
from tandem.media import (
    ALT_TEXT_MISSING,
    MediaInfo,
    MediaItem,
    MediaKind,
    alt_text_problems,
    media_info,
    platform_checks,
)

ITEM = MediaItem(
    id="m1",
    workspace_id="w1",
    filename="clip.mp4",
    sha256="0" * 64,
    size_bytes=5_000_000,
    kind=MediaKind.VIDEO,
    mime_type="video/mp4",
    width=1080,
    height=1920,
    duration_seconds=660.0,
    alt_text="",
    note="",
    created_by=None,
    created_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
)


def validate(platform: str, text: str, media: Sequence[MediaInfo]) -> list[Problem]:
    assert text == ""
    (info,) = media
    found = [Problem(Severity.WARNING, "text.empty", "Write something.")]
    if platform == "tiktok" and (info.duration_seconds or 0) > 600:
        minutes = int(info.duration_seconds or 0) // 60
        found.append(
            Problem(
                Severity.ERROR,
                "media.too_long",
                f"video is {minutes} min; TikTok allows 10",
            )
        )
    if platform == "x":
        found.append(Problem(Severity.WARNING, "media.alt_text", "Add alt text."))
    return found


def test_media_info_carries_what_rules_need():
    info = media_info(ITEM)
    assert (info.kind, info.size_bytes, info.duration_seconds) == (
        MediaKind.VIDEO,
        5_000_000,
        660.0,
    )
    assert info.aspect_ratio == 1080 / 1920


def test_each_platform_gets_only_its_media_problems():
    checks = platform_checks(
        ITEM, platforms=["tiktok", "x", "bluesky"], validate=validate
    )
    assert [(c.platform, c.status) for c in checks] == [
        ("tiktok", "error"),
        ("x", "warning"),
        ("bluesky", "ok"),
    ]
    assert checks[0].problems[0].message == "video is 11 min; TikTok allows 10"
    assert checks[2].problems == ()


def test_missing_alt_text_is_a_warning_and_whitespace_does_not_count():
    (problem,) = alt_text_problems(ITEM)
    assert (problem.code, problem.severity) == (ALT_TEXT_MISSING, Severity.WARNING)
    assert "screen readers" in problem.message and "video" in problem.message
    with_alt = MediaItem(**{**vars(ITEM), "alt_text": "A cyclist at dawn"})
    assert alt_text_problems(with_alt) == []
    blank = MediaItem(**{**vars(ITEM), "alt_text": "  "})
    assert len(alt_text_problems(blank)) == 1
