"""queue slots and recurring posts

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc(name: str, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name, tandem.storage.db.UTCDateTime(timezone=True), nullable=nullable
    )


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "account_queues",
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("slots", tandem.storage.db.JSONDict(), nullable=False),
        sa.Column("evergreen", sa.Boolean(), nullable=False),
        sa.Column("evergreen_gap_days", sa.Integer(), nullable=False),
        sa.Column("evergreen_lookahead_days", sa.Integer(), nullable=False),
        _utc("updated_at", False),
        _fk("account_queues", "account_id", "social_accounts", "CASCADE"),
        _fk("account_queues", "workspace_id", "workspaces", "CASCADE"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_queues")),
    )
    op.create_index(
        op.f("ix_account_queues_workspace_id"), "account_queues", ["workspace_id"]
    )

    op.create_table(
        "recurring_series",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("parts", tandem.storage.db.JSONDict(), nullable=False),
        sa.Column("first_comment", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("start_local", sa.String(length=16), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.String(length=32), nullable=False),
        sa.Column("until_date", sa.Date(), nullable=True),
        sa.Column("max_count", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        _utc("created_at", False),
        _utc("updated_at", False),
        _fk("recurring_series", "account_id", "social_accounts", "CASCADE"),
        _fk("recurring_series", "workspace_id", "workspaces", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_series")),
    )
    op.create_index(
        op.f("ix_recurring_series_account_id"), "recurring_series", ["account_id"]
    )
    op.create_index(
        op.f("ix_recurring_series_workspace_id"), "recurring_series", ["workspace_id"]
    )

    op.create_table(
        "recurring_occurrences",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("series_id", sa.String(length=32), nullable=False),
        sa.Column("occurrence_date", sa.Date(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.String(length=32), nullable=True),
        _utc("created_at", False),
        _fk("recurring_occurrences", "publication_id", "publications", "SET NULL"),
        _fk("recurring_occurrences", "series_id", "recurring_series", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_occurrences")),
        sa.UniqueConstraint(
            "series_id",
            "occurrence_date",
            name=op.f("uq_recurring_occurrences_series_id"),
        ),
    )
    op.create_index(
        op.f("ix_recurring_occurrences_publication_id"),
        "recurring_occurrences",
        ["publication_id"],
    )

    op.create_table(
        "evergreen_items",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("parts", tandem.storage.db.JSONDict(), nullable=False),
        sa.Column("first_comment", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("source_publication_id", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _utc("last_used_at", True),
        sa.Column("times_recycled", sa.Integer(), nullable=False),
        _utc("created_at", False),
        _utc("updated_at", False),
        _fk("evergreen_items", "account_id", "social_accounts", "CASCADE"),
        _fk("evergreen_items", "source_publication_id", "publications", "SET NULL"),
        _fk("evergreen_items", "workspace_id", "workspaces", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evergreen_items")),
        sa.UniqueConstraint(
            "account_id", "fingerprint", name=op.f("uq_evergreen_items_account_id")
        ),
    )
    op.create_index(
        op.f("ix_evergreen_items_workspace_id"), "evergreen_items", ["workspace_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_evergreen_items_workspace_id"), table_name="evergreen_items")
    op.drop_table("evergreen_items")
    op.drop_index(
        op.f("ix_recurring_occurrences_publication_id"),
        table_name="recurring_occurrences",
    )
    op.drop_table("recurring_occurrences")
    op.drop_index(
        op.f("ix_recurring_series_workspace_id"), table_name="recurring_series"
    )
    op.drop_index(op.f("ix_recurring_series_account_id"), table_name="recurring_series")
    op.drop_table("recurring_series")
    op.drop_index(op.f("ix_account_queues_workspace_id"), table_name="account_queues")
    op.drop_table("account_queues")
