"""content pillars: a workspace's themes; a post (brief) and a published post carry one

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "content_pillars",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "created_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_content_pillars_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_pillars")),
        sa.UniqueConstraint(
            "workspace_id", "name", name=op.f("uq_content_pillars_workspace_id")
        ),
    )
    op.create_index(
        op.f("ix_content_pillars_workspace_id"), "content_pillars", ["workspace_id"]
    )
    for table in ("briefs", "published_posts"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("pillar_id", sa.String(length=32), nullable=True)
            )
            batch.create_foreign_key(
                op.f(f"fk_{table}_pillar_id_content_pillars"),
                "content_pillars",
                ["pillar_id"],
                ["id"],
                ondelete="SET NULL",
            )


def downgrade() -> None:
    for table in ("published_posts", "briefs"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(
                op.f(f"fk_{table}_pillar_id_content_pillars"), type_="foreignkey"
            )
            batch.drop_column("pillar_id")
    op.drop_index(op.f("ix_content_pillars_workspace_id"), table_name="content_pillars")
    op.drop_table("content_pillars")
