"""A `ThreadsConnector` wired to recorded Threads API answers (tests/connectors/replay.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tandem.connectors.threads import ThreadsConnector
from tandem.publish.ports import AccountRef
from tests.connectors.replay import Replay, fake_dns

RECORDINGS = Path(__file__).parent / "recordings"
USER_ID = "25000000000000001"
CONTAINER = "17890000000000101"
MEDIA_ID = "18040000000000001"
TOKEN = "THQVJlong"
MEDIA_ROOT = "https://media.tandem.example/m/"


@pytest.fixture(autouse=True)
def _threads_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    # Meta's public address range, so the private-address guard runs offline.
    fake_dns(monkeypatch, {"graph.threads.net": "157.240.9.174"})


@pytest.fixture
def replay() -> Iterator[Replay]:
    recorded = Replay(RECORDINGS)
    yield recorded
    recorded.assert_done()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def connector(replay: Replay, sleeps: list[float]) -> Iterator[ThreadsConnector]:
    with ThreadsConnector(
        transport=replay.transport,
        timeout=2.0,
        poll_interval=0.5,
        poll_attempts=3,
        media_url_for=lambda path: MEDIA_ROOT + Path(path).name,
        sleep=sleeps.append,
    ) as client:
        yield client


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(
        id="acc-crumb-th",
        platform="threads",
        handle="crumbbakery",
        credentials={"access_token": TOKEN, "user_id": USER_ID},
    )
