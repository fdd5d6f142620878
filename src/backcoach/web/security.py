"""The first and last thing every request meets: the Host allow-list and the security headers.

- **Host allow-list.** A page on another site can point its own name at 127.0.0.1 (DNS rebinding)
  and then read and change a person's data with requests whose Host and Origin both say the other
  site. So only the names the server is meant to answer to pass (``Settings.hosts``: the address it
  listens on, ``localhost``, ``127.0.0.1`` and the configured ``allowed_hosts``); any other Host gets
  400 for HTTP and a refused handshake for the live WebSocket.
- **Headers** on every response: a Content-Security-Policy with no inline script, ``connect-src
  'self'`` (so nothing on a page talks to another site) and ``frame-ancestors 'none'``, with
  ``X-Frame-Options: DENY`` for older browsers; ``X-Content-Type-Options: nosniff``;
  ``Referrer-Policy: same-origin``. The server banner is switched off where uvicorn starts.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "SecurityMiddleware", "host_name"]

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        # wasm-unsafe-eval: the in-browser pose model is WebAssembly, compiled from our own files
        "script-src 'self' 'wasm-unsafe-eval'",
        # the chart library sets element styles from script
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(self), microphone=(), geolocation=()",
}

_BAD_HOST = (
    b"That address is not this backcoach server's. If you run the server, add the name to "
    b"BACKCOACH_ALLOWED_HOSTS."
)


def host_name(host_header: str) -> str:
    """The name in a Host header, lower-cased, without the port: ``[::1]:8000`` -> ``::1``."""
    value = host_header.strip().lower()
    if value.startswith("["):
        return value[1:].partition("]")[0]
    if value.count(":") == 1:
        return value.partition(":")[0]
    return value


class SecurityMiddleware:
    """Refuses a Host not allowed; adds the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(h.lower() for h in hosts)

    def _allowed(self, scope: Scope) -> bool:
        for key, value in scope.get("headers", ()):
            if key == b"host":
                return host_name(value.decode("latin-1")) in self.hosts
        return False  # HTTP/1.1 requires a Host; without one, nothing to check it against

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if not self._allowed(scope):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": "Host not allowed"})
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        *((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": _BAD_HOST})
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers[key] = value
                if "server" in headers:
                    del headers["server"]
            await send(message)

        await self.app(scope, receive, send_with_headers)
