"""Job kinds and their handlers: a plain dict, one verb-first function per job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tandem.core import Clock
from tandem.jobs.publishing import PUBLISH_DUE_POSTS, publish_due_posts
from tandem.links import SHIP_LINK_CLICKS, ship_link_clicks
from tandem.notify import SEND_EMAIL, EmailMessage, EmailSender
from tandem.publish.worker import PublisherFor
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
    PUBLISH_DUE_POSTS: publish_due_posts,
}
