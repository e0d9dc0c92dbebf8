"""Post copy for Demo Brand (everyday outdoor gear) in each platform's register."""

from __future__ import annotations

import random

from tandem.core import slugify
from tandem.sim.model import ContentType, PlatformStyle

# (subject, hashtag group) pairs; the group picks on-topic hashtags, as a brand kit would.
TOPICS: tuple[tuple[str, str], ...] = (
    ("the Trail Bottle in three new colours", "product"),
    ("packing light for a weekend in the hills", "howto"),
    ("repairing a jacket instead of replacing it", "repair"),
    ("a morning in our Berlin workshop", "behindthescenes"),
    ("how we test every seam before it ships", "behindthescenes"),
    ("five things we always carry on a day hike", "howto"),
    ("the Ridge Pack restock", "product"),
    ("what our customers took to the Alps this month", "community"),
    ("our free repair days, now in four cities", "repair"),
    ("choosing a sleeping bag for autumn nights", "howto"),
    ("the people who sew our packs", "behindthescenes"),
    ("a reader's photo from the Baltic coast", "community"),
    ("why we switched to recycled nylon", "sustainability"),
    ("the Summit Mug, now with a lid that stays on", "product"),
    ("leaving no trace at the campsite", "sustainability"),
    ("a rainy-day checklist", "howto"),
)

HASHTAGS: dict[str, tuple[str, ...]] = {
    "product": ("#NewIn", "#OutdoorGear", "#TrailReady", "#GearUp"),
    "howto": ("#HikingTips", "#PackLight", "#Outdoors", "#Weekend"),
    "repair": ("#RepairDontReplace", "#RightToRepair", "#BuyLess", "#Mending"),
    "behindthescenes": ("#MadeInBerlin", "#Workshop", "#Craft", "#MeetTheMaker"),
    "community": ("#YourAdventures", "#Community", "#OutdoorLife", "#Explore"),
    "sustainability": (
        "#Sustainability",
        "#CircularDesign",
        "#LeaveNoTrace",
        "#Recycled",
    ),
}
BRAND_TAG = "#DemoBrand"

_OPENERS: dict[PlatformStyle, tuple[str, ...]] = {
    PlatformStyle.INSTAGRAM: (
        "New on the feed:",
        "Swipe for",
        "Just in:",
        "Saturday mood:",
    ),
    PlatformStyle.LINKEDIN: (
        "A note from the team on",
        "What we learned from",
        "Behind the numbers:",
        "We are proud to share",
    ),
    PlatformStyle.X: ("Quick one:", "Today:", "Heads up:", "Thread soon on"),
    PlatformStyle.BLUESKY: (
        "Hello Bluesky, here is",
        "Sharing",
        "A small thing we love:",
        "Today:",
    ),
}
_CLOSERS: dict[ContentType, tuple[str, ...]] = {
    ContentType.TEXT: ("What would you add?", "Tell us below.", "More soon."),
    ContentType.IMAGE: (
        "Photo by our team.",
        "Which colour is yours?",
        "Shot on a real trail.",
    ),
    ContentType.VIDEO: ("Watch to the end.", "Sound on.", "60 seconds, no filter."),
    ContentType.LINK: (
        "Read the full story:",
        "The details are on our journal:",
        "Read more:",
    ),
}
_LINKEDIN_BODY = (
    "It took us a year of testing and a lot of customer feedback to get here.",
    "Small teams can make durable things, and we want to show how.",
    "Thank you to everyone who sent us ideas and honest criticism.",
)


def post_text(
    rng: random.Random,
    style: PlatformStyle,
    content_type: ContentType,
    hashtags: int,
    website: str,
) -> str:
    subject, group = rng.choice(TOPICS)
    parts = [f"{rng.choice(_OPENERS[style])} {subject}."]
    if style is PlatformStyle.LINKEDIN:
        parts.append(rng.choice(_LINKEDIN_BODY))
    parts.append(rng.choice(_CLOSERS[content_type]))
    if content_type is ContentType.LINK:
        parts.append(f"{website}/journal/{slugify(subject, max_length=60)}")
    tags = [
        BRAND_TAG,
        *rng.sample(HASHTAGS[group], min(hashtags, len(HASHTAGS[group]))),
    ]
    separator = (
        "\n\n" if style in (PlatformStyle.INSTAGRAM, PlatformStyle.LINKEDIN) else " "
    )
    return separator.join([" ".join(parts), " ".join(tags)])
