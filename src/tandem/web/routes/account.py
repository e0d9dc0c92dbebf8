"""The signed-in person's own page: password and personal API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tandem.accounts import auth, store
from tandem.core import TandemError
from tandem.web.deps import Identity, SessionDep, StateDep, signed_in
from tandem.web.render import html

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[Identity, Depends(signed_in())]


def _account_page(
    request: Request,
    session: Session,
    identity: Identity,
    status: int = 200,
    **extra: object,
) -> Response:
    data = {
        "tokens": store.api_tokens_of(session, identity.user.id),
        "memberships": store.workspaces_of(session, identity.user.id),
        "notice": request.query_params.get("notice", ""),
        **extra,
    }
    return html(request, "account/account.html", data, status=status)


@router.get("/account")
def account(request: Request, session: SessionDep, identity: SignedIn) -> Response:
    return _account_page(request, session, identity)


@router.post("/account/password")
def change_password(
    request: Request,
    session: SessionDep,
    state: StateDep,
    identity: SignedIn,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
) -> Response:
    try:
        with session.begin_nested():
            auth.change_password(
                session,
                user=identity.user,
                current=current_password,
                new=new_password,
                clock=state.clock,
            )
    except TandemError as exc:
        return _account_page(
            request, session, identity, status=exc.status, password_error=exc.message
        )
    return RedirectResponse("/account?notice=password-changed", status_code=303)


@router.post("/account/tokens")
def create_token(
    request: Request,
    session: SessionDep,
    state: StateDep,
    identity: SignedIn,
    name: Annotated[str, Form()] = "",
) -> Response:
    try:
        with session.begin_nested():
            secret, token = auth.create_api_token(
                session, user=identity.user, name=name, clock=state.clock
            )
    except TandemError as exc:
        return _account_page(
            request, session, identity, status=exc.status, token_error=exc.message
        )
    # The secret is shown once, on this response only; it is never stored in clear.
    return _account_page(request, session, identity, new_secret=secret, new_token=token)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(
    token_id: str,
    session: SessionDep,
    state: StateDep,
    identity: SignedIn,
) -> Response:
    auth.revoke_api_token(
        session, user=identity.user, token_id=token_id, clock=state.clock
    )
    return RedirectResponse("/account?notice=token-revoked", status_code=303)
