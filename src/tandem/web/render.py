"""Rendering: every page's data is also available as JSON (Accept: application/json or ?format=json)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from tandem import __version__
from tandem.accounts import ROLE_PERMISSIONS, Member, store
from tandem.notify import unread_count
from tandem.web.deps import CSRF_COOKIE, anonymous_csrf, csrf_token_for
from tandem.web.nav import nav_for

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def _localtime(
    value: datetime | None, zone: str = "UTC", fmt: str = "%Y-%m-%d %H:%M"
) -> str:
    if value is None:
        return "-"
    return value.astimezone(ZoneInfo(zone)).strftime(fmt)


def _num(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _pct(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value * 100:.{digits}f}%"


TEMPLATES.env.filters.update(localtime=_localtime, num=_num, pct=_pct)
TEMPLATES.env.globals.update(version=__version__)


def wants_json(request: Request) -> bool:
    if request.query_params.get("format") == "json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def page(
    request: Request,
    template: str,
    data: dict[str, Any],
    *,
    member: Member | None = None,
    status: int = 200,
    title: str = "",
) -> Response:
    """Render `template` with `data`, or return `data` as JSON for API-minded callers."""
    if wants_json(request):
        return JSONResponse(jsonable_encoder(data), status_code=status)
    return html(
        request, template, {**data, "member": member, "title": title}, status=status
    )


def html(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    identity = getattr(request.state, "identity", None)
    member: Member | None = context.get("member") or getattr(
        request.state, "member", None
    )
    session = getattr(request.state, "db_session", None)
    workspaces: list[Any] = []
    unread = 0
    if identity is not None and session is not None:
        workspaces = store.workspaces_of(session, identity.user.id)
        unread = unread_count(session, identity.user.id)
    base = {
        "request": request,
        "identity": identity,
        "member": member,
        "nav": nav_for(member) if member else [],
        "can": {p.value for p in ROLE_PERMISSIONS[member.role]} if member else set(),
        "workspaces": workspaces,
        "unread": unread,
        "csrf_token": csrf_token_for(request),
        "zone": member.workspace.timezone if member else "UTC",
    }
    response = TEMPLATES.TemplateResponse(
        request, template, {**base, **context}, status_code=status
    )
    if not request.cookies.get(CSRF_COOKIE) and (
        identity is None or identity.web_session is None
    ):
        state = request.app.state.tandem
        response.set_cookie(
            CSRF_COOKIE,
            anonymous_csrf(request),
            httponly=True,
            samesite="lax",
            secure=state.settings.cookie_secure,
        )
    return response


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return (
            "'" + value
        )  # keeps spreadsheets from running user text as a formula (CSV injection)
    return value
