"""Signing in and out, accepting an invitation, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api import accounts
from api.accounts import AccountError
from api.db import Organisation
from api.deps import Form, MaybeSignedIn, SessionDep
from api.web.i18n import LANGUAGES, N_, Words
from api.web.render import (
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    language_of,
    page,
    redirect,
    safe_next,
    secure,
)

router = APIRouter(include_in_schema=False)
HOME = "/lists"

_ACCOUNT_MESSAGES = {
    "wrong": N_("The e-mail or the password is wrong."),
    "rate_limited": N_("Too many failed attempts. Wait a quarter of an hour and try again."),
    "password_short": N_("The password must have at least %(count)s characters."),
    "password_long": N_("The password is too long."),
    "passwords_differ": N_("The two passwords are not the same."),
}


def _said(request: Request, code: str) -> str:
    return Words(language_of(request))(_ACCOUNT_MESSAGES[code], count=accounts.PASSWORD_MIN_LENGTH)


@router.get("/")
def home(request: Request, person: MaybeSignedIn) -> Response:
    return redirect(request, HOME if person is not None else "/sign-in")


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(
    request: Request, person: MaybeSignedIn, next: Annotated[str | None, Query(max_length=2000)] = None
) -> Response:
    if person is not None:
        return redirect(request, safe_next(next, HOME))
    return page(request, "sign_in.html", next=safe_next(next, HOME), email="", error=None)


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(request: Request, form: Form, session: SessionDep) -> Response:
    email, password = str(form.get("email") or ""), str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""), HOME)
    address = request.client.host if request.client is not None else "unknown"
    try:
        _, token = accounts.sign_in(session, email, password, address)
    except AccountError as error:
        session.commit()  # the failed attempt counts towards the rate limit
        status = 429 if error.code == "rate_limited" else 400
        return page(
            request, "sign_in.html", status=status, next=target, email=email, error=_said(request, error.code)
        )
    session.commit()
    return _signed_in(request, target, token)


@router.post("/sign-out")
def sign_out(request: Request, form: Form, person: MaybeSignedIn, session: SessionDep) -> Response:
    if person is not None:
        accounts.sign_out(session, person.session)
        session.commit()
    response = redirect(request, "/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure(request))
    return response


@router.get("/invitation/{token}", response_class=HTMLResponse)
def invitation_page(request: Request, token: str, session: SessionDep) -> Response:
    invitation = accounts.open_invitation(session, token)
    return page(
        request,
        "invitation.html",
        status=200 if invitation is not None else 410,
        invitation=invitation,
        token=token,
        organisation_name=_organisation_name(session, invitation.organisation_id) if invitation else "",
        min_length=accounts.PASSWORD_MIN_LENGTH,
        error=None,
    )


@router.post("/invitation/{token}", response_class=HTMLResponse)
def accept_invitation(request: Request, token: str, form: Form, session: SessionDep) -> Response:
    invitation = accounts.open_invitation(session, token)
    if invitation is None:
        return invitation_page(request, token, session)
    password = str(form.get("password") or "")
    problem = "passwords_differ" if password != str(form.get("password_again") or "") else None
    try:
        if problem is not None:
            raise AccountError(problem, "the passwords differ")
        user = accounts.accept_invitation(session, invitation, password)
        address = request.client.host if request.client is not None else "unknown"
        _, cookie = accounts.sign_in(session, user.email, password, address)
    except AccountError as error:
        session.rollback()
        return page(
            request,
            "invitation.html",
            status=400,
            invitation=invitation,
            token=token,
            organisation_name=_organisation_name(session, invitation.organisation_id),
            min_length=accounts.PASSWORD_MIN_LENGTH,
            error=_said(request, error.code),
        )
    session.commit()
    return _signed_in(request, HOME, cookie)


@router.post("/language")
async def switch_language(request: Request) -> Response:
    """Remember the language of the pages (a preference only: no token is needed)."""
    form = await request.form(max_files=0, max_fields=5)
    lang = str(form.get("lang") or "")
    response = redirect(request, safe_next(str(form.get("next") or ""), "/"))
    if lang in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", secure=secure(request), path="/"
        )
    return response


def _organisation_name(session: SessionDep, organisation_id: str) -> str:
    organisation = session.get(Organisation, organisation_id)
    return organisation.name if organisation is not None else ""


def _signed_in(request: Request, target: str, token: str) -> Response:
    """On to `target` with the new session's cookie: HttpOnly, SameSite=Lax, Secure over HTTPS."""
    response = redirect(request, target)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=accounts.SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
    )
    return response
