"""publish ledger: publications and their attempts

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc(name: str, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name, tandem.storage.db.UTCDateTime(timezone=True), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("variant_id", sa.String(length=32), nullable=True),
        sa.Column("parts", tandem.storage.db.JSONDict(), nullable=False),
        sa.Column("first_comment", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("local_time", sa.String(length=16), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        _utc("due_at", False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _utc("next_attempt_at", False),
        _utc("lease_until", True),
        sa.Column("locked_by", sa.String(length=100), nullable=True),
        sa.Column("platform_post_id", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        _utc("published_at", True),
        sa.Column("error_kind", sa.String(length=16), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _utc("created_at", False),
        _utc("updated_at", False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["social_accounts.id"],
            name=op.f("fk_publications_account_id_social_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["variants.id"],
            name=op.f("fk_publications_variant_id_variants"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_publications_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
        sa.UniqueConstraint(
            "variant_id", "account_id", name=op.f("uq_publications_variant_id")
        ),
    )
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_publications_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            "ix_publications_state_next_attempt_at",
            ["state", "next_attempt_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_publications_workspace_due_at",
            ["workspace_id", "due_at"],
            unique=False,
        )

    op.create_table(
        "publish_attempts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("publication_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        _utc("started_at", False),
        _utc("finished_at", True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_publish_attempts_publication_id_publications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publish_attempts")),
        sa.UniqueConstraint(
            "publication_id",
            "number",
            name=op.f("uq_publish_attempts_publication_id"),
        ),
    )


def downgrade() -> None:
    op.drop_table("publish_attempts")
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.drop_index("ix_publications_workspace_due_at")
        batch_op.drop_index("ix_publications_state_next_attempt_at")
        batch_op.drop_index(batch_op.f("ix_publications_account_id"))
    op.drop_table("publications")
