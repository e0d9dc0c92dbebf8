"""Imports every module that declares tables, so Alembic and test set-up see the whole schema."""

import tandem.accounts.store
import tandem.brand.store
import tandem.compose.autopost.store
import tandem.compose.feeds
import tandem.compose.pillars
import tandem.compose.store
import tandem.inbox.crisis_watch
import tandem.inbox.rules_store
import tandem.inbox.saved
import tandem.inbox.store
import tandem.inbox.targets
import tandem.links.store
import tandem.listen.alerts
import tandem.listen.store
import tandem.measure.experiments
import tandem.measure.saved_funnels
import tandem.measure.store
import tandem.media.store
import tandem.notify.inbox
import tandem.notify.webhooks
import tandem.plan.store
import tandem.publish.credentials
import tandem.publish.evergreen
import tandem.publish.idempotency
import tandem.publish.ledger
import tandem.publish.queue_slots
import tandem.publish.recurring_store
import tandem.publish.store
import tandem.report.competitors
import tandem.report.fits
import tandem.report.store
import tandem.storage.queue  # noqa: F401
from tandem.storage import Base

metadata = Base.metadata
