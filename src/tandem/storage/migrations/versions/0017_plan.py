"""plan: settings, goals, campaigns, spend imports and spend lines

Revision ID: 0017
Revises: 0015 (0016 was not written yet; point at "0016" once it lands)

Briefs and tracked links already carry the campaign key (utm_campaign); a campaign owns its
key uniquely per workspace, so they join by key and need no campaign_id column.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = tandem.storage.db.UTCDateTime(timezone=True)
JSON = tandem.storage.db.JSONDict()


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["workspace_id"],
        ["workspaces.id"],
        name=op.f(f"fk_{table}_workspace_id_workspaces"),
        ondelete="CASCADE",
    )


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["created_by"],
        ["users.id"],
        name=op.f(f"fk_{table}_created_by_users"),
        ondelete="SET NULL",
    )


def upgrade() -> None:
    op.create_table(
        "plan_settings",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rates", JSON, nullable=False),
        sa.Column("pacing_threshold", sa.Float(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _workspace_fk("plan_settings"),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_plan_settings")),
    )
    op.create_table(
        "goals",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _user_fk("goals"),
        _workspace_fk("goals"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
    )
    op.create_index(
        "ix_goals_workspace_deadline", "goals", ["workspace_id", "deadline"]
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("utm_key", sa.String(length=100), nullable=False),
        sa.Column("goal_id", sa.String(length=32), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("budget_micros", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("channels", JSON, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("pacing_alert", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["goals.id"],
            name=op.f("fk_campaigns_goal_id_goals"),
            ondelete="SET NULL",
        ),
        _user_fk("campaigns"),
        _workspace_fk("campaigns"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint(
            "workspace_id", "utm_key", name=op.f("uq_campaigns_workspace_id")
        ),
    )
    op.create_index(op.f("ix_campaigns_goal_id"), "campaigns", ["goal_id"])
    op.create_index(
        "ix_campaigns_workspace_starts_on", "campaigns", ["workspace_id", "starts_on"]
    )
    op.create_table(
        "spend_imports",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=True),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("replaced", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        _user_fk("spend_imports"),
        _workspace_fk("spend_imports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spend_imports")),
    )
    op.create_index(
        "ix_spend_imports_workspace_created_at",
        "spend_imports",
        ["workspace_id", "created_at"],
    )
    op.create_table(
        "spend_lines",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.String(length=32), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("external_campaign", sa.String(length=300), nullable=False),
        sa.Column("line_key", sa.String(length=64), nullable=False),
        sa.Column("amount_micros", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("impressions", sa.BigInteger(), nullable=False),
        sa.Column("reach", sa.BigInteger(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.Column("conversions", sa.Float(), nullable=False),
        sa.Column("revenue_micros", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("import_id", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_spend_lines_campaign_id_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["spend_imports.id"],
            name=op.f("fk_spend_lines_import_id_spend_imports"),
            ondelete="SET NULL",
        ),
        _user_fk("spend_lines"),
        _workspace_fk("spend_lines"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spend_lines")),
        sa.UniqueConstraint(
            "workspace_id", "line_key", name=op.f("uq_spend_lines_workspace_id")
        ),
    )
    op.create_index(
        "ix_spend_lines_workspace_day", "spend_lines", ["workspace_id", "day"]
    )
    op.create_index(
        "ix_spend_lines_campaign_day", "spend_lines", ["campaign_id", "day"]
    )


def downgrade() -> None:
    op.drop_index("ix_spend_lines_campaign_day", table_name="spend_lines")
    op.drop_index("ix_spend_lines_workspace_day", table_name="spend_lines")
    op.drop_table("spend_lines")
    op.drop_index("ix_spend_imports_workspace_created_at", table_name="spend_imports")
    op.drop_table("spend_imports")
    op.drop_index("ix_campaigns_workspace_starts_on", table_name="campaigns")
    op.drop_index(op.f("ix_campaigns_goal_id"), table_name="campaigns")
    op.drop_table("campaigns")
    op.drop_index("ix_goals_workspace_deadline", table_name="goals")
    op.drop_table("goals")
    op.drop_table("plan_settings")
