"""An XConnector wired to recorded X API v2 answers (tests/connectors/x/recordings)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tandem.connectors.x import XConnector
from tandem.core.clock import FrozenClock
from tandem.publish.ports import AccountRef
from tests.connectors.replay import Replay, fake_dns

RECORDINGS = Path(__file__).parent / "recordings"
NOW = datetime(2026, 11, 28, 9, 0, 5, tzinfo=UTC)


@pytest.fixture
def replay(monkeypatch: pytest.MonkeyPatch) -> Replay:
    fake_dns(monkeypatch, {"api.x.com": "104.244.42.1", "x.com": "104.244.42.65"})
    return Replay(RECORDINGS)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def x(replay: Replay, sleeps: list[float]) -> Iterator[XConnector]:
    connector = XConnector(
        transport=replay.transport,
        clock=FrozenClock(NOW),
        sleep=sleeps.append,
        poll_interval=0.5,
    )
    yield connector
    connector.close()


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(
        id="acc-x-1",
        platform="x",
        handle="@brandco",
        credentials={
            "access_token": "user-token-1",
            "refresh_token": "refresh-1",
            "user_id": "2244994945",
            "username": "brandco",
        },
    )
