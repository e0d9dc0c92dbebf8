"""What listening needs from a platform connector: public search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tandem.publish.ports import AccountRef


@dataclass(frozen=True)
class FoundPost:
    platform: str
    platform_post_id: str
    text: str
    author_handle: str
    created_at: datetime
    url: str = ""
    author_followers: int | None = None
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    language: str = ""


class Searcher(Protocol):
    def search(
        self,
        account: AccountRef,
        query: str,
        *,
        since: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[FoundPost]: ...
