"""The FastAPI application: security headers, the optional token, error handling, assets.

Errors never leak a traceback: a user mistake (a bad upload, an unknown id, an edit the
scenario refuses) is a 4xx JSON document ``{"error": ..., "problems": [...]}``; anything
else is a 500 with a one-line message.
"""

from __future__ import annotations

import hmac
import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..__about__ import __version__
from ..errors import KingmakerError, ScenarioError
from ..store import open_store
from .jobs import Jobs
from .library import Library, NotFound

HERE = Path(__file__).parent
MAX_UPLOAD = 2 * 1024 * 1024
TOKEN_COOKIE = "kingmaker_token"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
log = logging.getLogger("kingmaker.web")


def create_app(
    store: str | None = None,
    *,
    allow_path: str | Path | None = None,
    token: str | None = None,
    max_upload: int = MAX_UPLOAD,
    executor: Any = None,
) -> FastAPI:
    """The dashboard over the run store at ``store`` (default: as the CLI's).

    ``token``: when set (the server listens beyond the loopback address), every request must
    carry it as ``Authorization: Bearer TOKEN`` or the cookie set by opening ``/?token=TOKEN``.
    """
    from contextlib import asynccontextmanager

    st = open_store(store)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.jobs.close()
        st.close()

    app = FastAPI(
        title="Kingmaker",
        version=__version__,
        description="Forecast a negotiation, move a number, see who can change the outcome.",
        docs_url=None,  # FastAPI's docs pages load scripts from a CDN; /api/docs is ours
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.store = st
    app.state.library = Library(st, Path(allow_path) if allow_path else None)
    app.state.jobs = Jobs(st, executor=executor)
    app.state.max_upload = max_upload
    app.state.token = token

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if token is not None:
            given = request.query_params.get("token")
            if given is not None and hmac.compare_digest(given, token):
                # the one-time URL: set the cookie, then drop the token from the address
                response: Response = RedirectResponse(request.url.path or "/", status_code=303)
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
                return _secure(response)
            header = request.headers.get("authorization", "")
            bearer = header[7:] if header.lower().startswith("bearer ") else ""
            cookie = request.cookies.get(TOKEN_COOKIE, "")
            if not (hmac.compare_digest(bearer, token) or hmac.compare_digest(cookie, token)):
                return _secure(
                    JSONResponse({"error": "a token is required (see kingmaker serve)"}, 401)
                )
        return _secure(await call_next(request))

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound):
        return JSONResponse({"error": str(exc)}, status_code=404)

    @app.exception_handler(ScenarioError)
    async def bad_scenario(_: Request, exc: ScenarioError):
        problems = [
            {
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "location": p.location,
                "message": p.message,
                "text": str(p),
            }
            for p in exc.problems
        ]
        error = f"{exc.file or 'scenario'} is not a valid scenario"
        return JSONResponse({"error": error, "problems": problems}, status_code=422)

    @app.exception_handler(KingmakerError)
    async def user_error(_: Request, exc: KingmakerError):
        return JSONResponse({"error": str(exc), "parameter": exc.parameter}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError):
        problems = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"error": "malformed request", "problems": problems}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException):
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception):
        log.exception("internal error")
        return JSONResponse(
            {"error": f"internal error: {type(exc).__name__} (a bug in Kingmaker)"}, 500
        )

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        import plotly

        path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        return FileResponse(path, media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from .api import router as api_router
    from .pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)
    return app


def _secure(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response
