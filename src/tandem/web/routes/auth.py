"""Sign-in, sign-out, sign-up, password reset and invitation acceptance (HTML forms)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from tandem.accounts import auth, invitations
from tandem.core import InvalidInput, NotFound, TandemError
from tandem.web.deps import (
    SESSION_COOKIE,
    Identity,
    SessionDep,
    StateDep,
    public,
    signed_in,
)
from tandem.web.render import html
from tandem.web.state import AppState

router = APIRouter(tags=["sign-in"], include_in_schema=False)
PublicDep = Annotated[Identity | None, Depends(public())]


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an absolute or protocol-relative URL would be an open redirect.
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or urlparse(target).netloc
    ):
        return "/"
    return target


def _signed_in_response(state: AppState, token: str, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=state.settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=state.settings.cookie_secure,
        path="/",
    )
    return response


@router.get("/login")
def login_form(request: Request, identity: PublicDep, next: str = "/") -> Response:
    if identity is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return html(
        request,
        "auth/login.html",
        {"next": _safe_next(next), "signup_open": _signup_open(request)},
    )


def _signup_open(request: Request) -> bool:
    return bool(request.app.state.tandem.settings.signup == "open")


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    state: StateDep,
    _: PublicDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    throttle = auth.Throttle(
        state.settings.login_max_failures,
        timedelta(minutes=state.settings.login_window_minutes),
    )
    try:
        user = auth.authenticate(
            session,
            email=email,
            password=password,
            throttle=throttle,
            clock=state.clock,
        )
    except TandemError as exc:
        response = html(
            request,
            "auth/login.html",
            {
                "error": exc.message,
                "email": email,
                "next": _safe_next(next),
                "signup_open": _signup_open(request),
            },
            status=exc.status,
        )
        if exc.status == 429:
            response.headers["Retry-After"] = str(getattr(exc, "retry_after", 60))
        return response
    token, _session = auth.start_session(
        session, user=user, days=state.settings.session_days, clock=state.clock
    )
    return _signed_in_response(state, token, _safe_next(next))


@router.post("/logout")
def logout(
    request: Request, session: SessionDep, _: Annotated[Identity, Depends(signed_in())]
) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        auth.end_session(session, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/signup")
def signup_form(request: Request, _: PublicDep) -> Response:
    if not _signup_open(request):
        raise NotFound("Sign-up is closed on this server: ask an owner to invite you.")
    return html(request, "auth/signup.html", {})


@router.post("/signup")
def signup(
    request: Request,
    session: SessionDep,
    state: StateDep,
    _: PublicDep,
    organisation: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    timezone: Annotated[str, Form()] = "UTC",
) -> Response:
    if not _signup_open(request):
        raise NotFound("Sign-up is closed on this server: ask an owner to invite you.")
    form = {
        "organisation": organisation,
        "name": name,
        "email": email,
        "timezone": timezone,
    }
    try:
        with session.begin_nested():
            user, workspace = auth.sign_up(
                session,
                organisation=organisation,
                name=name,
                email=email,
                password=password,
                timezone=timezone,
                clock=state.clock,
            )
    except TandemError as exc:
        return html(
            request,
            "auth/signup.html",
            {"error": exc.message, "field": exc.field, **form},
            status=exc.status,
        )
    token, _s = auth.start_session(
        session, user=user, days=state.settings.session_days, clock=state.clock
    )
    return _signed_in_response(state, token, f"/w/{workspace.slug}/")


@router.get("/password-reset")
def reset_request_form(request: Request, _: PublicDep) -> Response:
    return html(request, "auth/reset_request.html", {})


@router.post("/password-reset")
def reset_request(
    request: Request,
    session: SessionDep,
    state: StateDep,
    _: PublicDep,
    email: Annotated[str, Form()] = "",
) -> Response:
    try:
        auth.request_password_reset(
            session, email=email, base_url=state.settings.base_url, clock=state.clock
        )
    except InvalidInput as exc:
        return html(
            request,
            "auth/reset_request.html",
            {"error": exc.message, "email": email},
            status=422,
        )
    return html(request, "auth/reset_request.html", {"sent": True, "email": email})


@router.get("/password-reset/{token}")
def reset_form(
    request: Request, token: str, session: SessionDep, state: StateDep, _: PublicDep
) -> Response:
    auth.check_reset_token(session, token, clock=state.clock)
    return html(request, "auth/reset_confirm.html", {"token": token})


@router.post("/password-reset/{token}")
def reset_confirm(
    request: Request,
    token: str,
    session: SessionDep,
    state: StateDep,
    _: PublicDep,
    password: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    try:
        if password != confirm:
            raise InvalidInput(
                "The two passwords differ; type the same password twice.",
                field="confirm",
            )
        with session.begin_nested():
            user = auth.reset_password(
                session, token=token, password=password, clock=state.clock
            )
    except InvalidInput as exc:
        return html(
            request,
            "auth/reset_confirm.html",
            {"token": token, "error": exc.message},
            status=422,
        )
    token_value, _s = auth.start_session(
        session, user=user, days=state.settings.session_days, clock=state.clock
    )
    return _signed_in_response(state, token_value, "/")


@router.get("/invitations/{token}")
def invitation_form(
    request: Request,
    token: str,
    session: SessionDep,
    state: StateDep,
    _: PublicDep,
) -> Response:
    invitation, workspace = invitations.open_invitation(
        session, token, clock=state.clock
    )
    return html(
        request,
        "auth/invitation.html",
        {"invitation": invitation, "workspace": workspace, "token": token},
    )


@router.post("/invitations/{token}")
def invitation_accept(
    request: Request,
    token: str,
    session: SessionDep,
    state: StateDep,
    identity: PublicDep,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    invitation, workspace = invitations.open_invitation(
        session, token, clock=state.clock
    )
    try:
        with session.begin_nested():
            user = invitations.accept_invitation(
                session,
                token=token,
                name=name,
                password=password or None,
                current_user=identity.user if identity else None,
                clock=state.clock,
            )
    except TandemError as exc:
        return html(
            request,
            "auth/invitation.html",
            {
                "invitation": invitation,
                "workspace": workspace,
                "token": token,
                "error": exc.message,
                "name": name,
            },
            status=exc.status,
        )
    if identity is not None:
        return RedirectResponse(f"/w/{workspace.slug}/", status_code=303)
    cookie, _s = auth.start_session(
        session, user=user, days=state.settings.session_days, clock=state.clock
    )
    return _signed_in_response(state, cookie, f"/w/{workspace.slug}/")
