"""Saved replies per workspace: rows, create/read/update/delete, the workspace's variables and
products, and rendering a saved reply for one inbox item.

Bodies are checked when saved (every placeholder must be a built-in or a workspace
variable), and a variable that saved replies still use cannot be removed, so a reply that
saved cleanly only fails to render for want of a value, never for a typo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.accounts import store as accounts_store
from tandem.brand import get_brand_kit
from tandem.core import Conflict, InvalidInput, NotFound, new_id
from tandem.inbox.intent import Intent
from tandem.inbox.model import Item
from tandem.inbox.store import item_row, to_item
from tandem.inbox.variables import (
    BUILTINS,
    NAME,
    Agent,
    Product,
    ReplyContext,
    SavedReply,
    Variable,
    check_body,
    placeholders,
    render,
)
from tandem.publish.model import rules_platform_of
from tandem.publish.store import SocialAccountRow
from tandem.storage import Base, JSONDict, UTCDateTime

MAX_TITLE = 120
MAX_BODY = 5000
MAX_TAG = 40
MAX_TAGS = 20
MAX_VARIABLES = 50
MAX_PRODUCTS = 200
MAX_ALIASES = 10


class InboxSavedReplyRow(Base):
    __tablename__ = "inbox_saved_replies"
    __table_args__ = (UniqueConstraint("workspace_id", "title"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    body: Mapped[str] = mapped_column(Text)
    fits: Mapped[dict[str, Any]] = mapped_column(JSONDict(), default=dict)
    usage_count: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InboxReplyVariableRow(Base):
    __tablename__ = "inbox_reply_variables"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(40))
    default_value: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(String(200), default="")


class InboxProductRow(Base):
    __tablename__ = "inbox_products"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    aliases: Mapped[dict[str, Any]] = mapped_column(JSONDict(), default=dict)


class InboxSavedReplyEmbeddingRow(Base):
    """A saved reply's embedding, valid while `digest` (model + text) matches."""

    __tablename__ = "inbox_saved_reply_embeddings"
    saved_reply_id: Mapped[str] = mapped_column(
        ForeignKey("inbox_saved_replies.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)


def to_saved(row: InboxSavedReplyRow) -> SavedReply:
    return SavedReply(
        id=row.id,
        workspace_id=row.workspace_id,
        title=row.title,
        body=row.body,
        intents=tuple(row.fits.get("intents", ())),
        tags=tuple(row.fits.get("tags", ())),
        usage_count=row.usage_count,
        last_used_at=row.last_used_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def saved_row(session: Session, workspace_id: str, saved_id: str) -> InboxSavedReplyRow:
    """The row, or NotFound when it does not exist or belongs to another workspace."""
    row = session.get(InboxSavedReplyRow, saved_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such saved reply in this workspace.")
    return row


# --- Validation -------------------------------------------------------------------------


def _title(session: Session, workspace_id: str, title: str, exclude: str = "") -> str:
    cleaned = " ".join(title.split())
    if not cleaned or len(cleaned) > MAX_TITLE:
        raise InvalidInput(
            f"A saved reply's title has 1 to {MAX_TITLE} characters.", field="title"
        )
    clash = session.scalar(
        select(InboxSavedReplyRow.id).where(
            InboxSavedReplyRow.workspace_id == workspace_id,
            func.lower(InboxSavedReplyRow.title) == cleaned.lower(),
            InboxSavedReplyRow.id != exclude,
        )
    )
    if clash:
        raise Conflict(
            f"A saved reply is already called {cleaned!r}: choose another title.",
            field="title",
        )
    return cleaned


def _body(session: Session, workspace_id: str, body: str) -> str:
    cleaned = body.strip()
    if not cleaned:
        raise InvalidInput("Write the reply's text.", field="body")
    if len(cleaned) > MAX_BODY:
        raise InvalidInput(
            f"A saved reply has at most {MAX_BODY} characters.", field="body"
        )
    check_body(cleaned, [v.name for v in variables_of(session, workspace_id)])
    return cleaned


def _intents(intents: Sequence[str]) -> list[str]:
    allowed = [i.value for i in Intent]
    for intent in intents:
        if intent not in allowed:
            raise InvalidInput(
                f"Unknown intent {intent!r}: choose among {', '.join(allowed)}.",
                field="intents",
            )
    return list(dict.fromkeys(intents))


def _tags(tags: Sequence[str]) -> list[str]:
    cleaned = [" ".join(t.strip().lower().split()) for t in tags if t.strip()]
    if any(len(t) > MAX_TAG for t in cleaned):
        raise InvalidInput(f"A tag has at most {MAX_TAG} characters.", field="tags")
    if len(set(cleaned)) > MAX_TAGS:
        raise InvalidInput(f"At most {MAX_TAGS} tags per saved reply.", field="tags")
    return list(dict.fromkeys(cleaned))


# --- Saved replies ----------------------------------------------------------------------


def create_saved(
    session: Session,
    workspace_id: str,
    *,
    title: str,
    body: str,
    intents: Sequence[str] = (),
    tags: Sequence[str] = (),
    user_id: str | None,
    now: datetime,
) -> SavedReply:
    row = InboxSavedReplyRow(
        id=new_id(),
        workspace_id=workspace_id,
        title=_title(session, workspace_id, title),
        body=_body(session, workspace_id, body),
        fits={"intents": _intents(intents), "tags": _tags(tags)},
        usage_count=0,
        created_by=user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return to_saved(row)


def update_saved(
    session: Session,
    workspace_id: str,
    saved_id: str,
    *,
    title: str | None = None,
    body: str | None = None,
    intents: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
    now: datetime,
) -> SavedReply:
    """Change what is given; None leaves a field as it is."""
    row = saved_row(session, workspace_id, saved_id)
    if title is not None:
        row.title = _title(session, workspace_id, title, exclude=row.id)
    if body is not None:
        row.body = _body(session, workspace_id, body)
    fits = dict(row.fits)
    if intents is not None:
        fits["intents"] = _intents(intents)
    if tags is not None:
        fits["tags"] = _tags(tags)
    row.fits = fits
    row.updated_at = now
    session.flush()
    return to_saved(row)


def delete_saved(session: Session, workspace_id: str, saved_id: str) -> SavedReply:
    row = saved_row(session, workspace_id, saved_id)
    gone = to_saved(row)
    session.delete(row)
    session.flush()
    return gone


def get_saved(session: Session, workspace_id: str, saved_id: str) -> SavedReply:
    return to_saved(saved_row(session, workspace_id, saved_id))


def list_saved(session: Session, workspace_id: str, q: str = "") -> list[SavedReply]:
    """Most used first, then by title; `q` keeps those whose title or body has every word."""
    rows = session.scalars(
        select(InboxSavedReplyRow)
        .where(InboxSavedReplyRow.workspace_id == workspace_id)
        .order_by(InboxSavedReplyRow.usage_count.desc(), InboxSavedReplyRow.title)
    )
    found = [to_saved(r) for r in rows]
    words = q.casefold().split()
    return [
        s
        for s in found
        if all(w in f"{s.title} {s.body} {' '.join(s.tags)}".casefold() for w in words)
    ]


def record_use(
    session: Session, workspace_id: str, saved_id: str, *, now: datetime
) -> SavedReply:
    """Count one use (call it when a reply made from this saved reply is sent)."""
    row = saved_row(session, workspace_id, saved_id)
    row.usage_count = InboxSavedReplyRow.usage_count + 1  # atomic under concurrency
    row.last_used_at = now
    session.flush()
    session.refresh(row)
    return to_saved(row)


# --- Variables and products -------------------------------------------------------------


def variables_of(session: Session, workspace_id: str) -> list[Variable]:
    rows = session.scalars(
        select(InboxReplyVariableRow)
        .where(InboxReplyVariableRow.workspace_id == workspace_id)
        .order_by(InboxReplyVariableRow.name)
    )
    return [Variable(r.name, r.default_value, r.description) for r in rows]


def products_of(session: Session, workspace_id: str) -> list[Product]:
    rows = session.scalars(
        select(InboxProductRow)
        .where(InboxProductRow.workspace_id == workspace_id)
        .order_by(InboxProductRow.name)
    )
    return [Product(r.name, tuple(r.aliases.get("aliases", ()))) for r in rows]


def _check_variables(variables: Sequence[Variable]) -> list[Variable]:
    if len(variables) > MAX_VARIABLES:
        raise InvalidInput(
            f"At most {MAX_VARIABLES} variables per workspace.", field="variables"
        )
    seen: set[str] = set()
    out = []
    for v in variables:
        name = v.name.strip()
        if not NAME.match(name):
            raise InvalidInput(
                f"{name!r} is not a variable name: start with a lower-case letter, then "
                "letters, digits or _ (at most 40), like store_hours.",
                field="variables",
            )
        if name in BUILTINS:
            raise InvalidInput(
                f"{{{name}}} is built in: choose another name for your variable.",
                field="variables",
            )
        if name in seen:
            raise InvalidInput(f"{{{name}}} is listed twice.", field="variables")
        if len(v.default) > 1000 or len(v.description) > 200:
            raise InvalidInput(
                f"{{{name}}}: a default has at most 1000 characters, a description 200.",
                field="variables",
            )
        seen.add(name)
        out.append(Variable(name, v.default.strip(), v.description.strip()))
    return out


def _check_products(products: Sequence[Product]) -> list[Product]:
    if len(products) > MAX_PRODUCTS:
        raise InvalidInput(
            f"At most {MAX_PRODUCTS} products per workspace.", field="products"
        )
    out: dict[str, Product] = {}
    for p in products:
        name = " ".join(p.name.split())
        aliases = tuple(
            dict.fromkeys(" ".join(a.split()) for a in p.aliases if a.strip())
        )
        if not name or len(name) > 120 or any(len(a) > 120 for a in aliases):
            raise InvalidInput(
                "A product name or alias has 1 to 120 characters.", field="products"
            )
        if len(aliases) > MAX_ALIASES:
            raise InvalidInput(
                f"{name}: at most {MAX_ALIASES} aliases.", field="products"
            )
        if name.casefold() in {n.casefold() for n in out}:
            raise InvalidInput(f"{name!r} is listed twice.", field="products")
        out[name] = Product(name, aliases)
    return list(out.values())


def save_vocabulary(
    session: Session,
    workspace_id: str,
    *,
    variables: Sequence[Variable],
    products: Sequence[Product],
) -> tuple[list[Variable], list[Product]]:
    """Replace the workspace's variables and products. A variable still used by a saved
    reply cannot be dropped: the error names the replies to edit first."""
    new_variables = _check_variables(variables)
    new_products = _check_products(products)
    kept = {v.name for v in new_variables}
    for saved in list_saved(session, workspace_id):
        dropped = [
            n for n in placeholders(saved.body) if n not in kept and n not in BUILTINS
        ]
        if dropped:
            raise Conflict(
                f"{{{dropped[0]}}} is used by the saved reply {saved.title!r}: edit that "
                "reply first, or keep the variable.",
                field="variables",
            )
    for model in (InboxReplyVariableRow, InboxProductRow):
        for row in session.scalars(
            select(model).where(model.workspace_id == workspace_id)
        ):
            session.delete(row)
    session.flush()
    for v in new_variables:
        session.add(
            InboxReplyVariableRow(
                id=new_id(),
                workspace_id=workspace_id,
                name=v.name,
                default_value=v.default,
                description=v.description,
            )
        )
    for p in new_products:
        session.add(
            InboxProductRow(
                id=new_id(),
                workspace_id=workspace_id,
                name=p.name,
                aliases={"aliases": list(p.aliases)},
            )
        )
    session.flush()
    return new_variables, new_products


# --- Rendering for an item --------------------------------------------------------------


def reply_context(session: Session, workspace_id: str) -> ReplyContext:
    """The brand (the brand kit's first brand name, else the workspace's name), the
    workspace's variables and its products."""
    kit = get_brand_kit(session, workspace_id)
    workspace = accounts_store.workspace_by_id(session, workspace_id)
    brand = kit.brand_names[0] if kit.brand_names else workspace.name
    return ReplyContext(
        brand=brand,
        variables=tuple(variables_of(session, workspace_id)),
        products=tuple(products_of(session, workspace_id)),
        manage_hint=f"/w/{workspace.slug}/inbox/replies",
    )


def rules_platform(session: Session, item: Item) -> str:
    """The platform whose rules a reply follows: a Sandbox account's imitated one."""
    account = session.get(SocialAccountRow, item.account_id)
    return rules_platform_of(item.platform, account.imitates if account else None)


def render_for_item(
    session: Session,
    workspace_id: str,
    saved_id: str,
    item_id: str,
    *,
    agent: Agent,
    values: Mapping[str, str] | None = None,
) -> str:
    """The saved reply filled in for this item; both must belong to the workspace."""
    saved = get_saved(session, workspace_id, saved_id)
    item = to_item(item_row(session, workspace_id, item_id))
    return render(
        saved,
        item,
        agent,
        values,
        context=reply_context(session, workspace_id),
        platform=rules_platform(session, item),
    )
