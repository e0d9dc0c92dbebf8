"""The whole publish path: a publication for a connected Bluesky account, claimed and sent
by tandem.publish.worker through the registry's Bluesky connector, on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tandem.connectors.registry import publisher_for
from tandem.core import new_id
from tandem.publish import actions as pa
from tandem.publish import worker as pw
from tandem.publish.ledger import PublicationState, publication
from tandem.publish.ports import AccountRef, OutboundPost, PublishedRef, Publisher
from tandem.publish.reconcile import find_remote
from tandem.publish.scheduling import to_local
from tandem.publish.store import SocialAccountRow
from tests.integration.bluesky.conftest import get_record
from tests.support.world import T0


class WithCredentials:
    """Adds the stored session to the worker's AccountRef (encrypted credential storage is
    built separately; this stands in for it)."""

    def __init__(self, inner: Publisher, credentials: dict[str, str]) -> None:
        self.inner, self.credentials = inner, credentials

    def _ref(self, account: AccountRef) -> AccountRef:
        return replace(account, credentials=self.credentials)

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        return self.inner.publish(self._ref(account), post)

    def recent_posts(self, account, *, since):  # type: ignore[no-untyped-def]
        return self.inner.recent_posts(self._ref(account), since=since)

    def delete(self, account: AccountRef, platform_post_id: str) -> None:
        self.inner.delete(self._ref(account), platform_post_id)


def test_the_worker_publishes_a_bluesky_thread_once(
    db, world, make_member, network, xrpc
):
    alice = make_member("alice")
    account_id = new_id()
    with db.session() as s:
        s.add(
            SocialAccountRow(
                id=account_id,
                workspace_id=world.acme.id,
                platform="bluesky",
                handle=alice.handle,
                display_name="Alice",
                health="ok",
                health_message="",
                followers=0,
                created_at=T0 - timedelta(days=1),
            )
        )
    with db.session() as s:
        p = pa.create_publication(
            s,
            workspace_id=world.acme.id,
            account_id=account_id,
            parts=["Scheduled by Tandem ✨ #launch", "and its second part"],
            local_time=to_local(T0, "Europe/Paris"),
            timezone="Europe/Paris",
            now=world.clock.now(),
        )
    connector = publisher_for(
        "bluesky", {"base_url": network.pds, "timeout": "10", "allow_private": "1"}
    )
    publisher = WithCredentials(connector, alice.account.credentials)
    with db.session() as s:
        claim = pw.claim_due(
            s, worker="w1", now=world.clock.now(), lease=timedelta(minutes=5)
        )
    assert claim is not None
    state = pw.run_publication(
        db, claim, publishers=lambda _: publisher, clock=world.clock
    )
    assert state is PublicationState.PUBLISHED
    with db.session() as s:
        done = publication(s, p.id)
        assert (
            pw.claim_due(
                s, worker="w1", now=world.clock.now(), lease=timedelta(minutes=5)
            )
            is None
        )
    assert done.platform_post_id.startswith(f"at://{alice.did}/app.bsky.feed.post/")
    record = get_record(xrpc, done.platform_post_id)
    assert record["text"] == "Scheduled by Tandem ✨ #launch"
    assert record["facets"][0]["features"][0] == {
        "$type": "app.bsky.richtext.facet#tag",
        "tag": "launch",
    }
    # Reconciliation after an unknown outcome finds exactly this post again.
    remote = publisher.recent_posts(alice.account, since=T0 - timedelta(days=1))
    found = find_remote(remote, account_id, done.parts, frozenset())
    assert found is not None and found.platform_post_id == done.platform_post_id
