"""listen: tracked topics, sources, stored mentions and their topics, alerts, campaign notes

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name, tandem.storage.db.UTCDateTime(timezone=True), nullable=nullable
    )


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", sa.String(length=32), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _workspace(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        _fk(table, "workspace_id", "workspaces", "CASCADE"),
    ]


def upgrade() -> None:
    t = "listen_topics"
    op.create_table(
        t,
        _id(),
        *_workspace(t),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("filters", tandem.storage.db.JSONDict(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        _fk(t, "created_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("workspace_id", "name", name=op.f(f"uq_{t}_workspace_id")),
    )
    t = "listen_sources"
    op.create_table(
        t,
        _id(),
        *_workspace(t),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        _when("last_polled_at", True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("collected", sa.Integer(), nullable=False),
        _when("created_at"),
        _fk(t, "account_id", "social_accounts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    t = "listen_mentions"
    op.create_table(
        t,
        _id(),
        *_workspace(t),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=32), nullable=True),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("platform_id", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("author_followers", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("sentiment", sa.Float(), nullable=False),
        sa.Column("intent", sa.String(length=16), nullable=False),
        _when("created_at"),
        _when("collected_at"),
        _fk(t, "source_id", "listen_sources", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        # One row per (workspace, post): how one post found by several sources is stored once.
        sa.UniqueConstraint(
            "workspace_id", "key_digest", name=op.f(f"uq_{t}_workspace_id")
        ),
    )
    op.create_index(
        "ix_listen_mentions_workspace_created", t, ["workspace_id", "created_at"]
    )
    t = "listen_mention_topics"
    op.create_table(
        t,
        sa.Column("mention_id", sa.String(length=32), nullable=False),
        sa.Column("topic_id", sa.String(length=32), nullable=False),
        *_workspace(t),
        _when("created_at"),
        _fk(t, "mention_id", "listen_mentions", "CASCADE"),
        _fk(t, "topic_id", "listen_topics", "CASCADE"),
        sa.PrimaryKeyConstraint("mention_id", "topic_id", name=op.f(f"pk_{t}")),
    )
    op.create_index(
        "ix_listen_mention_topics_topic_created", t, ["topic_id", "created_at"]
    )
    t = "listen_alerts"
    op.create_table(
        t,
        _id(),
        *_workspace(t),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("dedup_key", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("details", tandem.storage.db.JSONDict(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint(
            "workspace_id", "dedup_key", name=op.f(f"uq_{t}_workspace_id")
        ),
    )
    op.create_index(
        "ix_listen_alerts_workspace_created", t, ["workspace_id", "created_at"]
    )
    t = "listen_campaign_notes"
    op.create_table(
        t,
        _id(),
        *_workspace(t),
        sa.Column("campaign_id", sa.String(length=32), nullable=False),
        sa.Column("trend_label", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("details", tandem.storage.db.JSONDict(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        _when("created_at"),
        _fk(t, "campaign_id", "campaigns", "CASCADE"),
        _fk(t, "created_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(
        "ix_listen_campaign_notes_campaign", t, ["campaign_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_listen_campaign_notes_campaign", "listen_campaign_notes")
    op.drop_table("listen_campaign_notes")
    op.drop_index("ix_listen_alerts_workspace_created", "listen_alerts")
    op.drop_table("listen_alerts")
    op.drop_index("ix_listen_mention_topics_topic_created", "listen_mention_topics")
    op.drop_table("listen_mention_topics")
    op.drop_index("ix_listen_mentions_workspace_created", "listen_mentions")
    op.drop_table("listen_mentions")
    op.drop_table("listen_sources")
    op.drop_table("listen_topics")
