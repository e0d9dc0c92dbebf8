"""Errors raised by capabilities; the web and CLI edges map them to responses in one place."""

from __future__ import annotations


class TandemError(Exception):
    """Base error. `message` is shown to the user and says how to fix the problem."""

    status = 400
    title = "Bad request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(TandemError):
    status = 422
    title = "Invalid input"


class NotFound(TandemError):
    status = 404
    title = "Not found"


class Conflict(TandemError):
    status = 409
    title = "Conflict"


class Unauthenticated(TandemError):
    status = 401
    title = "Sign-in required"


class Forbidden(TandemError):
    status = 403
    title = "Not allowed"


class TooManyRequests(TandemError):
    status = 429
    title = "Too many requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
