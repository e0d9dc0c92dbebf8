"""publications: claim in (next_attempt_at, due_at, id) order, so equal ties keep post order

Revision ID: 0027
Revises: 0026
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_publications_state_next_attempt_at", table_name="publications")
    op.create_index(
        "ix_publications_claim_order",
        "publications",
        ["state", "next_attempt_at", "due_at", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_publications_claim_order", table_name="publications")
    op.create_index(
        "ix_publications_state_next_attempt_at",
        "publications",
        ["state", "next_attempt_at"],
    )
