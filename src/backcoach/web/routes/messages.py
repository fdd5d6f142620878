"""A patient's messages with their physiotherapist (clinic mode): the thread, sending one, and
marking the physiotherapist's messages read. Used alone (personal mode) there is nobody to write to,
so the page leads back to Today."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from backcoach.services import workspace
from backcoach.services.errors import InvalidInput
from backcoach.web.deps import CtxDep
from backcoach.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/messages")
def messages_page(request: Request, ctx: CtxDep) -> Response:
    if ctx.settings.mode != "clinic":
        return RedirectResponse("/", status_code=303)
    context = {
        "title": "Messages",
        "messages": workspace.thread(ctx),
        "sent": request.query_params.get("sent"),
    }
    return templates.TemplateResponse(request, "messages.html", context)


@router.post("/messages")
def send(request: Request, ctx: CtxDep, body: Annotated[str, Form(max_length=2000)] = "") -> Response:
    try:
        workspace.send_message(ctx, body)
    except InvalidInput as exc:
        context = {"title": "Messages", "messages": workspace.thread(ctx), "error": str(exc)}
        return templates.TemplateResponse(request, "messages.html", context, status_code=422)
    return RedirectResponse("/messages?sent=1", status_code=303)


@router.post("/messages/read")
def read(ctx: CtxDep, up_to: Annotated[int, Form(ge=0, le=2**62)]) -> Response:
    workspace.mark_read(ctx, up_to)
    return Response(status_code=204)
