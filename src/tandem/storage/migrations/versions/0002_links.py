"""tracked links and clicks

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tracked_links",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("destination", sa.Text(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("medium", sa.String(length=100), nullable=False),
        sa.Column("campaign_key", sa.String(length=100), nullable=False),
        sa.Column("campaign", sa.String(length=100), nullable=False),
        sa.Column("content", sa.String(length=100), nullable=True),
        sa.Column("term", sa.String(length=100), nullable=True),
        sa.Column("variant_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column(
            "created_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_tracked_links_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_tracked_links_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracked_links")),
        sa.UniqueConstraint("code", name=op.f("uq_tracked_links_code")),
    )
    with op.batch_alter_table("tracked_links", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tracked_links_workspace_campaign",
            ["workspace_id", "campaign_key"],
            unique=False,
        )
        batch_op.create_index(
            "ix_tracked_links_workspace_created_at",
            ["workspace_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "link_clicks",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("link_id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("bot_reason", sa.String(length=32), nullable=True),
        sa.Column("referrer_host", sa.String(length=255), nullable=True),
        sa.Column("ua_family", sa.String(length=64), nullable=False),
        sa.Column(
            "shipped_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["tracked_links.id"],
            name=op.f("fk_link_clicks_link_id_tracked_links"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_link_clicks_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_clicks")),
    )
    with op.batch_alter_table("link_clicks", schema=None) as batch_op:
        batch_op.create_index("ix_link_clicks_link_at", ["link_id", "at"], unique=False)
        batch_op.create_index(
            "ix_link_clicks_shipped_at", ["shipped_at", "at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_link_clicks_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("link_clicks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_clicks_workspace_id"))
        batch_op.drop_index("ix_link_clicks_shipped_at")
        batch_op.drop_index("ix_link_clicks_link_at")

    op.drop_table("link_clicks")
    with op.batch_alter_table("tracked_links", schema=None) as batch_op:
        batch_op.drop_index("ix_tracked_links_workspace_created_at")
        batch_op.drop_index("ix_tracked_links_workspace_campaign")

    op.drop_table("tracked_links")
