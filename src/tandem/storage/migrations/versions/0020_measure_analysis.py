"""measure analysis: experiments (variants, metric, optional hand counts)

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    t = "measure_experiments"
    op.create_table(
        t,
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("variants", sa.Text(), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("metric_event", sa.String(length=100), nullable=False),
        sa.Column("counts", sa.Text(), nullable=True),
        sa.Column("planned_per_variant", sa.Integer(), nullable=True),
        sa.Column("daily_visitors", sa.Float(), nullable=True),
        sa.Column(
            "created_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f(f"fk_{t}_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f(f"uq_{t}_workspace_id")),
    )
    op.create_index(op.f(f"ix_{t}_workspace_id"), t, ["workspace_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_measure_experiments_workspace_id"), "measure_experiments")
    op.drop_table("measure_experiments")
