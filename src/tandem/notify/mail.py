"""Email goes out through a job (outbox), delivered over SMTP by a worker."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage as MimeMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from tandem.settings import Settings
from tandem.storage.queue import enqueue

SEND_EMAIL = "send_email"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "application/pdf"
    data: bytes


@dataclass(frozen=True)
class EmailMessage:
    to: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


def _mime(message: EmailMessage) -> MimeMessage:
    mime = MimeMessage()
    mime["To"], mime["Subject"] = message.to, message.subject
    mime.set_content(message.body)
    for a in message.attachments:
        main, _, sub = a.content_type.partition("/")
        mime.add_attachment(a.data, maintype=main, subtype=sub, filename=a.filename)
    return mime


class EmailSender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class EmailNotConfigured(Exception):
    """Raised by the sender when no SMTP server is configured; the job fails with this text."""


@dataclass
class SmtpSender:
    settings: Settings
    timeout: float = 20.0

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        if not s.smtp_host:
            raise EmailNotConfigured(
                "Email is not configured: set TANDEM_SMTP_HOST (see docs/configuration.md)."
            )
        mime = _mime(message)
        mime["From"] = s.mail_from
        mime["Message-ID"] = make_msgid(domain="tandem.local")
        smtp_class = smtplib.SMTP_SSL if s.smtp_security == "tls" else smtplib.SMTP
        with smtp_class(s.smtp_host, s.smtp_port, timeout=self.timeout) as smtp:
            if s.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_username and s.smtp_password:
                smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
            smtp.send_message(mime)


@dataclass
class OutboxSender:
    """Writes each message as an .eml file instead of sending it: the demo's mail, readable offline."""

    directory: Path

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        mime = _mime(message)
        path = (
            self.directory
            / f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        )
        path.write_bytes(bytes(mime))


def sender_for(settings: Settings) -> EmailSender:
    """SMTP when configured; the demo without SMTP keeps mail in <data_dir>/outbox."""
    if not settings.smtp_host and settings.demo_mode:
        return OutboxSender(settings.data_dir / "outbox")
    return SmtpSender(settings)


def queue_email(
    session: Session,
    message: EmailMessage,
    *,
    now: datetime,
    workspace_id: str | None = None,
) -> str:
    """Queue an email in the caller's transaction; a worker sends it after commit."""
    payload = {"to": message.to, "subject": message.subject, "body": message.body}
    return enqueue(
        session, SEND_EMAIL, payload, now=now, workspace_id=workspace_id, max_attempts=8
    )
