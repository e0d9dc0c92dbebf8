"""Imports every module that declares tables, so Alembic and test set-up see the whole schema."""

import tandem.accounts.store
import tandem.brand.store
import tandem.compose.feeds
import tandem.compose.store
import tandem.links.store
import tandem.media.store
import tandem.notify.inbox
import tandem.publish.idempotency
import tandem.publish.ledger
import tandem.publish.store
import tandem.storage.queue  # noqa: F401
from tandem.storage import Base

metadata = Base.metadata
