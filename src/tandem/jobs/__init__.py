"""Worker runtime: claim due jobs from the database, run their handler, retry with backoff."""

from tandem.core.backoff import backoff_delay
from tandem.jobs.registry import HANDLERS, Handler, JobContext
from tandem.jobs.runtime import Worker, run_pending

__all__ = [
    "HANDLERS",
    "Handler",
    "JobContext",
    "Worker",
    "backoff_delay",
    "run_pending",
]
