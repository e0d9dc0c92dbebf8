"""Rules of the text-first platforms: X, Bluesky, Mastodon, Threads, LinkedIn,
Facebook, Reddit and Google Business Profile. Each limit cites its source; where sources
disagree the stricter value wins and the comment says so.
"""

from __future__ import annotations

from tandem.compose.rules.model import (
    MediaKindRules,
    MediaRules,
    PlatformRules,
    Unit,
)

MB = 1_000_000
MIB = 1024 * 1024
GB = 1_000_000_000
MINUTE = 60.0

JPEG = frozenset({"image/jpeg"})
JPEG_PNG = frozenset({"image/jpeg", "image/png"})
WEB_IMAGES = frozenset({"image/jpeg", "image/png", "image/webp"})
GIF = frozenset({"image/gif"})
MP4_MOV = frozenset({"video/mp4", "video/quicktime"})

_UTF16 = "characters (UTF-16 code units: an emoji counts 2)"


def x_rules() -> PlatformRules:
    # https://docs.x.com/x-api/media (sizes) and
    # https://docs.x.com/x-api/media/quickstart/best-practices: "up to 4 photos,
    # 1 animated GIF or 1 video in a Post"; video 0.5-140 s; alt text 1,000 characters.
    media = MediaRules(
        max_items=4,
        image=MediaKindRules(4, WEB_IMAGES, 5 * MB),
        gif=MediaKindRules(1, GIF, 15 * MB),
        video=MediaKindRules(1, MP4_MOV, 512 * MB, duration=(0.5, 140.0)),
        alt_text=True,
        alt_text_limit=1000,
    )
    return PlatformRules(
        name="x",
        label="X",
        post_type="post",
        post_label="an X post",
        post_types=("post",),
        # 280, 25,000 with Premium (RuleOptions.x_limit); counting: twitter-text config v3.
        text_limit=280,
        unit=Unit.X_WEIGHTED,
        unit_description="weighted characters (twitter-text v3: CJK and emoji count 2)",
        counts_urls_as=23,  # transformedURLLength, twitter-text config v3
        media=media,
        supports_threads=True,
        sources=(
            "https://docs.x.com/x-api/media",
            "https://github.com/twitter/twitter-text",
        ),
    )


def bluesky_rules() -> PlatformRules:
    # Video: the Bluesky announcement (bsky.social/about/blog/09-11-2024-video, updated
    # March 2025) allows 3 minutes and 100 MB; docs.getlate.dev/resources/media-guidelines/
    # bluesky says 60 s: they disagree, the stricter 60 s wins. Images: 4 per post, a
    # 1,000,000-byte blob limit. Video aspect 1:3 to 3:1 (ayrshare.com/docs/
    # media-guidelines/bluesky).
    media = MediaRules(
        max_items=4,
        image=MediaKindRules(4, WEB_IMAGES, 1 * MB),
        gif=MediaKindRules(1, GIF, 1 * MB),
        video=MediaKindRules(
            1,
            frozenset({"video/mp4", "video/mpeg", "video/webm", "video/quicktime"}),
            100 * MB,
            aspect_ratio=(1 / 3, 3.0),
            aspect_labels=("1:3", "3:1"),
            duration=(1.0, 60.0),
        ),
        alt_text=True,
        alt_text_limit=2000,
    )
    return PlatformRules(
        name="bluesky",
        label="Bluesky",
        post_type="post",
        post_label="a Bluesky post",
        post_types=("post",),
        # app.bsky.feed.post text: maxGraphemes 300, maxLength 3000 (bytes of UTF-8).
        text_limit=300,
        byte_limit=3000,
        unit=Unit.GRAPHEMES,
        unit_description="characters (grapheme clusters), and at most 3,000 UTF-8 bytes",
        media=media,
        supports_threads=True,
        sources=(
            "https://docs.bsky.app/docs/advanced-guides/post-richtext",
            "https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/post.json",
        ),
    )


def mastodon_rules() -> PlatformRules:
    # https://docs.joinmastodon.org/user/posting/ : 500 characters by default, links
    # count 23, remote mentions count their username; 4 attachments; the instance reports
    # its own limits (configuration.statuses / media_attachments in /api/v2/instance):
    # mastodon.social reports image_size_limit 16777216 and video_size_limit 103809024.
    media = MediaRules(
        max_items=4,
        image=MediaKindRules(
            4,
            frozenset(
                {"image/jpeg", "image/png", "image/webp", "image/heic", "image/avif"}
            ),
            16 * MIB,
        ),
        gif=MediaKindRules(1, GIF, 16 * MIB),
        video=MediaKindRules(
            1, frozenset({"video/mp4", "video/webm", "video/quicktime"}), 99 * MIB
        ),
        alt_text=True,
        alt_text_limit=1500,
    )
    return PlatformRules(
        name="mastodon",
        label="Mastodon",
        post_type="post",
        post_label="a Mastodon post",
        post_types=("post",),
        text_limit=500,
        unit=Unit.MASTODON,
        unit_description="characters (graphemes; links 23, @user@domain as @user, content warning included)",
        counts_urls_as=23,
        media=media,
        supports_threads=True,
        sources=(
            "https://docs.joinmastodon.org/user/posting/",
            "https://github.com/mastodon/mastodon/blob/main/app/validators/status_length_validator.rb",
        ),
    )


def threads_rules() -> PlatformRules:
    # https://developers.facebook.com/documentation/threads/posts : 500 characters,
    # "Emojis are counted as the number of UTF-8 bytes". Links: more than 5 fail
    # (THREADS_API__LINK_LIMIT_EXCEEDED, .../create-posts/text-attachments). Media
    # (ayrshare.com/docs/media-guidelines/threads): JPEG/PNG 8 MB, aspect up to 10:1;
    # video MOV/MP4, 5 minutes, 1 GB; carousels of up to 20. One topic tag per post
    # (further hashtags stay plain text, so it is a warning).
    media = MediaRules(
        max_items=20,
        image=MediaKindRules(20, JPEG_PNG, 8 * MB, (0.1, 10.0), ("1:10", "10:1")),
        video=MediaKindRules(
            20, MP4_MOV, 1 * GB, (0.01, 10.0), ("1:100", "10:1"), duration=(1.0, 300.0)
        ),
        mixed_kinds=True,
        alt_text=True,
    )
    return PlatformRules(
        name="threads",
        label="Threads",
        post_type="post",
        post_label="a Threads post",
        post_types=("post",),
        text_limit=500,
        unit=Unit.THREADS,
        unit_description="characters, each emoji counting its UTF-8 bytes (usually 4)",
        hashtag_limit=1,
        hashtag_limit_blocking=False,
        link_limit=5,
        media=media,
        supports_threads=True,
        sources=(
            "https://developers.facebook.com/documentation/threads/posts",
            "https://developers.facebook.com/documentation/threads/create-posts/text-attachments",
        ),
    )


def linkedin_rules(post_type: str) -> PlatformRules:
    # Posts API commentary: 3,000 characters (both member and organization authors).
    # Media (ayrshare.com/docs/media-guidelines/linkedin; LinkedIn's Images and Videos
    # APIs): JPG/PNG/GIF, 5 MB (orshot.com says 8 MB: the stricter 5 MB wins); up to 20
    # images in a multi-image post; MP4, 3 s to 30 min, 500 MB, aspect 1:2.4 to 2.4:1.
    media = MediaRules(
        max_items=20,
        image=MediaKindRules(20, JPEG_PNG, 5 * MB),
        gif=MediaKindRules(1, GIF, 5 * MB),
        video=MediaKindRules(
            1,
            frozenset({"video/mp4"}),
            500 * MB,
            (1 / 2.4, 2.4),
            ("1:2.4", "2.4:1"),
            duration=(3.0, 30 * MINUTE),
        ),
        alt_text=True,
    )
    author = "member profile" if post_type == "member" else "Page"
    return PlatformRules(
        name="linkedin",
        label="LinkedIn",
        post_type=post_type,
        post_label=f"a LinkedIn {author} post",
        post_types=("member", "page"),
        text_limit=3000,
        unit=Unit.UTF16,
        unit_description=_UTF16,
        media=media,
        supports_first_comment=True,
        sources=(
            "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api",
            "https://www.ayrshare.com/docs/media-guidelines/linkedin",
        ),
    )


def facebook_rules() -> PlatformRules:
    # Page posts: 63,206 characters. Images up to 10, JPEG/PNG/GIF/WebP, 4 MB
    # (docs.letmepost.dev/platforms/facebook, docs.post-mate.com; octopost.ink says
    # 10 MB: the stricter 4 MB wins). Video MP4/MOV up to 240 minutes; 10 GB
    # (post-mate, octopost) against 4 GB (letmepost): 4 GB wins.
    media = MediaRules(
        max_items=10,
        image=MediaKindRules(10, WEB_IMAGES, 4 * MB),
        gif=MediaKindRules(1, GIF, 4 * MB),
        video=MediaKindRules(1, MP4_MOV, 4 * GB, duration=(1.0, 240 * MINUTE)),
    )
    return PlatformRules(
        name="facebook",
        label="Facebook",
        post_type="page",
        post_label="a Facebook Page post",
        post_types=("page",),
        text_limit=63206,
        unit=Unit.UTF16,
        unit_description=_UTF16,
        media=media,
        supports_first_comment=True,
        sources=(
            "https://developers.facebook.com/docs/pages-api/posts",
            "https://docs.letmepost.dev/platforms/facebook",
        ),
    )


def reddit_rules() -> PlatformRules:
    # Title 300 characters, text body 40,000 (orshot.com/docs/publish/
    # social-posting-guidelines; Reddit's submit form). Images JPEG/PNG/GIF 20 MB, up to
    # 20 in a gallery; video MP4/MOV up to 15 minutes and 1 GB (Reddit Help, "Uploading
    # videos"). docs.getlate.dev/resources/media-guidelines/reddit notes third-party
    # video uploads may be refused: video is allowed here, the connector decides.
    media = MediaRules(
        max_items=20,
        image=MediaKindRules(20, JPEG_PNG, 20 * MB),
        gif=MediaKindRules(1, GIF, 20 * MB),
        video=MediaKindRules(1, MP4_MOV, 1 * GB, duration=(1.0, 15 * MINUTE)),
    )
    return PlatformRules(
        name="reddit",
        label="Reddit",
        post_type="post",
        post_label="a Reddit post",
        post_types=("post",),
        text_limit=40000,
        unit=Unit.UTF16,
        unit_description=_UTF16,
        title_limit=300,
        title_required=True,
        media=media,
        supports_first_comment=True,
        sources=(
            "https://orshot.com/docs/publish/social-posting-guidelines",
            "https://docs.getlate.dev/resources/media-guidelines/reddit",
        ),
    )


def google_business_rules() -> PlatformRules:
    # Local post summary: 1,500 characters. One photo, JPG/PNG, 10 KB to 5 MB, at least
    # 250 x 250 (ayrshare.com/docs/media-guidelines/google_business_profile,
    # docs.getlate.dev/resources/media-guidelines/google-business). Video: ayrshare
    # allows 30 s / 26 MB, getlate says posts take no video: the stricter wins, no video.
    # Links in the summary are not clickable: a call-to-action button carries the link.
    media = MediaRules(max_items=1, image=MediaKindRules(1, JPEG_PNG, 5 * MB))
    return PlatformRules(
        name="google_business",
        label="Google Business Profile",
        post_type="update",
        post_label="a Google Business Profile update",
        post_types=("update",),
        text_limit=1500,
        unit=Unit.UTF16,
        unit_description=_UTF16,
        links_clickable=False,
        media=media,
        sources=(
            "https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts",
            "https://www.ayrshare.com/docs/media-guidelines/google_business_profile",
        ),
    )
