"""Form tokens: a form posted twice (a double click, a re-sent POST) does its work only once.

Every form that creates something carries a hidden ``form_token`` (a fresh uuid per rendered
form). The first POST with a token does the work and remembers where it redirected; a second
POST with the same token is sent to the same place and changes nothing. Sets and pain ratings
also carry a ``client_id`` that the services store, so those stay single even across restarts.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict

__all__ = ["FormTokens", "new_token"]


def new_token() -> str:
    return uuid.uuid4().hex


class FormTokens:
    """A bounded register of used form tokens and the URL each one's POST redirected to."""

    def __init__(self, max_tokens: int = 2000) -> None:
        self._max_tokens = max_tokens
        self._seen: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def redirect_for(self, token: str | None) -> str | None:
        """Where the earlier POST with this token went, or None if the token is new (or absent)."""
        if not token:
            return None
        with self._lock:
            return self._seen.get(token)

    def remember(self, token: str | None, redirect_url: str) -> None:
        if not token:
            return
        with self._lock:
            self._seen[token] = redirect_url
            self._seen.move_to_end(token)
            while len(self._seen) > self._max_tokens:
                self._seen.popitem(last=False)
