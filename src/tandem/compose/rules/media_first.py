"""Rules of the platforms where a post is its media: Instagram, TikTok, YouTube and
Pinterest. Each limit cites its source; where sources disagree the stricter value wins
and the comment says so.
"""

from __future__ import annotations

from tandem.compose.rules.model import MediaKindRules, MediaRules, PlatformRules, Unit
from tandem.compose.rules.text_first import GB, JPEG, MB, MINUTE, MP4_MOV

_UTF16 = "characters (UTF-16 code units: an emoji counts 2)"
_INSTAGRAM_SOURCES = (
    "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media",
    "https://www.ayrshare.com/docs/media-guidelines/instagram",
    "https://www.socialsamosa.com/news-2/instagram-hashtags-five-per-post-10923075",
)
# Instagram Graph API image specification: JPEG only, 8 MB, aspect ratio 4:5 to 1.91:1.
# Portrait 4:5 and square fill the feed; wider images are letterboxed (getlate.dev), so
# they draw a warning with the crop to make.
_INSTAGRAM_IMAGE = MediaKindRules(
    10,
    JPEG,
    8 * MB,
    aspect_ratio=(0.8, 1.91),
    aspect_labels=("4:5", "1.91:1"),
    recommended_aspect=(0.8, 1.0),
)


def instagram_rules(post_type: str) -> PlatformRules:
    # Caption 2,200 characters and 20 @-mentions (IG User Media reference). Hashtags:
    # the API says 30, Instagram's December 2025 rule says 5 per post or reel
    # (@creators, reported by socialsamosa.com): the stricter 5 wins.
    return PlatformRules(
        name="instagram",
        label="Instagram",
        post_type=post_type,
        post_label=f"an Instagram {_INSTAGRAM_LABELS[post_type]}",
        post_types=("feed", "reel", "story"),
        text_limit=2200,
        unit=Unit.UTF16,
        unit_description=_UTF16,
        hashtag_limit=5,
        mention_limit=20,
        links_clickable=False,
        supports_first_comment=True,
        media=_INSTAGRAM_MEDIA[post_type],
        sources=_INSTAGRAM_SOURCES,
    )


_INSTAGRAM_LABELS = {"feed": "feed post", "reel": "reel", "story": "story"}
_INSTAGRAM_MEDIA = {
    # Carousels take up to 10 items (IG User Media reference; the app allows 20).
    # Carousel videos: 3-60 s, 100 MB (circleboom.com's copy of the Instagram video spec).
    "feed": MediaRules(
        max_items=10,
        required=True,
        image=_INSTAGRAM_IMAGE,
        video=MediaKindRules(
            10,
            MP4_MOV,
            100 * MB,
            aspect_ratio=(0.8, 16 / 9),
            aspect_labels=("4:5", "16:9"),
            duration=(3.0, 60.0),
        ),
        mixed_kinds=True,
        alt_text=True,
    ),
    # Reels: Meta's reference says 3 s-15 min and 300 MB (ayrshare.com), other guides
    # 1 GB (help.swat.io) and a 90-second cap for API-published reels
    # (docs.letmepost.dev, rapidevelopers.com): the stricter 90 s and 300 MB win.
    # Aspect ratio 0.01:1 to 10:1, 9:16 recommended.
    "reel": MediaRules(
        max_items=1,
        required=True,
        video=MediaKindRules(
            1,
            MP4_MOV,
            300 * MB,
            aspect_ratio=(0.01, 10.0),
            aspect_labels=("1:100", "10:1"),
            recommended_aspect=(9 / 16, 9 / 16),
            duration=(3.0, 90.0),
        ),
    ),
    # Stories: one JPEG (8 MB) or one video of 3-60 s, 100 MB; 9:16 recommended.
    "story": MediaRules(
        max_items=1,
        required=True,
        image=MediaKindRules(1, JPEG, 8 * MB, recommended_aspect=(9 / 16, 9 / 16)),
        video=MediaKindRules(
            1,
            MP4_MOV,
            100 * MB,
            recommended_aspect=(9 / 16, 9 / 16),
            duration=(3.0, 60.0),
        ),
    ),
}


def tiktok_rules(post_type: str) -> PlatformRules:
    # Content Posting API (developers.tiktok.com/doc/content-posting-api-reference-
    # direct-post): a video caption of up to 2,200 UTF-16 runes; a photo post's
    # description up to 4,000. Video: MP4/WebM/MOV, 3-600 s, 9:16 or 16:9
    # (ayrshare.com/docs/media-guidelines/tiktok); size 4 GB per TikTok's media
    # transfer guide, 1 GB or 10 GB per ayrshare's pages: the stricter 1 GB wins.
    # Photos: JPEG/WebP, 20 MB, up to 35.
    video = post_type == "video"
    media = MediaRules(
        max_items=1 if video else 35,
        required=True,
        video=MediaKindRules(
            1,
            frozenset({"video/mp4", "video/webm", "video/quicktime"}),
            1 * GB,
            aspect_ratio=(9 / 16, 16 / 9),
            aspect_labels=("9:16", "16:9"),
            recommended_aspect=(9 / 16, 9 / 16),
            duration=(3.0, 600.0),
        )
        if video
        else None,
        image=None
        if video
        else MediaKindRules(35, frozenset({"image/jpeg", "image/webp"}), 20 * MB),
    )
    return PlatformRules(
        name="tiktok",
        label="TikTok",
        post_type=post_type,
        post_label="a TikTok video" if video else "a TikTok photo post",
        post_types=("video", "photo"),
        text_limit=2200 if video else 4000,
        unit=Unit.UTF16,
        unit_description="characters (UTF-16 runes, as TikTok counts: an emoji counts 2)",
        links_clickable=False,
        media=media,
        sources=(
            "https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide",
            "https://www.ayrshare.com/docs/media-guidelines/tiktok",
        ),
    )


_YOUTUBE_VIDEO_TYPES = frozenset(
    {
        "video/mp4",
        "video/quicktime",
        "video/x-msvideo",
        "video/x-ms-wmv",
        "video/x-flv",
        "video/3gpp",
        "video/webm",
        "video/mpeg",
    }
)


def youtube_rules(post_type: str) -> PlatformRules:
    # YouTube Data API videos resource: snippet.title at most 100 characters,
    # snippet.description at most 5,000 bytes, neither may contain < or >
    # (developers.google.com/youtube/v3/docs/videos). Tandem's post text is the
    # description; `title` is checked separately. Uploads: 256 GB or 12 hours. Shorts:
    # YouTube allows 3 minutes since October 2024, postly.ai still says 60 s: the
    # stricter 60 s wins; square or vertical only. More than 60 hashtags and YouTube
    # ignores them all (YouTube Help, "Hashtags on YouTube").
    shorts = post_type == "shorts"
    video = MediaKindRules(
        1,
        _YOUTUBE_VIDEO_TYPES,
        256 * GB,
        aspect_ratio=(0.01, 1.0) if shorts else None,
        aspect_labels=("", "9:16") if shorts else ("", ""),
        duration=(1.0, 60.0) if shorts else (1.0, 12 * 60 * MINUTE),
    )
    return PlatformRules(
        name="youtube",
        label="YouTube",
        post_type=post_type,
        post_label="a YouTube Short" if shorts else "a YouTube video",
        post_types=("video", "shorts"),
        text_limit=5000,
        unit=Unit.UTF8_BYTES,
        unit_description="bytes of UTF-8 in the description (accents take 2, emoji 4)",
        title_limit=100,
        title_required=True,
        hashtag_limit=60,
        hashtag_limit_blocking=False,
        forbidden_characters="<>",
        supports_first_comment=True,
        media=MediaRules(max_items=1, required=True, video=video),
        sources=(
            "https://developers.google.com/youtube/v3/docs/videos",
            "https://support.google.com/youtube/answer/15424877",
        ),
    )


def pinterest_rules() -> PlatformRules:
    # Pin title 100 and description 500 characters (ayrshare.com/integration/pinterest;
    # Pinterest API v5 pins). Images BMP/JPEG/PNG/TIFF/GIF/WebP, 20 MB (ayrshare) or
    # 32 MB (getlate.dev): 20 MB wins; 2:3 recommended; a carousel of up to 5. Video
    # MP4/MOV/M4V, 4 s-15 min, 1 GB (ayrshare, English) or 2 GB (its translations,
    # getlate): 1 GB wins; aspect 1:2 to 1.91:1. Links in the description are not
    # clickable: the pin's destination link is.
    media = MediaRules(
        max_items=5,
        required=True,
        image=MediaKindRules(
            5,
            frozenset(
                {"image/bmp", "image/jpeg", "image/png", "image/tiff", "image/webp"}
            ),
            20 * MB,
            recommended_aspect=(2 / 3, 2 / 3),
        ),
        gif=MediaKindRules(1, frozenset({"image/gif"}), 20 * MB),
        video=MediaKindRules(
            1,
            frozenset({"video/mp4", "video/quicktime", "video/x-m4v"}),
            1 * GB,
            aspect_ratio=(0.5, 1.91),
            aspect_labels=("1:2", "1.91:1"),
            duration=(4.0, 15 * MINUTE),
        ),
        alt_text=True,
        alt_text_limit=500,
    )
    return PlatformRules(
        name="pinterest",
        label="Pinterest",
        post_type="pin",
        post_label="a Pin",
        post_types=("pin",),
        text_limit=500,
        unit=Unit.UTF16,
        unit_description=_UTF16,
        title_limit=100,
        links_clickable=False,
        media=media,
        sources=(
            "https://developers.pinterest.com/docs/api/v5/pins-create/",
            "https://www.ayrshare.com/docs/media-guidelines/pinterest",
        ),
    )
