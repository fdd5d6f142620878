"""The app factory: ``create_app(settings)`` builds the FastAPI app with its pages, API and static files.

The ``AppContext`` (catalogue, database, the local user) is opened once in the lifespan and
kept on ``app.state.ctx``. Every unsafe request passes the same-origin check
(``backcoach.web.same_origin``), so another website cannot post to backcoach. Front-end
libraries come from the repo's ``node_modules`` (installed by ``npm ci`` from the pinned
package-lock.json) and are served at ``/vendor/<package>/``, and the browser's pose model (built
from the mediapipe wheel by ``scripts/setup.sh``) at ``/models/``; nothing is ever loaded from a
CDN, so the app and its API docs work offline, and the Content-Security-Policy keeps every
connection of our pages on our own origin (``backcoach.web.content_policy``).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from backcoach.config import Settings
from backcoach.pose.pool import EstimatorPool
from backcoach.pose.task_model import TASK_FILE_NAME
from backcoach.queue import make_queue
from backcoach.services.context import open_app
from backcoach.services.errors import (
    BackcoachError,
    InvalidInput,
    NotFound,
    SafetyStop,
    StorageUnavailable,
)
from backcoach.web.content_policy import ContentSecurityPolicyMiddleware
from backcoach.web.idempotency import FormTokens
from backcoach.web.routes import ROUTERS
from backcoach.web.same_origin import SameOriginMiddleware
from backcoach.web.templating import STATIC_DIR, templates
from backcoach.worker.tasks import declare_tasks

__all__ = ["POSE_MODEL_URL", "VENDOR_PACKAGES", "create_app", "node_modules_dir", "pose_model_file"]

log = logging.getLogger(__name__)

# The npm packages served at /vendor/<name>/ (pinned in package.json / package-lock.json).
VENDOR_PACKAGES: tuple[str, ...] = ("@mediapipe/tasks-vision", "plotly.js-dist-min", "swagger-ui-dist")
POSE_MODEL_URL = f"/models/{TASK_FILE_NAME}"
# Database writes of live camera connections (a counted rep, a hold's seconds), off the event loop.
_LIVE_STORE_THREADS = 4

_REPO_ROOT = Path(__file__).resolve().parents[3]
_LIVE_MODULE = "backcoach.web.live"
_SAFETY_MODULE = "backcoach.web.routes.safety"


def node_modules_dir() -> Path:
    """Where ``npm ci`` put the front-end libraries: the repo root, else the working directory."""
    for candidate in (_REPO_ROOT / "node_modules", Path.cwd() / "node_modules"):
        if candidate.is_dir():
            return candidate
    return _REPO_ROOT / "node_modules"


def pose_model_file() -> Path:
    """The browser's pose model, as ``scripts/setup.sh`` builds it (``build/models`` in the repo)."""
    return _REPO_ROOT / "build" / "models" / TASK_FILE_NAME


def _error_status(exc: BackcoachError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InvalidInput):
        return 422
    if isinstance(exc, SafetyStop):
        return 409
    if isinstance(exc, StorageUnavailable):
        return 503
    return 400


def _error_code(exc: BackcoachError) -> str:
    return {
        NotFound: "not_found",
        InvalidInput: "invalid_input",
        SafetyStop: "safety_stop",
        StorageUnavailable: "storage_unavailable",
    }.get(type(exc), "error")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


_TITLES = {
    400: "That did not work",
    403: "That request came from another website",
    404: "We could not find that page",
    405: "That did not work",
    409: "Please check with a clinician first",
    422: "Something in the form needs a look",
    500: "Something went wrong on our side",
    503: "backcoach cannot reach its storage",
}


def _back_to_form(request: Request, status: int) -> str | None:
    """Where a form that was refused came from (a path on this site), so the page can lead back."""
    if request.method != "POST" or status not in (400, 409, 422):
        return None
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.url.netloc:
        return None
    path = referer.path + (f"?{referer.query}" if referer.query else "")
    return path if path.startswith("/") and not path.startswith("//") and len(path) <= 200 else None


def _error_page(request: Request, status: int, message: str, code: str = "error") -> Response:
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "title": _TITLES.get(status, "That did not work"),
            "message": message,
            "status": status,
            "code": code,
            "back_url": _back_to_form(request, status),
        },
        status_code=status,
    )


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(BackcoachError)
    async def _backcoach_error(request: Request, exc: BackcoachError) -> Response:
        status, code = _error_status(exc), _error_code(exc)
        if _wants_json(request):
            body: dict[str, object] = {"error": code, "detail": str(exc)}
            if isinstance(exc, SafetyStop):
                body["advice"] = str(exc)
            return JSONResponse(body, status_code=status)
        return _error_page(request, status, str(exc), code)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "That did not work."
        if _wants_json(request):
            if exc.status_code == 404 and detail == "Not Found":
                detail = "There is nothing at this address: the API is described at /docs."
            code = "not_found" if exc.status_code == 404 else "error"
            return JSONResponse(
                {"error": code, "detail": detail}, status_code=exc.status_code, headers=exc.headers
            )
        if exc.status_code == 404 and detail == "Not Found":
            detail = "There is no page at this address. The menu above leads to every part of backcoach."
        return _error_page(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        fields = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
                "message": err.get("msg", ""),
            }
            for err in exc.errors()
        ]
        if _wants_json(request):
            return JSONResponse(
                {
                    "error": "invalid_input",
                    "detail": "Some values are missing or not valid.",
                    "fields": fields,
                },
                status_code=422,
            )
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields) or "A value was not valid."
        return _error_page(request, 400, message, "invalid_input")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        message = "It is not something you did. Your workouts so far are saved; please try again."
        if _wants_json(request):
            return JSONResponse({"error": "internal", "detail": message}, status_code=500)
        return _error_page(request, 500, message, "internal")


def _install_docs(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="backcoach API",
            swagger_js_url="/vendor/swagger-ui-dist/swagger-ui-bundle.js",
            swagger_css_url="/vendor/swagger-ui-dist/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )


def _install_safety_handlers(app: FastAPI) -> None:
    """The safety screens' own handlers (a blocked workout page goes to the advice), when installed."""
    if importlib.util.find_spec(_SAFETY_MODULE) is None:
        return
    register = getattr(importlib.import_module(_SAFETY_MODULE), "register_safety_handlers", None)
    if register is not None:
        register(app)


def _live_router_module() -> object | None:
    """Web B's live camera module, when it is there (its own import errors are not hidden)."""
    if importlib.util.find_spec(_LIVE_MODULE) is None:
        return None
    return importlib.import_module(_LIVE_MODULE)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The whole web app for these settings (read from the environment when not given)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = open_app(settings)
        app.state.ctx = ctx
        app.state.pose_pool = EstimatorPool()
        app.state.live_store = ThreadPoolExecutor(_LIVE_STORE_THREADS, thread_name_prefix="backcoach-live")
        try:
            yield
        finally:
            app.state.live_store.shutdown(wait=True)
            app.state.pose_pool.close()
            ctx.close()

    app = FastAPI(
        title="backcoach",
        summary="A coach at home for lower back pain core exercises. Not a diagnosis.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.form_tokens = FormTokens()
    # The web processes only put jobs on the queue; `backcoach worker` runs them.
    app.state.tasks = declare_tasks(make_queue(settings))
    # Forms and API changes are accepted only from backcoach's own pages (no cross-site requests).
    app.add_middleware(SameOriginMiddleware)
    app.add_middleware(ContentSecurityPolicyMiddleware)

    _install_error_handlers(app)
    _install_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    vendor = node_modules_dir()
    for package in VENDOR_PACKAGES:
        app.mount(
            f"/vendor/{package}",
            StaticFiles(directory=vendor / package, check_dir=False),
            name=f"vendor-{package}",
        )
    model = pose_model_file()
    app.state.pose_model_url = POSE_MODEL_URL if model.is_file() else None
    if settings.live_pose == "browser" and app.state.pose_model_url is None:
        log.warning("%s is missing (run scripts/setup.sh): live pose runs on the server", model)
    app.mount("/models", StaticFiles(directory=model.parent, check_dir=False), name="models")
    for router in ROUTERS:
        app.include_router(router)
    _install_safety_handlers(app)
    live = _live_router_module()
    if live is not None and hasattr(live, "router"):
        app.include_router(live.router)
    return app
