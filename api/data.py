"""What the routes and the web app's pages share: the caller's resources, who a principal is, project
lists stored and read back, runs queued and answered for, a run's inputs and outputs read back
(`RunData`). The routes and pages import this, never one another.

A resource of another organisation is the same 404 as one that does not exist.
"""

from __future__ import annotations

import hashlib
import math
import time
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api import idempotency
from api.analysis import frontier_points
from api.auth import Principal
from api.db import ApiKey, Plan, PrincipalKind, ProjectListRecord, Run, User, is_id
from api.jobs import queue
from api.jobs.states import RunState
from api.problems import ProblemError, invalid_input
from api.schemas import RunOut
from api.settings import Settings
from api.uploads import Upload
from models import Pathway, ProjectList, Result, Scenario
from models.options import Deadline
from optimizer.analysis.compare import load_result
from optimizer.analysis.curves import FrontierPoint, macc
from optimizer.io.fingerprint import input_sha256
from optimizer.io.problems import InputError
from optimizer.io.readers import read_projects_bytes, read_scenario
from optimizer.model.fit import check_fits

POLL_S = 0.1
"""How often a request waiting for a run (`?wait=`) looks at it again."""
RETRY_AFTER_S = 10
"""The Retry-After of a 429 for too many runs in flight."""


# --------------------------------------------------------------------------------------------
# The caller's resources
# --------------------------------------------------------------------------------------------


def own_list(session: Session, principal: Principal, list_id: str) -> ProjectListRecord:
    record = session.get(ProjectListRecord, list_id) if is_id(list_id) else None
    if record is None or record.organisation_id != principal.organisation_id:
        raise ProblemError(404, f"no project list {list_id}", type_="not-found")
    return record


def own_run(session: Session, principal: Principal, run_id: str) -> Run:
    run = session.get(Run, run_id, populate_existing=True) if is_id(run_id) else None
    if run is None or run.organisation_id != principal.organisation_id:
        raise ProblemError(404, f"no run {run_id}", type_="not-found")
    return run


def own_plan(session: Session, principal: Principal, plan_id: str) -> Plan:
    plan = session.get(Plan, plan_id) if is_id(plan_id) else None
    if plan is None or plan.organisation_id != principal.organisation_id:
        raise ProblemError(404, f"no plan {plan_id}", type_="not-found")
    return plan


def own_key(session: Session, principal: Principal, key_id: str) -> ApiKey:
    record = session.get(ApiKey, key_id) if is_id(key_id) else None
    if record is None or record.organisation_id != principal.organisation_id or record.kind != PrincipalKind.KEY:
        raise ProblemError(404, f"no API key {key_id}", type_="not-found")
    return record


def principal_names(session: Session, principal_ids: list[str]) -> dict[str, str]:
    """Who: a person's e-mail, or a key's prefix."""
    keys = {k.id: k for k in session.scalars(select(ApiKey).where(ApiKey.id.in_(set(principal_ids))))}
    people = {
        u.principal_id: u.email for u in session.scalars(select(User).where(User.principal_id.in_(set(keys))))
    }
    return {
        pid: people.get(pid, "") if key.kind == PrincipalKind.USER else f"{key.prefix}…"
        for pid, key in keys.items()
    }


# --------------------------------------------------------------------------------------------
# Project lists
# --------------------------------------------------------------------------------------------


def parse_list(record: ProjectListRecord) -> ProjectList:
    """The list as stored, read with the column mapping it was stored with."""
    return read_projects_bytes(
        record.content, file_type=record.file_type, source_name=record.name, mapping=record.column_mapping
    )


def list_versions(session: Session, organisation_id: str) -> dict[str, list[ProjectListRecord]]:
    """An organisation's project lists by name (in name order), each with its versions, newest first."""
    records = session.scalars(
        select(ProjectListRecord)
        .where(ProjectListRecord.organisation_id == organisation_id)
        .order_by(ProjectListRecord.name, ProjectListRecord.version.desc())
    )
    versions: dict[str, list[ProjectListRecord]] = {}
    for record in records:
        versions.setdefault(record.name, []).append(record)
    return versions


def store_list(
    session: Session, organisation_id: str, created_by: str, upload: Upload, project_count: int
) -> ProjectListRecord:
    """A new version of the list called `upload.name` (flushed); versions count up from 1."""
    latest = session.scalar(
        select(func.max(ProjectListRecord.version)).where(
            ProjectListRecord.organisation_id == organisation_id, ProjectListRecord.name == upload.name
        )
    )
    record = ProjectListRecord(
        organisation_id=organisation_id,
        name=upload.name,
        version=(latest or 0) + 1,
        file_type=upload.file_type,
        content=upload.content,
        content_sha256=hashlib.sha256(upload.content).hexdigest(),
        project_count=project_count,
        column_mapping=upload.column_mapping,
        created_by=created_by,
    )
    session.add(record)
    session.flush()
    return record


def plain_json(value: Any) -> Any:
    """`value` as strict JSON values: numpy scalars as Python ones, tuples as lists, NaN and infinities
    as null (PostgreSQL's JSON refuses them)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_json(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------------------------


def time_limited(scenario: Scenario, settings: Settings, time_limit_s: float | None = None) -> Scenario:
    """The scenario with the time limit a run gets: asked for, else the scenario's, else the server's
    default; never above the server's maximum."""
    limit = time_limit_s or scenario.time_limit_s or settings.default_time_limit_s
    capped = scenario.run_options.overridden(time_limit_s=min(limit, settings.max_time_limit_s))
    return scenario.with_run_options(capped)


def new_run(
    session: Session,
    settings: Settings,
    principal: Principal,
    record: ProjectListRecord,
    scenario: Scenario,
    *,
    projects: ProjectList | None = None,
    analysis: dict[str, Any] | None = None,
    plan_id: str | None = None,
    replan_basis: dict[str, Any] | None = None,
) -> Run:
    """A queued run of `record` under `scenario` (time-limited here), added to the session: shared by
    every way of submitting one, so that all of them are checked, limited and fingerprinted alike.

    422 if the scenario does not fit the list (`projects`: the list as read, when the caller has it),
    429 if the organisation has too many runs in flight.
    """
    org = principal.organisation_id
    scenario = time_limited(scenario, settings)
    try:
        check_fits(projects if projects is not None else parse_list(record), scenario)
    except InputError as error:
        raise invalid_input(error, "the scenario does not fit the project list") from None
    in_flight = queue.in_flight(session, org)
    if in_flight >= settings.max_runs_in_flight:
        raise ProblemError(
            429,
            f"{in_flight} runs are queued or running; at most {settings.max_runs_in_flight} may be at once",
            type_="too-many-runs",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    stored_scenario = scenario.model_dump(mode="json")
    run = Run(
        organisation_id=org,
        project_list_id=record.id,
        scenario=stored_scenario,
        input_sha256=input_sha256(
            project_bytes=record.content, scenario=stored_scenario, column_mapping=record.column_mapping
        ),
        state=RunState.QUEUED,
        cancel_requested=False,
        attempts=0,
        submitted_by=principal.key_id,
        analysis=analysis,
        plan_id=plan_id,
        replan_basis=replan_basis,
    )
    session.add(run)
    return run


def run_body(run: Run) -> Any:
    """The run as its JSON response body."""
    return jsonable_encoder(RunOut.model_validate(run))


def remember_created(
    session: Session, org: str, endpoint: str, idempotency_key: str | None, request_sha: str, run: Run
) -> JSONResponse:
    """Flush the new run, remember the 202 for the idempotency key and commit (IntegrityError: a race)."""
    session.flush()
    created = run_body(run)
    response = JSONResponse(created, status_code=202, headers={"Location": f"/v1/runs/{run.id}"})
    idempotency.remember(session, org, endpoint, idempotency_key, request_sha, response, created)
    session.commit()
    return response


def wait_for(session: Session, run_id: str, seconds: float) -> Run:
    """The run once finished or after `seconds`, read afresh from the database at each poll."""
    deadline = Deadline.after(seconds)
    while True:
        session.rollback()  # a new snapshot (SQLite WAL keeps one per transaction)
        run = session.get(Run, run_id, populate_existing=True)
        assert run is not None
        left = deadline.left() or 0.0
        if run.state.finished or left <= 0:
            return run
        time.sleep(min(POLL_S, left))


def wait_or_respond(
    session: Session, settings: Settings, run: Run, response: JSONResponse, wait: float
) -> JSONResponse:
    """200 with the run if it finishes within `wait` seconds (capped by max_wait_s), else `response`."""
    seconds = min(wait, settings.max_wait_s)
    if seconds > 0:
        run = wait_for(session, run.id, seconds)
        if run.state.finished:
            return JSONResponse(run_body(run), status_code=200, headers={"Location": f"/v1/runs/{run.id}"})
    return response


def stored_result(run: Run) -> Result:
    """The run's result as the optimiser's `Result`; 409 when this version cannot read it."""
    try:
        return load_result(run.result)
    except InputError as error:
        raise ProblemError(
            409,
            f"the stored result of run {run.id} cannot be read by this version of the service: {error}",
            type_="unreadable-result",
        ) from None


# --------------------------------------------------------------------------------------------
# A run's inputs and outputs, read back
# --------------------------------------------------------------------------------------------


class RunData:
    """What a chart of a run is drawn from, read on first use; a problem (409) when it is missing."""

    def __init__(self, session: Session, run: Run) -> None:
        self.session = session
        self.run = run

    @cached_property
    def scenario(self) -> Scenario:
        return read_scenario(self.run.scenario)

    @cached_property
    def projects(self) -> ProjectList:
        record = self.session.get(ProjectListRecord, self.run.project_list_id)
        assert record is not None  # a run's list is never deleted
        return parse_list(record)

    @cached_property
    def macc(self) -> pd.DataFrame:
        return macc(self.projects, self.scenario)

    @cached_property
    def macc_lifecycle(self) -> pd.DataFrame:
        return macc(self.projects, self.scenario, basis="lifecycle")

    @cached_property
    def result(self) -> Result:
        return stored_result(self.run)

    @property
    def portfolio(self) -> Result:
        """The result, if it has a portfolio to chart."""
        if not self.result.has_portfolio:
            raise ProblemError(
                409,
                f"run {self.run.id} has no portfolio to chart: its result is {self.result.status.value}",
                type_="no-portfolio",
            )
        return self.result

    @property
    def frontier(self) -> list[FrontierPoint]:
        stored = self._stored(
            "frontier",
            request="frontier_budgets_sek",
            what="frontier",
            how="`frontier_budgets_sek` (a list of total budgets in SEK) to get one",
        )
        return frontier_points(stored)

    @property
    def pathway(self) -> Pathway:
        """The portfolio's emissions pathway, if the scenario set a target."""
        pathway = self.portfolio.pathway
        if pathway is None:
            raise ProblemError(
                409,
                f"run {self.run.id} has no pathway: its scenario has no `pathway` (baseline emissions and a target)",
                type_="no-pathway",
            )
        return pathway

    @property
    def uncertainty(self) -> dict[str, Any]:
        """The run's uncertainty study, as stored."""
        return self._stored(
            "uncertainty",
            request="uncertainty_request",
            what="uncertainty study",
            how='`uncertainty` (e.g. {"draws": 1000, "seed": 0}) and a list with range columns',
        )

    def _stored(self, key: str, *, request: str, what: str, how: str) -> Any:
        """An analysis output of the run; 409 saying why when it was not asked for or not computed."""
        analysis = self.run.analysis or {}
        problem = f"no-{what.split()[0]}"
        if not analysis.get(request):
            raise ProblemError(
                409,
                f"run {self.run.id} has no {what}: none was requested; submit a run with {how}",
                type_=problem,
            )
        if analysis.get(key) is None:
            notes = "; ".join(analysis.get("notes") or []) or "it was not computed"
            raise ProblemError(409, f"run {self.run.id} has no {what}: {notes}", type_=problem)
        return analysis[key]

    @property
    def objective(self) -> str:
        return self.scenario.objective_label

    @property
    def title(self) -> str:
        return self.scenario.name or f"run {self.run.id}"
