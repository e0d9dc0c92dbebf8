"""Use cases: topics and sources (add, change, remove), noting a trend for a campaign.

Nothing here commits. Errors name the field and say how to fix it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from tandem.accounts import Member, audit
from tandem.core import Clock, Conflict, InvalidInput, NotFound, new_id
from tandem.listen import store
from tandem.listen.csv_import import parse_mentions
from tandem.listen.ingest import ingest, rematch
from tandem.listen.model import Trend
from tandem.listen.records import (
    CampaignNote,
    IngestResult,
    Source,
    SourceInput,
    SourceKind,
    TopicInput,
    TrackedTopic,
)
from tandem.listen.topics import Topic, TopicKind
from tandem.publish import store as publish_store

TOPICS_MAX = 50
FILTERS_MAX = 20
QUERY_MAX = 1000


def parse_kind(value: str) -> TopicKind:
    try:
        return TopicKind(value.strip().lower())
    except ValueError:
        choices = ", ".join(k.value for k in TopicKind)
        raise InvalidInput(
            f"kind must be one of {choices}, not “{value}”.", field="kind"
        ) from None


def _codes(values: tuple[str, ...], field: str) -> tuple[str, ...]:
    codes: list[str] = []
    for raw in values:
        for part in raw.replace(",", " ").split():
            code = part.strip().lower()
            if not code.replace("-", "").isalnum() or len(code) > 32:
                raise InvalidInput(
                    f"{field}: “{part}” is not a code; list codes such as en, de "
                    "(languages) or mastodon, bluesky (platforms), separated by commas.",
                    field=field,
                )
            codes.append(code)
    codes = list(dict.fromkeys(codes))
    if len(codes) > FILTERS_MAX:
        raise InvalidInput(f"List at most {FILTERS_MAX} {field}.", field=field)
    return tuple(codes)


def _no_nul(value: str) -> str:
    return value.replace("\x00", "")  # PostgreSQL text cannot hold NUL


def _clean_topic(data: TopicInput) -> Topic:
    data = TopicInput(
        _no_nul(data.name),
        _no_nul(data.query),
        data.kind,
        tuple(_no_nul(v) for v in data.languages),
        tuple(_no_nul(v) for v in data.platforms),
    )
    name = " ".join(data.name.split())
    if not name:
        raise InvalidInput("Give the topic a name.", field="name")
    if len(name) > store.NAME_MAX:
        raise InvalidInput(
            f"Keep the name under {store.NAME_MAX} characters.", field="name"
        )
    if not data.query.strip():
        raise InvalidInput(
            'Write a query: words, #hashtags or "phrases", joined with AND, OR, NOT '
            '(e.g. northpeak OR "north peak").',
            field="query",
        )
    if len(data.query) > QUERY_MAX:
        raise InvalidInput(
            f"Keep the query under {QUERY_MAX} characters; split it into several topics.",
            field="query",
        )
    return Topic.parse(  # a bad query raises TopicQueryError (field "query")
        name,
        data.query.strip(),
        kind=parse_kind(data.kind),
        languages=frozenset(_codes(data.languages, "languages")),
        platforms=frozenset(_codes(data.platforms, "platforms")),
    )


def _filters(topic: Topic) -> dict[str, list[str]]:
    return {
        "languages": sorted(topic.languages),
        "platforms": sorted(topic.platforms),
    }


def add_topic(
    session: Session, *, actor: Member, data: TopicInput, clock: Clock
) -> TrackedTopic:
    """Track a topic and match the mentions already stored (last five weeks) against it."""
    topic = _clean_topic(data)
    ws = actor.workspace.id
    if store.topic_name_taken(session, ws, topic.name, None):
        raise Conflict("A topic with this name exists already.", field="name")
    if len(store.topics_in(session, ws)) >= TOPICS_MAX:
        raise Conflict(
            f"A workspace tracks at most {TOPICS_MAX} topics; remove one first.",
            field="name",
        )
    now = clock.now()
    row = store.ListenTopicRow(
        id=new_id(),
        workspace_id=ws,
        name=topic.name,
        kind=topic.kind.value,
        query=topic.query.text,
        filters=_filters(topic),
        created_by=actor.user.id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    tracked = store.to_topic(row)
    rematch(session, tracked, now=now)
    audit.record_change(
        session,
        actor=actor,
        action="listen.topic.add",
        entity_type="listen_topic",
        entity_id=row.id,
        after={"name": topic.name, "kind": topic.kind.value, "query": row.query},
        summary=f"started tracking the {topic.kind.value} topic “{topic.name}”",
        now=now,
    )
    return tracked


def update_topic(
    session: Session, *, actor: Member, topic_id: str, data: TopicInput, clock: Clock
) -> TrackedTopic:
    row = store.topic_row(session, actor.workspace.id, topic_id)
    topic = _clean_topic(data)
    if store.topic_name_taken(session, actor.workspace.id, topic.name, topic_id):
        raise Conflict("A topic with this name exists already.", field="name")
    before = {"name": row.name, "kind": row.kind, "query": row.query}
    now = clock.now()
    row.name, row.kind, row.query = topic.name, topic.kind.value, topic.query.text
    row.filters = _filters(topic)
    row.updated_at = now
    session.flush()
    tracked = store.to_topic(row)
    rematch(session, tracked, now=now)
    audit.record_change(
        session,
        actor=actor,
        action="listen.topic.update",
        entity_type="listen_topic",
        entity_id=row.id,
        before=before,
        after={"name": row.name, "kind": row.kind, "query": row.query},
        summary=f"changed the topic “{row.name}”",
        now=now,
    )
    return tracked


def delete_topic(
    session: Session, *, actor: Member, topic_id: str, clock: Clock
) -> None:
    row = store.topic_row(session, actor.workspace.id, topic_id)
    name = row.name
    store.unlink_topic(session, topic_id)
    session.delete(row)
    session.flush()
    audit.record_change(
        session,
        actor=actor,
        action="listen.topic.delete",
        entity_type="listen_topic",
        entity_id=topic_id,
        summary=f"stopped tracking the topic “{name}”",
        now=clock.now(),
    )


def _feed_url(value: str) -> str:
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            "Give the feed's full address starting with https:// (or http://).",
            field="url",
        )
    if len(url) > store.URL_MAX:
        raise InvalidInput(
            f"Keep the feed URL under {store.URL_MAX} characters.", field="url"
        )
    return url


def parse_source_kind(value: str) -> SourceKind:
    try:
        return SourceKind(value.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"kind must be “feed” (an RSS/Atom feed) or “search” (a connected account's "
            f"search), not “{value}”.",
            field="kind",
        ) from None


def add_source(
    session: Session, *, actor: Member, data: SourceInput, clock: Clock
) -> Source:
    kind = parse_source_kind(data.kind)
    data = SourceInput(
        data.kind, _no_nul(data.name), _no_nul(data.url), data.account_id, data.active
    )
    ws = actor.workspace.id
    existing = store.sources_in(session, ws)
    if kind is SourceKind.FEED:
        url, account_id = _feed_url(data.url), None
        name = " ".join(data.name.split()) or (urlsplit(url).hostname or url)
        if any(s.url == url for s in existing):
            raise Conflict("This workspace already listens to that feed.", field="url")
    else:
        url, account_id = "", data.account_id.strip()
        try:
            account = publish_store.account_in(session, ws, account_id)
        except NotFound:
            raise InvalidInput(
                "account_id is not a connected account of this workspace.",
                field="account_id",
            ) from None
        name = " ".join(data.name.split()) or f"{account.platform} search"
        if any(s.account_id == account_id for s in existing):
            raise Conflict(
                "This account's search is already a source.", field="account_id"
            )
    if len(name) > store.NAME_MAX:
        raise InvalidInput(
            f"Keep the name under {store.NAME_MAX} characters.", field="name"
        )
    now = clock.now()
    row = store.ListenSourceRow(
        id=new_id(),
        workspace_id=ws,
        kind=kind.value,
        name=name,
        url=url,
        account_id=account_id,
        active=data.active,
        last_error="",
        collected=0,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record_change(
        session,
        actor=actor,
        action="listen.source.add",
        entity_type="listen_source",
        entity_id=row.id,
        after={"kind": kind.value, "url": url, "account_id": account_id},
        summary=f"added the listening source “{name}”",
        now=now,
    )
    return store.to_source(row)


def set_source_active(
    session: Session, *, actor: Member, source_id: str, active: bool, clock: Clock
) -> Source:
    row = store.source_row(session, actor.workspace.id, source_id)
    row.active = active
    session.flush()
    audit.record_change(
        session,
        actor=actor,
        action="listen.source.update",
        entity_type="listen_source",
        entity_id=row.id,
        after={"active": active},
        summary=f"{'resumed' if active else 'paused'} the listening source “{row.name}”",
        now=clock.now(),
    )
    return store.to_source(row)


def delete_source(
    session: Session, *, actor: Member, source_id: str, clock: Clock
) -> None:
    row = store.source_row(session, actor.workspace.id, source_id)
    name = row.name
    session.delete(row)
    session.flush()
    audit.record_change(
        session,
        actor=actor,
        action="listen.source.delete",
        entity_type="listen_source",
        entity_id=source_id,
        summary=f"removed the listening source “{name}”",
        now=clock.now(),
    )


def note_for_campaign(
    session: Session,
    *,
    actor: Member,
    campaign_id: str,
    trend: Trend,
    note: str,
    clock: Clock,
) -> CampaignNote:
    """Attach a trend to a campaign. The caller has checked that the campaign is in the
    actor's workspace (campaigns belong to `plan`, above this capability)."""
    text = _no_nul(note).strip()
    if len(text) > 2000:
        raise InvalidInput("Keep the note under 2,000 characters.", field="note")
    now = clock.now()
    row = store.ListenCampaignNoteRow(
        id=new_id(),
        workspace_id=actor.workspace.id,
        campaign_id=campaign_id,
        trend_label=trend.label[:300],
        note=text or trend.why,
        details={
            "kind": trend.kind.value,
            "why": trend.why,
            "terms": [t.key for t in trend.terms],
            "mentions": trend.mentions,
            "examples": [m.text for m in trend.examples[:3]],
        },
        created_by=actor.user.id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record_change(
        session,
        actor=actor,
        action="listen.note",
        entity_type="campaign",
        entity_id=campaign_id,
        after={"trend": trend.label},
        summary=f"noted the trend “{trend.label}” for a campaign",
        now=now,
    )
    return store.to_note(row)


def import_csv(
    session: Session, *, actor: Member, data: bytes, filename: str, clock: Clock
) -> IngestResult:
    """Import a CSV export of mentions: every row or none (`CsvRejected` names the rows)."""
    parsed = parse_mentions(data)
    now = clock.now()
    result = ingest(
        session,
        workspace_id=actor.workspace.id,
        mentions=parsed,
        source="csv",
        now=now,
    )
    audit.record_change(
        session,
        actor=actor,
        action="listen.import",
        entity_type="listen_mentions",
        entity_id=actor.workspace.id,
        after={
            "file": filename[:200],
            "rows": result.received,
            "stored": result.stored,
        },
        summary=f"imported {result.stored} mention(s) from “{filename[:100]}”",
        now=now,
    )
    return result


def display_label(label: str) -> str:
    return label.removeprefix("topic:")


def draft_text(trend: Trend) -> str:
    """A starting point for a post about the trend, for the composer (people edit it)."""
    tags = [t.key for t in trend.terms if t.key.startswith("#")][:3]
    text = (
        f"Everyone's talking about {display_label(trend.label)} right now. Our take: "
    )
    return text + (" " + " ".join(tags) if tags else "")
