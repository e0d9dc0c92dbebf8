"""A real server on 127.0.0.1 and Debian's Chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from tandem.storage import Database
from tandem.web import create_app
from tests.conftest import skip_or_fail
from tests.support.world import World
from tests.web.conftest import make_settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        skip_or_fail("browser tests need Debian's Chromium: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def live_overrides() -> dict[str, object]:
    """Settings for the live server beyond the defaults (a test module may override this)."""
    return {}


@pytest.fixture
def live_server(
    db: Database, world: World, tmp_path: Path, live_overrides: dict[str, object]
) -> Iterator[str]:
    """The app served over real HTTP by uvicorn in a thread; yields its base URL."""
    port = _free_port()
    app = create_app(
        make_settings(tmp_path, base_url=f"http://127.0.0.1:{port}", **live_overrides),
        database=db,
        clock=world.clock,
    )
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_config=None, access_log=False
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    else:
        pytest.fail("the test server did not start within 10 s")
    yield base
    server.should_exit = True
    thread.join(timeout=10)
