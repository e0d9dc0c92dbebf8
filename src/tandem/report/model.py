"""Report definitions and workspace branding, as plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Schedule(StrEnum):
    NONE = "none"
    WEEKLY = "weekly"  # Mondays, covering the previous 7 days
    MONTHLY = "monthly"  # the 1st, covering the previous calendar month


@dataclass(frozen=True)
class ReportInput:
    title: str
    sections: tuple[str, ...]
    period_days: int = 30
    compare: str = "previous"
    schedule: Schedule = Schedule.NONE
    recipients: tuple[str, ...] = ()
    filters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    id: str
    workspace_id: str
    title: str
    sections: tuple[str, ...]
    period_days: int
    compare: str
    schedule: Schedule
    recipients: tuple[str, ...]
    filters: dict[str, str]
    next_send_at: datetime | None
    last_sent_at: datetime | None
    last_error: str
    created_at: datetime


@dataclass(frozen=True)
class Branding:
    """White-label: what a client sees on a report instead of Tandem."""

    workspace_id: str
    agency_name: str = ""
    primary_colour: str = "#2f5d8a"
    accent_colour: str = "#c2410c"
    logo: bytes | None = None
    logo_type: str = ""  # image/png or image/jpeg
