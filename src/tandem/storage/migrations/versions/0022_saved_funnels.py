"""saved funnels: named ordered steps with a conversion window, per workspace

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, tandem.storage.db.UTCDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    t = "measure_funnels"
    op.create_table(
        t,
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("steps", sa.Text(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f(f"fk_{t}_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("workspace_id", "name", name=op.f(f"uq_{t}_workspace_id")),
    )
    op.create_index(op.f(f"ix_{t}_workspace_id"), t, ["workspace_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_measure_funnels_workspace_id"), "measure_funnels")
    op.drop_table("measure_funnels")
