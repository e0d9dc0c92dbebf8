"""Connecting a Bluesky account: handle + app password -> a session (access + refresh JWTs).

com.atproto.server.createSession answers with the account's DID, handle, both JWTs and (on
current PDS versions) its DID document, whose `#atproto_pds` service names the PDS that hosts
the repository: later calls go there, not to the entryway the user typed
(https://docs.bsky.app/docs/advanced-guides/api-directory). refreshSession trades the refresh
JWT for a new pair (the old refresh JWT stops working shortly after).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tandem.connectors.bluesky.client import Xrpc
from tandem.publish.ports import ErrorKind, Identity, PublishError, TokenSet


def jwt_expiry(token: str) -> datetime | None:
    """The `exp` claim of a JWT, read without verifying it (only the PDS can; we only plan
    when to refresh)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        )
        return datetime.fromtimestamp(int(claims["exp"]), UTC)
    except (IndexError, KeyError, TypeError, ValueError):
        return None


def pds_endpoint(did_doc: Any) -> str:
    """The `#atproto_pds` service endpoint of a DID document ('' when there is none)."""
    if not isinstance(did_doc, dict):
        return ""
    for service in did_doc.get("service") or []:
        if (
            isinstance(service, dict)
            and str(service.get("id", "")).endswith("#atproto_pds")
            and service.get("type") == "AtprotoPersonalDataServer"
            and isinstance(service.get("serviceEndpoint"), str)
        ):
            return str(service["serviceEndpoint"]).rstrip("/")
    return ""


def token_set(session: dict[str, Any], service_url: str) -> TokenSet:
    """A createSession/refreshSession answer as a TokenSet (extra: did, handle, pds_url)."""
    try:
        access, refresh = str(session["accessJwt"]), str(session["refreshJwt"])
        did, handle = str(session["did"]), str(session["handle"])
    except KeyError as exc:
        raise PublishError(
            f"Bluesky's session answer lacks {exc.args[0]}; try connecting again.",
            kind=ErrorKind.RETRY,
        ) from exc
    pds_url = pds_endpoint(session.get("didDoc")) or service_url.rstrip("/")
    return TokenSet(
        access_token=access,
        refresh_token=refresh,
        expires_at=jwt_expiry(access),
        extra={"did": did, "handle": handle, "pds_url": pds_url},
    )


def login(xrpc: Xrpc, service_url: str, handle: str, password: str) -> TokenSet:
    identifier = handle.strip().removeprefix("@")
    if not identifier or not password:
        raise PublishError(
            "Enter the Bluesky handle (e.g. alice.bsky.social) and an app password "
            "(Settings > Privacy and security > App passwords).",
            kind=ErrorKind.PERMANENT,
        )
    session = xrpc.call(
        "POST",
        service_url,
        "com.atproto.server.createSession",
        json={"identifier": identifier, "password": password},
        write=False,  # no post can result from it: a lost answer is just "try again"
    )
    return token_set(session, service_url)


def refresh(xrpc: Xrpc, tokens: TokenSet, default_service: str) -> TokenSet:
    """A new session from the refresh JWT; RECONNECT when Bluesky no longer accepts it."""
    if not tokens.refresh_token:
        raise PublishError(
            "This Bluesky connection has no refresh token; connect the account again.",
            kind=ErrorKind.RECONNECT,
        )
    service = tokens.extra.get("pds_url") or default_service
    try:
        session = xrpc.call(
            "POST",
            service,
            "com.atproto.server.refreshSession",
            token=tokens.refresh_token,
            write=False,
        )
    except PublishError as exc:
        if exc.kind is ErrorKind.PERMANENT and exc.status in (400, 401):
            # e.g. 400 ExpiredToken/InvalidToken/AccountTakedown: only a new login helps
            raise PublishError(
                exc.message, kind=ErrorKind.RECONNECT, status=exc.status
            ) from exc
        raise
    return token_set(session, service)


def identities(
    xrpc: Xrpc, tokens: TokenSet, default_service: str
) -> Sequence[Identity]:
    """The one account a session acts as, with its profile when the AppView can serve it."""
    did = tokens.extra.get("did", "")
    handle = tokens.extra.get("handle", "")
    service = tokens.extra.get("pds_url") or default_service
    if not did:
        raise PublishError(
            "This Bluesky connection has no DID; connect the account again.",
            kind=ErrorKind.RECONNECT,
        )
    try:
        profile = xrpc.call(
            "GET",
            service,
            "app.bsky.actor.getProfile",
            token=tokens.access_token,
            params={"actor": did},
        )
    except PublishError as exc:
        if exc.kind is not ErrorKind.PERMANENT:
            raise
        # A PDS without an AppView, or a brand-new account not indexed yet: the session
        # alone still identifies the account.
        return [Identity(did, handle, handle, extra={"did": did, "handle": handle})]
    handle = str(profile.get("handle") or handle)
    return [
        Identity(
            platform_account_id=did,
            handle=handle,
            display_name=str(profile.get("displayName") or handle),
            followers=profile.get("followersCount"),
            extra={"did": did, "handle": handle},
        )
    ]
