"""inbox: items, notes, replies, cursors

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = tandem.storage.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inbox_items",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("platform_id", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_handle", sa.String(length=200), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("author_followers", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.Column("conversation_id", sa.String(length=300), nullable=False),
        sa.Column("in_reply_to", sa.String(length=300), nullable=False),
        sa.Column("post_platform_id", sa.String(length=300), nullable=False),
        sa.Column("published_post_id", sa.String(length=32), nullable=True),
        sa.Column("sentiment", sa.Float(), nullable=False),
        sa.Column("polarity", sa.String(length=16), nullable=False),
        sa.Column("intent", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("sarcastic", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignee_id", sa.String(length=32), nullable=True),
        sa.Column("assignee_role", sa.String(length=32), nullable=True),
        sa.Column("tags", tandem.storage.db.JSONDict(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("edited_at", UTC, nullable=True),
        sa.Column("deleted_at", UTC, nullable=True),
        sa.Column("first_response_at", UTC, nullable=True),
        sa.Column("closed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["social_accounts.id"],
            name=op.f("fk_inbox_items_account_id_social_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_inbox_items_assignee_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["published_post_id"],
            ["published_posts.id"],
            name=op.f("fk_inbox_items_published_post_id_published_posts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_inbox_items_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_items")),
        sa.UniqueConstraint(
            "account_id", "platform_id", name=op.f("uq_inbox_items_account_id")
        ),
    )
    op.create_index(
        "ix_inbox_items_workspace_status_priority",
        "inbox_items",
        ["workspace_id", "status", "priority"],
    )
    op.create_index(
        "ix_inbox_items_workspace_queue",
        "inbox_items",
        ["workspace_id", "priority", "received_at"],
    )
    op.create_index(
        "ix_inbox_items_workspace_received_at",
        "inbox_items",
        ["workspace_id", "received_at"],
    )
    op.create_index(
        "ix_inbox_items_conversation", "inbox_items", ["account_id", "conversation_id"]
    )
    op.create_table(
        "inbox_notes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_inbox_notes_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["inbox_items.id"],
            name=op.f("fk_inbox_notes_item_id_inbox_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_notes")),
    )
    op.create_index(op.f("ix_inbox_notes_item_id"), "inbox_notes", ["item_id"])
    op.create_table(
        "inbox_replies",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("sent_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("platform_post_id", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["inbox_items.id"],
            name=op.f("fk_inbox_replies_item_id_inbox_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by"],
            ["users.id"],
            name=op.f("fk_inbox_replies_sent_by_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_replies")),
        sa.UniqueConstraint("item_id", "key", name=op.f("uq_inbox_replies_item_id")),
    )
    op.create_table(
        "inbox_cursors",
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("cursor", sa.String(length=500), nullable=True),
        sa.Column("polled_at", UTC, nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["social_accounts.id"],
            name=op.f("fk_inbox_cursors_account_id_social_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_inbox_cursors")),
    )


def downgrade() -> None:
    op.drop_table("inbox_cursors")
    op.drop_table("inbox_replies")
    op.drop_index(op.f("ix_inbox_notes_item_id"), table_name="inbox_notes")
    op.drop_table("inbox_notes")
    op.drop_index("ix_inbox_items_conversation", table_name="inbox_items")
    op.drop_index("ix_inbox_items_workspace_received_at", table_name="inbox_items")
    op.drop_index("ix_inbox_items_workspace_queue", table_name="inbox_items")
    op.drop_index("ix_inbox_items_workspace_status_priority", table_name="inbox_items")
    op.drop_table("inbox_items")
