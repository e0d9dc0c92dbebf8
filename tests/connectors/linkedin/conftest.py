"""A LinkedInConnector wired to recorded LinkedIn API answers (recordings/)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tandem.connectors.linkedin import LinkedInConnector
from tandem.core.clock import FrozenClock
from tandem.publish.ports import AccountRef
from tests.connectors.replay import Replay, fake_dns

RECORDINGS = Path(__file__).parent / "recordings"
NOW = datetime(2026, 11, 28, 9, 0, 5, tzinfo=UTC)
PAGE = "urn:li:organization:5515715"
PERSON = "urn:li:person:782bbtaQ"


@pytest.fixture
def replay(monkeypatch: pytest.MonkeyPatch) -> Replay:
    fake_dns(
        monkeypatch,
        {"api.linkedin.com": "13.107.42.14", "www.linkedin.com": "13.107.42.14"},
    )
    return Replay(RECORDINGS)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def linkedin(replay: Replay, sleeps: list[float]) -> Iterator[LinkedInConnector]:
    connector = LinkedInConnector(
        transport=replay.transport,
        clock=FrozenClock(NOW),
        sleep=sleeps.append,
        poll_interval=0.25,
    )
    yield connector
    connector.close()


@pytest.fixture
def page() -> AccountRef:
    return AccountRef(
        id="acc-li-page",
        platform="linkedin",
        handle="tandem-demo-co",
        credentials={
            "access_token": "li-token",
            "author_urn": PAGE,
            "person_urn": PERSON,
        },
    )


@pytest.fixture
def member() -> AccountRef:
    return AccountRef(
        id="acc-li-member",
        platform="linkedin",
        handle="Ada Lovelace",
        credentials={
            "access_token": "li-token",
            "author_urn": PERSON,
            "person_urn": PERSON,
        },
    )
