"""connected account credentials: sealed tokens, workspace app registrations, OAuth states

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "platform_apps",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("base_url", sa.String(length=300), nullable=False),
        sa.Column("client_id", sa.String(length=300), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("secret_ciphertext", sa.Text(), nullable=False),
        sa.Column(
            "created_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_platform_apps_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_apps")),
        sa.UniqueConstraint(
            "workspace_id",
            "platform",
            "base_url",
            name=op.f("uq_platform_apps_workspace_id"),
        ),
    )
    op.create_index(
        op.f("ix_platform_apps_workspace_id"),
        "platform_apps",
        ["workspace_id"],
        unique=False,
    )
    op.create_table(
        "account_credentials",
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("platform_account_id", sa.String(length=200), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=True),
        sa.Column("key_id", sa.String(length=16), nullable=True),
        sa.Column("ciphertext", sa.Text(), nullable=True),
        sa.Column(
            "expires_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("refreshable", sa.Boolean(), nullable=False),
        sa.Column(
            "connected_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "refreshed_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "refreshing_until",
            tandem.storage.db.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("refreshing_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["social_accounts.id"],
            name=op.f("fk_account_credentials_account_id_social_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["app_id"],
            ["platform_apps.id"],
            name=op.f("fk_account_credentials_app_id_platform_apps"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_account_credentials_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_credentials")),
    )
    op.create_index(
        op.f("ix_account_credentials_workspace_id"),
        "account_credentials",
        ["workspace_id"],
        unique=False,
    )
    op.create_table(
        "oauth_states",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("state_digest", sa.String(length=64), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=True),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("verifier_ciphertext", sa.Text(), nullable=False),
        sa.Column("pending_ciphertext", sa.Text(), nullable=True),
        sa.Column(
            "created_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "expires_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "used_at", tandem.storage.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["app_id"],
            ["platform_apps.id"],
            name=op.f("fk_oauth_states_app_id_platform_apps"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_oauth_states_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_oauth_states_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_states")),
        sa.UniqueConstraint("state_digest", name=op.f("uq_oauth_states_state_digest")),
    )
    op.create_index(
        op.f("ix_oauth_states_workspace_id"),
        "oauth_states",
        ["workspace_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_oauth_states_workspace_id"), table_name="oauth_states")
    op.drop_table("oauth_states")
    op.drop_index(
        op.f("ix_account_credentials_workspace_id"), table_name="account_credentials"
    )
    op.drop_table("account_credentials")
    op.drop_index(op.f("ix_platform_apps_workspace_id"), table_name="platform_apps")
    op.drop_table("platform_apps")
