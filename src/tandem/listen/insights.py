"""Reading stored mentions: share of voice, sentiment over time, top voices and posts, trends.

Share of voice compares the brand and competitor topics (industry topics overlap them all,
so they are left out). Volume share is a topic's mentions over all of theirs; the
sentiment-weighted share counts each mention as 1 + its sentiment (0 for fully negative,
1 neutral, 2 fully positive), so a rival talked about angrily loses share. Every figure comes
with the previous period of the same length, for comparison.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.core import InvalidInput, NotFound
from tandem.listen import store
from tandem.listen.model import Mention, Trend
from tandem.listen.records import StoredMention, TrackedTopic
from tandem.listen.topics import TopicKind
from tandem.listen.trends import detect_trends

M = store.ListenMentionRow
L = store.ListenMentionTopicRow
MAX_RANGE = timedelta(days=366)
TREND_BASELINE_WEEKS = 4
TREND_MAX_MENTIONS = 200_000


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    @property
    def previous(self) -> Period:
        return Period(self.start - (self.end - self.start), self.start)


def period(start: datetime | None, end: datetime | None, *, now: datetime) -> Period:
    """[start, end): the last 7 days by default; errors name the field."""
    end = end or now
    start = start or end - timedelta(days=7)
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInput("Dates need a time zone (or use a date).", field="start")
    if start >= end:
        raise InvalidInput("start must be before end.", field="start")
    if end - start > MAX_RANGE:
        raise InvalidInput("Choose a range of at most a year.", field="start")
    return Period(start, end)


@dataclass(frozen=True)
class TopicShare:
    topic_id: str
    name: str
    kind: TopicKind
    mentions: int
    share: float  # of the compared topics' mentions, 0..1
    weighted: float
    weighted_share: float
    sentiment: float | None  # mean, -1..1
    previous_mentions: int
    previous_share: float
    previous_weighted_share: float

    @property
    def change(self) -> float | None:
        """Mentions against the previous period (+0.25 = a quarter more), None from zero."""
        if not self.previous_mentions:
            return None
        return self.mentions / self.previous_mentions - 1


@dataclass(frozen=True)
class ShareOfVoice:
    period: Period
    topics: tuple[TopicShare, ...]
    total: int
    previous_total: int


def _volumes(
    session: Session, workspace_id: str, ids: Sequence[str], p: Period
) -> dict[str, tuple[int, float]]:
    if not ids:
        return {}
    rows = session.execute(
        select(L.topic_id, func.count(), func.coalesce(func.sum(M.sentiment), 0.0))
        .join(M, M.id == L.mention_id)
        .where(
            L.workspace_id == workspace_id,
            L.topic_id.in_(ids),
            L.created_at >= p.start,
            L.created_at < p.end,
        )
        .group_by(L.topic_id)
    ).all()
    return {str(t): (int(n), float(s)) for t, n, s in rows}


def compared_topics(topics: Sequence[TrackedTopic]) -> list[TrackedTopic]:
    return [t for t in topics if t.kind is not TopicKind.INDUSTRY]


def share_of_voice(session: Session, workspace_id: str, p: Period) -> ShareOfVoice:
    topics = compared_topics(store.topics_in(session, workspace_id))
    ids = [t.id for t in topics]
    now, before = (
        _volumes(session, workspace_id, ids, p),
        _volumes(session, workspace_id, ids, p.previous),
    )

    def totals(v: dict[str, tuple[int, float]]) -> tuple[int, float]:
        return sum(n for n, _ in v.values()), sum(n + s for n, s in v.values())

    total, weighted_total = totals(now)
    prev_total, prev_weighted_total = totals(before)
    shares = []
    for t in topics:
        n, s = now.get(t.id, (0, 0.0))
        pn, ps = before.get(t.id, (0, 0.0))
        shares.append(
            TopicShare(
                topic_id=t.id,
                name=t.name,
                kind=t.kind,
                mentions=n,
                share=n / total if total else 0.0,
                weighted=round(n + s, 3),
                weighted_share=(n + s) / weighted_total if weighted_total else 0.0,
                sentiment=round(s / n, 3) if n else None,
                previous_mentions=pn,
                previous_share=pn / prev_total if prev_total else 0.0,
                previous_weighted_share=(
                    (pn + ps) / prev_weighted_total if prev_weighted_total else 0.0
                ),
            )
        )
    shares.sort(key=lambda s: (-s.mentions, s.name))
    return ShareOfVoice(p, tuple(shares), total, prev_total)


@dataclass(frozen=True)
class DaySentiment:
    day: date
    mentions: int
    sentiment: float  # mean
    negative: int  # mentions scored below -0.05 (VADER's negative threshold)


def sentiment_by_day(
    session: Session, workspace_id: str, p: Period, *, topic_id: str | None = None
) -> dict[str, list[DaySentiment]]:
    """Per topic (or the single topic asked for): each UTC day with mentions, in order."""
    query = (
        select(L.topic_id, M.created_at, M.sentiment)
        .join(M, M.id == L.mention_id)
        .where(
            L.workspace_id == workspace_id,
            L.created_at >= p.start,
            L.created_at < p.end,
        )
    )
    if topic_id:
        query = query.where(L.topic_id == topic_id)
    buckets: dict[str, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    for tid, created_at, sentiment in session.execute(query):
        buckets[str(tid)][created_at.date()].append(float(sentiment))
    return {
        tid: [
            DaySentiment(
                day,
                len(values),
                round(sum(values) / len(values), 3),
                sum(1 for v in values if v < -0.05),
            )
            for day, values in sorted(days.items())
        ]
        for tid, days in buckets.items()
    }


@dataclass(frozen=True)
class Voice:
    author: str
    platform: str
    mentions: int
    followers: int | None
    sentiment: float


def top_voices(
    session: Session, workspace_id: str, topic_id: str, p: Period, *, limit: int = 10
) -> list[Voice]:
    rows = session.execute(
        select(
            M.author,
            M.platform,
            func.count(),
            func.max(M.author_followers),
            func.avg(M.sentiment),
        )
        .join(L, L.mention_id == M.id)
        .where(
            L.topic_id == topic_id,
            L.workspace_id == workspace_id,
            L.created_at >= p.start,
            L.created_at < p.end,
            M.author != "",
        )
        .group_by(M.author, M.platform)
        .order_by(func.count().desc(), func.max(M.author_followers).desc(), M.author)
        .limit(limit)
    ).all()
    return [
        Voice(str(a), str(pl), int(n), f, round(float(s or 0), 3))
        for a, pl, n, f, s in rows
    ]


def top_posts(
    session: Session, workspace_id: str, topic_id: str, p: Period, *, limit: int = 10
) -> list[StoredMention]:
    """The topic's mentions with the widest reach (author followers), newest first among
    equals (no engagement counts are stored for mentions)."""
    rows = session.scalars(
        select(M)
        .join(L, L.mention_id == M.id)
        .where(
            L.topic_id == topic_id,
            L.workspace_id == workspace_id,
            L.created_at >= p.start,
            L.created_at < p.end,
        )
        .order_by(
            func.coalesce(M.author_followers, -1).desc(), M.created_at.desc(), M.id
        )
        .limit(limit)
    )
    return [store.to_mention(r) for r in rows]


def mentions(
    session: Session,
    workspace_id: str,
    p: Period,
    *,
    topic_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[StoredMention]:
    query = select(M).where(
        M.workspace_id == workspace_id, M.created_at >= p.start, M.created_at < p.end
    )
    if topic_id:
        query = query.where(
            M.id.in_(select(L.mention_id).where(L.topic_id == topic_id))
        )
    rows = list(
        session.scalars(
            query.order_by(M.created_at.desc(), M.id).limit(limit).offset(offset)
        )
    )
    links: dict[str, list[str]] = defaultdict(list)
    if rows:
        for mid, tid in session.execute(
            select(L.mention_id, L.topic_id).where(
                L.mention_id.in_([r.id for r in rows])
            )
        ):
            links[str(mid)].append(str(tid))
    return [store.to_mention(r, sorted(links[r.id])) for r in rows]


def trends(
    session: Session,
    workspace_id: str,
    *,
    now: datetime,
    window: timedelta = timedelta(hours=24),
    limit: int | None = 20,
) -> list[Trend]:
    """`detect_trends` over the stored mentions of the window and the weeks before it."""
    since = now - window - timedelta(weeks=TREND_BASELINE_WEEKS)
    rows = session.execute(
        select(M.text, M.created_at, M.platform, M.author, M.language, M.sentiment)
        .where(
            M.workspace_id == workspace_id, M.created_at >= since, M.created_at < now
        )
        .order_by(M.created_at)
        .limit(TREND_MAX_MENTIONS)
    )
    stream = [
        Mention(text, created_at, platform, author, language, sentiment)
        for text, created_at, platform, author, language, sentiment in rows
    ]
    topics = [t.topic() for t in store.topics_in(session, workspace_id)]
    return detect_trends(
        stream,
        now=now,
        window=window,
        topics=topics,
        baseline_weeks=TREND_BASELINE_WEEKS,
        limit=limit,
    )


def trend_by_label(
    session: Session,
    workspace_id: str,
    label: str,
    *,
    now: datetime,
    window: timedelta = timedelta(hours=24),
) -> Trend:
    for trend in trends(session, workspace_id, now=now, window=window, limit=None):
        if trend.label == label:
            return trend
    raise NotFound(
        f"“{label}” is not trending in the last {window.total_seconds() / 3600:g} hours "
        "(any more): trends are recomputed from the stored mentions.",
        field="label",
    )


@dataclass(frozen=True)
class TopicDetail:
    topic: TrackedTopic
    period: Period
    days: list[DaySentiment]
    voices: list[Voice]
    posts: list[StoredMention]
    recent: list[StoredMention]


def topic_detail(
    session: Session, workspace_id: str, topic_id: str, p: Period
) -> TopicDetail:
    """One topic's sentiment per day, top voices, top posts and latest mentions (404 when
    the topic is not this workspace's)."""
    topic = store.to_topic(store.topic_row(session, workspace_id, topic_id))
    days = sentiment_by_day(session, workspace_id, p, topic_id=topic_id)
    return TopicDetail(
        topic=topic,
        period=p,
        days=days.get(topic_id, []),
        voices=top_voices(session, workspace_id, topic_id, p),
        posts=top_posts(session, workspace_id, topic_id, p),
        recent=mentions(session, workspace_id, p, topic_id=topic_id, limit=20),
    )
