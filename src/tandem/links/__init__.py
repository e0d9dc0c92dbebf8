"""Tracked links: UTM conventions, short links, clicks, QR codes."""

from tandem.links import actions, store
from tandem.links.actions import (
    SHIP_LINK_CLICKS,
    create_link,
    follow_link,
    preview_link,
    ship_clicks,
)
from tandem.links.bots import bot_reason, user_agent_family
from tandem.links.jobs import ship_link_clicks
from tandem.links.model import (
    CHANNELS,
    LINK_SORTS,
    BotReason,
    Channel,
    Click,
    ClickCounts,
    DayCount,
    LinkQuery,
    LinkStats,
    Platform,
    TrackedLink,
    TrackedUrl,
    UtmTags,
    Visit,
    parse_platform,
    short_url,
)
from tandem.links.qr import qr_png, qr_svg
from tandem.links.utm import (
    build_tracked_url,
    check_destination,
    tracked_url,
    utm_value,
)

__all__ = [
    "CHANNELS",
    "LINK_SORTS",
    "SHIP_LINK_CLICKS",
    "BotReason",
    "Channel",
    "Click",
    "ClickCounts",
    "DayCount",
    "LinkQuery",
    "LinkStats",
    "Platform",
    "TrackedLink",
    "TrackedUrl",
    "UtmTags",
    "Visit",
    "actions",
    "bot_reason",
    "build_tracked_url",
    "check_destination",
    "create_link",
    "follow_link",
    "parse_platform",
    "preview_link",
    "qr_png",
    "qr_svg",
    "ship_clicks",
    "ship_link_clicks",
    "short_url",
    "store",
    "tracked_url",
    "user_agent_family",
    "utm_value",
]
