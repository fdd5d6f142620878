"""The API's own description: ``/openapi.json`` and the ``/docs`` page (Swagger UI from our own
node_modules, started by a script file: the Content-Security-Policy allows no inline script). In
clinic mode both need a signed-in person, like everything else."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from backcoach.web.deps import SignedInCtx
from backcoach.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/openapi.json")
def openapi(request: Request, _ctx: SignedInCtx) -> Response:
    schema: dict[str, Any] = request.app.openapi()
    return JSONResponse(schema)


@router.get("/docs")
def docs(request: Request, _ctx: SignedInCtx) -> Response:
    return templates.TemplateResponse(request, "docs.html", {"title": "API"})
