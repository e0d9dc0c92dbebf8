"""Media files at signed, expiring public URLs (`/m/<token>`), for the platforms that download
a post's images and videos themselves (Instagram, Threads). See tandem.media.public.

Anyone holding a URL may fetch the file until it expires, the way a platform's downloader
does: no sign-in. A malformed, forged or expired token, and a file since deleted from the
library, all get the same 404, so a prober learns nothing about which it hit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, Response

from tandem.core import NotFound
from tandem.media import LocalMediaStore
from tandem.media.public import MediaToken, library_file, verify
from tandem.web.deps import Identity, SessionDep, StateDep, public
from tandem.web.state import AppState

router = APIRouter(tags=["media"], include_in_schema=False)  # a file link, not REST
Public = Annotated[Identity | None, Depends(public())]
GONE = "No such file, or its link has expired."
MAX_AGE = (
    86400  # a file never changes behind its token; caches may keep it a day at most
)


def secret_keys(state: AppState) -> list[str]:
    """The current key, then former ones (URLs signed before a rotation stay valid)."""
    previous = state.settings.secret_key_previous
    former = previous.get_secret_value().split(",") if previous else []
    return [state.secret_key, *(key.strip() for key in former)]


def _cache_control(token: MediaToken, now: datetime) -> str:
    left = int((token.expires_at - now).total_seconds())
    return f"public, max-age={max(0, min(left, MAX_AGE))}, immutable"


@router.api_route(
    "/m/{token}",
    methods=["GET", "HEAD"],
    summary="A media file at a signed public URL (for platforms that download media)",
    response_class=FileResponse,
)
def public_media(
    token: str, session: SessionDep, state: StateDep, _: Public
) -> Response:
    now = state.clock.now()
    found = verify(token, secret_keys(state), now=now)
    item = library_file(session, found.sha256) if found else None
    if found is None or item is None:
        raise NotFound(GONE)
    try:
        path = LocalMediaStore(state.settings.media_dir).local_path(item.sha256)
    except NotFound:
        raise NotFound(GONE) from None
    if path is None:  # only local storage exists today (tandem.media.files)
        raise NotFound(GONE)
    return FileResponse(
        path,
        media_type=item.mime_type,
        headers={
            "Cache-Control": _cache_control(found, now),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Referrer-Policy": "no-referrer",
        },
        content_disposition_type="inline",
        filename=item.sha256 + found.extension,
    )
