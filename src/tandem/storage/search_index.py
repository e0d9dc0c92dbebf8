"""Word-search indexes that live beside the tables: not models, not data.

On SQLite a word index is an FTS5 virtual table (inbox_items_fts, migration 0026) plus the
shadow tables FTS5 keeps its index in (`<name>_data`, `_idx`, `_docsize`, `_config`). They are
derived from the rows, so a backup skips them, a restore rebuilds them, and schema comparison
ignores them. PostgreSQL's word index is an ordinary index and needs none of this.

Risk for later migrations: a batch (copy-and-rename) change to inbox_items on SQLite drops the
triggers with the old table and may renumber rowids, which the FTS5 table is keyed on. Such a
migration must recreate the triggers of 0026 and run `rebuild_search_indexes`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text


def _virtual_tables(connection: Connection) -> list[str]:
    if connection.dialect.name != "sqlite":
        return []
    return list(
        connection.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND sql LIKE 'CREATE VIRTUAL TABLE%'"
            )
        ).scalars()
    )


def derived_tables(connection: Connection) -> set[str]:
    """The virtual tables and their shadow tables in this database (none on PostgreSQL)."""
    virtual = _virtual_tables(connection)
    if not virtual:
        return set()
    names = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'table'")
    ).scalars()
    return {n for n in names if any(n == v or n.startswith(v + "_") for v in virtual)}


def rebuild_search_indexes(connection: Connection) -> None:
    """Re-read every row into each FTS5 index, as after rows were loaded behind its back."""
    for name in _virtual_tables(connection):
        connection.execute(text(f'INSERT INTO "{name}"("{name}") VALUES (\'rebuild\')'))


def schema_filters(connection: Connection) -> dict[str, Any]:
    """Alembic options under which autogenerate and schema comparison ignore derived tables
    (left alone, autogenerate would propose dropping SQLite's FTS5 index)."""
    derived = derived_tables(connection)

    def include_name(name: str | None, type_: str, _parents: Any) -> bool:
        return not (type_ == "table" and name in derived)

    return {"include_name": include_name}
