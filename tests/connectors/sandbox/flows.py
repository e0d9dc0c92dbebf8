"""Shared steps for the Sandbox's conversation tests."""

from __future__ import annotations

from tandem.connectors.sandbox import SandboxPublisher
from tandem.connectors.sandbox.process import SandboxServer
from tandem.inbox.ports import Interaction
from tandem.publish.ports import AccountRef, OutboundPost

DAY = 86400


def outbound(text: str) -> OutboundPost:
    return OutboundPost(parts=(text,), fingerprint=f"fp-{text}")


def advance(sandbox: SandboxServer, seconds: float) -> None:
    sandbox.control("clock", {"advance_seconds": seconds})


def drain(
    publisher: SandboxPublisher, account: AccountRef, cursor: str | None = None
) -> tuple[list[Interaction], str | None]:
    """Every page until the cursor stops moving, as an ingester would read them."""
    seen: list[Interaction] = []
    for _ in range(100):
        page = publisher.interactions(account, cursor=cursor)
        seen += page.items
        if not page.items:
            return seen, cursor
        cursor = page.cursor
    raise AssertionError("the cursor never settled")
