"""Connecting, storing, refreshing and disconnecting credentials on a real database
(SQLite and PostgreSQL), with a scripted OAuth platform."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tandem.accounts import Member, Role, store
from tandem.core import InvalidInput, NotFound
from tandem.notify.inbox import NotificationRow
from tandem.publish import connect as flow
from tandem.publish.credentials import (
    AccountCredentialRow,
    connections_in,
    load_credentials,
    save_app,
)
from tandem.publish.model import AccountHealth
from tandem.publish.ports import Identity, OAuthApp
from tandem.publish.refresh import CredentialAccess, refresh_account, refresh_expiring
from tandem.publish.store import SocialAccountRow, accounts_in
from tandem.publish.vault import Keyring
from tandem.storage import Database
from tests.support.fake_oauth import FakeOAuth
from tests.support.world import World

KEYRING = Keyring("k" * 48)
APP = OAuthApp(
    "client-1", "client-secret-xyz", "http://tandem.test/oauth/callback/fake"
)
ACCESS = CredentialAccess(KEYRING, "http://tandem.test", wait_seconds=5)


def member(
    db: Database, world: World, role: Role = Role.OWNER, ws: str = "acme"
) -> Member:
    with db.session() as s:
        user = world.users[role] if ws == "acme" else world.outsider
        workspace = world.acme if ws == "acme" else world.beta
        found = store.member_in(s, user, workspace)
    assert found is not None
    return found


def connect(db: Database, world: World, fake: FakeOAuth, who: Member | None = None):  # type: ignore[no-untyped-def]
    """Run the whole OAuth round trip; returns the Completed outcome."""
    who = who or member(db, world)
    now = world.clock.now()
    with db.session() as s:
        started = flow.begin_oauth(
            s,
            KEYRING,
            member=who,
            platform="fake",
            connector=fake,
            app=APP,
            app_id=None,
            now=now,
        )
    state = started.authorize_url.split("state=")[1].split("&")[0]
    with db.session() as s:
        pending = flow.consume_state(
            s, KEYRING, state=state, platform="fake", user_id=who.user.id, now=now
        )
        tokens = fake.exchange_code(
            APP, code="good-code", code_verifier=pending.verifier
        )
        return flow.complete_oauth(
            s,
            KEYRING,
            member=who,
            pending=pending,
            tokens=tokens,
            identities=fake.identities(tokens),
            now=now,
        )


def stored_text(db: Database) -> str:
    """Everything the database holds, as text (the file on SQLite, the rows on PostgreSQL)."""
    if db.engine.dialect.name == "sqlite":
        path = Path(str(db.engine.url.database))
        files = [path, path.with_name(path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists()).decode("latin-1")
    with db.engine.connect() as c:
        rows = []
        for table in (
            "account_credentials",
            "platform_apps",
            "oauth_states",
            "audit_log",
        ):
            rows += [str(tuple(r)) for r in c.execute(text(f"SELECT * FROM {table}"))]
    return "\n".join(rows)


def test_no_token_secret_or_verifier_reaches_the_database_in_clear(db, world) -> None:
    fake = FakeOAuth()
    done = connect(db, world, fake)
    with db.session() as s:
        save_app(
            s,
            KEYRING,
            workspace_id=world.acme.id,
            platform="fake",
            base_url="",
            client_id="client-1",
            client_secret="client-secret-xyz",
            now=world.clock.now(),
        )
        stored = load_credentials(s, KEYRING, done.accounts[0].id)
    assert stored is not None and stored.bag()["access_token"] == "at-1"
    dump = stored_text(db)
    assert "AccountCredentialRow" not in dump  # sanity: we read data, not code
    for secret in ("at-1", "rt-1", "client-secret-xyz"):
        assert secret not in dump, secret
    for verifier in fake.challenges.values():
        assert verifier not in dump


def test_one_identity_connects_an_account_with_its_audit_entry(db, world) -> None:
    done = connect(db, world, FakeOAuth())
    (account,) = done.accounts
    assert (account.platform, account.handle, account.followers) == (
        "fake",
        "brand",
        42,
    )
    with db.session() as s:
        assert connections_in(s, world.acme.id)[account.id].connected
        actions = [e.action for e in store.audit_entries(s, world.acme.id)[0]]
    assert "social_account.connect" in actions


def test_reconnecting_updates_the_credentials_and_never_duplicates(db, world) -> None:
    fake = FakeOAuth()
    first = connect(db, world, fake).accounts[0]
    fake.identities_ = [Identity("fake-1", "brand_renamed", "Brand", 50)]
    second = connect(db, world, fake).accounts[0]
    assert second.id == first.id and second.handle == "brand_renamed"
    with db.session() as s:
        fakes = [a for a in accounts_in(s, world.acme.id) if a.platform == "fake"]
        assert len(fakes) == 1
        assert load_credentials(s, KEYRING, first.id).bag()["access_token"] == "at-2"


def test_a_state_works_once(db, world) -> None:
    who, now = member(db, world), world.clock.now()
    with db.session() as s:
        url = flow.begin_oauth(
            s,
            KEYRING,
            member=who,
            platform="fake",
            connector=FakeOAuth(),
            app=APP,
            app_id=None,
            now=now,
        ).authorize_url
    state = url.split("state=")[1].split("&")[0]
    with db.session() as s:
        flow.consume_state(
            s, KEYRING, state=state, platform="fake", user_id=who.user.id, now=now
        )
    with db.session() as s, pytest.raises(InvalidInput, match="already used"):
        flow.consume_state(
            s, KEYRING, state=state, platform="fake", user_id=who.user.id, now=now
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"platform": "other"}, "started for fake"),
        ({"user": "social"}, "someone else"),
        ({"later": True}, "expired"),
        ({"state": "forged"}, "unknown to Tandem"),
    ],
)
def test_a_mismatched_or_expired_state_is_rejected(db, world, change, message) -> None:
    who, now = member(db, world), world.clock.now()
    with db.session() as s:
        url = flow.begin_oauth(
            s,
            KEYRING,
            member=who,
            platform="fake",
            connector=FakeOAuth(),
            app=APP,
            app_id=None,
            now=now,
        ).authorize_url
    state = change.get("state") or url.split("state=")[1].split("&")[0]
    user_id = world.users[Role.SOCIAL_MANAGER].id if "user" in change else who.user.id
    when = now + flow.STATE_TTL + timedelta(seconds=1) if "later" in change else now
    platform = change.get("platform", "fake")
    with db.session() as s, pytest.raises(InvalidInput, match=message):
        flow.consume_state(
            s, KEYRING, state=state, platform=platform, user_id=user_id, now=when
        )


def test_several_identities_wait_for_a_choice_and_only_the_chosen_connect(
    db, world
) -> None:
    fake = FakeOAuth(
        identities_=[
            Identity("page-1", "cafe", "Café", 10, {"page_token": "pt-1"}),
            Identity("page-2", "shop", "Shop", 20, {"page_token": "pt-2"}),
        ]
    )
    done = connect(db, world, fake)
    assert done.accounts == () and done.pending_id
    who, now = member(db, world), world.clock.now()
    with db.session() as s:
        platform, identities = flow.pending_choice(
            s, KEYRING, member=who, pending_id=done.pending_id, now=now
        )
        assert platform == "fake" and [i.handle for i in identities] == ["cafe", "shop"]
        (account,) = flow.choose_identities(
            s,
            KEYRING,
            member=who,
            pending_id=done.pending_id,
            chosen=["page-2"],
            now=now,
        )
        assert account.handle == "shop"
        assert load_credentials(s, KEYRING, account.id).bag()["page_token"] == "pt-2"
    with db.session() as s, pytest.raises(NotFound):  # the choice is spent
        flow.pending_choice(s, KEYRING, member=who, pending_id=done.pending_id, now=now)
    outsider = member(db, world, ws="beta")
    with db.session() as s, pytest.raises(NotFound):  # and private to its workspace
        flow.pending_choice(
            s,
            KEYRING,
            member=outsider,
            pending_id=done.pending_id,
            now=now,
        )


def test_disconnect_deletes_the_credentials_keeps_the_account_and_audits(
    db, world
) -> None:
    account = connect(db, world, FakeOAuth()).accounts[0]
    with db.session() as s:
        flow.disconnect(
            s, member=member(db, world), account_id=account.id, now=world.clock.now()
        )
    with db.session() as s:
        row = s.get(AccountCredentialRow, account.id)
        assert row is not None and row.ciphertext is None and row.key_id is None
        kept = s.get(SocialAccountRow, account.id)
        assert kept is not None and kept.health == AccountHealth.NEEDS_RECONNECT
        assert "Disconnected by owner@acme.test" in kept.health_message
        actions = [e.action for e in store.audit_entries(s, world.acme.id)[0]]
    assert "social_account.disconnect" in actions
    assert "at-1" not in stored_text(db)


def test_another_workspace_can_neither_see_nor_disconnect_the_account(
    db, world
) -> None:
    account = connect(db, world, FakeOAuth()).accounts[0]
    outsider = member(db, world, ws="beta")
    with db.session() as s:
        assert account.id not in connections_in(s, world.beta.id)
        with pytest.raises(NotFound):
            flow.disconnect(
                s,
                member=outsider,
                account_id=account.id,
                now=world.clock.now(),
            )
    with db.session() as s:
        assert s.get(AccountCredentialRow, account.id).ciphertext is not None


def test_tokens_expiring_within_the_window_are_refreshed_ahead(db, world) -> None:
    fake = FakeOAuth(expires_at=world.clock.now() + timedelta(minutes=20))
    account = connect(db, world, fake).accounts[0]
    report = refresh_expiring(
        db,
        ACCESS,
        connector_for=lambda _p: fake,
        clock=world.clock,
        worker="w1",
        window=timedelta(minutes=30),
    )
    assert report.refreshed == 1 and fake.refresh_calls == 1
    with db.session() as s:
        assert load_credentials(s, KEYRING, account.id).bag()["access_token"] == "at-2"
        assert s.get(AccountCredentialRow, account.id).refreshed_at == world.clock.now()
    far = refresh_expiring(
        db,
        ACCESS,
        connector_for=lambda _p: fake,
        clock=world.clock,
        worker="w1",
        window=timedelta(minutes=5),
    )
    assert far.refreshed == 0 and fake.refresh_calls == 1


def test_a_refused_refresh_asks_for_a_reconnect_in_the_platforms_words(
    db, world
) -> None:
    fake = FakeOAuth(expires_at=world.clock.now() + timedelta(minutes=5))
    account = connect(db, world, fake).accounts[0]
    fake.refuse_refresh = "Value passed for the token was invalid."
    report = refresh_expiring(
        db,
        ACCESS,
        connector_for=lambda _p: fake,
        clock=world.clock,
        worker="w1",
        window=timedelta(minutes=30),
    )
    assert report.failed == 1
    with db.session() as s:
        row = s.get(SocialAccountRow, account.id)
        assert row.health == AccountHealth.NEEDS_RECONNECT
        assert row.health_message == "Value passed for the token was invalid."
        kinds = s.scalars(select(NotificationRow.kind)).all()
    assert "account.needs_reconnect" in kinds
    again = refresh_expiring(
        db,
        ACCESS,
        connector_for=lambda _p: fake,
        clock=world.clock,
        worker="w1",
        window=timedelta(minutes=30),
    )
    assert again.failed == 0 and fake.refresh_calls == 1  # no loop, no second alert


def test_a_token_that_cannot_be_renewed_is_flagged_before_it_expires(db, world) -> None:
    fake = FakeOAuth(expires_at=world.clock.now() + timedelta(days=3))
    account = connect(db, world, fake).accounts[0]
    with db.session() as s:
        s.get(AccountCredentialRow, account.id).refreshable = False
    report = refresh_expiring(
        db,
        ACCESS,
        connector_for=lambda _p: fake,
        clock=world.clock,
        worker="w1",
        window=timedelta(minutes=30),
    )
    assert report.flagged == 1 and fake.refresh_calls == 0
    with db.session() as s:
        row = s.get(SocialAccountRow, account.id)
    assert row.health == AccountHealth.TOKEN_EXPIRING
    assert "expires on 2026-11-05 09:00 UTC" in row.health_message


def test_two_workers_refreshing_at_once_spend_the_rotating_refresh_token_once(
    db, world
) -> None:
    fake = FakeOAuth(refresh_delay=0.5)
    account = connect(db, world, fake).accounts[0]
    results: list[str] = []
    errors: list[Exception] = []

    def refresh(worker: str) -> None:
        try:
            stored = refresh_account(
                db,
                ACCESS,
                account_id=account.id,
                connector=fake,
                clock=world.clock,
                worker=worker,
                seen_version=1,
            )
            results.append(stored.bag()["access_token"])
        except Exception as exc:  # collected: the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=refresh, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert fake.refresh_calls == 1
    assert results == ["at-2", "at-2"]
    with db.session() as s:
        assert s.get(SocialAccountRow, account.id).health == AccountHealth.OK


class AlwaysExpired(FakeOAuth):
    """Every access token is refused, even a fresh one."""

    def publish(self, account, post):  # type: ignore[no-untyped-def]
        self.expire_access_tokens()
        return super().publish(account, post)


def test_a_second_401_after_a_refresh_fails_the_post_without_a_loop(db, world) -> None:
    from tandem.publish import actions as pa
    from tandem.publish import worker as pw
    from tandem.publish.ledger import AttemptOutcome, PublicationState, attempts_of
    from tandem.publish.policy import Policy
    from tandem.publish.scheduling import to_local

    fake = AlwaysExpired()
    account = connect(db, world, fake).accounts[0]
    now = world.clock.now()
    with db.session() as s:
        pid = pa.create_publication(
            s,
            workspace_id=world.acme.id,
            account_id=account.id,
            parts=["Hi"],
            local_time=to_local(now, "Europe/Paris"),
            timezone="Europe/Paris",
            now=now,
        ).id
        claim = pw.claim_due(s, worker="w1", now=now, lease=timedelta(minutes=5))
    assert claim is not None
    state = pw.run_publication(
        db,
        claim,
        publishers=lambda _p: fake,
        clock=world.clock,
        policy=Policy(credentials=ACCESS),
    )
    assert state is PublicationState.FAILED
    assert fake.refresh_calls == 1 and fake.published == []
    with db.session() as s:
        outcomes = [a.outcome for a in attempts_of(s, pid)]
        row = s.get(SocialAccountRow, account.id)
    assert outcomes == [AttemptOutcome.RECONNECT, AttemptOutcome.RECONNECT]
    assert row.health == AccountHealth.NEEDS_RECONNECT
    assert row.health_message == "The access token expired."


def test_the_refresh_job_is_queued_once_and_then_every_five_minutes(db, world) -> None:
    from tandem.jobs.publishing import REFRESH_TOKENS, schedule_token_refresh
    from tandem.storage.queue import JobRow

    now = world.clock.now()
    with db.session() as s:
        assert schedule_token_refresh(s, now=now) is True
    with db.session() as s:
        assert schedule_token_refresh(s, now=now) is False
        jobs = s.scalars(select(JobRow).where(JobRow.kind == REFRESH_TOKENS)).all()
        assert len(jobs) == 1 and jobs[0].run_at == now
        jobs[0].status, jobs[0].finished_at = "done", now
    with db.session() as s:
        assert schedule_token_refresh(s, now=now) is True
        queued = s.scalars(
            select(JobRow).where(
                JobRow.kind == REFRESH_TOKENS, JobRow.status == "queued"
            )
        ).one()
    assert queued.run_at == now + timedelta(minutes=5)
