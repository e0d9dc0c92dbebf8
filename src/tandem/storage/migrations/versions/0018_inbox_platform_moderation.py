"""inbox: what was done to an item on its platform (hidden or deleted there)

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_items") as batch:
        batch.add_column(
            sa.Column(
                "platform_state", sa.String(16), nullable=False, server_default=""
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("inbox_items") as batch:
        batch.drop_column("platform_state")
