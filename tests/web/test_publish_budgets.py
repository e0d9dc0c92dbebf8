"""A post a budget holds back says why, through the publications API."""

from __future__ import annotations

from datetime import timedelta

from tandem.accounts import Role
from tandem.publish import actions as pa
from tandem.publish import worker as pw
from tandem.publish.budgets import Budgets, PlatformBudget, Window
from tandem.publish.claims import claim_batch
from tandem.publish.scheduling import to_local
from tests.support.fake_publisher import FakePublisher
from tests.support.world import T0
from tests.web.conftest import api_client

LEASE = timedelta(minutes=5)
HOURLY_ONE = Budgets(
    platforms={"sandbox": PlatformBudget((Window(1, timedelta(hours=1)),))}
)


def test_the_api_shows_why_a_post_waits_and_until_when(app, client_as, db, world):
    ids = []
    with db.session() as s:
        for n in range(2):
            ids.append(
                pa.create_publication(
                    s,
                    workspace_id=world.acme.id,
                    account_id=world.acme_account_id,
                    parts=[f"Post {n}"],
                    local_time=to_local(T0 + timedelta(minutes=n - 2), "Europe/Paris"),
                    timezone="Europe/Paris",
                    now=T0,
                ).id
            )
    with db.session() as s:  # the first goes out and uses the hour's one post
        (first,) = claim_batch(
            s, worker="w1", now=T0, lease=LEASE, budgets=HOURLY_ONE, begin=True
        )
    assert first.publication_id == ids[0]
    fake = FakePublisher(now=T0)
    pw.run_publication(db, first, publishers=lambda _: fake, clock=world.clock)
    with db.session() as s:  # the second must wait for the next hour
        assert (
            claim_batch(s, worker="w2", now=T0, lease=LEASE, budgets=HOURLY_ONE) == []
        )
    api = api_client(app, client_as, Role.OWNER)
    body = api.get(
        f"/api/v1/workspaces/{world.acme.slug}/publications/{ids[1]}"
    ).json()["publication"]
    assert body["state"] == "scheduled"
    assert body["error_kind"] == "waiting"
    assert body["last_error"] == (
        "waiting: The Sandbox allows 1 post per 1 h; next slot 11:00 Europe/Paris"
    )
    assert body["next_attempt_at"].startswith("2026-11-02T10:00")
