"""The app factory: ``create_app(settings)`` builds the FastAPI app with its pages, API and static files.

The start-up ``AppContext`` (catalogue, database, and in personal mode the local person) is opened
once in the lifespan and kept on ``app.state.ctx``; each request makes its own from it, naming who
is acting (``backcoach.web.deps``). Every request passes, outermost first: the Host allow-list and
security headers (``backcoach.web.security``), the same-origin check on changes
(``backcoach.web.same_origin``), who is signed in and the CSRF token (``backcoach.web.auth``).
Front-end libraries come from the repo's ``node_modules`` (installed by ``npm ci`` from the pinned
package-lock.json) and are served at ``/vendor/<package>/``, and the browser's pose model (built from
the mediapipe wheel by ``scripts/setup.sh``) at ``/models/``; nothing is ever loaded from a CDN, so
the app and its API docs work offline. The app also holds, for its live cameras, the shared pose
pool and a few threads for their database writes, and the task queue it puts recorded videos on.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.authentication import AuthenticationMiddleware

from backcoach.config import Settings
from backcoach.pose.pool import EstimatorPool
from backcoach.pose.task_model import TASK_FILE_NAME
from backcoach.queue import make_queue
from backcoach.services.context import open_app
from backcoach.services.errors import (
    BackcoachError,
    InvalidInput,
    NotAllowed,
    NotFound,
    NotSignedIn,
    SafetyStop,
    StorageUnavailable,
    TooManyAttempts,
)
from backcoach.web import live
from backcoach.web.auth import AuthBackend, CsrfMiddleware
from backcoach.web.idempotency import FormTokens
from backcoach.web.routes import ROUTERS
from backcoach.web.safety_gate import ADVICE_URL, screen_url
from backcoach.web.same_origin import SameOriginMiddleware
from backcoach.web.security import SecurityMiddleware
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


def node_modules_dir() -> Path:
    """Where ``npm ci`` put the front-end libraries: the repo root, else the working directory."""
    for candidate in (_REPO_ROOT / "node_modules", Path.cwd() / "node_modules"):
        if candidate.is_dir():
            return candidate
    return _REPO_ROOT / "node_modules"


def pose_model_file() -> Path:
    """The browser's pose model, as ``scripts/setup.sh`` builds it (``build/models`` in the repo)."""
    return _REPO_ROOT / "build" / "models" / TASK_FILE_NAME


_STATUS_AND_CODE: dict[type[BackcoachError], tuple[int, str]] = {
    NotFound: (404, "not_found"),
    InvalidInput: (422, "invalid_input"),
    SafetyStop: (409, "safety_stop"),
    StorageUnavailable: (503, "storage_unavailable"),
    NotSignedIn: (401, "not_signed_in"),
    NotAllowed: (403, "not_allowed"),
    TooManyAttempts: (429, "too_many_attempts"),
}


def _error_status(exc: BackcoachError) -> int:
    return _STATUS_AND_CODE.get(type(exc), (400, "error"))[0]


def _error_code(exc: BackcoachError) -> str:
    return _STATUS_AND_CODE.get(type(exc), (400, "error"))[1]


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


_TITLES = {
    400: "That did not work",
    401: "Please sign in",
    403: "That is not for this account",
    404: "We could not find that page",
    405: "That did not work",
    409: "Please check with a clinician first",
    429: "Please wait a moment",
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
        headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, TooManyAttempts) else None
        if _wants_json(request):
            body: dict[str, object] = {"error": code, "detail": str(exc)}
            if isinstance(exc, SafetyStop):
                body["advice"] = str(exc)
                body["screen_required"] = exc.screen_required
                body["see"] = screen_url() if exc.screen_required else ADVICE_URL
            return JSONResponse(body, status_code=status, headers=headers)
        if isinstance(exc, NotSignedIn) and request.method in ("GET", "HEAD"):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)
        if isinstance(exc, SafetyStop):
            # A workout that may not start yet: the screen (coming back afterwards) or the advice.
            if exc.screen_required:
                return RedirectResponse(screen_url(request.url.path if request.method == "GET" else "/"), 303)
            return RedirectResponse(ADVICE_URL, status_code=303)
        response = _error_page(request, status, str(exc), code)
        if headers:
            response.headers.update(headers)
        return response

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
        openapi_url=None,  # served by routes/meta.py, to signed-in people only in clinic mode
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.form_tokens = FormTokens()
    # The web processes only put jobs on the queue; `backcoach worker` runs them.
    app.state.tasks = declare_tasks(make_queue(settings))
    # Added innermost first: a request meets the Host check first and the CSRF check last.
    app.add_middleware(CsrfMiddleware)
    app.add_middleware(
        AuthenticationMiddleware,
        backend=AuthBackend(lambda conn: getattr(conn.app.state, "ctx", None)),
        on_error=_auth_error,
    )
    # Forms and API changes are accepted only from backcoach's own pages (no cross-site requests).
    app.add_middleware(SameOriginMiddleware)
    app.add_middleware(SecurityMiddleware, hosts=settings.hosts)

    _install_error_handlers(app)
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
    app.include_router(live.router)
    return app


def _auth_error(_conn: object, exc: Exception) -> Response:
    log.error("signing in failed: %s", exc)
    return JSONResponse({"error": "storage_unavailable", "detail": "Signing in is not possible now."}, 503)
