"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import warnings

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import tandem.models
from tandem.storage import current_revision, head_revision
from tandem.storage.search_index import schema_filters


def test_the_migrated_database_matches_the_models(db):
    assert current_revision(db) == head_revision(db)
    with db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect expression indexes: PostgreSQL's word index is compared there.
        warnings.filterwarnings(
            "ignore",
            "autogenerate skipping .* 'ix_inbox_items_search'; dialect 'sqlite'",
        )
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, **schema_filters(connection)}
        )
        differences = compare_metadata(context, tandem.models.metadata)
    assert differences == [], (
        "a model changed without a migration: " + repr(differences)[:2000]
    )
