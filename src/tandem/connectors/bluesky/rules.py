"""Bluesky's limits as Tandem applies them, each with its source.

The composer already checks the 300-grapheme text limit; the PDS validates every record
against the lexicons again, so these constants only decide what we refuse *before* sending.
"""

from __future__ import annotations

API_ROOT = "https://bsky.social"  # the entryway PDS that hosts most accounts
WEB_ROOT = "https://bsky.app"  # post URLs: <WEB_ROOT>/profile/<handle>/post/<rkey>

POST_COLLECTION = "app.bsky.feed.post"

# app.bsky.feed.post lexicon: text maxGraphemes 300, maxLength 3000 (bytes).
# https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/post.json
MAX_GRAPHEMES = 300

# app.bsky.embed.images lexicon: at most 4 images, each blob maxSize 1000000 bytes.
# https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/embed/images.json
MAX_IMAGES = 4
MAX_IMAGE_BYTES = 1_000_000

# app.bsky.embed.video lexicon: one video/mp4, blob maxSize 100000000. Each PDS also caps any
# upload (52,428,800 bytes on Bluesky's hosts, per the rate-limits guide); that refusal comes
# back from uploadBlob as a PERMANENT error in the server's words.
# https://docs.bsky.app/docs/tutorials/video, https://docs.bsky.app/docs/advanced-guides/rate-limits
MAX_VIDEO_BYTES = 100_000_000

# app.bsky.richtext.facet#tag: maxLength 640 bytes, maxGraphemes 64.
MAX_TAG_GRAPHEMES = 64

# app.bsky.feed.getPosts takes at most 25 URIs per call.
GET_POSTS_BATCH = 25
# app.bsky.feed.searchPosts and listNotifications page sizes: 1..100.
PAGE_LIMIT = 100
# How far back recent_posts/interactions page before giving up (bounded work per call).
MAX_PAGES = 10

MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".mp4": "video/mp4",
}
