"""measure collection: tracked sites, the collector outbox, daily salts, order ids

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.storage.db

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = tandem.storage.db.UTCDateTime(timezone=True)
JSON = tandem.storage.db.JSONDict()
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["workspace_id"],
        ["workspaces.id"],
        name=op.f(f"fk_{table}_workspace_id_workspaces"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "measure_sites",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("domains", sa.Text(), nullable=False),
        sa.Column("privacy", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        _workspace_fk("measure_sites"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_sites")),
        sa.UniqueConstraint("key", name=op.f("uq_measure_sites_key")),
    )
    op.create_index(
        op.f("ix_measure_sites_workspace_id"),
        "measure_sites",
        ["workspace_id"],
        unique=False,
    )
    op.create_table(
        "measure_outbox",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", UTC, nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.Column("visitor_id", sa.String(length=40), nullable=True),
        sa.Column("contact_id", sa.String(length=40), nullable=True),
        sa.Column("channel", sa.String(length=40), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("medium", sa.String(length=100), nullable=True),
        sa.Column("campaign", sa.String(length=100), nullable=True),
        sa.Column("content", sa.String(length=100), nullable=True),
        sa.Column("term", sa.String(length=100), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("referrer", sa.Text(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("properties", JSON, nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_measure_outbox")),
    )
    op.create_table(
        "measure_salts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_measure_salts")),
    )
    op.create_table(
        "measure_conversions",
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("occurred_at", UTC, nullable=False),
        sa.Column("contact_id", sa.String(length=40), nullable=True),
        sa.Column("visitor_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        _workspace_fk("measure_conversions"),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_measure_conversions")),
        sa.UniqueConstraint(
            "workspace_id",
            "order_id",
            name=op.f("uq_measure_conversions_workspace_id"),
        ),
    )


def downgrade() -> None:
    op.drop_table("measure_conversions")
    op.drop_table("measure_salts")
    op.drop_table("measure_outbox")
    op.drop_index(op.f("ix_measure_sites_workspace_id"), table_name="measure_sites")
    op.drop_table("measure_sites")
