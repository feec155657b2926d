"""The audit trail in the browser: who uploaded which list and who submitted which run, when, with the
SHA-256 of the exact input and the solver and its version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from api.data import principal_names
from api.db import ProjectListRecord, Run, fetch_page
from api.deps import Person, SessionDep
from api.web.render import page

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    person: Person,
    session: SessionDep,
    runs_from: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    organisation = person.user.organisation_id
    runs, total = fetch_page(
        session,
        Run,
        [Run.organisation_id == organisation],
        (Run.created_at.desc(), Run.id),
        PAGE_SIZE,
        runs_from,
    )
    lists = session.scalars(
        select(ProjectListRecord)
        .where(ProjectListRecord.organisation_id == organisation)
        .order_by(ProjectListRecord.created_at.desc(), ProjectListRecord.id)
        .limit(PAGE_SIZE)
    ).all()
    by_id = {r.id: r for r in lists}
    missing = {r.project_list_id for r in runs} - set(by_id)
    if missing:
        by_id |= {r.id: r for r in session.scalars(select(ProjectListRecord).where(ProjectListRecord.id.in_(missing)))}
    return page(
        request,
        "audit.html",
        active="audit",
        runs=runs,
        total=total,
        runs_from=runs_from,
        page_size=PAGE_SIZE,
        lists=lists,
        list_of=by_id,
        who=principal_names(session, [r.submitted_by for r in runs] + [r.created_by for r in lists]),
    )
