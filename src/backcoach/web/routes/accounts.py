"""Signing in and out, joining with an invitation, reset links, the privacy notice, and a person's
own account page (password, their data, deleting the account). Clinic mode only: in personal mode
nobody signs in, and these pages lead back to Today.

Forms re-render with the message beside the field and what was typed kept (never the password).
The session cookie is HttpOnly, SameSite=Lax and, when the clinic serves HTTPS, Secure.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from backcoach.services import accounts
from backcoach.services.accounts import SignedIn
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput, NotFound, TooManyAttempts
from backcoach.web.auth import COOKIE_NAME, sign_cookie, signed_in
from backcoach.web.deps import PublicCtx, SignedInCtx, home_for
from backcoach.web.safety_gate import safe_next
from backcoach.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_NOTICES = {
    "password": "Your password is changed. You are signed out everywhere else.",
    "signed_out": "You are signed out.",
    "deleted": "Your account and everything recorded in it are deleted.",
    "reset": "Your new password is set.",
}


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    notice = _NOTICES.get(request.query_params.get("notice", ""))
    return templates.TemplateResponse(request, name, {"notice": notice, **context}, status_code=status_code)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _signed_in_response(ctx: AppContext, signed: SignedIn, url: str) -> Response:
    response = _redirect(url)
    response.set_cookie(
        COOKIE_NAME,
        sign_cookie(accounts.session_key(ctx), signed.token),
        max_age=ctx.settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.secure_cookies,
        path="/",
    )
    return response


def _personal(ctx: AppContext) -> bool:
    return ctx.settings.mode == "personal"


# --- signing in and out --------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, ctx: PublicCtx, next: str = "") -> Response:
    if _personal(ctx):
        return _redirect("/")
    if ctx.actor is not None:
        return _redirect(safe_next(next) or home_for(ctx.actor))
    return _page(request, "accounts/login.html", {"title": "Sign in", "next_url": safe_next(next) or ""})


@router.post("/login")
def login_submit(
    request: Request,
    ctx: PublicCtx,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if _personal(ctx):
        return _redirect("/")
    context = {"title": "Sign in", "next_url": safe_next(next) or "", "email": email}
    try:
        signed = accounts.sign_in(ctx, email, password, user_agent=request.headers.get("user-agent", ""))
    except TooManyAttempts as exc:
        response = _page(request, "accounts/login.html", {**context, "error": str(exc)}, status_code=429)
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    except InvalidInput as exc:
        return _page(request, "accounts/login.html", {**context, "error": str(exc)}, status_code=422)
    return _signed_in_response(ctx, signed, safe_next(next) or home_for(signed.actor))


@router.post("/logout")
def logout(request: Request, ctx: PublicCtx) -> Response:
    person = signed_in(request)
    if person is not None and person.session_token:
        accounts.sign_out(ctx, person.session_token)
    response = _redirect("/login?notice=signed_out" if not _personal(ctx) else "/")
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


# --- joining with an invitation ------------------------------------------------------------------


def _join_form(request: Request, ctx: AppContext, code: str, **extra: Any) -> Response:
    patient = None
    error = extra.pop("error", None)
    status = extra.pop("status_code", 200)
    if code and error is None:
        try:
            patient = accounts.find_invitation(ctx, code=code)
        except (NotFound, InvalidInput, TooManyAttempts) as exc:
            error, status = str(exc), 404 if isinstance(exc, NotFound) else 422
    context = {"title": "Join backcoach", "code": code, "patient": patient, "error": error, **extra}
    return _page(request, "accounts/join.html", context, status_code=status)


@router.get("/join")
def join_page(request: Request, ctx: PublicCtx, code: str = "") -> Response:
    if _personal(ctx):
        return _redirect("/")
    return _join_form(request, ctx, code[:20])


@router.post("/join")
def join_submit(
    request: Request,
    ctx: PublicCtx,
    code: Annotated[str, Form(max_length=20)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    password_again: Annotated[str, Form(max_length=1000)] = "",
    accept_privacy: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    if _personal(ctx):
        return _redirect("/")
    if password != password_again:
        return _join_form(
            request, ctx, code, email=email, error="The two passwords are not the same.", status_code=422
        )
    try:
        signed = accounts.join(
            ctx,
            code=code,
            email=email,
            password=password,
            accept_privacy=accept_privacy == "yes",
            user_agent=request.headers.get("user-agent", ""),
        )
    except (InvalidInput, NotFound, TooManyAttempts) as exc:
        return _join_form(request, ctx, code, email=email, error=str(exc), status_code=422)
    return _signed_in_response(ctx, signed, "/?notice=welcome")


# --- reset links ---------------------------------------------------------------------------------


@router.get("/reset/{token}")
def reset_page(request: Request, ctx: PublicCtx, token: str) -> Response:
    try:
        user = accounts.reset_target(ctx, token[:100])
    except (NotFound, InvalidInput) as exc:
        return _page(request, "accounts/reset.html", {"title": "Set your password", "error": str(exc)}, 404)
    return _page(request, "accounts/reset.html", {"title": "Set your password", "user": user, "token": token})


@router.post("/reset/{token}")
def reset_submit(
    request: Request,
    ctx: PublicCtx,
    token: str,
    password: Annotated[str, Form(max_length=1000)] = "",
    password_again: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    token = token[:100]
    context: dict[str, Any] = {"title": "Set your password", "token": token}
    try:
        context["user"] = accounts.reset_target(ctx, token)
        if password != password_again:
            raise InvalidInput("The two passwords are not the same.")
        signed = accounts.use_reset(ctx, token, password, user_agent=request.headers.get("user-agent", ""))
    except (NotFound, InvalidInput) as exc:
        return _page(request, "accounts/reset.html", {**context, "error": str(exc)}, status_code=422)
    return _signed_in_response(ctx, signed, home_for(signed.actor) + "?notice=reset")


# --- the privacy notice and a person's own account -----------------------------------------------


@router.get("/privacy")
def privacy_page(request: Request) -> Response:
    return _page(request, "accounts/privacy.html", {"title": "Privacy notice"})


@router.get("/account")
def account_page(request: Request, ctx: SignedInCtx) -> Response:
    if _personal(ctx):
        return _redirect("/settings")
    assert ctx.actor is not None
    user = accounts.get_user(ctx, ctx.actor.user_id)
    return _page(request, "accounts/account.html", {"title": "Your account", "user": user})


@router.post("/account/password")
def account_password(
    request: Request,
    ctx: SignedInCtx,
    current: Annotated[str, Form(max_length=1000)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    password_again: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    assert ctx.actor is not None
    person = signed_in(request)
    try:
        if password != password_again:
            raise InvalidInput("The two new passwords are not the same.")
        accounts.change_password(ctx, current, password, keep_token=person.session_token if person else None)
    except InvalidInput as exc:
        user = accounts.get_user(ctx, ctx.actor.user_id)
        context = {"title": "Your account", "user": user, "password_error": str(exc)}
        return _page(request, "accounts/account.html", context, status_code=422)
    return _redirect("/account?notice=password")


@router.post("/account/delete")
def account_delete(
    request: Request,
    ctx: SignedInCtx,
    password: Annotated[str, Form(max_length=1000)] = "",
    confirm: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    assert ctx.actor is not None
    try:
        if confirm.strip().lower() != "delete":
            raise InvalidInput('Please type the word "delete" to confirm.')
        accounts.delete_account(ctx, password)
    except InvalidInput as exc:
        user = accounts.get_user(ctx, ctx.actor.user_id)
        context = {"title": "Your account", "user": user, "delete_error": str(exc)}
        return _page(request, "accounts/account.html", context, status_code=422)
    response = _redirect("/login?notice=deleted")
    response.delete_cookie(COOKIE_NAME, path="/")
    return response
