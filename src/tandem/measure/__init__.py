"""First-party measurement: the collector, GA4 channel grouping, bot filtering, privacy
modes, identity stitching, conversions (API and CSV), and journeys, funnels and cohorts over the warehouse."""

from tandem.measure import store
from tandem.measure.bots import filter_reason
from tandem.measure.channels import Channel, channel_group
from tandem.measure.cohorts import Cohort, cohorts
from tandem.measure.collect import Backpressure, collect
from tandem.measure.conversions import record_conversions
from tandem.measure.funnels import Step, StepResult, funnel, parse_steps
from tandem.measure.imports import import_conversions
from tandem.measure.jobs import ship_collected_events
from tandem.measure.journeys import (
    DEFAULT_LOOKBACK,
    DuckDBRunner,
    SqlAlchemyRunner,
    SqlRunner,
    journeys,
    path_frame,
    path_table,
)
from tandem.measure.model import (
    Accepted,
    Conversion,
    ConversionIn,
    FilterReason,
    Hit,
    HitKind,
    ImportResult,
    Journey,
    PathRow,
    PrivacyMode,
    Request,
    RowError,
    Site,
    Touch,
    Traffic,
)
from tandem.measure.payload import MAX_BODY, Payload, parse_payload
from tandem.measure.privacy import contact_id
from tandem.measure.shipping import SHIP_COLLECTED_EVENTS, ship_events
from tandem.measure.sites import create_site, host_allowed, site_in
from tandem.measure.traffic import traffic_of

__all__ = [
    "DEFAULT_LOOKBACK",
    "MAX_BODY",
    "SHIP_COLLECTED_EVENTS",
    "Accepted",
    "Backpressure",
    "Channel",
    "Cohort",
    "Conversion",
    "ConversionIn",
    "DuckDBRunner",
    "FilterReason",
    "Hit",
    "HitKind",
    "ImportResult",
    "Journey",
    "PathRow",
    "Payload",
    "PrivacyMode",
    "Request",
    "RowError",
    "Site",
    "SqlAlchemyRunner",
    "SqlRunner",
    "Step",
    "StepResult",
    "Touch",
    "Traffic",
    "channel_group",
    "cohorts",
    "collect",
    "contact_id",
    "create_site",
    "filter_reason",
    "funnel",
    "host_allowed",
    "import_conversions",
    "journeys",
    "parse_payload",
    "parse_steps",
    "path_frame",
    "path_table",
    "record_conversions",
    "ship_collected_events",
    "ship_events",
    "site_in",
    "store",
    "traffic_of",
]
