"""Platform name -> connector factory. Add a platform by adding its factory here.

A factory takes the connector's options (strings, as they come from configuration) and
returns a `Publisher`. Unknown options are ignored so one options mapping can serve all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Protocol

from tandem.connectors.sandbox import SandboxPublisher
from tandem.connectors.sandbox.client import DEFAULT_TIMEOUT
from tandem.publish.ports import Publisher

# Until settings.py has a field for it, the Sandbox's address comes from the environment.
SANDBOX_URL_ENV = "TANDEM_SANDBOX_URL"
SANDBOX_DEFAULT_URL = "http://127.0.0.1:8780"


class ConnectorFactory(Protocol):
    def __call__(self, options: Mapping[str, str]) -> Publisher: ...


class UnknownPlatform(LookupError):
    def __init__(self, platform: str) -> None:
        super().__init__(
            f"No connector for platform {platform!r}; known: {', '.join(sorted(CONNECTORS))}."
        )
        self.platform = platform


def sandbox(options: Mapping[str, str]) -> Publisher:
    """Options: `base_url` (default $TANDEM_SANDBOX_URL, else 127.0.0.1:8780), `timeout`."""
    base_url = options.get("base_url") or os.environ.get(
        SANDBOX_URL_ENV, SANDBOX_DEFAULT_URL
    )
    timeout = float(options.get("timeout", DEFAULT_TIMEOUT))
    # Our own network needs no real credentials: any token but "revoked…" is accepted, so an
    # account without a stored token publishes under its handle.
    return SandboxPublisher(
        base_url,
        token_for=lambda account: (
            account.credentials.get("token") or f"sandbox:{account.handle}"
        ),
        timeout=timeout,
    )


CONNECTORS: dict[str, ConnectorFactory] = {
    "sandbox": sandbox,
}


def publisher_for(platform: str, options: Mapping[str, str] | None = None) -> Publisher:
    try:
        factory = CONNECTORS[platform]
    except KeyError:
        raise UnknownPlatform(platform) from None
    return factory(options or {})
