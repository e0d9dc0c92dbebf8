"""Media library: upload, browse, per-platform checks, alt text, file serving; HTML and REST.

Uploads are read from the request stream here, not by FastAPI's form parsing (which would
spool the whole body before any limit applies), so no `File`/`Form` parameter appears on
the upload routes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import aclosing
from dataclasses import dataclass, fields
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import (
    FileResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from tandem.accounts import ROLE_PERMISSIONS, Member, Permission
from tandem.compose import rules as platform_rules
from tandem.core import InvalidInput, Problem, TandemError
from tandem.media import (
    MAX_ALT_TEXT,
    IncomingFile,
    LocalMediaStore,
    MediaItem,
    MultipartReceiver,
    actions,
    alt_text_problems,
    describe_bytes,
    find_ffprobe,
    platform_checks,
    store,
    too_large,
)
from tandem.media.upload import FIELD_ALLOWANCE
from tandem.settings import Settings
from tandem.web.deps import SessionDep, StateDep, get_state, permit
from tandem.web.render import csv_response, html, page
from tandem.web.state import AppState

router = APIRouter()
PAGE_SIZE = 25
API = "/api/v1/workspaces/{ws}/media"
CSV_HEADER = tuple(f.name for f in fields(MediaItem))
NOTICES = {
    "uploaded": "Uploaded.",
    "duplicate": "This file was already in the library; here it is.",
    "saved": "Alt text saved.",
    "deleted": "Deleted.",
}


def upload_limit(settings: Settings) -> int:
    return settings.media_max_bytes


def media_files(settings: Settings) -> LocalMediaStore:
    return LocalMediaStore(settings.media_dir)


def refuse_declared_oversize(request: Request) -> None:
    """Declared before the access dependency, whose CSRF check may read the whole form:
    a body announced as too large is refused before a byte of it is read."""
    limit = upload_limit(get_state(request).settings)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FIELD_ALLOWANCE:
        raise too_large(limit)


UPLOAD_GUARD = Depends(refuse_declared_oversize)


# ---- receiving an upload ------------------------------------------------------------------


async def _copy_parsed_form(request: Request, incoming: IncomingFile) -> dict[str, str]:
    """The form was parsed already (by the CSRF check of a cookie-signed form post)."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise InvalidInput("Choose a file to upload.", field="file")
    incoming.filename = upload.filename or ""
    while chunk := await upload.read(1 << 20):
        await run_in_threadpool(incoming.write, chunk)
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def receive(request: Request, incoming: IncomingFile) -> dict[str, str]:
    """Stream the multipart body's file into `incoming`; returns the other fields."""
    receiver = MultipartReceiver(request.headers.get("content-type", ""), incoming)
    async with aclosing(request.stream()) as chunks:
        try:
            first = await anext(chunks, b"")
        except RuntimeError:  # Starlette's "Stream consumed": request.form() read it
            return await _copy_parsed_form(request, incoming)
        # Parsing writes the file: off the event loop, as Starlette's UploadFile does.
        await run_in_threadpool(receiver.feed, first)
        async for chunk in chunks:
            await run_in_threadpool(receiver.feed, chunk)
    return receiver.finish()


async def _upload(
    request: Request, session: Session, state: AppState, member: Member
) -> tuple[MediaItem, bool]:
    files = media_files(state.settings)
    limit = upload_limit(state.settings)
    with IncomingFile(files.incoming_dir, max_bytes=limit) as incoming:
        form_fields = await receive(request, incoming)
        return await run_in_threadpool(
            lambda: actions.add_media(
                session,
                actor=member,
                files=files,
                upload=incoming.received(),
                alt_text=form_fields.get("alt_text", ""),
                ffprobe_path=find_ffprobe(),
                clock=state.clock,
            )
        )


def _collect_later(
    background: BackgroundTasks, state: AppState, sha: str | None
) -> None:
    """Background tasks run after the response, so after the request's commit."""
    if sha is not None:
        background.add_task(_collect, state, sha)


def _collect(state: AppState, sha256: str) -> None:
    with state.database.session() as session:
        actions.collect_file(session, files=media_files(state.settings), sha256=sha256)


# ---- shared page data ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlatformRow:
    platform: str
    label: str
    status: str  # ok, warning or error
    problems: list[Problem]


def platform_rows(item: MediaItem) -> list[PlatformRow]:
    """Each platform's verdict on the item, attached alone to an empty post."""
    checks = platform_checks(
        item, platforms=platform_rules.PLATFORMS, validate=platform_rules.validate
    )
    return [
        PlatformRow(
            c.platform,
            platform_rules.rules_for(c.platform).label,
            c.status,
            list(c.problems),
        )
        for c in checks
    ]


def file_url(member: Member, item: MediaItem) -> str:
    return f"/w/{member.workspace.slug}/media/{item.id}/file"


def _can_edit(member: Member) -> bool:
    return Permission.CONTENT_EDIT in ROLE_PERMISSIONS[member.role]


def _item_data(request: Request, member: Member, item: MediaItem) -> dict[str, Any]:
    return {
        "item": item,
        "file_url": file_url(member, item),
        "alt_text_problems": alt_text_problems(item),
        "platforms": platform_rows(item),
        "can_edit": _can_edit(member),
        "max_alt_text": MAX_ALT_TEXT,
        "notice": NOTICES.get(request.query_params.get("notice", ""), ""),
    }


def _library_data(
    request: Request, session: Session, member: Member, query: store.MediaQuery
) -> dict[str, Any]:
    items, total = store.list_media(session, member.workspace.id, query)
    state = get_state(request)
    return {
        "items": items,
        "total": total,
        "page": query.offset // PAGE_SIZE + 1,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "filters": {
            "kind": query.kind.value if query.kind else "",
            "sort": query.sort,
            "order": "desc" if query.descending else "asc",
        },
        "can_edit": _can_edit(member),
        "upload_limit": describe_bytes(upload_limit(state.settings)),
        "notice": NOTICES.get(request.query_params.get("notice", ""), ""),
    }


def _csv(member: Member, items: list[MediaItem]) -> Response:
    return csv_response(
        f"media-{member.workspace.slug}.csv",
        CSV_HEADER,
        ([getattr(item, column) for column in CSV_HEADER] for item in items),
    )


# ---- HTML pages ---------------------------------------------------------------------------


@router.get("/w/{ws}/media", include_in_schema=False)
def library(
    request: Request,
    session: SessionDep,
    kind: str | None = None,
    sort: str = "created_at",
    order: str = "desc",
    page_number: int = 1,
    export: str | None = None,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> Response:
    exporting = export == "csv"
    offset = 0 if exporting else (max(1, page_number) - 1) * PAGE_SIZE
    limit = 1_000_000 if exporting else PAGE_SIZE
    query = store.parse_query(
        kind=kind, sort=sort, order=order, limit=limit, offset=offset
    )
    if exporting:
        return _csv(member, store.list_media(session, member.workspace.id, query)[0])
    data = _library_data(request, session, member, query)
    return page(request, "media/index.html", data, member=member, title="Media")


@router.post("/w/{ws}/media", include_in_schema=False, dependencies=[UPLOAD_GUARD])
async def upload(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    try:
        item, created = await _upload(request, session, state, member)
    except TandemError as exc:
        query = store.MediaQuery(limit=PAGE_SIZE)
        data = await run_in_threadpool(_library_data, request, session, member, query)
        context = {**data, "member": member, "error": exc.message, "field": exc.field}
        return html(request, "media/index.html", context, status=exc.status)
    notice = "uploaded" if created else "duplicate"
    target = f"/w/{member.workspace.slug}/media/{item.id}?notice={notice}"
    return RedirectResponse(target, status_code=303)


@router.get("/w/{ws}/media/{media_id}", include_in_schema=False)
def item_page(
    request: Request,
    media_id: str,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> Response:
    item = store.get_item(session, member.workspace.id, media_id)
    data = _item_data(request, member, item)
    return page(request, "media/item.html", data, member=member, title=item.filename)


@router.post("/w/{ws}/media/{media_id}/alt", include_in_schema=False)
def save_alt_text(
    request: Request,
    media_id: str,
    session: SessionDep,
    state: StateDep,
    alt_text: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    try:
        with session.begin_nested():
            actions.update_alt_text(
                session,
                actor=member,
                media_id=media_id,
                alt_text=alt_text,
                clock=state.clock,
            )
    except InvalidInput as exc:
        item = store.get_item(session, member.workspace.id, media_id)
        data = _item_data(request, member, item)
        context = {**data, "member": member, "error": exc.message, "form": alt_text}
        return html(request, "media/item.html", context, status=exc.status)
    target = f"/w/{member.workspace.slug}/media/{media_id}?notice=saved"
    return RedirectResponse(target, status_code=303)


@router.post("/w/{ws}/media/{media_id}/delete", include_in_schema=False)
def delete(
    media_id: str,
    session: SessionDep,
    state: StateDep,
    background: BackgroundTasks,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    orphan = actions.delete_media(
        session, actor=member, media_id=media_id, clock=state.clock
    )
    _collect_later(background, state, orphan)
    target = f"/w/{member.workspace.slug}/media?notice=deleted"
    return RedirectResponse(target, status_code=303)


@router.get("/w/{ws}/media/{media_id}/file", include_in_schema=False)
def media_file(
    media_id: str,
    session: SessionDep,
    state: StateDep,
    download: bool = False,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> Response:
    """The stored bytes with the type Tandem detected, never one a browser guesses."""
    item = store.get_item(session, member.workspace.id, media_id)
    files = media_files(state.settings)
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, max-age=86400",  # content-addressed: never changes
    }
    disposition = "attachment" if download else "inline"
    path = files.local_path(item.sha256)
    if path is None:
        return StreamingResponse(
            _chunks(files.open(item.sha256)),
            media_type=item.mime_type,
            headers={**headers, "Content-Disposition": disposition},
        )
    return FileResponse(
        path,
        media_type=item.mime_type,
        headers=headers,
        filename=item.filename,
        content_disposition_type=disposition,
    )


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(1 << 20):
            yield chunk


# ---- REST API -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaOut(MediaItem):
    file_url: str = ""


@dataclass(frozen=True)
class MediaPage:
    items: list[MediaOut]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class MediaDetail:
    item: MediaOut
    alt_text_problems: list[Problem]
    platforms: list[PlatformRow]


class AltTextIn(BaseModel):
    alt_text: str = Field(
        max_length=MAX_ALT_TEXT, description="What someone who cannot see it needs."
    )


def _out(member: Member, item: MediaItem) -> MediaOut:
    return MediaOut(**vars(item), file_url=file_url(member, item))


_UPLOAD_FIELDS = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary"},
        "alt_text": {"type": "string", "maxLength": MAX_ALT_TEXT},
    },
}
MULTIPART_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": _UPLOAD_FIELDS}},
    }
}


@router.get(API, tags=["media"], summary="Media items, newest first")
def api_list(
    session: SessionDep,
    kind: str | None = None,
    sort: str = "created_at",
    order: str = "desc",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> MediaPage:
    query = store.parse_query(
        kind=kind, sort=sort, order=order, limit=limit, offset=offset
    )
    items, total = store.list_media(session, member.workspace.id, query)
    return MediaPage([_out(member, i) for i in items], total, limit, offset)


@router.post(
    API,
    tags=["media"],
    status_code=201,
    summary="Upload an image or video (multipart/form-data: file, alt_text)",
    description="201 with the new item; 200 with the existing one when the same bytes "
    "are already in the workspace; 413 over the upload limit; 422 for other files.",
    openapi_extra=MULTIPART_BODY,
    dependencies=[UPLOAD_GUARD],
)
async def api_upload(
    request: Request,
    response: Response,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> MediaOut:
    item, created = await _upload(request, session, state, member)
    if not created:
        response.status_code = 200
    return _out(member, item)


@router.get(API + "/{media_id}", tags=["media"], summary="One item and its checks")
def api_get(
    media_id: str,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> MediaDetail:
    item = store.get_item(session, member.workspace.id, media_id)
    return MediaDetail(_out(member, item), alt_text_problems(item), platform_rows(item))


@router.patch(API + "/{media_id}", tags=["media"], summary="Change the alt text")
def api_patch(
    media_id: str,
    body: AltTextIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> MediaOut:
    item = actions.update_alt_text(
        session,
        actor=member,
        media_id=media_id,
        alt_text=body.alt_text,
        clock=state.clock,
    )
    return _out(member, item)


@router.delete(
    API + "/{media_id}",
    tags=["media"],
    status_code=204,
    summary="Delete an item (its file goes when no other item uses it)",
)
def api_delete(
    media_id: str,
    session: SessionDep,
    state: StateDep,
    background: BackgroundTasks,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    orphan = actions.delete_media(
        session, actor=member, media_id=media_id, clock=state.clock
    )
    _collect_later(background, state, orphan)
    return Response(status_code=204)
