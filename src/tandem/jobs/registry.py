"""Job kinds and their handlers: a plain dict, one verb-first function per job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tandem.compose.autopost import POLL_FEEDS, poll_feeds
from tandem.core import Clock
from tandem.inbox.jobs import DETECT_CRISES, detect_crises
from tandem.jobs.inbox import POLL_INBOXES, poll_inboxes_job
from tandem.jobs.listen import LISTEN_COLLECT, collect_listening
from tandem.jobs.publishing import (
    PUBLISH_DUE_POSTS,
    REFRESH_TOKENS,
    publish_due_posts,
    refresh_tokens,
)
from tandem.jobs.queues import plan_queues_job
from tandem.jobs.reports import (
    REFIT_BUDGET,
    SEND_DUE_REPORTS,
    SEND_REPORT,
    SNAPSHOT_COMPETITORS,
    refit_budget,
    send_due_reports,
    send_report,
    snapshot_competitors_job,
)
from tandem.jobs.webhooks import DELIVER_WEBHOOK, deliver_webhook
from tandem.links import SHIP_LINK_CLICKS, ship_link_clicks
from tandem.measure import SHIP_COLLECTED_EVENTS, ship_collected_events
from tandem.notify import SEND_EMAIL, EmailMessage, EmailSender
from tandem.publish.planner import PLAN_QUEUES
from tandem.publish.ports import PublisherFor
from tandem.settings import Settings
from tandem.storage import Database


@dataclass(frozen=True)
class JobContext:
    session: Session
    settings: Settings
    clock: Clock
    email: EmailSender
    database: Database
    publishers: PublisherFor


class PermanentJobError(Exception):
    """Retrying cannot help (bad payload, rejected address): the job fails at once."""


Handler = Callable[[JobContext, dict[str, Any]], None]


def send_email(ctx: JobContext, payload: dict[str, Any]) -> None:
    ctx.email.send(
        EmailMessage(to=payload["to"], subject=payload["subject"], body=payload["body"])
    )


HANDLERS: dict[str, Handler] = {
    SEND_EMAIL: send_email,
    SHIP_LINK_CLICKS: ship_link_clicks,
    SHIP_COLLECTED_EVENTS: ship_collected_events,
    PUBLISH_DUE_POSTS: publish_due_posts,
    POLL_FEEDS: poll_feeds,
    REFRESH_TOKENS: refresh_tokens,
    PLAN_QUEUES: plan_queues_job,
    DELIVER_WEBHOOK: deliver_webhook,
    DETECT_CRISES: detect_crises,
    POLL_INBOXES: poll_inboxes_job,
    LISTEN_COLLECT: collect_listening,
    SEND_DUE_REPORTS: send_due_reports,
    SEND_REPORT: send_report,
    REFIT_BUDGET: refit_budget,
    SNAPSHOT_COMPETITORS: snapshot_competitors_job,
}
