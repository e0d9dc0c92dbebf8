"""The registry builds the Meta connectors from configuration strings."""

from __future__ import annotations

import pytest

from tandem.connectors.facebook import FacebookConnector
from tandem.connectors.instagram import InstagramConnector
from tandem.connectors.registry import publisher_for
from tandem.connectors.threads import ThreadsConnector


@pytest.mark.parametrize(
    ("platform", "cls", "root", "version"),
    [
        ("facebook", FacebookConnector, "https://graph.facebook.com", "v26.0"),
        ("instagram", InstagramConnector, "https://graph.facebook.com", "v26.0"),
        ("threads", ThreadsConnector, "https://graph.threads.net", "v1.0"),
    ],
)
def test_each_meta_platform_has_a_factory(
    platform: str, cls: type, root: str, version: str
) -> None:
    default = publisher_for(platform, {"base_url": "http://127.0.0.1:8780"})
    assert isinstance(default, cls)
    assert (default.graph.root, default.graph.version) == (root, version)  # type: ignore[attr-defined]

    recorded = publisher_for(platform, {"api_url": "https://meta.test", "timeout": "3"})
    assert recorded.graph.root == "https://meta.test"  # type: ignore[attr-defined]
