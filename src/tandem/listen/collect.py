"""Collecting mentions from sources: RSS/Atom feeds (news, blogs, forums) and connector search.

Each source is read outside any transaction (network calls never hold the database) and its
mentions are stored in a short unit of work of their own, so one broken feed or platform
does not stop the others; its error is kept on the source for the page to show. Feeds are
fetched with autopost's fetcher (conditional GET, size limit, private-address guard).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy.orm import Session

from tandem.compose.autopost.model import ParsedFeed
from tandem.compose.autopost.polling import PollTarget, fetch_and_parse
from tandem.core import Clock
from tandem.listen import store
from tandem.listen.ingest import ingest, matching_topics
from tandem.listen.model import Mention
from tandem.listen.ports import FoundPost, Searcher
from tandem.listen.records import MentionInput, SourceKind
from tandem.listen.topics import AllOf, AnyOf, Hashtag, Node, Not, Phrase, Word
from tandem.publish.ports import AccountRef, PublishError
from tandem.publish.store import SocialAccountRow
from tandem.storage import Database

log = logging.getLogger(__name__)

SEARCH_TERMS_MAX = 5  # per topic and run: platforms rate-limit search
SEARCH_LIMIT = 50
FIRST_LOOK_BACK = timedelta(days=1)

SearcherFor = Callable[[Session, SocialAccountRow], tuple[Searcher, AccountRef] | None]


@dataclass(frozen=True)
class Collected:
    source_id: str
    stored: int = 0
    error: str = ""


def search_terms(node: Node) -> list[str]:
    """The terms a mention must (or may) contain, as plain search strings for a platform's
    search; exclusions and filters are applied afterwards by `matches`."""
    if isinstance(node, Word):
        return [node.text]
    if isinstance(node, Hashtag):
        return [node.tag]
    if isinstance(node, Phrase):
        return [" ".join(node.words)]
    if isinstance(node, AnyOf):
        return [t for child in node.children for t in search_terms(child)]
    if isinstance(node, AllOf):
        parts = [search_terms(c) for c in node.children]
        firsts = [p[0] for p in parts if len(p) == 1]  # AND of single terms: all words
        return [" ".join(firsts)] if firsts else next((p for p in parts if p), [])
    if isinstance(node, Not):
        return []
    return []  # a filter


def feed_mentions(parsed: ParsedFeed, url: str, now: datetime) -> list[MentionInput]:
    host = urlsplit(url).hostname or ""
    return [
        MentionInput(
            text="\n\n".join(p for p in (e.title, e.summary) if p)[:10_000],
            created_at=e.published_at or now,
            platform="web",
            url=e.link,
            platform_id="" if e.link else f"{host}:{e.key}"[:200],
            author=e.author or host,
        )
        for e in parsed.entries
        if e.title or e.summary
    ]


def found_mention(post: FoundPost) -> MentionInput:
    return MentionInput(
        text=post.text,
        created_at=post.created_at,
        platform=post.platform,
        platform_id=post.platform_post_id,
        url=post.url,
        author=post.author_handle,
        author_followers=post.author_followers,
        language=post.language,
    )


def _finish(
    database: Database,
    source_id: str,
    found: Sequence[MentionInput],
    *,
    error: str,
    now: datetime,
    validators: tuple[str | None, str | None] | None = None,
) -> Collected:
    with database.session() as session:
        row = session.get(store.ListenSourceRow, source_id)
        if row is None:  # removed while it was being read
            return Collected(source_id)
        result = ingest(
            session,
            workspace_id=row.workspace_id,
            mentions=found,
            source=row.kind,
            source_id=row.id,
            now=now,
        )
        row.last_polled_at, row.last_error = now, error[:2000]
        row.collected += result.stored
        if validators is not None:
            row.etag, row.last_modified = validators
        return Collected(source_id, result.stored, error)


def collect_feed(
    database: Database,
    source_id: str,
    *,
    client: httpx.Client,
    clock: Clock,
    max_bytes: int,
) -> Collected:
    with database.session() as session:
        row = session.get(store.ListenSourceRow, source_id)
        if row is None:
            return Collected(source_id)
        target = PollTarget(row.id, row.url, row.etag, row.last_modified)
    fetch = fetch_and_parse(client, target, max_bytes=max_bytes, now=clock.now())
    now = clock.now()
    if fetch.parsed is None:  # an error, or 304 Not Modified (nothing new)
        validators = (
            (fetch.fetched.etag, fetch.fetched.last_modified) if fetch.fetched else None
        )
        return _finish(
            database, source_id, [], error=fetch.error, now=now, validators=validators
        )
    assert fetch.fetched is not None
    return _finish(
        database,
        source_id,
        feed_mentions(fetch.parsed, target.url, now),
        error=fetch.parsed.warning,
        now=now,
        validators=(fetch.fetched.etag, fetch.fetched.last_modified),
    )


def collect_search(
    database: Database, source_id: str, *, searchers: SearcherFor, clock: Clock
) -> Collected:
    with database.session() as session:
        row = session.get(store.ListenSourceRow, source_id)
        account = (
            session.get(SocialAccountRow, row.account_id)
            if row and row.account_id
            else None
        )
        if row is None or account is None:
            return Collected(source_id)
        resolved = searchers(session, account)
        topics = store.topics_in(session, row.workspace_id)
        since = row.last_polled_at or clock.now() - FIRST_LOOK_BACK
    if resolved is None:
        error = f"{account.platform} has no public search Tandem can use."
        return _finish(database, source_id, [], error=error, now=clock.now())
    searcher, ref = resolved
    found: list[MentionInput] = []
    error = ""
    terms = dict.fromkeys(
        t
        for topic in topics
        for t in search_terms(topic.topic().query.root)[:SEARCH_TERMS_MAX]
    )
    for term in terms:
        try:
            posts = searcher.search(ref, term, since=since, limit=SEARCH_LIMIT)
        except PublishError as exc:
            error = f"Search for “{term}” failed: {exc.message}"
            break
        found += [found_mention(p) for p in posts]
    compiled = [(t.id, t.topic()) for t in topics]
    relevant = [  # a platform's search is looser than the query (no NOT, no filters)
        m
        for m in found
        if matching_topics(
            compiled,
            Mention(m.text, m.created_at, platform=m.platform, language=m.language),
        )
    ]
    return _finish(database, source_id, relevant, error=error, now=clock.now())


def collect_all(
    database: Database,
    *,
    client: httpx.Client,
    searchers: SearcherFor,
    clock: Clock,
    max_bytes: int,
) -> list[Collected]:
    with database.session() as session:
        sources = [
            (sid, session.get(store.ListenSourceRow, sid))
            for sid in store.active_source_ids(session)
        ]
        kinds = {sid: row.kind for sid, row in sources if row is not None}
    results = []
    for sid, kind in kinds.items():
        try:
            if kind == SourceKind.FEED.value:
                result = collect_feed(
                    database, sid, client=client, clock=clock, max_bytes=max_bytes
                )
            else:
                result = collect_search(database, sid, searchers=searchers, clock=clock)
        except Exception as exc:  # one broken source must not stop the others
            log.exception("listening source failed", extra={"source": sid})
            error = f"Unexpected error ({type(exc).__name__}: {exc}); Tandem will try again."
            result = _finish(database, sid, [], error=error, now=clock.now())
        if result.error:
            log.warning(
                "listening source error", extra={"source": sid, "error": result.error}
            )
        results.append(result)
    return results
