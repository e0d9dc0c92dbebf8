"""The Sandbox's OAuth 2 flow against a real Sandbox process: PKCE, expiring access tokens,
rotating refresh tokens, identities, and the worker refreshing after a 401."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tandem.accounts import Role, store
from tandem.connectors.sandbox import SandboxPublisher
from tandem.connectors.sandbox.process import SandboxServer
from tandem.publish import actions as pa
from tandem.publish import connect as flow
from tandem.publish import worker as pw
from tandem.publish.credentials import AccountCredentialRow, load_credentials
from tandem.publish.ledger import (
    AttemptOutcome,
    PublicationState,
    attempts_of,
    publication,
)
from tandem.publish.policy import Policy
from tandem.publish.ports import (
    AccountRef,
    ErrorKind,
    OAuthApp,
    OutboundPost,
    PublishError,
)
from tandem.publish.refresh import CredentialAccess
from tandem.publish.scheduling import to_local
from tandem.publish.vault import Keyring
from tandem.storage import Database
from tests.support.world import World

APP = OAuthApp("tandem", "", "http://tandem.test/oauth/callback/sandbox")
KEYRING = Keyring("k" * 48)


def authorize(
    sandbox: SandboxServer, url: str, handle: str, decision: str = "allow"
) -> dict[str, str]:
    """Press the button on the Sandbox's consent page; returns the redirect's query."""
    page = httpx.get(url, timeout=5)
    assert page.status_code == 200 and "Authorize" in page.text
    form = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    answer = httpx.post(
        f"{sandbox.url}/oauth/authorize",
        data=form | {"handle": handle, "decision": decision},
        timeout=5,
    )
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location.startswith(APP.redirect_uri)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def tokens_for(publisher: SandboxPublisher, sandbox: SandboxServer, handle: str):  # type: ignore[no-untyped-def]
    verifier, challenge = flow.pkce_pair()
    url = publisher.authorize_url(APP, state="st-1", code_challenge=challenge)
    back = authorize(sandbox, url, handle)
    assert back["state"] == "st-1"
    return publisher.exchange_code(APP, code=back["code"], code_verifier=verifier)


def test_the_authorize_url_carries_pkce_s256_and_the_redirect(
    publisher: SandboxPublisher,
) -> None:
    url = publisher.authorize_url(APP, state="abc", code_challenge="xyz")
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path == "/oauth/authorize"
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] == [
        "xyz"
    ]
    assert query["redirect_uri"] == [APP.redirect_uri] and query["state"] == ["abc"]
    assert query["response_type"] == ["code"] and query["client_id"] == ["tandem"]


def test_a_code_buys_expiring_tokens_that_act_for_the_handle(
    sandbox: SandboxServer, publisher: SandboxPublisher
) -> None:
    tokens = tokens_for(publisher, sandbox, "brand")
    assert tokens.access_token.startswith("sbx_at_") and tokens.refresh_token
    assert tokens.expires_at is not None
    assert tokens.expires_at - datetime.now(UTC) > timedelta(minutes=55)
    (me,) = publisher.identities(tokens)
    assert (me.handle, me.platform_account_id) == ("brand", "sbxu_brand")
    account = AccountRef("a", "sandbox", "brand", tokens.as_credentials())
    ref = publisher.publish(account, OutboundPost(("hello",), "fp"))
    assert ref.platform_post_id.startswith("sbx_")


def test_a_wrong_verifier_and_a_reused_code_are_refused(
    sandbox: SandboxServer, publisher: SandboxPublisher
) -> None:
    verifier, challenge = flow.pkce_pair()
    back = authorize(
        sandbox,
        publisher.authorize_url(APP, state="s", code_challenge=challenge),
        "brand",
    )
    with pytest.raises(PublishError, match="verifier does not match"):
        publisher.exchange_code(APP, code=back["code"], code_verifier="x" * 50)
    with pytest.raises(
        PublishError, match="invalid or expired"
    ):  # spent by the failed try
        publisher.exchange_code(APP, code=back["code"], code_verifier=verifier)


def test_denying_sends_access_denied_back(
    sandbox: SandboxServer, publisher: SandboxPublisher
) -> None:
    _, challenge = flow.pkce_pair()
    url = publisher.authorize_url(APP, state="s9", code_challenge=challenge)
    back = authorize(sandbox, url, "brand", decision="deny")
    assert back == {
        "error": "access_denied",
        "error_description": "The user denied the app access to the account.",
        "state": "s9",
    }


def test_refresh_rotates_and_a_spent_refresh_token_means_reconnect(
    sandbox: SandboxServer, publisher: SandboxPublisher
) -> None:
    first = tokens_for(publisher, sandbox, "brand")
    second = publisher.refresh(APP, first)
    assert second.access_token != first.access_token
    assert second.refresh_token != first.refresh_token
    with pytest.raises(PublishError) as caught:
        publisher.refresh(APP, first)
    assert caught.value.kind is ErrorKind.RECONNECT
    assert caught.value.message == "The refresh token is invalid or was already used."


def test_an_expired_access_token_is_a_401_in_the_platforms_words(
    sandbox: SandboxServer, publisher: SandboxPublisher
) -> None:
    tokens = tokens_for(publisher, sandbox, "brand")
    sandbox.control("oauth", {"expire_access": "brand"})
    account = AccountRef("a", "sandbox", "brand", tokens.as_credentials())
    with pytest.raises(PublishError) as caught:
        publisher.publish(account, OutboundPost(("hello",), "fp"))
    assert (caught.value.kind, caught.value.status) == (ErrorKind.RECONNECT, 401)
    assert caught.value.message.startswith("The access token expired at")
    assert sandbox.stats()["posts_total"] == 0


def test_a_token_acts_only_for_its_own_handle(
    sandbox: SandboxServer, publisher: SandboxPublisher
) -> None:
    tokens = tokens_for(publisher, sandbox, "brand")
    other = AccountRef("b", "sandbox", "someone_else", tokens.as_credentials())
    with pytest.raises(
        PublishError, match="acts for @brand, not @someone_else"
    ) as caught:
        publisher.publish(other, OutboundPost(("hi",), "fp"))
    assert caught.value.status == 403


def test_the_worker_refreshes_after_a_401_and_publishes_exactly_once(
    db: Database, world: World, sandbox: SandboxServer, publisher: SandboxPublisher
) -> None:
    now = world.clock.now()
    with db.session() as s:
        owner = store.member_in(s, world.users[Role.OWNER], world.acme)
        assert owner is not None
        tokens = tokens_for(publisher, sandbox, "acme_oauth")
        (identity,) = publisher.identities(tokens)
        account = flow.connect_identity(
            s,
            KEYRING,
            member=owner,
            platform="sandbox",
            identity=identity,
            tokens=tokens,
            app_id=None,
            now=now,
        )
        pid = pa.create_publication(
            s,
            workspace_id=world.acme.id,
            account_id=account.id,
            parts=["Once only"],
            local_time=to_local(now, "Europe/Paris"),
            timezone="Europe/Paris",
            now=now,
        ).id
    sandbox.control("oauth", {"expire_access": "acme_oauth"})
    policy = Policy(credentials=CredentialAccess(KEYRING, "http://tandem.test"))
    with db.session() as s:
        claim = pw.claim_due(s, worker="w1", now=now, lease=timedelta(minutes=5))
    assert claim is not None
    state = pw.run_publication(
        db, claim, publishers=lambda _p: publisher, clock=world.clock, policy=policy
    )
    assert state is PublicationState.PUBLISHED
    assert sandbox.stats()["posts_by_account"] == {"acme_oauth": 1}
    with db.session() as s:
        outcomes = [a.outcome for a in attempts_of(s, pid)]
        assert outcomes == [AttemptOutcome.RECONNECT, AttemptOutcome.SUCCESS]
        assert publication(s, pid).state is PublicationState.PUBLISHED
        stored = load_credentials(s, KEYRING, account.id)
        assert stored is not None and stored.tokens.access_token != tokens.access_token
        row = s.get(AccountCredentialRow, account.id)
        assert row is not None and row.refreshed_at == now
