"""Every router of the web app, in the order ``create_app`` includes them (the live camera
WebSocket, ``backcoach.web.live``, is included after them)."""

from __future__ import annotations

from fastapi import APIRouter

from backcoach.web.routes import accounts, admin, api, clinic, messages, meta, pages, safety, videos

__all__ = ["ROUTERS"]

ROUTERS: list[APIRouter] = [
    api.router,
    meta.router,
    accounts.router,
    pages.router,
    safety.router,
    messages.router,
    clinic.router,
    admin.router,
    videos.router,
]
