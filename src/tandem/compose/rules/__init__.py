"""How each platform counts and limits a post.

`measure` gives a text's length in a platform's own unit, `validate` lists what would
stop a post (text, title, hashtags, links, media) with a message saying how to fix it,
`rules_for` gives the limits themselves with the documentation they come from.
"""

from tandem.compose.rules.bluesky import bluesky_facets
from tandem.compose.rules.counting import split_graphemes, utf8_length
from tandem.compose.rules.entities import extract
from tandem.compose.rules.model import (
    Entities,
    Entity,
    EntityKind,
    Facet,
    FacetKind,
    MediaKindRules,
    MediaRules,
    PlatformRules,
    RuleOptions,
    TweetParse,
    TwitterConfig,
    Unit,
)
from tandem.compose.rules.platforms import PLATFORMS, rules_for
from tandem.compose.rules.twitter import parse_tweet
from tandem.compose.rules.validation import measure, validate

__all__ = [
    "Entities",
    "Entity",
    "EntityKind",
    "Facet",
    "FacetKind",
    "MediaKindRules",
    "MediaRules",
    "PLATFORMS",
    "PlatformRules",
    "RuleOptions",
    "TweetParse",
    "TwitterConfig",
    "Unit",
    "bluesky_facets",
    "extract",
    "measure",
    "parse_tweet",
    "rules_for",
    "split_graphemes",
    "utf8_length",
    "validate",
]
