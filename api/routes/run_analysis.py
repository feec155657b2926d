"""Decision analysis of a run: its MACC, its charts, and how it differs from another run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import HTMLResponse, Response
from matplotlib.figure import Figure

from api.analysis import macc_rows
from api.data import RunData, own_run, stored_result
from api.db import ProjectListRecord, Run
from api.deps import SessionDep, Viewer
from api.jobs.states import RunState
from api.problems import ProblemError, problem_responses
from api.schemas import MaccRow, RunComparison
from optimizer.analysis.compare import compare
from optimizer.reporting.charts import (
    budget_chart,
    district_chart,
    frontier_chart,
    funding_chart,
    macc_chart,
    pathway_chart,
    render,
    robustness_chart,
    uncertainty_chart,
)

router = APIRouter(prefix="/v1/runs", tags=["analysis"])

ChartFormat = Literal["png", "svg"]
MEDIA_TYPES: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml"}


CHARTS: dict[str, Callable[[RunData], Figure]] = {
    "macc": lambda d: macc_chart(d.macc, title=f"Marginal abatement cost curve ({d.objective})"),
    "macc_lifecycle": lambda d: macc_chart(
        d.macc_lifecycle, title=f"Lifecycle cost per tonne ({d.objective})", per_t="lifecycle_sek_per_t"
    ),
    "frontier": lambda d: frontier_chart(d.frontier, title=f"Budget frontier: {d.title}"),
    "budget": lambda d: budget_chart(d.portfolio),
    "district": lambda d: district_chart(d.portfolio),
    "funding": lambda d: funding_chart(d.portfolio),
    "pathway": lambda d: pathway_chart(d.pathway, title=f"Emissions pathway: {d.title}"),
    "uncertainty": lambda d: uncertainty_chart(d.uncertainty, title=f"How sure is the reduction? {d.title}"),
    "robustness": lambda d: robustness_chart(d.uncertainty, title=f"How robust is each choice? {d.title}"),
}
"""Chart name → how it is drawn from a run; a new chart is one line here."""


def succeeded(run: Run) -> Run:
    """The run, if it has succeeded (409 otherwise)."""
    if run.state != RunState.SUCCEEDED:
        raise ProblemError(
            409,
            f"run {run.id} is {run.state}: only a succeeded run has a result to chart or compare",
            type_="not-succeeded",
        )
    return run


def _format(format_: ChartFormat | None, accept: str | None) -> ChartFormat:
    """`?format=` if given; else SVG when the Accept header asks for SVG and not PNG; else PNG."""
    if format_ is not None:
        return format_
    accepted = accept or ""
    return "svg" if "image/svg+xml" in accepted and "image/png" not in accepted else "png"


@router.get(
    "/{run_id}/macc",
    response_model=list[MaccRow],
    summary="The marginal abatement cost curve of a run's project list, as data",
    responses=problem_responses(401, 403, 404, 422),
)
def get_macc(
    run_id: str,
    principal: Viewer,
    session: SessionDep,
    basis: Annotated[
        Literal["investment", "lifecycle"],
        Query(description="order by investment per tonne, or by lifecycle cost per tonne (savings first)"),
    ] = "investment",
) -> list[dict[str, Any]]:
    """One row per project, cheapest tonne first, in the run's objective (as `python -m optimizer macc
    --format json [--basis lifecycle]`). It ranks the run's projects under its scenario's objective only
    (rules and budgets are ignored; overlaps are not counted twice), so it is there whatever the run's
    state."""
    data = RunData(session, own_run(session, principal, run_id))
    return macc_rows(data.macc_lifecycle if basis == "lifecycle" else data.macc)


@router.get(
    "/{run_id}/charts/{name}",
    response_class=Response,
    summary=f"A chart of a run: {', '.join(CHARTS)} (PNG, or SVG)",
    responses={
        200: {
            "description": "The chart; its title and alt text are in the file's metadata",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}} for media in MEDIA_TYPES.values()
            },
        },
        **problem_responses(401, 403, 404, 409, 422),
    },
)
def get_chart(
    run_id: str,
    name: str,
    principal: Viewer,
    session: SessionDep,
    format: Annotated[
        ChartFormat | None,
        Query(description="png (default) or svg; without it, `Accept: image/svg+xml` gives SVG"),
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """`budget` and `district` need a result with a portfolio, `frontier` a run submitted with
    `frontier_budgets_sek`, `uncertainty` and `robustness` one submitted with `uncertainty`; each chart
    needs a succeeded run (409 otherwise)."""
    run = own_run(session, principal, run_id)
    if name not in CHARTS:
        raise ProblemError(404, f"no chart {name!r}; the charts are: {', '.join(CHARTS)}", type_="not-found")
    figure = CHARTS[name](RunData(session, succeeded(run)))
    fmt = _format(format, accept)
    return Response(
        render(figure, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'inline; filename="run-{run.id}-{name}.{fmt}"',
            "Vary": "Accept",
        },
    )


@router.get(
    "/{run_id}/compare/{other_id}",
    response_model=RunComparison,
    summary="How another run's portfolio differs from this run's",
    responses=problem_responses(401, 403, 404, 409, 422),
)
def compare_runs(run_id: str, other_id: str, principal: Viewer, session: SessionDep) -> RunComparison:
    """Projects that entered (funded in the other run only), left, changed fraction or were kept, and the
    difference (other − this) of the totals and of the spend per budget period. Both runs must be the
    organisation's (404) and have succeeded (409)."""
    base, other = own_run(session, principal, run_id), own_run(session, principal, other_id)
    comparison = compare(stored_result(succeeded(base)), stored_result(succeeded(other)))
    return RunComparison(base_run_id=base.id, other_run_id=other.id, **comparison.model_dump())


@router.get(
    "/{run_id}/report",
    response_class=HTMLResponse,
    summary="A plain-language HTML report of a run, in Swedish (default) or English",
    responses={
        200: {"description": "One self-contained HTML document (charts embedded, no network needed)"},
        **problem_responses(401, 403, 404, 409, 422),
    },
)
def get_report(
    run_id: str,
    principal: Viewer,
    session: SessionDep,
    lang: Annotated[Literal["sv", "en"], Query(description="sv (default) or en")] = "sv",
) -> HTMLResponse:
    """For the board and the public: what is funded and why, what it achieves towards 2030, cost per
    tonne, districts and equity rules, what was left out and what it would take (with the run's
    `why_not` when it was submitted with `explain`), how sure the figures are (with its `uncertainty`
    study), and the data and solver behind it (input SHA-256, versions). Needs a succeeded run (409)."""
    from optimizer.reporting.report import build_report

    run = succeeded(own_run(session, principal, run_id))
    data = RunData(session, run)
    record = session.get(ProjectListRecord, run.project_list_id)
    analysis = run.analysis or {}
    html = build_report(
        data.projects,
        data.scenario,
        data.result,
        lang=lang,
        why_not=analysis.get("why_not"),
        study=analysis.get("uncertainty"),
        input_sha256=run.input_sha256,
        source_name=None if record is None else f"{record.name} v{record.version}",
    )
    return HTMLResponse(
        html, headers={"Content-Disposition": f'inline; filename="run-{run.id}-report-{lang}.html"'}
    )
