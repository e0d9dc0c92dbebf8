"""feed auto-posting (watched RSS/Atom feeds and the entries seen in them)

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name, tandem.storage.db.UTCDateTime(timezone=True), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "autopost_feeds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("settings", tandem.storage.db.JSONDict(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("baseline_done", sa.Boolean(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        _when("last_polled_at", True),
        _when("last_success_at", True),
        _when("next_poll_at", False),
        _when("lease_until", True),
        _when("created_at", False),
        _when("updated_at", False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_autopost_feeds_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_autopost_feeds_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_autopost_feeds")),
        sa.UniqueConstraint(
            "workspace_id", "url", name=op.f("uq_autopost_feeds_workspace_id")
        ),
    )
    op.create_index(
        "ix_autopost_feeds_active_next_poll_at",
        "autopost_feeds",
        ["active", "next_poll_at"],
        unique=False,
    )
    op.create_table(
        "autopost_items",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("feed_id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=False),
        _when("published_at", True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("brief_ids", tandem.storage.db.JSONDict(), nullable=False),
        _when("created_at", False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["autopost_feeds.id"],
            name=op.f("fk_autopost_items_feed_id_autopost_feeds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_autopost_items_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_autopost_items")),
        # One row per (feed, entry): the guarantee that an entry is never posted twice.
        sa.UniqueConstraint(
            "feed_id", "key_digest", name=op.f("uq_autopost_items_feed_id")
        ),
    )
    op.create_index(
        "ix_autopost_items_feed_created_at",
        "autopost_items",
        ["feed_id", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_autopost_items_feed_created_at", table_name="autopost_items")
    op.drop_table("autopost_items")
    op.drop_index("ix_autopost_feeds_active_next_poll_at", table_name="autopost_feeds")
    op.drop_table("autopost_feeds")
