"""A deterministic Item factory for pure inbox tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tandem.inbox.model import Item, Status


def make_item(**overrides: Any) -> Item:
    at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    values: dict[str, Any] = {
        "id": "i1",
        "workspace_id": "w1",
        "account_id": "a1",
        "platform": "instagram",
        "platform_id": "p1",
        "kind": "comment",
        "text": "Where is my order?",
        "author_handle": "fan",
        "author_name": "Fan",
        "author_followers": 100,
        "url": "",
        "created_at": at,
        "received_at": at,
        "conversation_id": "p1",
        "in_reply_to": "",
        "post_platform_id": "",
        "published_post_id": None,
        "sentiment": 0.0,
        "polarity": "neutral",
        "intent": "question",
        "language": "en",
        "priority": 45.0,
        "sarcastic": False,
        "status": Status.NEW,
        "assignee_id": None,
        "assignee_role": None,
        "tags": (),
        "hidden": False,
        "edited_at": None,
        "deleted_at": None,
        "first_response_at": None,
        "closed_at": None,
    }
    values.update(overrides)
    return Item(**values)
