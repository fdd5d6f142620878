"""The web app: FastAPI + Jinja2 pages, the JSON API, and (in ``live``) the camera WebSocket.

``create_app(settings)`` in ``backcoach.web.app`` builds it; ``backcoach serve`` runs it.
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    # Imported lazily so that ``import backcoach.web.live`` does not build the whole app module first.
    if name == "create_app":
        from backcoach.web.app import create_app

        return create_app
    raise AttributeError(name)
