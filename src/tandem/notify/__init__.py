"""Outgoing email (and, with later capabilities, in-app notifications)."""

from tandem.notify.mail import (
    SEND_EMAIL,
    EmailMessage,
    EmailSender,
    SmtpSender,
    queue_email,
)

__all__ = ["SEND_EMAIL", "EmailMessage", "EmailSender", "SmtpSender", "queue_email"]
