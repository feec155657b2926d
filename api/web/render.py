"""Pages from templates: the language, the signed-in person and the form token in every page, the
security headers, and the cookies the web app sets.

A request from htmx (`HX-Request`) gets only the block of the page it swaps (`partial`), always as a
200 (htmx swaps nothing else; a refused list says so in the part); any other request gets the whole
page with its own status (422 for a list with problems), so every page works as a plain form.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.web.i18n import LANGUAGES, Words, language, translations

TEMPLATES = Path(__file__).resolve().parent / "templates"
SESSION_COOKIE = "kp_session"
FORM_COOKIE = "kp_form"
"""The form token of a browser that is not signed in (sign-in, invitation): double-submitted."""
LANGUAGE_COOKIE = "kp_lang"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
"""Nothing from another host, no inline script or style: the page runs on a closed network too."""
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class WebError(Exception):
    """A page that cannot be shown (403, 404, 409, ...): said in words on an error page."""

    def __init__(self, status: int, message: str, **values: object) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.values = values


class SignInRequired(Exception):
    """The page needs a signed-in person: the browser is sent to the sign-in page and back."""


@functools.cache
def environment(lang: str) -> jinja2.Environment:
    """The templates in `lang`: `_()` and `ngettext()` translate, autoescaping is on."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    # the macros are globals, so that a block rendered alone for htmx has them too
    macros = env.get_template("macros.html").module
    env.globals.update({name: getattr(macros, name) for name in dir(macros) if not name.startswith("_")})
    return env


def language_of(request: Request) -> str:
    return language(request.cookies.get(LANGUAGE_COOKIE))


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def secure(request: Request) -> bool:
    """Cookies are `Secure` when the page is served over HTTPS (directly or by a proxy uvicorn trusts)."""
    return request.url.scheme == "https"


def form_token(request: Request) -> str:
    """The form token of this browser: its session's, or the double-submit cookie's (made if needed)."""
    signed = getattr(request.state, "signed_in", None)
    if signed is not None:
        return str(signed.session.csrf_token)
    token = getattr(request.state, "form_token", None) or request.cookies.get(FORM_COOKIE)
    if not token or len(token) > 100:
        token = secrets.token_urlsafe(32)
    request.state.form_token = token
    return token


def page(
    request: Request,
    template: str,
    *,
    status: int = 200,
    partial: str | None = None,
    extra_headers: Mapping[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """The page `template` (or, for htmx, its block `partial`) with the request's language, person and
    form token; the form cookie is set when the page made one."""
    lang = language_of(request)
    template_ = environment(lang).get_template(template)
    values = {
        "request": request,
        "lang": lang,
        "languages": LANGUAGES,
        "w": Words(lang),
        "signed_in": getattr(request.state, "signed_in", None),
        "organisation_name": getattr(request.state, "organisation_name", ""),
        "active": None,
        "csrf": form_token(request),
        "here": here(request),
        **context,
    }
    if partial is not None and is_htmx(request):
        html = "".join(template_.blocks[partial](template_.new_context(values)))
        status = 200  # htmx swaps only successful answers; what went wrong is in the part itself
    else:
        html = template_.render(values)
    response = HTMLResponse(html, status_code=status, headers={**SECURITY_HEADERS, **(extra_headers or {})})
    if getattr(request.state, "signed_in", None) is None and request.cookies.get(FORM_COOKIE) != values["csrf"]:
        response.set_cookie(
            FORM_COOKIE, str(values["csrf"]), httponly=True, samesite="strict", secure=secure(request), path="/"
        )
    return response


def redirect(request: Request, to: str) -> Response:
    """303 to `to`; for htmx, `HX-Redirect` so that the whole page changes."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": to})
    return RedirectResponse(to, status_code=303)


def here(request: Request) -> str:
    """This page's path and query, for a link back after signing in or switching language."""
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


def safe_next(target: str | None, default: str = "/") -> str:
    """`target` when it is a path of this site; never another host (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "") if not parts.netloc else default


def sign_in_path(request: Request) -> str:
    return "/sign-in?next=" + quote(here(request), safe="")
