"""The Content-Security-Policy header: pages may connect only to backcoach itself.

``connect-src 'self'`` keeps every fetch, beacon and WebSocket of our pages on our own origin.
It matters for the browser's pose library (MediaPipe Tasks), which posts usage metrics to a
Google host every minute with no option to turn that off: the policy blocks them and the model
runs on. A response that already carries a policy keeps its own.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "ContentSecurityPolicyMiddleware"]

CONTENT_SECURITY_POLICY = "connect-src 'self'"


class ContentSecurityPolicyMiddleware:
    """Adds ``Content-Security-Policy: connect-src 'self'`` to every HTTP response (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            await send(message)

        await self.app(scope, receive, send_with_policy)
