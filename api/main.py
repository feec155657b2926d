"""The ASGI app: `api.main:app`, built by `create_app()`; the database is opened on first use."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import Database, reject_unknown_query_parameters
from api.problems import (
    ProblemDetail,
    ProblemError,
    problem_response,
    request_validation_errors,
)
from api.routes import api_keys, docs, health, plans, project_lists, run_analysis, runs
from api.schemas import ActualsCreate, ProjectListCreate
from api.settings import Settings
from api.web.errors import error_page, sign_in_handler, wants_html, web_error_handler
from api.web.pages import account, audit, lists, people, results
from api.web.pages import runs as run_pages
from api.web.render import SignInRequired, WebError

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class BodySizeLimit:
    """413 for request bodies above `max_bytes`, before anything parses them.

    Checks Content-Length, then reads the body (counting the streamed bytes, so a chunked or
    lying request is caught too) and hands it on to the app only if it is within the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await problem_response(400, "Content-Length is not a number")(scope, receive, send)
                return
            if too_big:
                await self._reject(scope, receive, send)
                return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._reject(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413,
            f"the request body is larger than {self.max_bytes} bytes",
            type_="too-large",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def _problem_handler(_request: Request, error: Exception) -> Any:
    assert isinstance(error, ProblemError)
    return error.response()


def _http_handler(request: Request, error: Exception) -> Any:
    assert isinstance(error, StarletteHTTPException)
    if wants_html(request):
        return error_page(request, error.status_code)
    headers = dict(getattr(error, "headers", None) or {})
    if error.status_code == 405:  # each method of a path is a route of its own: list them all
        methods = _allowed_methods(request.app, request.url.path)
        if methods:
            headers["Allow"] = ", ".join(methods)
    return problem_response(error.status_code, str(error.detail), headers=headers)


def _allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the OpenAPI document lists for the path template that `path` matches."""
    for template, item in app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            return sorted(method.upper() for method in item if method in HTTP_METHODS)
    return []


def _validation_handler(_request: Request, error: Exception) -> Any:
    assert isinstance(error, RequestValidationError)
    items = list(error.errors())
    if any(item.get("type") == "json_invalid" for item in items):
        return problem_response(400, "the body is not valid JSON", type_="malformed-request")
    located = request_validation_errors(items)
    return problem_response(
        422,
        f"the request is not valid: {len(located)} problem{'s' if len(located) != 1 else ''}",
        title="Invalid input",
        type_="invalid-input",
        errors=located,
    )


def _server_error_handler(_request: Request, error: Exception) -> Any:
    log.exception("unhandled error: %s", type(error).__name__)
    return problem_response(500, "an unexpected error occurred; it has been logged", type_="internal")


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service. Nothing touches the database until the first request that needs it."""
    settings = settings or Settings()
    database = Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        database.dispose()

    app = FastAPI(
        title="Klimatportfölj",
        version="1",
        summary="The provably best portfolio of climate measures for a municipality's budget and rules.",
        description=(
            "Upload project lists, submit runs with a scenario, read the portfolios. Authenticate with "
            "`Authorization: Bearer <key>` (roles: viewer reads, editor submits, admin manages keys). "
            "Errors are RFC 9457 `application/problem+json`; invalid input lists every located problem "
            "in `errors`."
        ),
        lifespan=lifespan,
        docs_url=None,  # served by api.routes.docs from the vendored files, not from a CDN
        redoc_url=None,  # served by api.routes.docs from the vendored files, under its own policy
    )
    app.state.settings = settings
    app.state.database = database
    app.add_exception_handler(ProblemError, _problem_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(WebError, web_error_handler)
    app.add_exception_handler(SignInRequired, sign_in_handler)
    app.add_exception_handler(Exception, _server_error_handler)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    for module in (project_lists, runs, run_analysis, plans, api_keys):
        app.include_router(module.router, dependencies=[Depends(reject_unknown_query_parameters)])
    app.include_router(health.router)  # lenient: probes may add query strings
    app.include_router(docs.router)
    for module in (account, lists, run_pages, results, people, audit):  # the web app's pages
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=True), name="static")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in (ProblemDetail, ProjectListCreate, ActualsCreate):  # used only in hand-written parts
                definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(definition.pop("$defs", {}))
                components[model.__name__] = definition
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


app = create_app()
