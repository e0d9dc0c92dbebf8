"""Saved replies: the management page, its REST twin, and reply suggestions for an item.

Anyone who can read the inbox sees saved replies and suggestions; rendering one for an
item is part of working the queue; creating, editing and deleting them, and the
workspace's variables and products, need `inbox.manage`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission
from tandem.core import TandemError
from tandem.inbox import saved, suggest
from tandem.inbox.intent import Intent
from tandem.inbox.variables import BUILTINS, Product, SavedReply, Variable
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import html, page
from tandem.web.state import AppState

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/workspaces/{ws}/inbox", tags=["inbox"])

VIEW, WORK, MANAGE = (
    Permission.INBOX_VIEW,
    Permission.INBOX_WORK,
    Permission.INBOX_MANAGE,
)
NOTICES = {
    "created": "Saved reply added.",
    "updated": "Saved reply updated.",
    "deleted": "Saved reply deleted.",
    "vocabulary": "Variables and products saved.",
}


class SavedIn(BaseModel):
    title: str = Field(max_length=saved.MAX_TITLE)
    body: str = Field(max_length=saved.MAX_BODY)
    intents: list[str] = Field(default_factory=list, max_length=10)
    tags: list[str] = Field(default_factory=list, max_length=saved.MAX_TAGS)


class SavedPatch(BaseModel):
    title: str | None = Field(None, max_length=saved.MAX_TITLE)
    body: str | None = Field(None, max_length=saved.MAX_BODY)
    intents: list[str] | None = Field(None, max_length=10)
    tags: list[str] | None = Field(None, max_length=saved.MAX_TAGS)


class RenderIn(BaseModel):
    item_id: str = Field(max_length=32)
    values: dict[str, str] = Field(
        default_factory=dict,
        description="Values typed by the agent, by variable name (e.g. product).",
    )


class Rendered(BaseModel):
    text: str


class VariableIn(BaseModel):
    name: str = Field(max_length=40)
    default: str = Field("", max_length=1000)
    description: str = Field("", max_length=200)


class ProductIn(BaseModel):
    name: str = Field(max_length=120)
    aliases: list[str] = Field(default_factory=list, max_length=saved.MAX_ALIASES)


class VocabularyIn(BaseModel):
    variables: list[VariableIn] = Field(max_length=saved.MAX_VARIABLES)
    products: list[ProductIn] = Field(max_length=saved.MAX_PRODUCTS)


class Vocabulary(BaseModel):
    builtins: dict[str, str]
    variables: list[VariableIn]
    products: list[ProductIn]


def _vocabulary(session: Session, workspace_id: str) -> Vocabulary:
    return Vocabulary(
        builtins=BUILTINS,
        variables=[
            VariableIn(name=v.name, default=v.default, description=v.description)
            for v in saved.variables_of(session, workspace_id)
        ],
        products=[
            ProductIn(name=p.name, aliases=list(p.aliases))
            for p in saved.products_of(session, workspace_id)
        ],
    )


def _offer(
    session: Session, state: AppState, member: Member, item_id: str
) -> suggest.Offer:
    return suggest.offer(
        session,
        member.workspace.id,
        item_id,
        agent=member.user,
        mode=state.settings.inbox_suggestions,
    )


# --- Parsing the page's text areas -----------------------------------------------------


def parse_variables(text: str) -> list[Variable]:
    """One per line: `name = default` (the default may be empty)."""
    out = []
    for line in text.splitlines():
        if line.strip():
            name, _, default = line.partition("=")
            out.append(Variable(name.strip().strip("{}"), default.strip()))
    return out


def parse_products(text: str) -> list[Product]:
    """One per line: the product's name, then its aliases, comma-separated."""
    out = []
    for line in text.splitlines():
        names = [n.strip() for n in line.split(",") if n.strip()]
        if names:
            out.append(Product(names[0], tuple(names[1:])))
    return out


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.replace("\n", ",").split(",") if t.strip()]


# --- HTML -------------------------------------------------------------------------------


def _page_data(session: Session, member: Member, q: str = "") -> dict[str, Any]:
    ws = member.workspace.id
    return {
        "replies": saved.list_saved(session, ws, q),
        "q": q,
        "builtins": BUILTINS,
        "variables": saved.variables_of(session, ws),
        "products": saved.products_of(session, ws),
        "intents": [i.value for i in Intent],
    }


def _back(member: Member, notice: str) -> Response:
    return RedirectResponse(
        f"/w/{member.workspace.slug}/inbox/replies?notice={notice}", status_code=303
    )


def _form_error(
    request: Request,
    session: Session,
    member: Member,
    exc: TandemError,
    form: dict[str, Any],
    template: str = "inbox/saved.html",
    **extra: Any,
) -> Response:
    data = _page_data(session, member)
    data.update(error=exc.message, field=exc.field, form=form, member=member, **extra)
    return html(request, template, data, status=exc.status)


@router.get("/w/{ws}/inbox/replies")
def saved_page(
    request: Request,
    session: SessionDep,
    q: str = "",
    notice: str = "",
    member: Member = Depends(permit(VIEW)),
) -> Response:
    data = _page_data(session, member, q)
    data["notice"] = NOTICES.get(notice, "")
    return page(request, "inbox/saved.html", data, member=member, title="Saved replies")


@router.post("/w/{ws}/inbox/replies")
def create_from_form(
    request: Request,
    session: SessionDep,
    state: StateDep,
    title: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
    intents: Annotated[list[str] | None, Form()] = None,
    tags: Annotated[str, Form()] = "",
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    try:
        with session.begin_nested():
            saved.create_saved(
                session,
                member.workspace.id,
                title=title,
                body=body,
                intents=intents or [],
                tags=_split(tags),
                user_id=member.user.id,
                now=state.clock.now(),
            )
    except TandemError as exc:
        form = {"title": title, "body": body, "intents": intents or [], "tags": tags}
        return _form_error(request, session, member, exc, form)
    return _back(member, "created")


@router.post("/w/{ws}/inbox/reply-variables")
def vocabulary_from_form(
    request: Request,
    session: SessionDep,
    variables: Annotated[str, Form()] = "",
    products: Annotated[str, Form()] = "",
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    try:
        with session.begin_nested():
            saved.save_vocabulary(
                session,
                member.workspace.id,
                variables=parse_variables(variables),
                products=parse_products(products),
            )
    except TandemError as exc:
        form = {"variables": variables, "products": products}
        return _form_error(request, session, member, exc, {}, vocabulary_form=form)
    return _back(member, "vocabulary")


@router.get("/w/{ws}/inbox/replies/{saved_id}")
def edit_page(
    request: Request,
    saved_id: str,
    session: SessionDep,
    member: Member = Depends(permit(VIEW)),
) -> Response:
    data = _page_data(session, member)
    data["reply"] = saved.get_saved(session, member.workspace.id, saved_id)
    return page(
        request, "inbox/saved_edit.html", data, member=member, title="Saved reply"
    )


@router.post("/w/{ws}/inbox/replies/{saved_id}")
def update_from_form(
    request: Request,
    saved_id: str,
    session: SessionDep,
    state: StateDep,
    title: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
    intents: Annotated[list[str] | None, Form()] = None,
    tags: Annotated[str, Form()] = "",
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    reply = saved.get_saved(session, member.workspace.id, saved_id)
    try:
        with session.begin_nested():
            saved.update_saved(
                session,
                member.workspace.id,
                saved_id,
                title=title,
                body=body,
                intents=intents or [],
                tags=_split(tags),
                now=state.clock.now(),
            )
    except TandemError as exc:
        form = {"title": title, "body": body, "intents": intents or [], "tags": tags}
        return _form_error(
            request, session, member, exc, form, "inbox/saved_edit.html", reply=reply
        )
    return _back(member, "updated")


@router.post("/w/{ws}/inbox/replies/{saved_id}/delete")
def delete_from_form(
    saved_id: str, session: SessionDep, member: Member = Depends(permit(MANAGE))
) -> Response:
    saved.delete_saved(session, member.workspace.id, saved_id)
    return _back(member, "deleted")


@router.get("/w/{ws}/inbox/items/{item_id}/suggestions")
def suggestions_partial(
    request: Request,
    item_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(VIEW)),
) -> Response:
    """The suggestions partial alone, for htmx (or JSON with Accept: application/json)."""
    data = {"suggestions": _offer(session, state, member, item_id)}
    return page(request, "inbox/_suggestions.html", data, member=member)


# --- REST API ---------------------------------------------------------------------------


@api_router.get("/saved-replies", summary="Saved replies, most used first")
def api_list(
    session: SessionDep, q: str = "", member: Member = Depends(permit(VIEW))
) -> list[SavedReply]:
    return saved.list_saved(session, member.workspace.id, q)


@api_router.post("/saved-replies", status_code=201, summary="Add a saved reply")
def api_create(
    body: SavedIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> SavedReply:
    return saved.create_saved(
        session,
        member.workspace.id,
        title=body.title,
        body=body.body,
        intents=body.intents,
        tags=body.tags,
        user_id=member.user.id,
        now=state.clock.now(),
    )


@api_router.get("/saved-replies/{saved_id}", summary="One saved reply")
def api_get(
    saved_id: str, session: SessionDep, member: Member = Depends(permit(VIEW))
) -> SavedReply:
    return saved.get_saved(session, member.workspace.id, saved_id)


@api_router.patch("/saved-replies/{saved_id}", summary="Change a saved reply")
def api_update(
    saved_id: str,
    body: SavedPatch,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> SavedReply:
    return saved.update_saved(
        session,
        member.workspace.id,
        saved_id,
        title=body.title,
        body=body.body,
        intents=body.intents,
        tags=body.tags,
        now=state.clock.now(),
    )


@api_router.delete(
    "/saved-replies/{saved_id}", status_code=204, summary="Delete a saved reply"
)
def api_delete(
    saved_id: str, session: SessionDep, member: Member = Depends(permit(MANAGE))
) -> Response:
    saved.delete_saved(session, member.workspace.id, saved_id)
    return Response(status_code=204)


@api_router.post(
    "/saved-replies/{saved_id}/render",
    summary="Fill a saved reply's variables for an item (nothing is sent)",
)
def api_render(
    saved_id: str,
    body: RenderIn,
    session: SessionDep,
    member: Member = Depends(permit(WORK)),
) -> Rendered:
    text = saved.render_for_item(
        session,
        member.workspace.id,
        saved_id,
        body.item_id,
        agent=member.user,
        values=body.values,
    )
    return Rendered(text=text)


@api_router.get(
    "/reply-variables", summary="Built-in and workspace variables, products"
)
def api_vocabulary(
    session: SessionDep, member: Member = Depends(permit(VIEW))
) -> Vocabulary:
    return _vocabulary(session, member.workspace.id)


@api_router.put(
    "/reply-variables", summary="Replace the workspace's variables and products"
)
def api_save_vocabulary(
    body: VocabularyIn, session: SessionDep, member: Member = Depends(permit(MANAGE))
) -> Vocabulary:
    saved.save_vocabulary(
        session,
        member.workspace.id,
        variables=[Variable(v.name, v.default, v.description) for v in body.variables],
        products=[Product(p.name, tuple(p.aliases)) for p in body.products],
    )
    return _vocabulary(session, member.workspace.id)


@api_router.get(
    "/items/{item_id}/suggestions",
    summary="The saved replies closest to an item, filled in for it (never sent)",
)
def api_suggestions(
    item_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(VIEW)),
) -> suggest.Offer:
    return _offer(session, state, member, item_id)
