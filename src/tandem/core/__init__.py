"""Shared value types, ids, clock and errors. Imports nothing else of Tandem's."""

from tandem.core.clock import Clock, FrozenClock, SystemClock, utcnow
from tandem.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    TandemError,
    TooManyRequests,
    Unauthenticated,
)
from tandem.core.ids import new_id, new_token, slugify, token_digest
from tandem.core.problems import Problem, Severity

__all__ = [
    "Clock",
    "Conflict",
    "Forbidden",
    "FrozenClock",
    "InvalidInput",
    "NotFound",
    "Problem",
    "Severity",
    "SystemClock",
    "TandemError",
    "TooManyRequests",
    "Unauthenticated",
    "new_id",
    "new_token",
    "slugify",
    "token_digest",
    "utcnow",
]
