"""An administrator's page: who has an account in the organisation, and invitations by one-time link."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from api import accounts
from api.accounts import AccountError
from api.db import ROLES, Invitation, User
from api.deps import Form, PersonAdmin, SessionDep, SettingsDep
from api.web.i18n import N_, Words
from api.web.render import language_of, page

router = APIRouter(include_in_schema=False)

_NOT_MADE = N_("The invitation was not made.")
_INVITE_MESSAGES = {
    "email_invalid": N_("That is not an e-mail address."),
    "email_taken": N_("This e-mail address already has an account in another organisation."),
    "role_invalid": N_("Choose one of the roles."),
}


def _people(
    request: Request,
    person: PersonAdmin,
    session: SessionDep,
    *,
    link: str | None = None,
    error: str | None = None,
    email: str = "",
    role: str = "viewer",
    swapped: bool = False,
) -> HTMLResponse:
    """The page; after an invitation (`swapped`) htmx takes only its invitation part."""
    organisation = person.user.organisation_id
    users = session.scalars(select(User).where(User.organisation_id == organisation).order_by(User.email)).all()
    pending = session.scalars(
        select(Invitation)
        .where(Invitation.organisation_id == organisation, Invitation.used_at.is_(None))
        .order_by(Invitation.created_at.desc())
    ).all()
    return page(
        request,
        "people.html",
        status=400 if error else 200,
        partial="invite" if swapped else None,
        active="people",
        users=users,
        pending=[i for i in pending if accounts.open_invitation_row(i)],
        roles=ROLES,
        link=link,
        error=error,
        email=email,
        role=role,
    )


@router.get("/people", response_class=HTMLResponse)
def people(request: Request, person: PersonAdmin, session: SessionDep) -> Response:
    return _people(request, person, session)


@router.post("/people/invitations", response_class=HTMLResponse)
def invite(
    request: Request, form: Form, person: PersonAdmin, session: SessionDep, settings: SettingsDep
) -> Response:
    email, role = str(form.get("email") or ""), str(form.get("role") or "")
    try:
        _, token = accounts.invite(
            session, person.user.organisation_id, email, role, created_by=person.user.principal_id
        )
    except AccountError as error:
        session.rollback()
        message = Words(language_of(request))(_INVITE_MESSAGES.get(error.code, _NOT_MADE))
        return _people(request, person, session, error=message, email=email, role=role, swapped=True)
    session.commit()
    link = f"{settings.public_url.rstrip('/')}/invitation/{token}"
    return _people(
        request, person, session, link=link, email=accounts.normalise_email(email), role=role, swapped=True
    )
