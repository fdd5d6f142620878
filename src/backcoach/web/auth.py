"""Who is signed in, for every HTTP request and WebSocket: the session cookie, checked against the
database, and the CSRF token every change must carry in clinic mode.

Personal mode has no sign-in: every request acts as the one local person (and the Host allow-list,
``backcoach.web.security``, keeps other sites out). Clinic mode reads the ``backcoach_session``
cookie: a random token, signed with the server's key (HMAC-SHA256) so a forged cookie is refused
before the database is asked; the database says whose session it is and whether it is still open,
so signing out or revoking works across every server process. Starlette's
``AuthenticationMiddleware`` runs the backend for HTTP and WebSocket alike and puts a ``Person`` on
``request.user``.

Every unsafe request of a signed-in person must carry their session's CSRF token (header
``X-CSRF-Token``, or a ``csrf_token`` form field, or for a file upload a ``csrf_token`` query
parameter), in addition to the same-origin check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from starlette.authentication import AuthCredentials, AuthenticationBackend, BaseUser
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backcoach.domain.accounts import Actor
from backcoach.services import accounts
from backcoach.services.context import AppContext
from backcoach.web.templating import templates

__all__ = [
    "COOKIE_NAME",
    "AuthBackend",
    "CsrfMiddleware",
    "Person",
    "sign_cookie",
    "signed_in",
]

COOKIE_NAME = "backcoach_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Forms read for their CSRF field are small; a bigger body must carry the token in the header.
_MAX_FORM_BYTES = 1_000_000


@dataclass(frozen=True)
class Person(BaseUser):
    """The person a request acts as, with their session (None in personal mode)."""

    actor: Actor
    session_token: str | None = None
    csrf_token: str = ""

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.actor.name

    @property
    def identity(self) -> str:
        return str(self.actor.user_id)


def _signature(key: bytes, token: str) -> str:
    digest = hmac.new(key, token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign_cookie(key: bytes, token: str) -> str:
    """The cookie value for a session token: ``token.signature``."""
    return f"{token}.{_signature(key, token)}"


def _unsign(key: bytes, value: str) -> str | None:
    token, dot, signature = value.rpartition(".")
    if not dot or not token or len(value) > 300:
        return None
    return token if hmac.compare_digest(signature, _signature(key, token)) else None


def signed_in(connection: HTTPConnection) -> Person | None:
    """The person of this request or WebSocket, or None (nobody signed in)."""
    user = connection.scope.get("user")
    return user if isinstance(user, Person) else None


class AuthBackend(AuthenticationBackend):
    """Personal mode: the local person. Clinic mode: the person of a valid session cookie."""

    def __init__(self, get_ctx: Any) -> None:
        self._get_ctx = get_ctx  # the app's start-up context, read once the lifespan has opened it
        self._key: bytes | None = None

    def _session_key(self, ctx: AppContext) -> bytes:
        if self._key is None:
            self._key = accounts.session_key(ctx)
        return self._key

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        ctx: AppContext | None = self._get_ctx(conn)
        if ctx is None:
            return None
        if ctx.settings.mode == "personal":
            assert ctx.actor is not None
            return AuthCredentials(["authenticated"]), Person(ctx.actor)
        value = conn.cookies.get(COOKIE_NAME)
        if not value:
            return None
        key = await run_in_threadpool(self._session_key, ctx)
        token = _unsign(key, value)
        if token is None:
            return None
        found = await run_in_threadpool(accounts.actor_for_session, ctx, token)
        if found is None:
            return None
        actor, session = found
        return AuthCredentials(["authenticated"]), Person(actor, token, session.csrf_token)


class CsrfMiddleware:
    """Refuses (403) an unsafe request of a signed-in clinic person without their CSRF token.

    Runs after authentication. A form body is read to find the field, then passed on unchanged.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        person = scope.get("user")
        if not isinstance(person, Person) or person.session_token is None:
            await self.app(scope, receive, send)  # personal mode, or nobody signed in (the route says 401)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        sent = (
            headers.get(CSRF_HEADER)
            or parse_qs(scope.get("query_string", b"").decode()).get(CSRF_FIELD, [""])[0]
        )
        body_messages: list[Message] = []
        content_type = headers.get("content-type", "")
        if not sent and content_type.startswith("application/x-www-form-urlencoded"):
            body = b""
            while True:
                message = await receive()
                body_messages.append(message)
                if message["type"] != "http.request":
                    break
                body += message.get("body", b"")
                if len(body) > _MAX_FORM_BYTES or not message.get("more_body", False):
                    break
            sent = parse_qs(body.decode("latin-1")).get(CSRF_FIELD, [""])[0]
        if not person.csrf_token or not hmac.compare_digest(sent.encode(), person.csrf_token.encode()):
            response = _refused(Request(scope))
            await response(scope, receive, send)
            return
        if not body_messages:
            await self.app(scope, receive, send)
            return

        async def replay() -> Message:
            return body_messages.pop(0) if body_messages else await receive()

        await self.app(scope, replay, send)


REFUSED = (
    "This form has expired or did not come from backcoach, so nothing was changed. "
    "Please go back, reload the page and try again."
)


def _refused(request: Request) -> Response:
    if request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": "csrf", "detail": REFUSED}, status_code=403)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"title": "That form has expired", "message": REFUSED, "status": 403, "code": "csrf"},
        status_code=403,
    )
