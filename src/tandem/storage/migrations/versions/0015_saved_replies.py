"""saved replies: replies, workspace variables and products, cached embeddings

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = tandem.storage.db.UTCDateTime(timezone=True)
JSON = tandem.storage.db.JSONDict()


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["workspace_id"],
        ["workspaces.id"],
        name=op.f(f"fk_{table}_workspace_id_workspaces"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "inbox_saved_replies",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("fits", JSON, nullable=False),
        sa.Column("usage_count", sa.Integer(), nullable=False),
        sa.Column("last_used_at", UTC, nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_inbox_saved_replies_created_by_users"),
            ondelete="SET NULL",
        ),
        _workspace_fk("inbox_saved_replies"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_saved_replies")),
        sa.UniqueConstraint(
            "workspace_id", "title", name=op.f("uq_inbox_saved_replies_workspace_id")
        ),
    )
    op.create_index(
        op.f("ix_inbox_saved_replies_workspace_id"),
        "inbox_saved_replies",
        ["workspace_id"],
    )
    op.create_table(
        "inbox_reply_variables",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("default_value", sa.Text(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        _workspace_fk("inbox_reply_variables"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_reply_variables")),
        sa.UniqueConstraint(
            "workspace_id", "name", name=op.f("uq_inbox_reply_variables_workspace_id")
        ),
    )
    op.create_index(
        op.f("ix_inbox_reply_variables_workspace_id"),
        "inbox_reply_variables",
        ["workspace_id"],
    )
    op.create_table(
        "inbox_products",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("aliases", JSON, nullable=False),
        _workspace_fk("inbox_products"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_products")),
        sa.UniqueConstraint(
            "workspace_id", "name", name=op.f("uq_inbox_products_workspace_id")
        ),
    )
    op.create_index(
        op.f("ix_inbox_products_workspace_id"), "inbox_products", ["workspace_id"]
    )
    op.create_table(
        "inbox_saved_reply_embeddings",
        sa.Column("saved_reply_id", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["saved_reply_id"],
            ["inbox_saved_replies.id"],
            name=op.f(
                "fk_inbox_saved_reply_embeddings_saved_reply_id_inbox_saved_replies"
            ),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "saved_reply_id", name=op.f("pk_inbox_saved_reply_embeddings")
        ),
    )


def downgrade() -> None:
    op.drop_table("inbox_saved_reply_embeddings")
    op.drop_index(op.f("ix_inbox_products_workspace_id"), table_name="inbox_products")
    op.drop_table("inbox_products")
    op.drop_index(
        op.f("ix_inbox_reply_variables_workspace_id"),
        table_name="inbox_reply_variables",
    )
    op.drop_table("inbox_reply_variables")
    op.drop_index(
        op.f("ix_inbox_saved_replies_workspace_id"), table_name="inbox_saved_replies"
    )
    op.drop_table("inbox_saved_replies")
