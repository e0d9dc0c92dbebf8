"""Alembic environment: the engine comes from tandem.storage.migrate, never from an ini file."""

from alembic import context

import tandem.models  # noqa: F401  (registers every table on Base.metadata)
from tandem.storage.db import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
