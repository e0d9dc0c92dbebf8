"""Outgoing email and in-app notifications."""

from tandem.notify.inbox import (
    Notification,
    Recipient,
    mark_read,
    notifications_of,
    notify,
    unread_count,
)
from tandem.notify.mail import (
    SEND_EMAIL,
    Attachment,
    EmailMessage,
    EmailNotConfigured,
    EmailSender,
    OutboxSender,
    SmtpSender,
    queue_email,
    sender_for,
)

__all__ = [
    "Attachment",
    "SEND_EMAIL",
    "EmailMessage",
    "EmailNotConfigured",
    "EmailSender",
    "Notification",
    "OutboxSender",
    "Recipient",
    "SmtpSender",
    "mark_read",
    "notifications_of",
    "notify",
    "queue_email",
    "sender_for",
    "unread_count",
]
