"""REST API: server-side conversions (one at a time, idempotent by order id) and CSV import.

Authenticate with an API token (`Authorization: Bearer tdm_...`) of a member whose role
may manage measurement. A repeated order id answers 200 with the stored conversion
instead of 201, so a retried webhook never counts an order twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from tandem import measure
from tandem.accounts import Member, Permission
from tandem.core import InvalidInput
from tandem.web.deps import SessionDep, StateDep, permit

router = APIRouter(prefix="/api/v1/workspaces/{ws}", tags=["measure"])
Manage = Annotated[Member, Depends(permit(Permission.MEASURE_MANAGE))]
MAX_CSV = 20 * 1024 * 1024


class ConversionBody(BaseModel):
    order_id: str = Field(max_length=100, description="Your order or lead number.")
    occurred_at: datetime | None = Field(
        None, description="When it happened, with a zone; default: now."
    )
    value: float | None = Field(None, description="Revenue, in `currency`.")
    currency: str | None = Field(None, description="ISO 4217, e.g. EUR.")
    name: str = Field("purchase", max_length=100)
    contact: str | None = Field(
        None,
        max_length=320,
        description="Your key for the person (customer id or email), as sent to identify.",
    )
    visitor_id: str | None = Field(
        None, max_length=66, description="The snippet's visitor id, if you have it."
    )


@dataclass(frozen=True)
class ConversionOut:
    conversion: measure.Conversion
    created: bool


@dataclass(frozen=True)
class ImportOut:
    imported: int
    duplicates: int
    stored: bool
    errors: list[measure.RowError]


@router.post(
    "/conversions",
    summary="Record a conversion (idempotent by order_id)",
    status_code=201,
    responses={200: {"description": "The order was already recorded; nothing added."}},
)
def post_conversion(
    body: ConversionBody, member: Manage, session: SessionDep, state: StateDep
) -> Response:
    item = measure.ConversionIn(
        order_id=body.order_id,
        occurred_at=body.occurred_at or state.clock.now(),
        value=body.value,
        currency=measure.payload.currency(body.currency),
        name=body.name,
        contact_key=body.contact,
        visitor_id=body.visitor_id,
    )
    [(conversion, created)] = measure.record_conversions(
        session, workspace_id=member.workspace.id, items=[item], clock=state.clock
    )
    out = ConversionOut(conversion, created)
    return JSONResponse(jsonable_encoder(out), status_code=201 if created else 200)


async def _csv_text(request: Request) -> str:
    """The uploaded CSV: a multipart field `file`, or the raw body (text/csv)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("Attach the CSV as the form field 'file'.", field="file")
        raw = await upload.read(MAX_CSV + 1)
    else:
        raw = await request.body()
    if len(raw) > MAX_CSV:
        raise InvalidInput(
            f"The file is larger than {MAX_CSV // 1_048_576} MB; split it.",
            field="file",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(
            "Save the CSV as UTF-8 and upload it again.", field="file"
        ) from None


@router.post(
    "/conversions/import",
    summary="Import conversions from CSV (all or nothing unless partial=true)",
    response_model=None,
)
def import_conversions(
    text: Annotated[str, Depends(_csv_text)],
    member: Manage,
    session: SessionDep,
    state: StateDep,
    partial: Annotated[
        bool, Query(description="Store good rows, report the others.")
    ] = False,
) -> Response:
    result = measure.import_conversions(
        session,
        workspace_id=member.workspace.id,
        text=text,
        clock=state.clock,
        partial=partial,
    )
    out = ImportOut(result.imported, result.duplicates, result.stored, result.errors)
    return JSONResponse(
        jsonable_encoder(out), status_code=200 if result.stored else 422
    )
