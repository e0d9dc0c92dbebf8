"""`BlueskyConnector`: Tandem's Bluesky (AT Protocol) connector, plain XRPC over httpx."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx

from tandem.connectors.bluesky import auth, mapping, reading, richtext
from tandem.connectors.bluesky.client import Session, Xrpc
from tandem.connectors.bluesky.media import MediaFile, load_media
from tandem.connectors.bluesky.rules import API_ROOT, POST_COLLECTION
from tandem.connectors.http import DEFAULT_TIMEOUT
from tandem.core import Clock, SystemClock
from tandem.inbox.ports import InteractionPage
from tandem.listen.ports import FoundPost
from tandem.publish.ports import (
    AccountMetrics,
    AccountRef,
    ErrorKind,
    Identity,
    OAuthApp,
    OutboundPost,
    PostMetrics,
    PublishedRef,
    PublishError,
    RemotePost,
    TokenSet,
)

log = logging.getLogger("tandem.connectors.bluesky")


class BlueskyConnector:
    """Publisher, MetricsSource, ConversationSource, Searcher and PasswordConnector for
    Bluesky.

    `base_url` is the service users log in to (the entryway https://bsky.social, or their own
    PDS). After login every call goes to the account's own PDS, which forwards app.bsky.*
    reads to its AppView.

    `AccountRef.credentials` keys (from `login`/`refresh`, i.e. `TokenSet.as_credentials()`):
    - `access_token`: the session's access JWT (`accessJwt`), sent as a Bearer token;
    - `refresh_token`: the refresh JWT, used only by `refresh`;
    - `expires_at`: when the access JWT expires (ISO 8601), so the caller refreshes in time;
    - `did`: the account's DID, the repository every record is written to;
    - `handle`: the handle, used in post URLs (bsky.app/profile/<handle>/post/<rkey>);
    - `pds_url`: the PDS that hosts the account (from its DID document);
    - `langs` (optional): comma-separated BCP-47 languages written into each post's `langs`.

    Not implemented, by the platform's design: OAuthConnector (Bluesky uses app passwords
    here; atproto OAuth needs DPoP and PAR), direct messages (chat.bsky runs on Bluesky's
    closed chat service and needs an app password with DM access), impressions and reach
    (Bluesky publishes no such numbers).
    """

    def __init__(
        self,
        base_url: str = API_ROOT,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        allow_private: bool = False,
        clock: Clock | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._clock = clock or SystemClock()
        # allow_private: only for a PDS on the local network (tests, self-hosted intranets).
        self._xrpc = Xrpc(
            timeout=timeout, transport=transport, allow_private=allow_private
        )

    def close(self) -> None:
        self._xrpc.close()

    def __enter__(self) -> BlueskyConnector:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _session(self, account: AccountRef) -> Session:
        return Session.of(account, self.base_url)

    # --- connecting (PasswordConnector) ---------------------------------------------------

    def login(self, service_url: str, handle: str, password: str) -> TokenSet:
        """Handle + app password -> session; a wrong password is RECONNECT with Bluesky's
        message ("Invalid identifier or password")."""
        return auth.login(self._xrpc, service_url or self.base_url, handle, password)

    def refresh(self, app: OAuthApp, tokens: TokenSet) -> TokenSet:
        return auth.refresh(self._xrpc, tokens, app.base_url or self.base_url)

    def identities(self, tokens: TokenSet) -> Sequence[Identity]:
        return auth.identities(self._xrpc, tokens, self.base_url)

    # --- publishing (Publisher) -----------------------------------------------------------

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        """Send `post.parts` as one post or a thread, all or nothing.

        Everything that can be refused locally (media type and size) is checked, and every
        mention resolved, before the first write. If a later part fails, the parts already
        posted are deleted and the part's error is raised; if that clean-up fails, UNKNOWN
        names what is still live. A failed first comment only logs a warning.
        """
        if not post.parts:
            raise PublishError(
                "The post has no text to send.", kind=ErrorKind.PERMANENT
            )
        session = self._session(account)
        media = load_media(post.media_paths)
        resolve = self._resolver(session)
        part_facets = [richtext.facets(text, resolve) for text in post.parts]
        comment_facets = (
            richtext.facets(post.first_comment, resolve) if post.first_comment else []
        )
        langs = _langs(account)
        embed = self._embed(session, media) if media else None
        published_at = self._clock.now()
        first = self._create(
            session,
            mapping.post_record(
                post.parts[0],
                created_at=published_at,
                facets=part_facets[0],
                langs=langs,
                embed=embed,
            ),
        )
        posted = [first]
        for number, text in enumerate(post.parts[1:], start=2):
            rkey = mapping.new_tid()
            record = mapping.post_record(
                text,
                created_at=self._clock.now(),
                facets=part_facets[number - 1],
                langs=langs,
                reply=(first, posted[-1]),
            )
            try:
                posted.append(self._create(session, record, rkey=rkey))
            except PublishError as exc:
                attempted = mapping.post_uri(session.did, rkey)
                raise self._roll_back(session, posted, number, attempted, exc) from exc
        if post.first_comment:
            self._first_comment(
                session, first, post.first_comment, comment_facets, langs
            )
        return PublishedRef(
            first.uri, mapping.post_url(session.handle, first.uri), published_at
        )

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]:
        """Top-level posts since `since`, with `text` exactly as written (Bluesky stores plain
        text), so the worker can find a post by its fingerprint after an unknown outcome."""
        return reading.recent_posts(self._xrpc, self._session(account), since=since)

    def delete(self, account: AccountRef, platform_post_id: str) -> None:
        """Delete a post by its at:// URI. Bluesky answers deleteRecord for a record that is
        already gone like any other, so "already deleted" counts as deleted."""
        session = self._session(account)
        try:
            uri = mapping.AtUri.parse(platform_post_id)
        except ValueError as exc:
            raise PublishError(
                f"Cannot delete {platform_post_id!r}: a Bluesky post id is its at:// URI.",
                kind=ErrorKind.PERMANENT,
            ) from exc
        if uri.repo != session.did:
            raise PublishError(
                f"{platform_post_id} belongs to {uri.repo}, not to {session.handle} "
                f"({session.did}); only the account's own posts can be deleted.",
                kind=ErrorKind.PERMANENT,
            )
        self._xrpc.call(
            "POST",
            session.pds_url,
            "com.atproto.repo.deleteRecord",
            token=session.access_token,
            json={"repo": uri.repo, "collection": uri.collection, "rkey": uri.rkey},
            write=False,  # idempotent: a lost answer is simply tried again
        )

    # --- metrics (MetricsSource) ----------------------------------------------------------

    def post_metrics(
        self, account: AccountRef, platform_post_ids: Sequence[str]
    ) -> Sequence[PostMetrics]:
        session = self._session(account)
        at = self._clock.now()
        return reading.post_metrics(self._xrpc, session, platform_post_ids, at=at)

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        at = self._clock.now()
        return reading.account_metrics(self._xrpc, self._session(account), at=at)

    # --- conversations (ConversationSource) and search (Searcher) -------------------------

    def interactions(
        self, account: AccountRef, *, cursor: str | None = None
    ) -> InteractionPage:
        return reading.interactions(self._xrpc, self._session(account), cursor=cursor)

    def reply(
        self, account: AccountRef, to_platform_id: str, text: str
    ) -> PublishedRef:
        """Reply to any post by its at:// URI, keeping the thread's root."""
        session = self._session(account)
        parent = self._strong_ref(session, to_platform_id)
        facets = richtext.facets(text, self._resolver(session))
        published_at = self._clock.now()
        record = mapping.post_record(
            text,
            created_at=published_at,
            facets=facets,
            langs=_langs(account),
            reply=parent,
        )
        ref = self._create(session, record)
        return PublishedRef(
            ref.uri, mapping.post_url(session.handle, ref.uri), published_at
        )

    def search(
        self,
        account: AccountRef,
        query: str,
        *,
        since: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[FoundPost]:
        """app.bsky.feed.searchPosts, newest first (Bluesky's query syntax applies)."""
        session = self._session(account)
        return reading.search(self._xrpc, session, query, since=since, limit=limit)

    # --- internals ------------------------------------------------------------------------

    def _resolver(self, session: Session) -> richtext.ResolveHandle:
        cache: dict[str, str | None] = {}

        def resolve(handle: str) -> str | None:
            if handle not in cache:
                try:
                    body = self._xrpc.call(
                        "GET",
                        session.pds_url,
                        "com.atproto.identity.resolveHandle",
                        params={"handle": handle},
                    )
                    cache[handle] = str(body.get("did") or "") or None
                except PublishError as exc:
                    if exc.kind is not ErrorKind.PERMANENT:
                        raise  # nothing is sent yet: retry the whole post later
                    cache[handle] = None  # "Unable to resolve handle": stays plain text
            return cache[handle]

        return resolve

    def _embed(self, session: Session, media: list[MediaFile]) -> dict[str, Any]:
        blobs = [self._upload(session, item) for item in media]
        if media[0].is_video:
            return mapping.video_embed(blobs[0])
        return mapping.images_embed(blobs)

    def _upload(self, session: Session, item: MediaFile) -> dict[str, Any]:
        body = self._xrpc.call(
            "POST",
            session.pds_url,
            "com.atproto.repo.uploadBlob",
            token=session.access_token,
            content=item.data,
            content_type=item.mime_type,
            # An unreferenced blob is garbage-collected and nothing is posted yet: a lost
            # answer here is a plain retry, not an unknown outcome.
            write=False,
        )
        blob = body.get("blob")
        if not isinstance(blob, dict):
            raise PublishError(
                f"Bluesky's answer to the upload of {item.path.name} had no blob; "
                "Tandem will try again.",
                kind=ErrorKind.RETRY,
            )
        return blob

    def _create(
        self, session: Session, record: dict[str, Any], *, rkey: str | None = None
    ) -> mapping.StrongRef:
        """createRecord with a record key Tandem chose, so the URI is known even when the
        answer is lost."""
        body = self._xrpc.call(
            "POST",
            session.pds_url,
            "com.atproto.repo.createRecord",
            token=session.access_token,
            json={
                "repo": session.did,
                "collection": POST_COLLECTION,
                "rkey": rkey or mapping.new_tid(),
                "record": record,
            },
        )
        uri, cid = body.get("uri"), body.get("cid")
        if not isinstance(uri, str) or not isinstance(cid, str):
            raise PublishError(
                "Bluesky accepted the post but its answer lacked the post's uri/cid; "
                "the post probably exists.",
                kind=ErrorKind.UNKNOWN,
            )
        return mapping.StrongRef(uri, cid)

    def _roll_back(
        self,
        session: Session,
        posted: list[mapping.StrongRef],
        number: int,
        attempted: str,
        failure: PublishError,
    ) -> PublishError:
        """Delete the thread's posted parts (and the failed part, if it may exist); the
        error to raise says what happened and what, if anything, is still live."""
        doubtful = failure.kind is ErrorKind.UNKNOWN
        targets = ([attempted] if doubtful else []) + [r.uri for r in reversed(posted)]
        live: list[str] = []
        for uri in targets:
            try:
                self._xrpc.call(
                    "POST",
                    session.pds_url,
                    "com.atproto.repo.deleteRecord",
                    token=session.access_token,
                    json={
                        "repo": session.did,
                        "collection": POST_COLLECTION,
                        "rkey": mapping.AtUri.parse(uri).rkey,
                    },
                    write=False,
                )
            except PublishError as exc:
                log.warning(
                    "bluesky: could not delete %s during roll-back: %s",
                    uri,
                    exc.message,
                )
                live.append(uri)
        if live:
            return PublishError(
                f"Part {number} of the thread failed ({failure.message}) and removing the "
                f"parts already posted failed too; still live: {', '.join(live)}. Delete "
                "them on Bluesky, or mark the post as published.",
                kind=ErrorKind.UNKNOWN,
                status=failure.status,
            )
        if doubtful:
            return PublishError(
                f"Part {number} of the thread got no answer ({failure.message}); every "
                "part was deleted again, so it is safe to send the thread later.",
                kind=ErrorKind.RETRY,
                status=failure.status,
            )
        return PublishError(
            f"Part {number} of the thread failed: {failure.message} (the parts already "
            "posted were deleted).",
            kind=failure.kind,
            retry_after=failure.retry_after,
            status=failure.status,
        )

    def _first_comment(
        self,
        session: Session,
        first: mapping.StrongRef,
        text: str,
        facets: list[dict[str, Any]],
        langs: tuple[str, ...],
    ) -> None:
        record = mapping.post_record(
            text,
            created_at=self._clock.now(),
            facets=facets,
            langs=langs,
            reply=(first, first),
        )
        try:
            self._create(session, record)
        except PublishError as exc:
            log.warning(
                "bluesky: the post %s is live but its first comment failed: %s",
                first.uri,
                exc.message,
            )

    def _strong_ref(
        self, session: Session, uri: str
    ) -> tuple[mapping.StrongRef, mapping.StrongRef]:
        """(root, parent) refs for replying to `uri`: from the AppView's view of the post,
        else from the record itself (a PDS without an AppView serves its own records)."""
        try:
            parsed = mapping.AtUri.parse(uri)
        except ValueError as exc:
            raise PublishError(
                f"Cannot reply to {uri!r}: a Bluesky post id is its at:// URI.",
                kind=ErrorKind.PERMANENT,
            ) from exc
        view: dict[str, Any] | None = None
        try:
            body = reading.get(
                self._xrpc, session, "app.bsky.feed.getPosts", {"uris": [uri]}
            )
            posts = body.get("posts") or []
            view = posts[0] if posts else None
        except PublishError as exc:
            if exc.kind is not ErrorKind.PERMANENT:
                raise
        if view is None:
            view = reading.get(
                self._xrpc,
                session,
                "com.atproto.repo.getRecord",
                {
                    "repo": parsed.repo,
                    "collection": parsed.collection,
                    "rkey": parsed.rkey,
                },
            )
        with reading.readable("post to reply to"):
            ref = mapping.StrongRef(str(view["uri"]), str(view["cid"]))
            return mapping.reply_refs(view, ref)


def _langs(account: AccountRef) -> tuple[str, ...]:
    raw = account.credentials.get("langs", "")
    return tuple(code.strip() for code in raw.split(",") if code.strip())
