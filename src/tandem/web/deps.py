"""Request dependencies: the unit of work, who is asking, and what they may do.

Every route declares exactly one access dependency: `public()`, `signed_in()` or
`permit(Permission.X)`. A test walks every route and fails when one declares none.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tandem.accounts import Member, Permission, User, WebSession, allows, auth, store
from tandem.core import Forbidden, NotFound, Unauthenticated
from tandem.web.state import AppState

SESSION_COOKIE = "tandem_session"
CSRF_COOKIE = "tandem_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC = "public"
SIGNED_IN = "signed_in"


class CsrfError(Forbidden):
    pass


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.tandem
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request; it commits before the response is sent (scope="function")."""
    with get_state(request).database.session() as session:
        request.state.db_session = session
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


@dataclass(frozen=True)
class Identity:
    user: User
    web_session: WebSession | None  # None when the request carries an API token

    @property
    def via_cookie(self) -> bool:
        return self.web_session is not None


def anonymous_csrf(request: Request) -> str:
    """The double-submit token for signed-out forms (sign-in, reset); set as a cookie on render."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token:
        token = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def csrf_token_for(request: Request) -> str:
    identity: Identity | None = getattr(request.state, "identity", None)
    if identity and identity.web_session:
        return identity.web_session.csrf_token
    return anonymous_csrf(request)


async def _verify_csrf(request: Request, expected: str | None) -> None:
    if request.method not in UNSAFE:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise CsrfError(
            "This form expired or came from another site. Reload the page and try again."
        )


def _identify(request: Request, session: Session, state: AppState) -> Identity | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = auth.resolve_api_token(session, header[7:].strip(), clock=state.clock)
        return Identity(user, None)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        web_session = auth.resolve_session(session, cookie, clock=state.clock)
        if web_session:
            return Identity(web_session.user, web_session)
    return None


def _mark(dependency: Callable[..., Any], access: str) -> Callable[..., Any]:
    dependency.tandem_access = access  # type: ignore[attr-defined]
    return dependency


def public() -> Callable[..., Any]:
    """Anyone may call the route; unsafe methods still need the anonymous CSRF token."""

    async def dependency(
        request: Request, session: SessionDep, state: StateDep
    ) -> Identity | None:
        identity = await run_in_threadpool(_identify, request, session, state)
        request.state.identity = identity
        if identity is None or identity.via_cookie:
            await _verify_csrf(
                request,
                csrf_token_for(request)
                if identity
                else request.cookies.get(CSRF_COOKIE),
            )
        return identity

    return _mark(dependency, PUBLIC)


def public_beacon() -> Callable[..., Any]:
    """Anyone may call the route from any site, without CSRF token, cookie or session.

    For endpoints that change nothing on behalf of a signed-in user and authenticate by
    their payload instead: the collector (`POST /c`, keyed by a public site key) is sent
    by other sites' pages, which can hold no Tandem CSRF token.
    """

    async def dependency() -> None:
        return None

    return _mark(dependency, PUBLIC)


async def _signed_in(request: Request, session: Session, state: AppState) -> Identity:
    # A request's first statement begins its transaction, and on SQLite waits (up to
    # busy_timeout) for the write lock: never on the event loop, which would stall every
    # other request, including the one holding the lock.
    identity = await run_in_threadpool(_identify, request, session, state)
    if identity is None:
        raise Unauthenticated("Sign in to continue.")
    request.state.identity = identity
    if identity.web_session is not None:
        await _verify_csrf(request, identity.web_session.csrf_token)
    return identity


def signed_in() -> Callable[..., Any]:
    async def dependency(
        request: Request, session: SessionDep, state: StateDep
    ) -> Identity:
        return await _signed_in(request, session, state)

    return _mark(dependency, SIGNED_IN)


def _member_of(session: Session, identity: Identity, slug: str) -> Member | None:
    workspace = store.workspace_by_slug(session, slug)
    return store.member_in(session, identity.user, workspace) if workspace else None


def permit(permission: Permission) -> Callable[..., Any]:
    """The caller must be a member of the workspace `ws` (path) with a role that allows this."""

    async def dependency(
        request: Request, ws: str, session: SessionDep, state: StateDep
    ) -> Member:
        identity = await _signed_in(request, session, state)
        member = await run_in_threadpool(_member_of, session, identity, ws)
        if member is None:
            # Same answer for "no such workspace" and "not yours": existence is not revealed.
            raise NotFound("No such workspace, or you are not a member of it.")
        if not allows(member.role, permission):
            raise Forbidden(
                f"Your role ({member.role.label}) does not allow this ({permission.value})."
            )
        request.state.member = member
        return member

    return _mark(dependency, permission.value)


def declared_access(dependant: Any) -> list[str]:
    """The access markers a route declares (walks nested dependencies)."""
    found = []
    for dep in dependant.dependencies:
        marker = getattr(dep.call, "tandem_access", None)
        if marker:
            found.append(marker)
        found.extend(declared_access(dep))
    return found


PublicDep = Annotated[Identity | None, Depends(public())]
SignedInDep = Annotated[Identity, Depends(signed_in())]
