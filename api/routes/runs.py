"""Runs: submit a project list with a scenario, wait for or poll the result, cancel."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import idempotency
from api.analysis import requested
from api.db import ACTIVE_RUN_STATES, ProjectListRecord, Run, fetch_page, is_id, now
from api.deps import Editor, IdempotencyKey, Limit, Offset, Principal, SessionDep, SettingsDep, Viewer, Wait
from api.problems import ProblemError, invalid_input, problem_responses
from api.routes.project_lists import own_list, parse_list
from api.schemas import Page, RunCreate, RunOut, RunState, RunSummary
from api.settings import Settings
from models import ProjectList, Scenario
from optimizer.io.fingerprint import input_sha256
from optimizer.io.problems import InputError
from optimizer.io.readers import read_scenario
from optimizer.model.fit import check_fits

router = APIRouter(prefix="/v1/runs", tags=["runs"])
ENDPOINT = "POST /v1/runs"
FINISHED = ("succeeded", "failed", "canceled")
POLL_S = 0.1
RETRY_AFTER_S = 10


def own_run(session: Session, principal: Principal, run_id: str) -> Run:
    run = session.get(Run, run_id, populate_existing=True) if is_id(run_id) else None
    if run is None or run.organisation_id != principal.organisation_id:
        raise ProblemError(404, f"no run {run_id}", type_="not-found")
    return run


def run_body(run: Run) -> dict:
    return jsonable_encoder(RunOut.model_validate(run))


def wait_for(session: Session, run_id: str, seconds: float) -> Run:
    """The run once finished or after `seconds`, read afresh from the database at each poll."""
    deadline = time.monotonic() + seconds
    while True:
        session.rollback()  # a new snapshot (SQLite WAL keeps one per transaction)
        run = session.get(Run, run_id, populate_existing=True)
        assert run is not None
        left = deadline - time.monotonic()
        if run.state in FINISHED or left <= 0:
            return run
        time.sleep(min(POLL_S, left))


@router.post(
    "",
    status_code=202,
    response_model=RunOut,
    summary="Submit a run (queued for a worker)",
    responses={
        200: {"description": "The run finished within `?wait=`", "model": RunOut},
        **problem_responses(400, 401, 403, 404, 413, 422, 429),
    },
)
def create_run(
    principal: Editor,
    body: RunCreate,
    session: SessionDep,
    settings: SettingsDep,
    wait: Wait = 0,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Validates the scenario and that it fits the list (422 with every problem), then queues the run.

    `explain`, `frontier_budgets_sek` and `uncertainty` ask for decision analysis after the solve (in
    the run's `analysis`); solve and analysis share the run's time limit. A run's `progress` shows how
    far an uncertainty study has come while it runs.

    The scenario's `time_limit_s` defaults to the server's `default_time_limit_s` and is capped at
    `max_time_limit_s`. With `?wait=S` the answer is 200 with the finished run if it finishes
    within S seconds, else 202 as without waiting; poll `Location` for the result.
    """
    org = principal.organisation_id
    # without defaults: a body that leaves the analysis out is the same request as before it existed
    request_sha = idempotency.fingerprint(body.model_dump(mode="json", exclude_defaults=True))
    replayed = idempotency.replay(session, org, ENDPOINT, idempotency_key, request_sha)
    if replayed is not None:
        return replayed
    record = own_list(session, principal, body.project_list_id)
    try:
        scenario = read_scenario(body.scenario)
    except InputError as error:
        raise invalid_input(error, "the scenario is not valid") from None
    run = new_run(
        session,
        settings,
        principal,
        record,
        scenario,
        analysis=requested(
            explain=body.explain,
            frontier_budgets_sek=body.frontier_budgets_sek,
            uncertainty=None if body.uncertainty is None else body.uncertainty.model_dump(mode="json"),
        ),
    )
    try:
        response = remember_created(session, org, ENDPOINT, idempotency_key, request_sha, run)
    except IntegrityError:  # the same idempotency key at the same moment
        session.rollback()
        replayed = idempotency.replay(session, org, ENDPOINT, idempotency_key, request_sha)
        if replayed is not None:
            return replayed
        raise
    return wait_or_respond(session, settings, run, response, wait)


def time_limited(scenario: Scenario, settings: Settings, time_limit_s: float | None = None) -> Scenario:
    """The scenario with the time limit a run gets: asked for, else the scenario's, else the server's
    default; never above the server's maximum."""
    limit = time_limit_s or scenario.time_limit_s or settings.default_time_limit_s
    return scenario.model_copy(update={"time_limit_s": min(limit, settings.max_time_limit_s)})


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
    in_flight = session.scalar(
        select(func.count())
        .select_from(Run)
        .where(Run.organisation_id == org, Run.state.in_(ACTIVE_RUN_STATES))
    )
    if (in_flight or 0) >= settings.max_runs_in_flight:
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
        input_sha256=input_sha256(project_bytes=record.content, scenario=stored_scenario),
        state="queued",
        cancel_requested=False,
        attempts=0,
        submitted_by=principal.key_id,
        analysis=analysis,
        plan_id=plan_id,
        replan_basis=replan_basis,
    )
    session.add(run)
    return run


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


def wait_or_respond(
    session: Session, settings: Settings, run: Run, response: JSONResponse, wait: float
) -> JSONResponse:
    """200 with the run if it finishes within `wait` seconds (capped by max_wait_s), else `response`."""
    seconds = min(wait, settings.max_wait_s)
    if seconds > 0:
        run = wait_for(session, run.id, seconds)
        if run.state in FINISHED:
            return JSONResponse(run_body(run), status_code=200, headers={"Location": f"/v1/runs/{run.id}"})
    return response


@router.get(
    "",
    response_model=Page[RunSummary],
    summary="List runs, newest first",
    responses=problem_responses(401, 403, 422),
)
def list_runs(
    principal: Viewer,
    session: SessionDep,
    limit: Limit = 50,
    offset: Offset = 0,
    state: Annotated[RunState | None, Query(description="only runs in this state")] = None,
) -> Page[RunSummary]:
    """Paged with `?limit=` (1–200, default 50) and `?offset=`; `total` counts all matching runs."""
    where = [Run.organisation_id == principal.organisation_id]
    if state is not None:
        where.append(Run.state == state)
    rows, total = fetch_page(session, Run, where, (Run.created_at.desc(), Run.id), limit, offset)
    return Page[RunSummary](
        items=[RunSummary.model_validate(r) for r in rows], limit=limit, offset=offset, total=total
    )


@router.get(
    "/{run_id}",
    response_model=RunOut,
    summary="A run: its state and, once succeeded, the result",
    responses=problem_responses(401, 403, 404, 422),
)
def get_run(run_id: str, principal: Viewer, session: SessionDep) -> RunOut:
    return RunOut.model_validate(own_run(session, principal, run_id))


@router.delete(
    "/{run_id}",
    response_model=RunOut,
    summary="Cancel a run",
    responses={
        202: {"description": "The run is running; the worker has been asked to stop it", "model": RunOut},
        **problem_responses(401, 403, 404, 409, 422),
    },
)
def cancel_run(run_id: str, principal: Editor, session: SessionDep) -> JSONResponse:
    """A queued run is canceled at once (200); a running one is asked to stop (202, `cancel_requested`);
    a finished one cannot be canceled (409)."""
    own_run(session, principal, run_id)
    queued = session.execute(
        update(Run).where(Run.id == run_id, Run.state == "queued").values(state="canceled", finished_at=now())
    )
    if queued.rowcount:
        session.commit()
        return JSONResponse(run_body(own_run(session, principal, run_id)), status_code=200)
    running = session.execute(
        update(Run).where(Run.id == run_id, Run.state == "running").values(cancel_requested=True)
    )
    session.commit()
    run = own_run(session, principal, run_id)
    if running.rowcount:
        return JSONResponse(run_body(run), status_code=202)
    raise ProblemError(
        409, f"the run has already finished ({run.state}); there is nothing to cancel", type_="finished"
    )
