"""A `FacebookConnector` wired to recorded Graph API answers (tests/connectors/replay.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tandem.connectors.facebook import FacebookConnector
from tandem.publish.ports import AccountRef
from tests.connectors.replay import Replay, fake_dns

RECORDINGS = Path(__file__).parent / "recordings"
PAGE_ID = "104857600000001"
POST_ID = f"{PAGE_ID}_122100000000000001"
PAGE_TOKEN = "EAApage0001"


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
def connector(replay: Replay) -> Iterator[FacebookConnector]:
    with FacebookConnector(transport=replay.transport, timeout=2.0) as client:
        yield client


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(
        id="acc-crumb-fb",
        platform="facebook",
        handle="crumbbakery",
        credentials={
            "access_token": "EAAlong0000",
            "page_id": PAGE_ID,
            "page_access_token": PAGE_TOKEN,
        },
    )
