"""A `MastodonConnector` wired to recorded instance answers (tests/connectors/replay.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tandem.connectors.mastodon import MastodonConnector
from tandem.publish.ports import AccountRef
from tests.connectors.replay import Replay

RECORDINGS = Path(__file__).parent / "recordings"
INSTANCE = "https://mastodon.example"
OWN_ID = "109302474224412307"
TOKEN = "tok-tandem-1"


@pytest.fixture
def replay() -> Iterator[Replay]:
    recorded = Replay(RECORDINGS)
    yield recorded
    recorded.assert_done()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def connector(replay: Replay, sleeps: list[float]) -> Iterator[MastodonConnector]:
    with MastodonConnector(
        "https://default.example",
        transport=replay.transport,
        timeout=2.0,
        poll_interval=0.5,
        max_media_polls=3,
        sleep=sleeps.append,
    ) as client:
        yield client


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(
        id="acc-mastodon-1",
        platform="mastodon",
        handle="tandem@mastodon.example",
        credentials={"access_token": TOKEN, "base_url": INSTANCE, "account_id": OWN_ID},
    )


def status_answer(replay: Replay, status_id: str, **fields: Any) -> dict[str, Any]:
    """The recorded created status with another id (a thread's later parts)."""
    body: dict[str, Any] = replay.load("status_created")["response"]["json"]
    body.update(id=status_id, url=f"{INSTANCE}/@tandem/{status_id}", **fields)
    return body
