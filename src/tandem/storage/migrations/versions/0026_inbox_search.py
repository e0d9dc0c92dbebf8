"""inbox search: an FTS5 word index on SQLite, a GIN tsvector index on PostgreSQL

Revision ID: 0026
Revises: 0025
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A frozen copy of tandem.inbox.search.SEARCH_VECTOR_SQL at this revision: the index is
# built on this text, and PostgreSQL matches a query to the index by the same expression.
VECTOR = (
    "to_tsvector('simple'::regconfig, regexp_replace(NORMALIZE(regexp_replace(NORMALIZE("
    "(((text || ' '::text) || author_handle::text) || ' '::text) || author_name::text, NFD), "
    "'(?<=[A-Za-z])[\\u0300-\\u036f]+'::text, ''::text, 'g'::text), NFC), "
    "'[!-/:-@\\[-`{-~]+'::text, ' '::text, 'g'::text))"
)

SQLITE_UP = (
    "CREATE VIRTUAL TABLE inbox_items_fts USING fts5("
    "text, author_handle, author_name, content='inbox_items', content_rowid='rowid', "
    "tokenize='unicode61 remove_diacritics 2')",
    """CREATE TRIGGER inbox_items_fts_insert AFTER INSERT ON inbox_items BEGIN
        INSERT INTO inbox_items_fts(rowid, text, author_handle, author_name)
        VALUES (new.rowid, new.text, new.author_handle, new.author_name);
    END""",
    """CREATE TRIGGER inbox_items_fts_delete AFTER DELETE ON inbox_items BEGIN
        INSERT INTO inbox_items_fts(inbox_items_fts, rowid, text, author_handle, author_name)
        VALUES ('delete', old.rowid, old.text, old.author_handle, old.author_name);
    END""",
    # Only when a searched column changes: status, assignment and triage writes skip it.
    """CREATE TRIGGER inbox_items_fts_update
    AFTER UPDATE OF text, author_handle, author_name ON inbox_items BEGIN
        INSERT INTO inbox_items_fts(inbox_items_fts, rowid, text, author_handle, author_name)
        VALUES ('delete', old.rowid, old.text, old.author_handle, old.author_name);
        INSERT INTO inbox_items_fts(rowid, text, author_handle, author_name)
        VALUES (new.rowid, new.text, new.author_handle, new.author_name);
    END""",
    "INSERT INTO inbox_items_fts(inbox_items_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS inbox_items_fts_update",
    "DROP TRIGGER IF EXISTS inbox_items_fts_delete",
    "DROP TRIGGER IF EXISTS inbox_items_fts_insert",
    "DROP TABLE IF EXISTS inbox_items_fts",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(
            f"CREATE INDEX ix_inbox_items_search ON inbox_items USING gin ({VECTOR})"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_inbox_items_search")
