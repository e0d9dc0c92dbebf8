"""brand kits

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "brand_kits",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("banned", sa.JSON(), nullable=False),
        sa.Column("required", sa.JSON(), nullable=False),
        sa.Column("disclosures", sa.JSON(), nullable=False),
        sa.Column("disclosure_position", sa.String(length=16), nullable=False),
        sa.Column("disclosure_within", sa.Integer(), nullable=False),
        sa.Column("brand_names", sa.JSON(), nullable=False),
        sa.Column("names_skip_handles", sa.Boolean(), nullable=False),
        sa.Column("emoji", sa.String(length=16), nullable=False),
        sa.Column("max_emoji", sa.Integer(), nullable=False),
        sa.Column("max_exclamations", sa.Integer(), nullable=True),
        sa.Column("no_double_exclamation", sa.Boolean(), nullable=False),
        sa.Column("hashtag_groups", sa.JSON(), nullable=False),
        sa.Column("utm_source", sa.String(length=100), nullable=False),
        sa.Column("utm_medium", sa.String(length=100), nullable=False),
        sa.Column("utm_campaign_prefix", sa.String(length=100), nullable=False),
        sa.Column(
            "updated_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("updated_by", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_brand_kits_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_kits")),
        sa.UniqueConstraint("workspace_id", name=op.f("uq_brand_kits_workspace_id")),
    )


def downgrade() -> None:
    op.drop_table("brand_kits")
