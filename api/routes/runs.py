"""Runs: submit a project list with a scenario, wait for or poll the result, cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from api import idempotency
from api.analysis import requested
from api.data import new_run, own_list, own_run, remember_created, run_body, wait_or_respond
from api.db import Run, fetch_page
from api.deps import Editor, IdempotencyKey, Limit, Offset, SessionDep, SettingsDep, Viewer, Wait
from api.jobs import queue
from api.jobs.states import RunState
from api.problems import ProblemError, invalid_input, problem_responses
from api.schemas import Page, RunCreate, RunOut, RunSummary
from optimizer.io.problems import InputError
from optimizer.io.readers import read_scenario

router = APIRouter(prefix="/v1/runs", tags=["runs"])
ENDPOINT = "POST /v1/runs"


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
    canceled = queue.cancel(session, run_id)
    session.commit()
    run = own_run(session, principal, run_id)
    if canceled is RunState.CANCELED:
        return JSONResponse(run_body(run), status_code=200)
    if canceled is RunState.RUNNING:
        return JSONResponse(run_body(run), status_code=202)
    raise ProblemError(
        409, f"the run has already finished ({run.state}); there is nothing to cancel", type_="finished"
    )
