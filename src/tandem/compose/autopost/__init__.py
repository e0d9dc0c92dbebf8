"""RSS/Atom auto-posting: watch a feed, turn each new entry into a draft or a queued post from
a template, never twice (docs/autopost.md)."""

from tandem.compose.autopost.actions import (
    FeedDetail,
    add_feed,
    delete_feed,
    feed_detail,
    parse_mode,
    update_feed,
)
from tandem.compose.autopost.jobs import (
    feed_client,
    options_for,
    poll_due_feeds,
    poll_feed,
    poll_feeds,
)
from tandem.compose.autopost.model import (
    DEFAULT_TEMPLATE,
    TEMPLATE_FIELDS,
    Feed,
    FeedInput,
    FeedItem,
    ItemStatus,
    Mode,
    PollResult,
)
from tandem.compose.autopost.polling import (
    PollOptions,
    fetch_and_parse,
    finish_poll,
    start_poll,
)
from tandem.compose.autopost.store import POLL_FEEDS, feeds_in

__all__ = [
    "DEFAULT_TEMPLATE",
    "POLL_FEEDS",
    "TEMPLATE_FIELDS",
    "Feed",
    "FeedDetail",
    "FeedInput",
    "FeedItem",
    "ItemStatus",
    "Mode",
    "PollOptions",
    "PollResult",
    "add_feed",
    "delete_feed",
    "feed_client",
    "feed_detail",
    "feeds_in",
    "fetch_and_parse",
    "finish_poll",
    "options_for",
    "parse_mode",
    "poll_due_feeds",
    "poll_feed",
    "poll_feeds",
    "start_poll",
    "update_feed",
]
