"""competitors: accounts a workspace benchmarks against and daily public-metric snapshots

Revision ID: 0025
Revises: 0024
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name, tandem.storage.db.UTCDateTime(timezone=True), nullable=nullable
    )


def _workspace(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["workspace_id"],
        ["workspaces.id"],
        name=op.f(f"fk_{table}_workspace_id_workspaces"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "competitors",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("handle", sa.String(length=200), nullable=False),
        _when("created_at"),
        _when("checked_at", True),
        sa.Column("last_error", sa.Text(), nullable=False),
        _workspace("competitors"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competitors")),
        sa.UniqueConstraint(
            "workspace_id",
            "platform",
            "handle",
            name=op.f("uq_competitors_workspace_id"),
        ),
    )
    op.create_index(
        op.f("ix_competitors_workspace_id"), "competitors", ["workspace_id"]
    )
    t = "competitor_snapshots"
    op.create_table(
        t,
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("competitor_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        _when("at"),
        sa.Column("followers", sa.Integer(), nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.Column("engagement_per_post", sa.Float(), nullable=True),
        sa.Column("sampled_posts", sa.Integer(), nullable=False),
        _workspace(t),
        sa.ForeignKeyConstraint(
            ["competitor_id"],
            ["competitors.id"],
            name=op.f("fk_competitor_snapshots_competitor_id_competitors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competitor_snapshots")),
        sa.UniqueConstraint(
            "competitor_id", "day", name=op.f("uq_competitor_snapshots_competitor_id")
        ),
    )
    op.create_index(op.f("ix_competitor_snapshots_workspace_id"), t, ["workspace_id"])


def downgrade() -> None:
    op.drop_index(
        op.f("ix_competitor_snapshots_workspace_id"), table_name="competitor_snapshots"
    )
    op.drop_table("competitor_snapshots")
    op.drop_index(op.f("ix_competitors_workspace_id"), table_name="competitors")
    op.drop_table("competitors")
