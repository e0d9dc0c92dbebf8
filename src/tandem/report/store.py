"""Report definitions and branding rows; only dataclasses leave this module."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import NotFound
from tandem.report.model import Branding, Report, Schedule
from tandem.storage import Base, JSONDict, UTCDateTime


class ReportRow(Base):
    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_next_send_at", "next_send_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    spec: Mapped[dict[str, object]] = mapped_column(JSONDict())  # sections, filters
    period_days: Mapped[int] = mapped_column(Integer)
    compare: Mapped[str] = mapped_column(String(16))
    schedule: Mapped[str] = mapped_column(String(16))
    recipients: Mapped[str] = mapped_column(Text)  # one address a line
    next_send_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BrandingRow(Base):
    __tablename__ = "report_branding"
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    agency_name: Mapped[str] = mapped_column(String(200))
    primary_colour: Mapped[str] = mapped_column(String(7))
    accent_colour: Mapped[str] = mapped_column(String(7))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary())
    logo_type: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


def to_report(row: ReportRow) -> Report:
    sections = row.spec.get("sections", [])
    filters = row.spec.get("filters", {})
    return Report(
        row.id,
        row.workspace_id,
        row.title,
        tuple(str(s) for s in sections) if isinstance(sections, list) else (),
        row.period_days,
        row.compare,
        Schedule(row.schedule),
        tuple(r for r in row.recipients.splitlines() if r),
        {str(k): str(v) for k, v in filters.items()}
        if isinstance(filters, dict)
        else {},
        row.next_send_at,
        row.last_sent_at,
        row.last_error,
        row.created_at,
    )


def report_row(session: Session, workspace_id: str, report_id: str) -> ReportRow:
    row = session.get(ReportRow, report_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such report in this workspace.")
    return row


def report_in(session: Session, workspace_id: str, report_id: str) -> Report:
    return to_report(report_row(session, workspace_id, report_id))


def reports_in(session: Session, workspace_id: str) -> list[Report]:
    rows = session.scalars(
        select(ReportRow)
        .where(ReportRow.workspace_id == workspace_id)
        .order_by(ReportRow.title, ReportRow.id)
    )
    return [to_report(r) for r in rows]


def due_report_ids(session: Session, now: datetime) -> list[str]:
    return list(
        session.scalars(
            select(ReportRow.id)
            .where(ReportRow.next_send_at.is_not(None), ReportRow.next_send_at <= now)
            .order_by(ReportRow.next_send_at, ReportRow.id)
        )
    )


def branding_of(session: Session, workspace_id: str) -> Branding:
    row = session.get(BrandingRow, workspace_id)
    if row is None:
        return Branding(workspace_id)
    return Branding(
        workspace_id,
        row.agency_name,
        row.primary_colour,
        row.accent_colour,
        row.logo,
        row.logo_type,
    )
