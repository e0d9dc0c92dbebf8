"""Small pieces of the Sandbox's HTTP wire format shared by its route modules."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Errors are always `{"error": "<message for the user>"}`."""
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def json_body(request: Request) -> dict[str, Any] | Response:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return error(400, "The request body is not valid JSON.")
    if not isinstance(body, dict):
        return error(400, "The request body must be a JSON object.")
    return body


def aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a time without an offset is ambiguous")
    return moment


def bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""
