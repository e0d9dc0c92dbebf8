"""Storing mentions from any source: deduplicate, triage, match the workspace's topics.

Triage is the inbox's (`tandem.inbox.triage`): the same sentiment, intent and language the
inbox shows. Nothing here commits; a caller that wants all-or-nothing (a CSV import) gets it
from its unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.core import new_id
from tandem.inbox import triage
from tandem.listen import store
from tandem.listen.model import Mention
from tandem.listen.records import IngestResult, MentionInput, TrackedTopic
from tandem.listen.terms import analyse
from tandem.listen.topics import Topic, matches

REMATCH_WINDOW = timedelta(weeks=5)  # what a new or edited topic looks back over


def _clip(value: str, size: int) -> str:
    return _text(value)[:size]


def _text(value: str) -> str:
    """PostgreSQL text cannot hold NUL; exports and feeds sometimes do."""
    return value.replace("\x00", "")


def _language(found: str, triaged: str) -> str:
    code = (found or "").strip().lower()[:8]
    if code:
        return code
    return "" if triaged == "und" else triaged


def matching_topics(topics: Sequence[tuple[str, Topic]], mention: Mention) -> list[str]:
    analysis = analyse(mention.text)
    return [tid for tid, topic in topics if matches(topic, mention, analysis)]


def compiled(topics: Sequence[TrackedTopic]) -> list[tuple[str, Topic]]:
    return [(t.id, t.topic()) for t in topics]


def ingest(
    session: Session,
    *,
    workspace_id: str,
    mentions: Sequence[MentionInput],
    source: str,
    now: datetime,
    source_id: str | None = None,
) -> IngestResult:
    """Store the mentions not seen before in this workspace (also within `mentions`).

    Two writers storing the same post at once (a job and an import) meet at the unique key:
    the loser's batch is rolled back to its savepoint and done again without that post."""
    for attempt in (1, 2):
        try:
            with session.begin_nested():
                return _ingest(session, workspace_id, mentions, source, now, source_id)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _ingest(
    session: Session,
    workspace_id: str,
    mentions: Sequence[MentionInput],
    source: str,
    now: datetime,
    source_id: str | None,
) -> IngestResult:
    keyed: dict[str, MentionInput] = {}
    for m in mentions:
        keyed.setdefault(store.key_digest(store.mention_key(m)), m)
    known = store.known_digests(session, workspace_id, list(keyed))
    topics = compiled(store.topics_in(session, workspace_id))
    stored = matched = 0
    for digest, m in keyed.items():
        if digest in known:
            continue
        result = triage(m.text, author_followers=m.author_followers)
        language = _language(m.language, result.language)
        row = store.ListenMentionRow(
            id=new_id(),
            workspace_id=workspace_id,
            key_digest=digest,
            source=source,
            source_id=source_id,
            platform=_clip(m.platform.lower(), store.PLATFORM_MAX),
            platform_id=_clip(m.platform_id, store.PLATFORM_ID_MAX),
            url=_clip(m.url, store.URL_MAX),
            author=_clip(m.author, store.AUTHOR_MAX),
            author_followers=m.author_followers,
            text=_text(m.text),
            language=language,
            sentiment=round(result.sentiment, 4),
            intent=result.intent.value,
            created_at=m.created_at,
            collected_at=now,
        )
        session.add(row)
        mention = Mention(
            text=m.text,
            created_at=m.created_at,
            platform=row.platform,
            author=row.author,
            language=language,
        )
        topic_ids = matching_topics(topics, mention)
        for topic_id in topic_ids:
            session.add(
                store.ListenMentionTopicRow(
                    mention_id=row.id,
                    topic_id=topic_id,
                    workspace_id=workspace_id,
                    created_at=m.created_at,
                )
            )
        stored += 1
        matched += bool(topic_ids)
    session.flush()
    return IngestResult(
        received=len(mentions),
        stored=stored,
        duplicates=len(mentions) - stored,
        matched=matched,
    )


def rematch(
    session: Session, topic: TrackedTopic, *, now: datetime, batch: int = 2000
) -> int:
    """Link `topic` to the stored mentions of the last five weeks that match it (after a
    topic is created or its query changes); returns how many match."""
    store.unlink_topic(session, topic.id)
    compiled_topic = topic.topic()
    since = now - REMATCH_WINDOW
    query = (
        select(
            store.ListenMentionRow.id,
            store.ListenMentionRow.text,
            store.ListenMentionRow.created_at,
            store.ListenMentionRow.platform,
            store.ListenMentionRow.language,
        )
        .where(
            store.ListenMentionRow.workspace_id == topic.workspace_id,
            store.ListenMentionRow.created_at >= since,
        )
        .execution_options(yield_per=batch)
    )
    hits = [
        (mention_id, created_at)
        for mention_id, text, created_at, platform, language in session.execute(query)
        if matches(
            compiled_topic,
            Mention(text, created_at, platform=platform, language=language),
        )
    ]
    session.add_all(
        store.ListenMentionTopicRow(
            mention_id=mention_id,
            topic_id=topic.id,
            workspace_id=topic.workspace_id,
            created_at=created_at,
        )
        for mention_id, created_at in hits
    )
    session.flush()
    return len(hits)
