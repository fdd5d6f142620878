"""Every router of the web app, in the order ``create_app`` includes them.

A new area adds its module here (the safety screens live in ``routes/safety.py``). The live
camera router (``backcoach.web.live``) is included by ``create_app`` when it is installed.
"""

from __future__ import annotations

import importlib
import importlib.util

from fastapi import APIRouter

from backcoach.web.routes import api, pages, videos

__all__ = ["ROUTERS"]

ROUTERS: list[APIRouter] = [api.router, pages.router, videos.router]

# The safety screens (red flags, check-ins, questionnaires, progression) come with their own module.
if importlib.util.find_spec("backcoach.web.routes.safety") is not None:
    ROUTERS.append(importlib.import_module("backcoach.web.routes.safety").router)
