"""A real AT Protocol network on 127.0.0.1 (scripts/bluesky-network start): PLC, PDS and the
Bluesky AppView. Tests skip without TANDEM_TEST_BLUESKY_PDS and fail instead under
TANDEM_REQUIRE_ALL=1.

Each test run creates its own accounts (`<name>-<pid>-<n>.test`): the network outlives a run,
and handles must be unique on it.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest

from tandem.connectors.bluesky import BlueskyConnector
from tandem.publish.ports import AccountRef, TokenSet
from tests.conftest import skip_or_fail

PDS_ENV = "TANDEM_TEST_BLUESKY_PDS"
APPVIEW_ENV = "TANDEM_TEST_BLUESKY_APPVIEW"
_serial = itertools.count(1)
T = TypeVar("T")


@dataclass(frozen=True)
class Network:
    pds: str
    appview: str


@dataclass(frozen=True)
class Member:
    """An account on the local network, connected through the connector like a user would."""

    handle: str
    did: str
    password: (
        str  # the main password (createAccount); Tandem only ever sees the app password
    )
    app_password: str
    tokens: TokenSet
    account: AccountRef


@pytest.fixture(scope="session")
def network() -> Network:
    pds, appview = os.environ.get(PDS_ENV), os.environ.get(APPVIEW_ENV)
    if not pds or not appview:
        skip_or_fail(
            f"Bluesky end-to-end tests need {PDS_ENV} and {APPVIEW_ENV} "
            "(start the network: scripts/bluesky-network start; source /tmp/bsky-net/env)"
        )
    assert pds and appview
    return Network(pds.rstrip("/"), appview.rstrip("/"))


@pytest.fixture
def connector(network: Network) -> Iterator[BlueskyConnector]:
    with BlueskyConnector(network.pds, timeout=10.0, allow_private=True) as client:
        yield client


@pytest.fixture
def xrpc(network: Network) -> Iterator[httpx.Client]:
    """Plain httpx for what a test does outside Tandem (create accounts, like, follow)."""
    with httpx.Client(base_url=f"{network.pds}/xrpc/", timeout=10.0) as client:
        yield client


def call(client: httpx.Client, nsid: str, token: str = "", **body: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post(nsid, json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json() if response.content else {}


@pytest.fixture
def make_member(
    xrpc: httpx.Client, connector: BlueskyConnector, network: Network
) -> Callable[[str], Member]:
    def make(name: str) -> Member:
        handle = f"{name}-{os.getpid()}-{next(_serial)}.test"
        password = f"main-password-{name}"
        created = call(
            xrpc,
            "com.atproto.server.createAccount",
            handle=handle,
            email=f"{handle}@example.com",
            password=password,
        )
        app = call(
            xrpc,
            "com.atproto.server.createAppPassword",
            created["accessJwt"],
            name="tandem",
        )
        tokens = connector.login(network.pds, handle, app["password"])
        account = AccountRef(
            id=f"acc-{handle}",
            platform="bluesky",
            handle=handle,
            credentials=tokens.as_credentials(),
        )
        return Member(
            handle, created["did"], password, app["password"], tokens, account
        )

    return make


def eventually(
    probe: Callable[[], T | None], *, timeout: float = 60.0, every: float = 0.2
) -> T:
    """The AppView indexes from the PDS's firehose asynchronously: poll, with a bound
    (usually well under a second; a minute when the CI machine is loaded)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {probe}")
        time.sleep(every)


def get_record(xrpc: httpx.Client, uri: str) -> dict[str, Any]:
    repo, collection, rkey = uri.removeprefix("at://").split("/")
    response = xrpc.get(
        "com.atproto.repo.getRecord",
        params={"repo": repo, "collection": collection, "rkey": rkey},
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["value"])


def record_exists(xrpc: httpx.Client, uri: str) -> bool:
    repo, collection, rkey = uri.removeprefix("at://").split("/")
    response = xrpc.get(
        "com.atproto.repo.getRecord",
        params={"repo": repo, "collection": collection, "rkey": rkey},
    )
    return response.status_code == 200
