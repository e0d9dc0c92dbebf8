"""Journey 4 in a real browser: a comment arrives live in the inbox, is assigned, answered
with a saved reply (which then shows on the Sandbox post), closed, and the response time
appears in the response metrics. The Sandbox runs as its own process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tandem.accounts import Role
from tandem.connectors.sandbox import SandboxPublisher
from tandem.connectors.sandbox.process import SandboxServer, free_port
from tandem.inbox.saved import create_saved
from tandem.jobs.inbox import poll_inboxes, sources_from
from tandem.jobs.publishing import publishers_for
from tandem.publish.ports import AccountRef, OutboundPost
from tests.browser.test_roles import sign_in
from tests.support.world import PERSONAS
from tests.web.conftest import make_settings

pytestmark = pytest.mark.browser
QUESTION = "Does the rain jacket come in blue?"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    server = SandboxServer(tmp_path / "sandbox.db", free_port())
    server.start()
    server.control("audience", {"mentions_per_hour": 0, "comment_rate": 0})
    yield server
    server.stop()


@pytest.fixture
def live_overrides(sandbox: SandboxServer) -> dict[str, object]:
    return {"sandbox_url": sandbox.url}


def test_a_comment_arrives_live_is_answered_with_a_saved_reply_and_closed(
    browser, live_server, sandbox, db, world, tmp_path
):
    world.clock.current = datetime.now(UTC)  # the Sandbox lives in real time
    ws = world.acme.slug
    with SandboxPublisher(sandbox.url, token_for=lambda _: "t", timeout=5) as client:
        post = client.publish(
            AccountRef("x", "sandbox", "acme"),
            OutboundPost(("Rain jacket drop",), "fp"),
        )
    with db.session() as s:
        create_saved(
            s,
            world.acme.id,
            title="Colours of the rain jacket",
            body="Hi {handle}, yes: the rain jacket comes in blue and in green!",
            intents=["question"],
            user_id=None,
            now=world.clock.now(),
        )
    settings = make_settings(tmp_path, base_url=live_server, sandbox_url=sandbox.url)
    sources = sources_from(publishers_for(settings))

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server, PERSONAS[Role.SOCIAL_MANAGER])
    page.goto(f"{live_server}/w/{ws}/inbox")
    assert page.locator(".qitem[data-id]").count() == 0

    # A customer comments on the post; the worker's poll brings it in, and the open page
    # shows it without a reload.
    sandbox.control("plant", {"handle": "acme", "text": QUESTION, "author": "ana7"})
    (result,) = [r for r in poll_inboxes(db, sources, world.clock) if r.new]
    assert result.new == 1
    live = page.locator(".qitem.arrived")
    live.wait_for(timeout=30_000)
    assert QUESTION in live.inner_text()
    assert page.locator("#live").is_visible()
    page.screenshot(path=str(tmp_path / "arrived.png"), full_page=True)

    # The inbox page keeps a server-sent-events stream open, so the network is never idle:
    # each step waits for its own navigation instead.
    with page.expect_navigation():
        live.locator("a").click()
    assert QUESTION in page.locator(".thread").inner_text()

    # Assign it to myself.
    me = world.users[Role.SOCIAL_MANAGER]
    page.locator("#assign-to").select_option(me.id)
    with page.expect_navigation():
        page.get_by_role("button", name="Assign", exact=True).click()
    assert page.locator("#assign-to").input_value() == me.id

    # The saved reply is suggested, filled in for this author, and sent once.
    use = page.locator("[data-fill]").first
    try:
        use.wait_for(timeout=60_000)  # the first suggestion may load a model
    except Exception:
        pytest.fail(page.locator(".replyform").inner_html()[:3000])
    use.click()
    box = page.locator("[data-reply-box]")
    assert box.input_value().startswith("Hi @ana7, yes: the rain jacket comes in blue")
    world.clock.current = datetime.now(
        UTC
    )  # the team answers after the comment came in
    with page.expect_navigation():
        page.get_by_role("button", name="Send reply").click()
    assert "Reply sent." in page.locator("[role=status]").first.inner_text()
    shown = httpx.get(post.url, timeout=5)
    assert "the rain jacket comes in blue and in green" in shown.text

    # Close it (the same as pressing e).
    with page.expect_navigation():
        page.get_by_role("button", name="Close (e)").click()
    page.goto(f"{live_server}/w/{ws}/inbox?status=closed")
    assert QUESTION in page.locator(".queue").inner_text()

    # The response time is in the metrics.
    page.goto(f"{live_server}/w/{ws}/inbox/metrics")
    first = page.locator(".kpi", has_text="First response, median").locator("dd")
    assert first.count() == 1, page.inner_text("main")[:1500]
    assert re.search(r"\d", first.inner_text()), first.inner_text()
    page.screenshot(path=str(tmp_path / "metrics.png"), full_page=True)
