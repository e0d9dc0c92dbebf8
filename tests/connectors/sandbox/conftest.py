"""A real Sandbox server in a subprocess per test module, on a free loopback port."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tandem.connectors.sandbox import SandboxPublisher
from tandem.connectors.sandbox.process import SandboxServer, free_port  # noqa: F401  (re-exported)
from tandem.publish.ports import AccountRef


@pytest.fixture(scope="module")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    server = SandboxServer(
        tmp_path_factory.mktemp("sandbox") / "sandbox.db", free_port()
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    """The module's server, emptied and with faults off."""
    sandbox_server.control("reset")
    return sandbox_server


@pytest.fixture
def publisher(sandbox: SandboxServer) -> Iterator[SandboxPublisher]:
    with SandboxPublisher(sandbox.url, timeout=2.0) as client:
        yield client


@pytest.fixture
def account_factory() -> Callable[..., AccountRef]:
    def make(handle: str = "brand", token: str = "t0ken") -> AccountRef:
        return AccountRef(
            id=f"acc-{handle}",
            platform="sandbox",
            handle=handle,
            credentials={"token": token},
        )

    return make


@pytest.fixture
def quiet(sandbox: SandboxServer) -> SandboxServer:
    """No mentions, so counts depend on posts alone."""
    sandbox.control("audience", {"mentions_per_hour": 0})
    return sandbox
