"""The same-origin check that protects every form and API call from other websites (CSRF).

A page on another site can make a person's browser post to backcoach on 127.0.0.1 (a hidden form
that starts a workout, changes a program or clears a red flag). Browsers say where such a request
comes from: ``Origin`` on every cross-site POST (and on fetch), ``Referer`` on most. So for the
unsafe methods (POST, PUT, PATCH, DELETE) a request whose ``Origin`` (or, without one, ``Referer``)
names another host than the one it was sent to is refused with 403: a page for a person, JSON
under /api. A request with neither header (curl, scripts, the CLI's tests) is let through: only
browsers carry the person's trust, and browsers send the header. WebSockets check their own
origin (``backcoach.web.live``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from backcoach.web.templating import templates

__all__ = ["UNSAFE_METHODS", "SameOriginMiddleware", "is_same_origin"]

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": 80, "https": 443}

REFUSED_TITLE = "That request came from another website"
REFUSED_MESSAGE = (
    "For your safety, backcoach only accepts forms and changes sent from its own pages, and this one "
    "came from somewhere else. Nothing was changed. If you did mean to do this, go back to backcoach, "
    "reload the page and try again."
)


def _host_port(netloc: str, scheme: str) -> tuple[str, int | None] | None:
    """``("127.0.0.1", 8000)`` from ``127.0.0.1:8000`` (the scheme's default port when none is given)."""
    try:
        parts = urlsplit(f"//{netloc}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.hostname.lower(), port if port is not None else _DEFAULT_PORTS.get(scheme)


def is_same_origin(source: str, host_header: str, request_scheme: str = "http") -> bool:
    """Whether ``source`` (an Origin or Referer value) names the host the request was sent to."""
    if not source or source == "null":
        return False
    try:
        parts = urlsplit(source)
    except ValueError:
        return False
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc:
        return False
    origin = _host_port(parts.netloc, parts.scheme)
    # The Host header carries no scheme: read its missing port as the source's default, and also
    # accept the request's own scheme's default (a proxy may have moved http to https).
    target = _host_port(host_header, parts.scheme)
    target_own = _host_port(host_header, request_scheme)
    return origin is not None and origin in (target, target_own)


class SameOriginMiddleware:
    """Refuses unsafe requests sent from another site's page (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        source = headers.get("origin") or headers.get("referer")
        host = headers.get("host", "")
        if source is None or is_same_origin(source, host, scope.get("scheme", "http")):
            await self.app(scope, receive, send)
            return
        response = _refused(Request(scope, receive))
        await response(scope, receive, send)


def _refused(request: Request) -> Response:
    if request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": "cross_site_request", "detail": REFUSED_MESSAGE}, status_code=403)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"title": REFUSED_TITLE, "message": REFUSED_MESSAGE, "status": 403, "code": "cross_site_request"},
        status_code=403,
    )
