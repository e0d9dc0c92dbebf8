"""Create: briefs tailored into per-platform variants, checked by exact platform rules and the
brand kit, reviewed, and placed on the calendar.

The counting API is public and used by the UI, the REST API and the tests alike:
`measure(platform, text)`, `validate(platform, text, media=())` and `extract(text)`.
"""

from tandem.compose.model import (
    Brief,
    BriefDetail,
    BriefStatus,
    Comment,
    Variant,
    VariantCheck,
)
from tandem.compose.rules import (
    PLATFORMS,
    Entities,
    Entity,
    PlatformRules,
    RuleOptions,
    bluesky_facets,
    extract,
    measure,
    rules_for,
    validate,
)
from tandem.compose.tailor import Tailored, Target, tailor

__all__ = [
    "PLATFORMS",
    "Brief",
    "BriefDetail",
    "BriefStatus",
    "Comment",
    "Entities",
    "Entity",
    "PlatformRules",
    "RuleOptions",
    "Tailored",
    "Target",
    "Variant",
    "VariantCheck",
    "bluesky_facets",
    "extract",
    "measure",
    "rules_for",
    "tailor",
    "validate",
]
