"""Imports every module that declares tables, so Alembic and test set-up see the whole schema."""

import tandem.accounts.store
import tandem.publish.store
import tandem.storage.queue  # noqa: F401
from tandem.storage import Base

metadata = Base.metadata
