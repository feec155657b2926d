"""The API's documentation pages, /docs (Swagger UI) and /redoc (ReDoc), from files the app serves itself.

FastAPI's defaults load them from a CDN, which gives a blank page on a closed network; these are the
same pages with the vendored copies in `api/static/vendor` (versions in its README). ReDoc draws its
maker's logo from the maker's CDN whatever it is told: the page's Content-Security-Policy refuses
every other host, so the browser never asks for it and ReDoc leaves the logo out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from markupsafe import escape

VENDOR = "/static/vendor"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} – API",
        oauth2_redirect_url=OAUTH2_REDIRECT,
        swagger_js_url=f"{VENDOR}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=f"{VENDOR}/swagger-ui/favicon-32x32.png",
    )


@router.get(OAUTH2_REDIRECT)
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


REDOC_POLICY = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; "
    # ReDoc styles its parts with style elements it writes, and runs its search in a worker from a blob
    "style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; frame-ancestors 'none'"
)


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """The same schema as a reference to read (ReDoc), for those who do not try calls."""
    title = escape(f"{request.app.title} – API")
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{VENDOR}/swagger-ui/favicon-32x32.png">
</head>
<body>
<noscript>This page needs JavaScript; the schema itself is at {escape(request.app.openapi_url)}.</noscript>
<redoc spec-url="{escape(request.app.openapi_url)}"></redoc>
<script src="{VENDOR}/redoc/redoc.standalone.js"></script>
</body>
</html>
"""
    return HTMLResponse(page, headers={"Content-Security-Policy": REDOC_POLICY})
