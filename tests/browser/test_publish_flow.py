"""Journey 3 in a real browser: connect a Sandbox account through OAuth, schedule a post and
watch it publish; then a forced failure surfaces with the platform's words and a retry
publishes it. The Sandbox runs as its own process; a worker thread publishes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from tandem.accounts import Role
from tandem.connectors.sandbox.process import SandboxServer, free_port
from tandem.jobs.publishing import policy_for, publish_next, publishers_for
from tests.browser.test_roles import sign_in
from tests.support.world import PERSONAS
from tests.web.conftest import make_settings

pytestmark = pytest.mark.browser
HANDLE = "acme_live"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    server = SandboxServer(tmp_path / "sandbox.db", free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_overrides(sandbox: SandboxServer) -> dict[str, object]:
    return {"sandbox_url": sandbox.url}


class Worker:
    """Publishes due posts in a thread until stopped, as `tandem worker` would."""

    def __init__(self, db, world, settings, max_attempts: int) -> None:  # type: ignore[no-untyped-def]
        self.db, self.world = db, world
        self.publishers = publishers_for(settings)
        self.policy = replace(policy_for(settings), max_attempts=max_attempts)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            busy = publish_next(
                self.db,
                publishers=self.publishers,
                clock=self.world.clock,
                lease=timedelta(minutes=5),
                policy=self.policy,
            )
            if not busy:
                time.sleep(0.2)


def _create_and_schedule(page, base: str, ws: str, title: str, text: str) -> str:
    page.goto(f"{base}/w/{ws}/create/new")
    page.get_by_label("Title (for the team)").fill(title)
    page.get_by_label(f"@{HANDLE}").check()
    page.get_by_label("Planned for").fill(
        "2026-11-02T10:00"
    )  # T0 in Europe/Paris: due now
    page.get_by_label("Message").fill(text)
    page.get_by_role("button", name="Create variants").click()
    page.wait_for_load_state("networkidle")
    assert "/create/new" not in page.url, page.inner_text("main")[:1500]
    brief_url = page.url
    assert page.get_by_role("button", name="Send for approval").count(), (
        page.url,
        page.locator(".alert, .error, [role=alert]").all_inner_texts(),
    )
    page.get_by_role("button", name="Send for approval").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_load_state("networkidle")
    return brief_url


def _wait_for_state(page, url: str, state: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page.goto(url)
        if page.locator(f"[data-publication='{state}']").count():
            return
        time.sleep(0.5)
    pytest.fail(f"the post did not reach {state!r}: {page.inner_text('main')[:800]}")


def test_connect_schedule_publish_fail_and_retry(
    browser, live_server, sandbox, db, world, tmp_path
):
    ws = world.acme.slug
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server, PERSONAS[Role.OWNER])

    # Connect: Tandem -> the Sandbox's consent page (another origin) -> back to Tandem.
    page.goto(f"{live_server}/w/{ws}/publish/accounts")
    page.get_by_role("button", name="Connect Sandbox").click()
    page.wait_for_url(f"{sandbox.url}/**")
    page.get_by_label("Your Sandbox handle").fill(HANDLE)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{live_server}/w/{ws}/publish/accounts**")
    assert page.locator("table.data").get_by_text(f"@{HANDLE}").is_visible()
    page.screenshot(path=str(tmp_path / "connected.png"), full_page=True)

    settings = make_settings(tmp_path, base_url=live_server, sandbox_url=sandbox.url)
    worker = Worker(db, world, settings, max_attempts=1)
    worker.thread.start()
    try:
        # Schedule and watch it publish: the link goes to the post on the Sandbox.
        first = _create_and_schedule(
            page, live_server, ws, "Launch day", "Our trail bottle is back today."
        )
        _wait_for_state(page, first, "published")
        assert sandbox.url in page.locator(
            "[data-publication='published'] a"
        ).get_attribute("href")
        assert sandbox.stats()["posts_by_account"] == {HANDLE: 1}

        # A forced failure: the Sandbox answers 503 to every publish.
        sandbox.control("faults", {"error_rate": 1.0})
        second = _create_and_schedule(
            page, live_server, ws, "Second post", "Refills are half price this week."
        )
        _wait_for_state(page, second, "failed")
        page.goto(f"{live_server}/w/{ws}/publish")
        attention = page.locator("#attention")
        assert "Refills are half price" in attention.inner_text()
        assert "503" in attention.inner_text() or "Sandbox" in attention.inner_text()
        page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)

        # The platform recovers; one click retries and it publishes once.
        sandbox.control("faults", {"error_rate": 0.0})
        attention.get_by_role("button", name="Retry now").first.click()
        page.wait_for_load_state("networkidle")
        _wait_for_state(page, second, "published")
    finally:
        worker.stop.set()
        worker.thread.join(timeout=10)
    stats = sandbox.stats()
    assert stats["posts_by_account"] == {HANDLE: 2} and stats["duplicates"] == []
