"""Media checks: formats, sizes, counts, aspect ratios, durations, alt text."""

from __future__ import annotations

from tandem.compose.rules import RuleOptions, validate
from tandem.core import Problem, Severity
from tandem.media import MediaInfo, MediaKind

FEED = RuleOptions(post_type="feed")
REEL = RuleOptions(post_type="reel")


def _image(width: int, height: int, **changes: object) -> MediaInfo:
    values: dict[str, object] = {
        "kind": MediaKind.IMAGE,
        "mime_type": "image/jpeg",
        "size_bytes": 2_000_000,
        "width": width,
        "height": height,
        "alt_text": "A can of cold brew on a café table",
    }
    values.update(changes)
    return MediaInfo(**values)  # type: ignore[arg-type]


def _video(
    seconds: float, width: int = 1080, height: int = 1920, **changes: object
) -> MediaInfo:
    values: dict[str, object] = {
        "kind": MediaKind.VIDEO,
        "mime_type": "video/mp4",
        "size_bytes": 50_000_000,
        "width": width,
        "height": height,
        "duration_seconds": seconds,
    }
    values.update(changes)
    return MediaInfo(**values)  # type: ignore[arg-type]


def _media_problems(
    platform: str, media: list[MediaInfo], options: RuleOptions | None = None
) -> list[Problem]:
    return [
        p
        for p in validate(platform, "caption", media, options=options)
        if p.code.startswith("media.")
    ]


def test_a_4_5_image_passes_an_instagram_feed_post() -> None:
    assert _media_problems("instagram", [_image(1080, 1350)], FEED) == []


def test_a_9_16_image_fails_an_instagram_feed_post_with_the_crop_to_make() -> None:
    (problem,) = _media_problems("instagram", [_image(1080, 1920)], FEED)
    assert problem.code == "media.aspect_ratio"
    assert problem.blocking
    assert problem.message == "Crop to 4:5 for an Instagram feed post."


def test_a_16_9_image_is_letterboxed_in_the_instagram_feed_so_it_warns() -> None:
    # Within the API's 4:5-1.91:1 range, so Instagram takes it; it shows letterboxed.
    (problem,) = _media_problems("instagram", [_image(1920, 1080)], FEED)
    assert problem.code == "media.aspect_ratio"
    assert problem.severity is Severity.WARNING
    assert problem.message.startswith("Crop to 1:1 for an Instagram feed post")


def test_a_panorama_fails_the_instagram_feed() -> None:
    (problem,) = _media_problems("instagram", [_image(3000, 1000)], FEED)
    assert problem.message == "Crop to 1.91:1 for an Instagram feed post."


def test_an_11_minute_video_fails_tiktok_and_reels() -> None:
    eleven_minutes = _video(11 * 60)
    (tiktok,) = _media_problems("tiktok", [eleven_minutes])
    assert tiktok.code == "media.duration"
    assert (
        tiktok.message
        == "Trim video 1 to 10:00 or less: a TikTok video can't be longer (it is 11:00)."
    )
    (reel,) = _media_problems("instagram", [eleven_minutes], REEL)
    assert reel.code == "media.duration"
    assert "1:30 or less" in reel.message


def test_a_one_minute_vertical_video_passes_tiktok_and_reels() -> None:
    assert _media_problems("tiktok", [_video(60)]) == []
    assert _media_problems("instagram", [_video(60)], REEL) == []


def test_instagram_tiktok_youtube_and_pinterest_need_media() -> None:
    for platform in ("instagram", "tiktok", "youtube", "pinterest"):
        (problem,) = _media_problems(platform, [])
        assert problem.code == "media.missing", platform
        assert problem.blocking
    assert _media_problems("x", []) == []


def test_x_takes_four_images_at_most() -> None:
    (problem,) = _media_problems("x", [_image(1200, 675)] * 5)
    assert problem.code == "media.too_many"
    assert problem.message == "Remove 1 file: X takes at most 4."


def test_x_does_not_mix_images_and_video() -> None:
    codes = [p.code for p in _media_problems("x", [_image(1200, 675), _video(30)])]
    assert codes == ["media.mixed"]


def test_a_webp_is_refused_where_only_jpeg_is_taken() -> None:
    (problem,) = _media_problems(
        "instagram", [_image(1080, 1080, mime_type="image/webp")], FEED
    )
    assert problem.code == "media.format"
    assert (
        problem.message == "Convert image 1 to JPEG: Instagram doesn't take image/webp."
    )


def test_a_large_image_is_refused_with_the_limit() -> None:
    (problem,) = _media_problems("bluesky", [_image(2000, 2000, size_bytes=3_500_000)])
    assert problem.code == "media.too_large"
    assert (
        problem.message
        == "Compress image 1 below 1 MB: Bluesky takes at most 1 MB (it is 3.5 MB)."
    )


def test_missing_alt_text_is_a_warning_where_the_platform_takes_it() -> None:
    (problem,) = _media_problems("mastodon", [_image(1200, 675, alt_text="")])
    assert problem.code == "media.alt_text_missing"
    assert problem.severity is Severity.WARNING
    assert _media_problems("facebook", [_image(1200, 675, alt_text="")]) == []


def test_a_gif_is_refused_where_the_post_type_takes_none() -> None:
    gif = _image(500, 500, kind=MediaKind.GIF, mime_type="image/gif")
    (problem,) = _media_problems("instagram", [gif], FEED)
    assert problem.code == "media.format"


def test_a_youtube_short_must_be_vertical_and_short() -> None:
    shorts = RuleOptions(post_type="shorts")
    codes = [
        p.code for p in _media_problems("youtube", [_video(90, 1920, 1080)], shorts)
    ]
    assert codes == ["media.aspect_ratio", "media.duration"]
    assert _media_problems("youtube", [_video(45)], shorts) == []
