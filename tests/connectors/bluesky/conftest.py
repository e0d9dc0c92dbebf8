"""A `BlueskyConnector` wired to recorded XRPC answers (tests/connectors/replay.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tandem.connectors.bluesky import BlueskyConnector
from tandem.core import FrozenClock
from tandem.publish.ports import AccountRef
from tests.connectors.replay import Replay

RECORDINGS = Path(__file__).parent / "recordings"
PDS = "https://morel.us-east.host.bsky.network"
DID = "did:plc:tandemcoffeeroastersabcd"
BOB = "did:plc:bobreplieseveryday234567"
TOKEN = "access-jwt-1"
NOW = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def replay() -> Iterator[Replay]:
    recorded = Replay(RECORDINGS)
    yield recorded
    recorded.assert_done()


@pytest.fixture
def connector(replay: Replay) -> Iterator[BlueskyConnector]:
    with BlueskyConnector(
        transport=replay.transport, timeout=2.0, clock=FrozenClock(NOW)
    ) as client:
        yield client


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(
        id="acc-bluesky-1",
        platform="bluesky",
        handle="tandem.coffee",
        credentials={
            "access_token": TOKEN,
            "refresh_token": "refresh-jwt-1",
            "did": DID,
            "handle": "tandem.coffee",
            "pds_url": PDS,
            "langs": "en",
        },
    )


def created(rkey: str, cid: str = "") -> dict[str, object]:
    """A createRecord answer for another record key (a thread's later parts)."""
    return {
        "uri": f"at://{DID}/app.bsky.feed.post/{rkey}",
        "cid": cid or f"bafyrei{rkey}",
        "commit": {"cid": "bafyreicommit", "rev": "3kreq2ab6ld2s"},
        "validationStatus": "valid",
    }
