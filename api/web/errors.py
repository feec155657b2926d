"""What a browser is shown when a page cannot be: an error page in its language, or the sign-in page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from api.web.i18n import N_, Words
from api.web.render import WebError, language_of, page, redirect, sign_in_path

_TITLES = {
    400: N_("The request could not be used"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed"),
    409: N_("Not possible now"),
    410: N_("No longer valid"),
    413: N_("The file is too large"),
    429: N_("Too many attempts"),
}
_PLAIN = {
    404: N_("There is no page at this address."),
    405: N_("This page cannot be used that way."),
}


_UNKNOWN_TITLE = N_("Something went wrong")
_UNKNOWN = N_("Something went wrong.")


def wants_html(request: Request) -> bool:
    """A browser asking for a page (not the API, not a script)."""
    path = request.url.path
    if path.startswith(("/v1/", "/health", "/openapi.json", "/static/")):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_page(request: Request, status: int, message: str | None = None, **values: object) -> Response:
    words = Words(language_of(request))
    text = words(message, **values) if message else words(_PLAIN.get(status, _UNKNOWN))
    return page(
        request,
        "error.html",
        status=status,
        title=words(_TITLES.get(status, _UNKNOWN_TITLE)),
        message=text,
        back=request.headers.get("HX-Current-URL") or "/",
    )


def web_error_handler(request: Request, error: Exception) -> Response:
    assert isinstance(error, WebError)
    return error_page(request, error.status, error.message, **error.values)


def sign_in_handler(request: Request, _error: Exception) -> Response:
    return redirect(request, sign_in_path(request))
