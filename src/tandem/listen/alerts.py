"""Listening alerts: a spike, an emerging trend, a topic's sentiment dropping; a daily digest.

Each alert goes to everyone who manages listening, in the app and by email, and out as a
webhook (`listen.spike`, `listen.emerging`, `listen.sentiment_drop`), all in the caller's
transaction, through the same `notify` and `webhooks.emit` the inbox's crisis alerts use.
An alert is sent once per subject and UTC day (a unique key in `listen_alerts`), so checks
can run as often as collection does. The digest is one email a day, after `DIGEST_HOUR` UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.accounts import Permission, allows
from tandem.accounts import store as accounts_store
from tandem.accounts.model import Workspace
from tandem.core import new_id
from tandem.listen import insights, store
from tandem.listen.model import Trend, TrendKind
from tandem.listen.records import Alert, AlertKind
from tandem.notify import EmailMessage, Recipient, notify, queue_email, webhooks

EVENTS = {
    AlertKind.SPIKE: "listen.spike",
    AlertKind.EMERGING: "listen.emerging",
    AlertKind.SENTIMENT_DROP: "listen.sentiment_drop",
}
# The webhook registry lists event types in tandem.notify; listening adds its own here (the
# module is imported by tandem.models, so by the web app and the worker).
webhooks.EVENT_TYPES.setdefault(
    EVENTS[AlertKind.SPIKE], "A listened term rose far above its usual level."
)
webhooks.EVENT_TYPES.setdefault(
    EVENTS[AlertKind.EMERGING], "A new theme is growing in listened mentions."
)
webhooks.EVENT_TYPES.setdefault(
    EVENTS[AlertKind.SENTIMENT_DROP],
    "A listening topic's sentiment dropped against its last week.",
)
SPIKE_MIN_SCORE = 4.0  # standard units of the trend's strongest term (see scoring.py)
DROP = 0.3  # mean sentiment fall (on -1..1) between the last day and the week before
DROP_MIN_MENTIONS = 10
DIGEST_HOUR = 8
DIGEST = "digest"


@dataclass(frozen=True)
class Candidate:
    kind: AlertKind
    subject: str  # what the alert is about: a trend label or a topic id
    title: str
    body: str
    url: str
    data: dict[str, Any]


def managers(session: Session, workspace_id: str) -> list[Recipient]:
    return [
        Recipient(m.user.id, m.user.email)
        for m in accounts_store.memberships_in(session, workspace_id)
        if m.user.is_active and allows(m.role, Permission.LISTEN_MANAGE)
    ]


def trend_url(slug: str, label: str) -> str:
    return f"/w/{slug}/listen/trend?label={quote(label, safe='')}"


def trend_candidates(workspace: Workspace, trends: list[Trend]) -> list[Candidate]:
    found = []
    for t in trends:
        label = t.label.removeprefix("topic:")
        data = {
            "label": t.label,
            "kind": t.kind.value,
            "score": t.score,
            "mentions": t.mentions,
            "why": t.why,
            "terms": [s.key for s in t.terms],
        }
        if t.kind is TrendKind.EMERGING:
            found.append(
                Candidate(
                    AlertKind.EMERGING,
                    t.label,
                    f"Emerging in {workspace.name}: {label}",
                    t.why,
                    trend_url(workspace.slug, t.label),
                    data,
                )
            )
        elif t.score >= SPIKE_MIN_SCORE:
            found.append(
                Candidate(
                    AlertKind.SPIKE,
                    t.label,
                    f"Spike in {workspace.name}: {label}",
                    t.why,
                    trend_url(workspace.slug, t.label),
                    data,
                )
            )
    return found


def _mean_sentiment(
    session: Session, topic_id: str, start: datetime, end: datetime
) -> tuple[int, float]:
    n, total = session.execute(
        select(
            func.count(), func.coalesce(func.sum(store.ListenMentionRow.sentiment), 0.0)
        )
        .select_from(store.ListenMentionTopicRow)
        .join(
            store.ListenMentionRow,
            store.ListenMentionRow.id == store.ListenMentionTopicRow.mention_id,
        )
        .where(
            store.ListenMentionTopicRow.topic_id == topic_id,
            store.ListenMentionTopicRow.created_at >= start,
            store.ListenMentionTopicRow.created_at < end,
        )
    ).one()
    return int(n), (float(total) / int(n) if n else 0.0)


def sentiment_candidates(
    session: Session, workspace: Workspace, now: datetime
) -> list[Candidate]:
    found = []
    day = now - timedelta(days=1)
    for topic in store.topics_in(session, workspace.id):
        n, recent = _mean_sentiment(session, topic.id, day, now)
        pn, before = _mean_sentiment(session, topic.id, day - timedelta(days=7), day)
        if n < DROP_MIN_MENTIONS or pn < DROP_MIN_MENTIONS or before - recent < DROP:
            continue
        body = (
            f"Mentions of {topic.name} averaged {recent:+.2f} sentiment in the last 24 hours "
            f"({n} mentions), against {before:+.2f} over the week before ({pn} mentions)."
        )
        found.append(
            Candidate(
                AlertKind.SENTIMENT_DROP,
                topic.id,
                f"Sentiment drop in {workspace.name}: {topic.name}",
                body,
                f"/w/{workspace.slug}/listen#sentiment",
                {
                    "topic_id": topic.id,
                    "topic": topic.name,
                    "recent": round(recent, 3),
                    "before": round(before, 3),
                    "mentions": n,
                    "previous_mentions": pn,
                },
            )
        )
    return found


def _send(
    session: Session,
    workspace: Workspace,
    c: Candidate,
    *,
    now: datetime,
    base_url: str,
) -> Alert:
    row = store.ListenAlertRow(
        id=new_id(),
        workspace_id=workspace.id,
        kind=c.kind.value,
        dedup_key=f"{c.kind.value}:{now.date().isoformat()}:{c.subject}"[:300],
        title=c.title[:500],
        body=c.body,
        url=c.url,
        details=c.data,
        created_at=now,
    )
    session.add(row)
    session.flush()
    notify(
        session,
        workspace_id=workspace.id,
        recipients=managers(session, workspace.id),
        kind=EVENTS[c.kind],
        title=c.title,
        body=c.body,
        url=c.url,
        base_url=base_url,
        now=now,
    )
    webhooks.emit(
        session,
        workspace=webhooks.EventWorkspace(workspace.id, workspace.slug, workspace.name),
        event_type=EVENTS[c.kind],
        data={
            **c.data,
            "alert_id": row.id,
            "summary": c.body,
            "url": f"{base_url}{c.url}",
        },
        now=now,
    )
    return store.to_alert(row)


def check_workspace(
    session: Session, workspace: Workspace, *, now: datetime, base_url: str
) -> list[Alert]:
    """Send the alerts not sent yet today; returns them (idempotent within a day)."""
    found = trend_candidates(
        workspace, insights.trends(session, workspace.id, now=now, limit=10)
    )
    found += sentiment_candidates(session, workspace, now)
    sent = []
    for c in found:
        key = f"{c.kind.value}:{now.date().isoformat()}:{c.subject}"[:300]
        if not store.alert_sent(session, workspace.id, key):
            sent.append(_send(session, workspace, c, now=now, base_url=base_url))
    return sent


def digest_text(
    session: Session, workspace: Workspace, now: datetime, base_url: str
) -> str:
    p = insights.Period(now - timedelta(days=1), now)
    sov = insights.share_of_voice(session, workspace.id, p)
    lines = [
        f"Listening digest for {workspace.name}, the 24 hours to {now:%Y-%m-%d %H:%M} UTC.",
        "",
    ]
    lines.append("Share of voice (mentions, share, the day before):")
    for t in sov.topics:
        lines.append(
            f"- {t.name} ({t.kind.value}): {t.mentions}, {t.share:.0%} (was {t.previous_mentions}, "
            f"{t.previous_share:.0%})"
        )
    if not sov.topics:
        lines.append("- no brand or competitor topic yet")
    lines += ["", "Trends:"]
    trends = insights.trends(session, workspace.id, now=now, limit=5)
    lines += [f"- {t.label.removeprefix('topic:')}: {t.why}" for t in trends] or [
        "- nothing unusual"
    ]
    lines += ["", f"Open Listen: {base_url}/w/{workspace.slug}/listen"]
    return "\n".join(lines) + "\n"


def send_digest(
    session: Session, workspace: Workspace, *, now: datetime, base_url: str
) -> bool:
    """Email the daily digest once per UTC day, after DIGEST_HOUR; True when it was queued."""
    key = f"{DIGEST}:{now.date().isoformat()}"
    if now.hour < DIGEST_HOUR or store.alert_sent(session, workspace.id, key):
        return False
    body = digest_text(session, workspace, now, base_url)
    subject = f"Listening digest: {workspace.name}, {now:%Y-%m-%d}"
    session.add(
        store.ListenAlertRow(
            id=new_id(),
            workspace_id=workspace.id,
            kind=DIGEST,
            dedup_key=key,
            title=subject,
            body=body,
            url=f"/w/{workspace.slug}/listen",
            details={},
            created_at=now,
        )
    )
    for person in managers(session, workspace.id):
        queue_email(
            session,
            EmailMessage(to=person.email, subject=subject, body=body),
            now=now,
            workspace_id=workspace.id,
        )
    session.flush()
    return True


def check_all(
    session: Session, *, now: datetime, base_url: str
) -> dict[str, list[Alert]]:
    """Alerts (and the digest when due) for every workspace that tracks a topic."""
    sent: dict[str, list[Alert]] = {}
    for ws_id in store.workspaces_with_topics(session):
        workspace = accounts_store.workspace_by_id(session, ws_id)
        sent[ws_id] = check_workspace(session, workspace, now=now, base_url=base_url)
        send_digest(session, workspace, now=now, base_url=base_url)
    return sent
