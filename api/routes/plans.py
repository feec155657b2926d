"""Plans: adopt a run as the plan, record what actually happened, follow it up and re-plan the rest.

The follow-up cycle of a finance officer: `POST /v1/runs/{id}/adopt` freezes a finished run (its list,
scenario and result) as a plan; actual spend and reductions per project and year are recorded against
it (JSON or CSV; a newer figure for the same project and year replaces the older one); the status
sets planned against actual; a re-plan is an ordinary run, queued for the workers, of the list and
scenario derived from the plan and the actuals (`optimizer.planning.followup.replan_inputs`), and its difference
from the plan says what changed.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import idempotency
from api.data import (
    new_run,
    own_plan,
    own_run,
    parse_list,
    plain_json,
    remember_created,
    store_list,
    stored_result,
    time_limited,
    wait_or_respond,
)
from api.db import Plan, PlanActual, ProjectListRecord, Run, fetch_page, now
from api.deps import (
    ActualsUploadDep,
    AsOf,
    Editor,
    IdempotencyKey,
    Limit,
    Offset,
    SessionDep,
    SettingsDep,
    Viewer,
    Wait,
)
from api.jobs.states import RunState
from api.problems import ProblemError, invalid_input, problem_responses
from api.schemas import (
    ActualOut,
    ActualsOut,
    Page,
    PlanDetail,
    PlanDifferenceOut,
    PlanOut,
    PlanStatusOut,
    ReplanCreate,
    RunOut,
    RunSummary,
)
from api.uploads import Upload
from models.plan import ActualEntry, Actuals, AdoptedPlan, ReplanBasis
from models.result import Result
from optimizer.io.problems import InputError
from optimizer.io.readers import read_projects_bytes, read_scenario
from optimizer.planning.followup import (
    adopt,
    plan_difference,
    plan_status,
    read_actuals,
    replan_inputs,
)
from optimizer.reporting.tables import spreadsheet_text

router = APIRouter(tags=["plans"])
ADOPT_ENDPOINT = "POST /v1/runs/adopt"
REPLAN_ENDPOINT = "POST /v1/plans/replan"
ACTUAL_COLUMNS = ("id", "year", "spend_sek", "abatement_t")
MAX_ATTEMPTS = 5

ACTUALS_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ActualsCreate"}},
            "text/csv": {
                "schema": {
                    "type": "string",
                    "description": "Columns id, year, spend_sek, abatement_t (Swedish Excel CSV works too)",
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The actuals as .csv (also Swedish Excel) or .json, by file name",
                        }
                    },
                }
            },
        },
    }
}
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The actuals (`?format=csv`: columns id, year, spend_sek, abatement_t)",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


# --------------------------------------------------------------------------------------------
# Reading and storing
# --------------------------------------------------------------------------------------------


def adopted(plan: Plan) -> AdoptedPlan:
    return AdoptedPlan.model_validate(plan.content)


def stored_actuals(session: Session, plan_id: str) -> list[PlanActual]:
    return list(
        session.scalars(
            select(PlanActual)
            .where(PlanActual.plan_id == plan_id)
            .order_by(PlanActual.year, PlanActual.project_id)
        )
    )


def actuals_of(rows: list[PlanActual]) -> Actuals:
    return Actuals(
        entries=[
            ActualEntry(id=r.project_id, year=r.year, spend_sek=r.spend_sek, abatement_t=r.abatement_t)
            for r in rows
        ]
    )


def plan_out(plan: Plan, content: AdoptedPlan | None = None) -> PlanOut:
    content = content or adopted(plan)
    result = content.result_model()
    return PlanOut(
        id=plan.id,
        run_id=plan.run_id,
        adopted_at=plan.adopted_at,
        adopted_by=plan.adopted_by,
        source=content.source,
        input_sha256=content.input_sha256,
        project_count=len(result.selected),
        objective=result.objective,
        objective_value_t=result.objective_value_t,
        abatement_t=result.abatement_t,
        abatement_t_per_year=result.abatement_t_per_year,
        total_cost_sek=result.total_cost_sek,
        municipal_cost_sek=result.municipal_cost_sek,
    )


def with_portfolio(run: Run, action: str) -> Result:
    """The run's result, if the run succeeded with a portfolio (409 otherwise)."""
    if run.state != RunState.SUCCEEDED:
        raise ProblemError(
            409, f"run {run.id} is {run.state}: only a finished run can be {action}", type_="not-finished"
        )
    result = stored_result(run)
    if not result.has_portfolio:
        raise ProblemError(
            409,
            f"run {run.id} has no portfolio to be {action}: its result is {result.status.value}",
            type_="no-portfolio",
        )
    return result


# --------------------------------------------------------------------------------------------
# Adopting and reading plans
# --------------------------------------------------------------------------------------------


@router.post(
    "/v1/runs/{run_id}/adopt",
    status_code=201,
    response_model=PlanOut,
    summary="Adopt a finished run as the plan",
    responses=problem_responses(401, 403, 404, 409, 422),
)
def adopt_run(
    run_id: str, principal: Editor, session: SessionDep, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """The run's project list, scenario and result are frozen into the plan, so that what was adopted
    stays readable whatever happens to lists later. 409 unless the run succeeded with a portfolio."""
    org = principal.organisation_id
    request_sha = idempotency.fingerprint(run_id)
    replayed = idempotency.replay(session, org, ADOPT_ENDPOINT, idempotency_key, request_sha)
    if replayed is not None:
        return replayed
    run = own_run(session, principal, run_id)
    result = with_portfolio(run, "adopted")
    record = session.get(ProjectListRecord, run.project_list_id)
    assert record is not None  # a run's list is never deleted
    content = adopt(
        parse_list(record),
        read_scenario(run.scenario),
        result,
        source=f"{record.name} v{record.version}",
        adopted_at=now(),
        project_bytes=record.content,  # the same input_sha256 as the run's
    )
    plan = Plan(
        organisation_id=org,
        run_id=run.id,
        content=plain_json(content.model_dump(mode="json")),
        adopted_by=principal.key_id,
        adopted_at=content.adopted_at,
    )
    session.add(plan)
    try:
        session.flush()
        body = jsonable_encoder(plan_out(plan, content))
        response = JSONResponse(body, status_code=201, headers={"Location": f"/v1/plans/{plan.id}"})
        idempotency.remember(session, org, ADOPT_ENDPOINT, idempotency_key, request_sha, response, body)
        session.commit()
    except IntegrityError:  # the same idempotency key at the same moment
        session.rollback()
        replayed = idempotency.replay(session, org, ADOPT_ENDPOINT, idempotency_key, request_sha)
        if replayed is not None:
            return replayed
        raise
    return response


@router.get(
    "/v1/plans",
    response_model=Page[PlanOut],
    summary="List plans, newest first",
    responses=problem_responses(401, 403, 422),
)
def list_plans(
    principal: Viewer, session: SessionDep, limit: Limit = 50, offset: Offset = 0
) -> Page[PlanOut]:
    """Paged with `?limit=` (1–200, default 50) and `?offset=`; `total` counts all plans."""
    where = [Plan.organisation_id == principal.organisation_id]
    rows, total = fetch_page(session, Plan, where, (Plan.adopted_at.desc(), Plan.id), limit, offset)
    return Page[PlanOut](items=[plan_out(r) for r in rows], limit=limit, offset=offset, total=total)


@router.get(
    "/v1/plans/{plan_id}",
    response_model=PlanDetail,
    summary="A plan with its funded projects and spend plan",
    responses=problem_responses(401, 403, 404, 422),
)
def get_plan(plan_id: str, principal: Viewer, session: SessionDep) -> PlanDetail:
    plan = own_plan(session, principal, plan_id)
    content = adopted(plan)
    result = content.result
    return PlanDetail(
        **plan_out(plan, content).model_dump(),
        scenario=content.scenario,
        selected=result.get("selected", []),
        spend_plan=result.get("spend_plan", []),
        budget=result.get("budget", []),
    )


# --------------------------------------------------------------------------------------------
# Actuals
# --------------------------------------------------------------------------------------------


def actuals_body(plan_id: str, rows: list[PlanActual]) -> ActualsOut:
    return ActualsOut(
        plan_id=plan_id,
        actuals=[
            ActualOut(
                id=r.project_id,
                year=r.year,
                spend_sek=r.spend_sek,
                abatement_t=r.abatement_t,
                recorded_by=r.recorded_by,
                recorded_at=r.recorded_at,
            )
            for r in rows
        ],
    )


def record_actuals(session: Session, plan_id: str, recorded_by: str, actuals: Actuals) -> None:
    """Store the entries (flushed): a project and year recorded before is replaced, as `Actuals.merged`."""
    existing = {(r.project_id, r.year): r for r in stored_actuals(session, plan_id)}
    at = now()
    for entry in actuals.entries:
        row = existing.get((entry.id, entry.year))
        if row is None:
            row = PlanActual(plan_id=plan_id, project_id=entry.id, year=entry.year)
            session.add(row)
            existing[(entry.id, entry.year)] = row
        row.spend_sek = entry.spend_sek
        row.abatement_t = entry.abatement_t
        row.recorded_by = recorded_by
        row.recorded_at = at
    session.flush()


@router.post(
    "/v1/plans/{plan_id}/actuals",
    response_model=ActualsOut,
    summary="Record actual spend and reductions per project and year",
    responses=problem_responses(400, 401, 403, 404, 413, 415, 422),
    openapi_extra=ACTUALS_SCHEMA,
)
def post_actuals(
    plan_id: str, principal: Editor, upload: ActualsUploadDep, session: SessionDep
) -> ActualsOut:
    """JSON `{"actuals": [{"id", "year", "spend_sek", "abatement_t"}]}`, a text/csv body or a multipart
    `file` with those columns. Validated against the plan as a whole (422 with every problem located;
    nothing is stored then); a project and year recorded before is replaced. Returns every stored figure.
    """
    plan = own_plan(session, principal, plan_id)
    try:
        actuals = read_actuals(upload.source, plan=adopted(plan), file_type=upload.file_type)
    except InputError as error:
        raise invalid_input(error, "the actuals are not valid") from None
    for _attempt in range(MAX_ATTEMPTS):
        try:
            record_actuals(session, plan.id, principal.key_id, actuals)
            session.commit()
            break
        except IntegrityError:  # the same project and year recorded at the same moment
            session.rollback()
    else:
        raise ProblemError(409, "too many uploads of these actuals at once; try again", type_="conflict")
    return actuals_body(plan.id, stored_actuals(session, plan.id))


@router.get(
    "/v1/plans/{plan_id}/actuals",
    response_model=ActualsOut,
    summary="The actuals recorded for a plan",
    responses={**CSV_RESPONSE, **problem_responses(401, 403, 404, 422)},
)
def get_actuals(
    plan_id: str,
    principal: Viewer,
    session: SessionDep,
    format: Annotated[
        Literal["json", "csv"], Query(description="json (default) or csv (id, year, spend_sek, abatement_t)")
    ] = "json",
) -> Any:
    """By year and project; `?format=csv` gives the CSV that `POST .../actuals` reads back."""
    plan = own_plan(session, principal, plan_id)
    rows = stored_actuals(session, plan.id)
    if format == "csv":
        return Response(actuals_csv(rows), media_type="text/csv; charset=utf-8")
    return actuals_body(plan.id, rows)


def actuals_csv(rows: list[PlanActual]) -> str:
    """Floats as Python writes them (shortest exact form), unknown figures as empty cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ACTUAL_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                spreadsheet_text(r.project_id),
                r.year,
                "" if r.spend_sek is None else repr(float(r.spend_sek)),
                "" if r.abatement_t is None else repr(float(r.abatement_t)),
            ]
        )
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Status, re-plan, difference
# --------------------------------------------------------------------------------------------


@router.get(
    "/v1/plans/{plan_id}/status",
    response_model=PlanStatusOut,
    summary="Planned against actual per year, per project and per district",
    responses=problem_responses(401, 403, 404, 422),
)
def get_status(plan_id: str, principal: Viewer, session: SessionDep, as_of: AsOf = None) -> Any:
    """As `optimizer.planning.followup.plan_status`; 422 (located) if `as_of` does not fit the actuals."""
    plan = own_plan(session, principal, plan_id)
    rows = stored_actuals(session, plan.id)
    if as_of is not None:
        not_closed = sorted({r.year for r in rows if r.year >= as_of})
        if not_closed:
            raise ProblemError(
                422,
                f"actuals are recorded for {', '.join(map(str, not_closed))}, which is not closed as of {as_of}",
                title="Invalid input",
                type_="invalid-input",
                errors=[
                    {
                        "row": None,
                        "column": "query.as_of",
                        "message": f"actuals are recorded for {year}, which is not closed as of {as_of}: "
                        f"ask as of {max(not_closed) + 1} or later",
                    }
                    for year in not_closed
                ],
            )
    try:
        status = plan_status(adopted(plan), actuals_of(rows), as_of=as_of)
    except InputError as error:
        raise invalid_input(error, "the status cannot be computed") from None
    return JSONResponse(jsonable_encoder(plain_json(status.to_dict())))


def project_json(records: list[dict[str, Any]]) -> bytes:
    return json.dumps(plain_json(records), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@router.post(
    "/v1/plans/{plan_id}/replan",
    status_code=202,
    response_model=RunOut,
    summary="Re-plan the rest of a plan (queued for a worker)",
    responses={
        200: {"description": "The run finished within `?wait=`", "model": RunOut},
        **problem_responses(400, 401, 403, 404, 413, 422, 429),
    },
)
def replan(
    plan_id: str,
    body: ReplanCreate,
    principal: Editor,
    session: SessionDep,
    settings: SettingsDep,
    wait: Wait = 0,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """A run of the plan's rest: started projects are mandatory, recorded spend comes off the budgets,
    recorded reductions replace estimates, and everything not started is optimised again
    (`optimizer.planning.followup.replan_inputs`; 422 with located problems, e.g. actuals in or after `as_of`).

    The derived list is stored as a new version of "<plan's list> – re-plan <as_of>" and the run is
    queued like `POST /v1/runs`, with `plan_id` set; what it was derived from is kept with it for its
    difference from the plan.
    """
    org = principal.organisation_id
    request_sha = idempotency.fingerprint(plan_id, body.model_dump(mode="json"))
    replayed = idempotency.replay(session, org, REPLAN_ENDPOINT, idempotency_key, request_sha)
    if replayed is not None:
        return replayed
    plan = own_plan(session, principal, plan_id)
    content = adopted(plan)
    try:
        inputs = replan_inputs(content, actuals_of(stored_actuals(session, plan.id)), as_of=body.as_of)
    except InputError as error:
        raise invalid_input(error, "the plan cannot be re-planned") from None
    basis = plain_json(inputs.basis.model_dump(mode="json"))
    original = session.get(Run, plan.run_id)
    record = session.get(ProjectListRecord, original.project_list_id) if original else None
    suffix = f" – re-plan {inputs.basis.as_of}"
    list_name = f"{(record.name if record else 'plan')[: 200 - len(suffix)]}{suffix}"
    content_bytes = project_json(inputs.records)
    try:
        projects = read_projects_bytes(content_bytes, file_type=".json", source_name=list_name)
    except InputError as error:  # the derived list must read back as the worker will read it
        raise invalid_input(error, "the re-planned project list is not valid") from None
    scenario = time_limited(inputs.scenario, settings, body.time_limit_s)
    upload = Upload(list_name, ".json", content_bytes, list_name, len(projects))
    for _attempt in range(MAX_ATTEMPTS):
        try:
            stored = store_list(session, org, principal.key_id, upload, len(projects))
            run = new_run(
                session,
                settings,
                principal,
                stored,
                scenario,
                projects=projects,
                plan_id=plan.id,
                replan_basis=basis,
            )
            response = remember_created(session, org, REPLAN_ENDPOINT, idempotency_key, request_sha, run)
            break
        except IntegrityError:  # the same list version or idempotency key at the same moment
            session.rollback()
            replayed = idempotency.replay(session, org, REPLAN_ENDPOINT, idempotency_key, request_sha)
            if replayed is not None:
                return replayed
    else:
        raise ProblemError(409, "too many re-plans of this plan at once; try again", type_="conflict")
    return wait_or_respond(session, settings, run, response, wait)


@router.get(
    "/v1/plans/{plan_id}/replans",
    response_model=Page[RunSummary],
    summary="The re-plan runs of a plan, newest first",
    responses=problem_responses(401, 403, 404, 422),
)
def list_replans(
    plan_id: str, principal: Viewer, session: SessionDep, limit: Limit = 50, offset: Offset = 0
) -> Page[RunSummary]:
    """Paged with `?limit=` (1–200, default 50) and `?offset=`; read each with `GET /v1/runs/{id}`."""
    plan = own_plan(session, principal, plan_id)
    where = [Run.organisation_id == principal.organisation_id, Run.plan_id == plan.id]
    rows, total = fetch_page(session, Run, where, (Run.created_at.desc(), Run.id), limit, offset)
    return Page[RunSummary](
        items=[RunSummary.model_validate(r) for r in rows], limit=limit, offset=offset, total=total
    )


@router.get(
    "/v1/plans/{plan_id}/difference",
    response_model=PlanDifferenceOut,
    summary="How a run's portfolio differs from the plan",
    responses=problem_responses(401, 403, 404, 409, 422),
)
def get_difference(
    plan_id: str,
    principal: Viewer,
    session: SessionDep,
    run_id: Annotated[str, Query(max_length=36, description="a finished run, usually a re-plan of the plan")],
) -> Any:
    """As `optimizer.planning.followup.plan_difference`, for a run that succeeded with a portfolio (409 otherwise).
    A re-plan of this plan is compared with the basis stored when it was submitted."""
    plan = own_plan(session, principal, plan_id)
    run = own_run(session, principal, run_id)
    result = with_portfolio(run, "compared with the plan")
    basis = (
        ReplanBasis.model_validate(run.replan_basis)
        if run.plan_id == plan.id and run.replan_basis is not None
        else None
    )
    difference = plan_difference(adopted(plan), result, basis=basis)
    body = {"plan_id": plan.id, "run_id": run.id, **difference.to_dict()}
    return JSONResponse(jsonable_encoder(plain_json(body)))
