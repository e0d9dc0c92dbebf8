"""An `InstagramConnector` wired to recorded Graph API answers (tests/connectors/replay.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tandem.connectors.instagram import InstagramConnector
from tandem.publish.ports import AccountRef
from tests.connectors.replay import Replay, fake_dns

RECORDINGS = Path(__file__).parent / "recordings"
IG_ID = "17841400000000001"
CONTAINER = "17890000000000001"
MEDIA_ID = "17920000000000001"
TOKEN = "EAAlong0000"
MEDIA_ROOT = "https://media.tandem.example/m/"


@pytest.fixture(autouse=True)
def _meta_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    # Meta's public addresses (157.240.0.0/16), so the private-address guard runs offline.
    fake_dns(
        monkeypatch,
        {
            "graph.facebook.com": "157.240.1.35",
            "graph-video.facebook.com": "157.240.1.36",
        },
    )


@pytest.fixture
def replay() -> Iterator[Replay]:
    recorded = Replay(RECORDINGS)
    yield recorded
    recorded.assert_done()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def connector(replay: Replay, sleeps: list[float]) -> Iterator[InstagramConnector]:
    with InstagramConnector(
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
        id="acc-crumb-ig",
        platform="instagram",
        handle="crumbbakery",
        credentials={
            "access_token": TOKEN,
            "ig_user_id": IG_ID,
            "page_id": "104857600000001",
        },
    )
