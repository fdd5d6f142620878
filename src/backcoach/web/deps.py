"""Dependency aliases for route functions, declared once: ``def page(ctx: CtxDep)``.

The app's ``AppContext`` is opened in the lifespan (``backcoach.web.app``) and kept on
``app.state.ctx``; routes reach it, the settings and the form-token register through these.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backcoach.config import Settings
from backcoach.services.context import AppContext
from backcoach.web.idempotency import FormTokens

__all__ = ["CtxDep", "FormTokensDep", "SettingsDep", "get_ctx", "get_form_tokens", "get_settings"]


def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_form_tokens(request: Request) -> FormTokens:
    tokens: FormTokens = request.app.state.form_tokens
    return tokens


CtxDep = Annotated[AppContext, Depends(get_ctx)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
FormTokensDep = Annotated[FormTokens, Depends(get_form_tokens)]
