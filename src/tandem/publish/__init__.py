"""Connected social accounts and what was published to them (schedules arrive with Publish)."""

from tandem.publish import store
from tandem.publish.model import (
    AccountHealth,
    PostPerformance,
    PublishedPost,
    SocialAccount,
)

__all__ = [
    "AccountHealth",
    "PostPerformance",
    "PublishedPost",
    "SocialAccount",
    "store",
]
