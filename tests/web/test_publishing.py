"""Scheduling hands variants to the publisher; failures surface with the platform's words and a fix."""

from __future__ import annotations

from tandem.accounts import Role
from tandem.jobs import Worker, run_pending
from tandem.publish.ports import ErrorKind
from tandem.web import create_app
from tests.support.fake_publisher import FakePublisher
from tests.support.world import PERSONAS
from tests.web.conftest import TestClient, form_post, make_settings, sign_in
from tests.web.test_create import _create


def _schedule(world, author, approver) -> str:
    location = _create(author, world, planned_at="2026-11-02T10:30")
    form_post(author, location, f"{location}/status", {"to": "in_review"})
    form_post(approver, location, f"{location}/status", {"to": "approved"})
    assert (
        form_post(
            author, location, f"{location}/status", {"to": "scheduled"}
        ).status_code
        == 303
    )
    return location


def test_a_scheduled_post_goes_out_once_and_shows_its_link(app, client_as, db, world):
    author, approver = client_as(Role.SOCIAL_MANAGER), client_as(Role.APPROVER)
    location = _schedule(world, author, approver)
    publish = author.get(f"/w/{world.acme.slug}/publish").text
    assert "Going out next" in publish and "Our Trail Bottle is back" in publish
    fake = FakePublisher()
    worker = Worker(
        database=db,
        settings=app.state.tandem.settings,
        clock=world.clock,
        publishers=lambda _p: fake,
    )
    world.clock.advance(hours=1)
    assert worker.publish_once() is True
    assert worker.publish_once() is False, "one post, sent once"
    assert len(fake.posts) == 1
    page = author.get(location).text
    assert 'data-publication="published"' in page and fake.posts[0].remote.url in page


def test_a_failure_surfaces_with_the_platform_message_and_can_be_retried(
    app, client_as, db, world
):
    author, approver = client_as(Role.SOCIAL_MANAGER), client_as(Role.APPROVER)
    _schedule(world, author, approver)
    fake = FakePublisher()
    fake.fail_next(
        ErrorKind.RECONNECT, message="The access token was revoked by the user."
    )
    worker = Worker(
        database=db,
        settings=app.state.tandem.settings,
        clock=world.clock,
        publishers=lambda _p: fake,
    )
    world.clock.advance(hours=1)
    worker.publish_once()
    publish_page = f"/w/{world.acme.slug}/publish"
    page = author.get(publish_page).text
    assert (
        "The access token was revoked by the user." in page
        and "Reconnect the account." in page
    )
    accounts = author.get(f"/api/v1/workspaces/{world.acme.slug}/accounts").json()
    assert accounts[0]["health"] == "needs_reconnect"
    failed = author.get(
        f"/api/v1/workspaces/{world.acme.slug}/publications", params={"state": "failed"}
    ).json()
    (publication,) = failed["publications"]
    response = form_post(
        author,
        publish_page,
        f"{publish_page}/publications/{publication['id']}/retry",
        {},
    )
    assert response.status_code == 303
    assert worker.publish_once() is True and len(fake.posts) == 1
    assert "Nothing needs attention" in author.get(publish_page).text


def test_an_approver_cannot_retry_or_cancel(client_as, world):
    approver = client_as(Role.APPROVER)
    page = f"/w/{world.acme.slug}/"
    response = form_post(
        approver,
        page,
        f"/w/{world.acme.slug}/publish/publications/{'0' * 32}/retry",
        {},
    )
    assert response.status_code == 403


def test_a_failed_post_alerts_the_team_in_the_app_and_by_email(
    db, world, tmp_path, smtp_server
):
    settings = make_settings(
        tmp_path,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
    )
    app = create_app(settings, database=db, clock=world.clock)
    author = sign_in(
        TestClient(app, base_url="http://tandem.test"), PERSONAS[Role.SOCIAL_MANAGER]
    )
    approver = sign_in(
        TestClient(app, base_url="http://tandem.test"), PERSONAS[Role.APPROVER]
    )
    _schedule(world, author, approver)
    fake = FakePublisher()
    fake.fail_next(ErrorKind.PERMANENT, message="Duplicate content is not allowed.")
    worker = Worker(
        database=db, settings=settings, clock=world.clock, publishers=lambda _p: fake
    )
    world.clock.advance(hours=1)
    worker.publish_once()
    bell = author.get("/notifications").text
    assert "A post to @acme failed: Duplicate content is not allowed." in bell
    assert "/w/acme/publish#attention" in bell
    run_pending(worker)
    subjects = [m["Subject"] for m in smtp_server.inbox.messages]
    assert any("failed: Duplicate content is not allowed." in s for s in subjects)
    recipients = {
        m["To"] for m in smtp_server.inbox.messages if "failed" in m["Subject"]
    }
    assert PERSONAS[Role.APPROVER] not in recipients, (
        "only people who can fix it are alerted"
    )
    form_post(author, "/notifications", "/notifications/read", {})
    assert 'class="badge"' not in author.get("/notifications").text, "marked read"
