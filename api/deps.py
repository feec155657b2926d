"""Every request dependency, as `Annotated` types: settings, database session, principal, role guards,
paging and the other shared query parameters, the Idempotency-Key header and the uploaded bodies; for
the web app, the signed-in person, their role guards and the posted form with its token checked."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData

from api.accounts import SignedIn, signed_in
from api.auth import Principal, lookup_key
from api.db import Organisation, make_engine, session_factory
from api.problems import ProblemError
from api.schemas import Year
from api.settings import Settings
from api.uploads import ActualsUpload, Upload, read_actuals_upload, read_upload
from api.web.render import SESSION_COOKIE, SignInRequired, WebError, form_token


class Database:
    """The engine and session factory of an app, made on first use (never at import time)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._factory: sessionmaker[Session] | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = make_engine(self.url)
                    self._factory = session_factory(self._engine)
        return self._engine

    @property
    def factory(self) -> sessionmaker[Session]:
        self.engine  # noqa: B018 - makes the factory
        assert self._factory is not None
        return self._factory

    def dispose(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = self._factory = None


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_database(request: Request) -> Database:
    return request.app.state.database


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    with database.factory() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
SessionDep = Annotated[Session, Depends(get_session)]

bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer kp_...`")


def unauthorized(detail: str) -> ProblemError:
    return ProblemError(401, detail, type_="unauthorized", headers={"WWW-Authenticate": "Bearer"})


def get_principal(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None:
        raise unauthorized("an API key is needed: send `Authorization: Bearer <key>`")
    record = lookup_key(session, credentials.credentials)
    if record is None:
        raise unauthorized("the API key is not valid (unknown or revoked)")
    return Principal(key_id=record.id, organisation_id=record.organisation_id, role=record.role)


def require(role: str) -> Callable[[Principal], Principal]:
    def guard(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.may(role):
            raise ProblemError(
                403,
                f"this needs a key with role {role} or higher; the key's role is {principal.role}",
                type_="forbidden",
            )
        return principal

    guard.__name__ = f"require_{role}"
    return guard


Viewer = Annotated[Principal, Depends(require("viewer"))]
Editor = Annotated[Principal, Depends(require("editor"))]
Admin = Annotated[Principal, Depends(require("admin"))]


Limit = Annotated[int, Query(ge=1, le=200, description="items per page")]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1, description="items to skip")]
Wait = Annotated[
    float,
    Query(ge=0, le=3600, description="seconds to wait for the result (capped by the server's max_wait_s)"),
]
AsOf = Annotated[
    Year | None,
    Query(description="The first year still open (default: the year after the latest year with actuals)"),
]

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="Retries with the same key and body get the first response again; nothing new is made.",
    ),
]

UploadDep = Annotated[Upload, Depends(read_upload)]
"""A project list sent as JSON or as a multipart file."""
ActualsUploadDep = Annotated[ActualsUpload, Depends(read_actuals_upload)]
"""A plan's actuals sent as JSON, CSV or a multipart file."""


def reject_unknown_query_parameters(request: Request) -> None:
    """422 for query parameters the endpoint does not have (a typo such as `?limt=` is not ignored),
    and for one given twice (every parameter takes one value; which one counted would be a guess)."""
    route = request.scope.get("route")
    path = getattr(route, "path_format", None)
    if path is None or not request.query_params:
        return
    operation = request.app.openapi().get("paths", {}).get(path, {}).get(request.method.lower(), {})
    known = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    unknown = sorted({name for name in request.query_params if name not in known})
    repeated = sorted({name for name in request.query_params if len(request.query_params.getlist(name)) > 1})
    if repeated and not unknown:
        raise ProblemError(
            422,
            f"query parameter{'s' if len(repeated) != 1 else ''} given more than once: {', '.join(map(repr, repeated))}",
            title="Invalid input",
            type_="invalid-input",
            errors=[
                {"row": None, "column": f"query.{name}", "message": "given more than once"}
                for name in repeated
            ],
        )
    if unknown:
        raise ProblemError(
            422,
            f"unknown query parameter{'s' if len(unknown) != 1 else ''}: {', '.join(map(repr, unknown))}",
            title="Invalid input",
            type_="invalid-input",
            errors=[
                {"row": None, "column": f"query.{name}", "message": "unknown query parameter"}
                for name in unknown
            ],
        )


# --------------------------------------------------------------------------------------------
# The web app
# --------------------------------------------------------------------------------------------


def get_signed_in(request: Request, session: SessionDep) -> SignedIn | None:
    """The person signed in with this browser's session cookie, or None (also kept for the page)."""
    token = request.cookies.get(SESSION_COOKIE)
    person = signed_in(session, token) if token else None
    request.state.signed_in = person
    if person is not None:
        organisation = session.get(Organisation, person.user.organisation_id)
        request.state.organisation_name = organisation.name if organisation is not None else ""
    return person


MaybeSignedIn = Annotated[SignedIn | None, Depends(get_signed_in)]


def require_person(role: str) -> Callable[[SignedIn | None], SignedIn]:
    def guard(person: MaybeSignedIn) -> SignedIn:
        if person is None:
            raise SignInRequired
        if not person.principal.may(role):
            raise WebError(403, "This page is for the role %(role)s or higher; your role is %(yours)s.",
                           role=role, yours=person.user.role)
        return person

    guard.__name__ = f"require_person_{role}"
    return guard


Person = Annotated[SignedIn, Depends(require_person("viewer"))]
PersonEditor = Annotated[SignedIn, Depends(require_person("editor"))]
PersonAdmin = Annotated[SignedIn, Depends(require_person("admin"))]


async def checked_form(request: Request, _person: MaybeSignedIn, settings: SettingsDep) -> FormData:
    """The posted form, once its `csrf_token` is this browser's (its session's, or when it is not signed
    in its form cookie's): a form posted from another site is refused. A field may be as large as a
    request (the mapping step carries the uploaded file in one)."""
    try:
        form = await request.form(max_files=1, max_fields=500, max_part_size=settings.max_body_bytes)
    except Exception:  # noqa: BLE001 - any parser failure is a malformed form
        raise WebError(400, "The form could not be read. Reload the page and try again.") from None
    given = form.get("csrf_token")
    if not isinstance(given, str) or not secrets.compare_digest(given.encode(), form_token(request).encode()):
        raise WebError(403, "The form has expired or did not come from this site. Reload the page and try again.")
    return form


Form = Annotated[FormData, Depends(checked_form)]
"""A posted web form whose token was checked."""
