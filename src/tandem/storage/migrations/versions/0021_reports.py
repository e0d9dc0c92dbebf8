"""reports: report definitions with schedules and recipients, white-label branding

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name, tandem.storage.db.UTCDateTime(timezone=True), nullable=nullable
    )


def upgrade() -> None:
    t = "reports"
    op.create_table(
        t,
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("spec", tandem.storage.db.JSONDict(), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("compare", sa.String(length=16), nullable=False),
        sa.Column("schedule", sa.String(length=16), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        _when("next_send_at", True),
        _when("last_sent_at", True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_reports_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_reports_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    op.create_index(op.f("ix_reports_workspace_id"), t, ["workspace_id"])
    op.create_index("ix_reports_next_send_at", t, ["next_send_at"])
    t = "report_branding"
    op.create_table(
        t,
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("agency_name", sa.String(length=200), nullable=False),
        sa.Column("primary_colour", sa.String(length=7), nullable=False),
        sa.Column("accent_colour", sa.String(length=7), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=32), nullable=False),
        _when("updated_at"),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_report_branding_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_report_branding")),
    )


def downgrade() -> None:
    op.drop_table("report_branding")
    op.drop_index("ix_reports_next_send_at", table_name="reports")
    op.drop_index(op.f("ix_reports_workspace_id"), table_name="reports")
    op.drop_table("reports")
