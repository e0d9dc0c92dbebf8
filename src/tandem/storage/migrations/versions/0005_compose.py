"""briefs, variants, comments and notifications

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "briefs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=False),
        sa.Column("media", tandem.storage.db.JSONDict(), nullable=False),
        sa.Column("campaign_key", sa.String(length=100), nullable=False),
        sa.Column("tone", sa.String(length=32), nullable=False),
        sa.Column("sponsored", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column(
            "planned_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column(
            "created_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_briefs_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_briefs_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefs")),
    )
    with op.batch_alter_table("briefs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_briefs_workspace_status", ["workspace_id", "status"], unique=False
        )

    op.create_table(
        "notifications",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column(
            "created_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "read_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_notifications_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_user_read", ["user_id", "read_at"], unique=False
        )

    op.create_table(
        "brief_comments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("brief_id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column(
            "created_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_brief_comments_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["brief_id"],
            ["briefs.id"],
            name=op.f("fk_brief_comments_brief_id_briefs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_brief_comments_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brief_comments")),
    )
    with op.batch_alter_table("brief_comments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_brief_comments_brief_created", ["brief_id", "created_at"], unique=False
        )

    op.create_table(
        "variants",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("brief_id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("post_type", sa.String(length=32), nullable=False),
        sa.Column("content", tandem.storage.db.JSONDict(), nullable=False),
        sa.Column("first_comment", sa.Text(), nullable=False),
        sa.Column("short_url", sa.String(length=300), nullable=False),
        sa.Column("link_id", sa.String(length=32), nullable=True),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column(
            "scheduled_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "updated_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["social_accounts.id"],
            name=op.f("fk_variants_account_id_social_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["brief_id"],
            ["briefs.id"],
            name=op.f("fk_variants_brief_id_briefs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_variants_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_variants")),
        sa.UniqueConstraint(
            "brief_id", "account_id", name=op.f("uq_variants_brief_id")
        ),
    )
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_variants_workspace_scheduled_at",
            ["workspace_id", "scheduled_at"],
            unique=False,
        )


def downgrade() -> None:
    for table in ("variants", "brief_comments", "notifications", "briefs"):
        op.drop_table(table)
