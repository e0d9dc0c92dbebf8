"""inbox rules crisis and sla

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0014"
down_revision: str | None = "0013"
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


def upgrade() -> None:
    op.create_index(
        "ix_inbox_items_workspace_created_at",
        "inbox_items",
        ["workspace_id", "created_at"],
    )
    op.create_table(
        "inbox_rules",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("conditions", JSON, nullable=False),
        sa.Column("actions", JSON, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _workspace_fk("inbox_rules"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_rules")),
    )
    op.create_index(
        "ix_inbox_rules_workspace_position", "inbox_rules", ["workspace_id", "position"]
    )
    op.create_table(
        "inbox_rule_runs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("rule_id", sa.String(length=32), nullable=True),
        sa.Column("rule_name", sa.String(length=120), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("done", JSON, nullable=False),
        sa.Column("applied_at", UTC, nullable=False),
        _workspace_fk("inbox_rule_runs"),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["inbox_rules.id"],
            name=op.f("fk_inbox_rule_runs_rule_id_inbox_rules"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["inbox_items.id"],
            name=op.f("fk_inbox_rule_runs_item_id_inbox_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_rule_runs")),
    )
    op.create_index(
        "ix_inbox_rule_runs_rule_applied_at",
        "inbox_rule_runs",
        ["rule_id", "applied_at"],
    )
    op.create_index("ix_inbox_rule_runs_item", "inbox_rule_runs", ["item_id"])
    op.create_table(
        "inbox_sla_targets",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("min_priority", sa.Float(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        _workspace_fk("inbox_sla_targets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_sla_targets")),
    )
    op.create_index(
        op.f("ix_inbox_sla_targets_workspace_id"),
        "inbox_sla_targets",
        ["workspace_id"],
    )
    op.create_table(
        "inbox_crisis_settings",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("k", sa.Float(), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _workspace_fk("inbox_crisis_settings"),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_inbox_crisis_settings")),
    )
    op.create_table(
        "inbox_crisis_alerts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("last_seen_at", UTC, nullable=False),
        sa.Column("ended_at", UTC, nullable=True),
        sa.Column("volume", sa.Float(), nullable=False),
        sa.Column("peak", sa.Float(), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", JSON, nullable=False),
        _workspace_fk("inbox_crisis_alerts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_crisis_alerts")),
    )
    op.create_index(
        "ix_inbox_crisis_alerts_workspace_started",
        "inbox_crisis_alerts",
        ["workspace_id", "started_at"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_inbox_crisis_alerts_workspace_started", table_name="inbox_crisis_alerts"
    )
    op.drop_table("inbox_crisis_alerts")
    op.drop_table("inbox_crisis_settings")
    op.drop_index(
        op.f("ix_inbox_sla_targets_workspace_id"), table_name="inbox_sla_targets"
    )
    op.drop_table("inbox_sla_targets")
    op.drop_index("ix_inbox_rule_runs_item", table_name="inbox_rule_runs")
    op.drop_index("ix_inbox_rule_runs_rule_applied_at", table_name="inbox_rule_runs")
    op.drop_table("inbox_rule_runs")
    op.drop_index("ix_inbox_rules_workspace_position", table_name="inbox_rules")
    op.drop_table("inbox_rules")
    op.drop_index("ix_inbox_items_workspace_created_at", table_name="inbox_items")
