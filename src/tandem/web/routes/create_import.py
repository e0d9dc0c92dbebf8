"""Bulk import of posts from CSV (page and API)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from tandem.accounts import Member, Permission
from tandem.compose import bulk
from tandem.core import InvalidInput, TandemError
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import csv_response, html

router = APIRouter()
EXAMPLE_ROWS = [
    [
        "@acme",
        "Spring is here: three new colours of the Trail Bottle. #TrailBottle",
        "2026-03-02 09:30",
        "Europe/Berlin",
        "spring-launch",
        "https://shop.example.com/trail",
        "",
        "",
        "no",
    ],
]


@router.get("/w/{ws}/create/import", include_in_schema=False)
def import_form(
    request: Request, member: Member = Depends(permit(Permission.CONTENT_EDIT))
) -> Response:
    return html(
        request, "create/import.html", {"member": member, "columns": bulk.COLUMNS}
    )


@router.get("/w/{ws}/create/import/example.csv", include_in_schema=False)
def example(member: Member = Depends(permit(Permission.CONTENT_EDIT))) -> Response:
    return csv_response(
        f"tandem-import-{member.workspace.slug}.csv", bulk.COLUMNS, EXAMPLE_ROWS
    )


async def _read(upload: UploadFile | None) -> bytes:
    if upload is None or not upload.filename:
        raise InvalidInput("Choose a CSV file to import.", field="file")
    data = await upload.read(bulk.MAX_BYTES + 1)
    if len(data) > bulk.MAX_BYTES:
        raise InvalidInput(
            f"The file is larger than {bulk.MAX_BYTES // 1_000_000} MB; split it.",
            field="file",
        )
    return data


@router.post("/w/{ws}/create/import", include_in_schema=False)
async def import_page(
    request: Request,
    session: SessionDep,
    state: StateDep,
    file: Annotated[UploadFile | None, File()] = None,
    valid_only: Annotated[bool, Form()] = False,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> Response:
    try:
        content = await _read(file)
        with session.begin_nested():
            report = bulk.import_csv(
                session,
                member=member,
                content=content,
                valid_only=valid_only,
                base_url=state.settings.base_url,
                clock=state.clock,
            )
    except TandemError as exc:
        return html(
            request,
            "create/import.html",
            {"member": member, "columns": bulk.COLUMNS, "error": exc.message},
            status=exc.status,
        )
    status = 200 if report.imported else 422
    return html(
        request,
        "create/import.html",
        {"member": member, "columns": bulk.COLUMNS, "report": report},
        status=status,
    )


@router.post(
    "/api/v1/workspaces/{ws}/briefs/import",
    tags=["create"],
    summary="Import posts from CSV: all rows or none, unless valid_only=true",
)
async def import_api(
    session: SessionDep,
    state: StateDep,
    file: Annotated[UploadFile, File(description="UTF-8 CSV")],
    valid_only: bool = False,
    member: Member = Depends(permit(Permission.CONTENT_EDIT)),
) -> bulk.ImportReport:
    content = await _read(file)
    report = bulk.import_csv(
        session,
        member=member,
        content=content,
        valid_only=valid_only,
        base_url=state.settings.base_url,
        clock=state.clock,
    )
    if not report.imported:
        session.rollback()  # nothing of a refused file is kept, not even a tracked link
    return report
