"""Deterministic listening history for tests: nine quiet days about the brand and a rival,
then a burst about a rival's recall in the last hours (a trend the detector must find)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tandem.listen.ingest import ingest
from tandem.listen.records import IngestResult, MentionInput
from tandem.storage import Database

QUIET = (
    "acme boots are comfy on the trail",
    "rival shoes look nice in the shop",
    "acme jacket kept me dry today",
    "rival sale this week, meh",
)
BURST = "rival recall: the battery heater caught fire, awful and dangerous #rivalrecall"


def history(now: datetime, *, days: int = 9, burst: int = 40) -> list[MentionInput]:
    items = []
    start = now - timedelta(days=days)
    for hour in range(days * 24):
        at = start + timedelta(hours=hour, minutes=7)
        for i, text in enumerate(QUIET[hour % 2 :: 2]):
            items.append(
                MentionInput(
                    text=text,
                    created_at=at + timedelta(minutes=i),
                    platform="mastodon",
                    platform_id=f"q{hour}-{i}",
                    author=f"user{(hour + i) % 17}",
                    author_followers=100 + hour % 50,
                )
            )
    for i in range(burst):
        items.append(
            MentionInput(
                text=f"{BURST} ({i})",
                created_at=now - timedelta(hours=5, minutes=-i * 7),
                platform="bluesky",
                platform_id=f"b{i}",
                author=f"witness{i % 9}",
                author_followers=1000 + i,
            )
        )
    return items


def seed_history(db: Database, workspace_id: str, now: datetime) -> IngestResult:
    with db.session() as s:
        return ingest(
            s, workspace_id=workspace_id, mentions=history(now), source="test", now=now
        )
