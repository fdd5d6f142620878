"""Dependency aliases for route functions, declared once, each saying who may call the route.

- ``CtxDep``: a patient's own record (in personal mode, the local person's). Staff get 403.
- ``StaffCtx``: a physiotherapist or an admin, acting as themselves.
- ``AdminCtx``: an admin.
- ``SignedInCtx``: anyone signed in (their own account pages).
- ``PublicCtx``: anyone, signed in or not (sign-in, joining, reset links).

Each builds the request's own context from the app's start-up one: who is acting, whose record,
and the address the request came from (for the audit log). Nobody signed in on a route that needs
someone raises ``NotSignedIn`` (a page then goes to the sign-in form; the API answers 401); the
wrong role raises ``NotAllowed`` (403).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backcoach.config import Settings
from backcoach.domain.accounts import Actor, can_manage_accounts
from backcoach.services.context import AppContext
from backcoach.services.errors import NotAllowed, NotSignedIn
from backcoach.web.auth import Person, signed_in
from backcoach.web.idempotency import FormTokens

__all__ = [
    "AdminCtx",
    "CtxDep",
    "FormTokensDep",
    "PersonDep",
    "PublicCtx",
    "SettingsDep",
    "SignedInCtx",
    "StaffCtx",
    "base_context",
    "client_address",
    "home_for",
]


def home_for(actor: Actor) -> str:
    """Where a person lands: Today for a patient, their patients for a physiotherapist, the accounts
    page for an admin."""
    return {"admin": "/admin", "physio": "/clinic"}.get(actor.role, "/")


def base_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def _person(request: Request) -> Person:
    person = signed_in(request)
    if person is None:
        raise NotSignedIn("Please sign in to see this page.")
    return person


def _acting(request: Request, actor: Actor | None) -> AppContext:
    return base_context(request).acting(actor, address=client_address(request))


def get_ctx(request: Request) -> AppContext:
    actor = _person(request).actor
    if actor.role != "patient":
        raise NotAllowed("This page is for patients: your own pages are under Patients.")
    return _acting(request, actor)


def get_staff_ctx(request: Request) -> AppContext:
    actor = _person(request).actor
    if not actor.is_staff:
        raise NotAllowed("This page is for physiotherapists.")
    return _acting(request, actor)


def get_admin_ctx(request: Request) -> AppContext:
    actor = _person(request).actor
    if not can_manage_accounts(actor):
        raise NotAllowed("This page is for administrators.")
    return _acting(request, actor)


def get_signed_in_ctx(request: Request) -> AppContext:
    return _acting(request, _person(request).actor)


def get_public_ctx(request: Request) -> AppContext:
    person = signed_in(request)
    return _acting(request, person.actor if person else None)


def get_form_tokens(request: Request) -> FormTokens:
    tokens: FormTokens = request.app.state.form_tokens
    return tokens


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


CtxDep = Annotated[AppContext, Depends(get_ctx)]
StaffCtx = Annotated[AppContext, Depends(get_staff_ctx)]
AdminCtx = Annotated[AppContext, Depends(get_admin_ctx)]
SignedInCtx = Annotated[AppContext, Depends(get_signed_in_ctx)]
PublicCtx = Annotated[AppContext, Depends(get_public_ctx)]
PersonDep = Annotated[Person, Depends(_person)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
FormTokensDep = Annotated[FormTokens, Depends(get_form_tokens)]
