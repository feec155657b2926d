"""A run's page and what comes of it: its progress while it waits and solves, then the result in
words, tables and charts (each chart with its figures as a table), the explanation when it was asked
for, and the downloads (the funded measures as CSV and Excel, the board report).
"""

from __future__ import annotations

import base64
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import openpyxl
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.data import RunData, own_run, principal_names
from api.db import ProjectListRecord, Run
from api.deps import Person, SessionDep
from api.jobs.states import RunState
from api.problems import ProblemError
from api.web.render import WebError, language_of, page
from models import ProjectList, Result
from models.thresholds import WhyInRow, WhyNotRow
from optimizer.reporting.tables import CSV_COLUMNS, write_csv

router = APIRouter(include_in_schema=False)

POLL_MS = 500
"""Between two looks at a run that is not done: short enough that a finished run shows within a second."""

@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str, person: Person, session: SessionDep) -> Response:
    run = _own(session, person, run_id)
    record = session.get(ProjectListRecord, run.project_list_id)
    data = RunData(session, run)  # the list is read once, for the charts and the measures left out
    result = data.result if run.state == RunState.SUCCEEDED and run.result is not None else None
    analysis = run.analysis or {}
    charts = _charts(data, language_of(request)) if result is not None and result.has_portfolio else {}
    return page(
        request,
        "run.html",
        partial="state",
        active="runs",
        run=run,
        record=record,
        result=result,
        districts=_districts(result) if result is not None else [],
        why_not=_figures(analysis.get("why_not"), WhyNotRow),
        why_in=_figures(analysis.get("why_in"), WhyInRow),
        rule_prices=_rule_prices(analysis.get("rule_prices"), result),
        left_out=_left_out(data.projects, result) if result is not None and analysis.get("why_not") else {},
        explained=bool(analysis.get("explain")),
        notes=analysis.get("notes") or [],
        charts=charts,
        who=principal_names(session, [run.submitted_by]),
        finished=run.state.finished,
        poll_ms=POLL_MS,
    )


@router.get("/runs/{run_id}/portfolio.csv")
def portfolio_csv(run_id: str, person: Person, session: SessionDep) -> Response:
    """The funded measures as the CLI's `--format csv` writes them (UTF-8 with BOM, for Excel)."""
    result = _succeeded(session, person, run_id).result
    out = io.StringIO()
    write_csv(result, out)
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="run-{run_id}.csv"'},
    )


@router.get("/runs/{run_id}/portfolio.xlsx")
def portfolio_xlsx(run_id: str, person: Person, session: SessionDep) -> Response:
    """The funded measures and the budget use as an Excel workbook (numbers as numbers)."""
    result = _succeeded(session, person, run_id).result
    workbook = openpyxl.Workbook()
    measures = workbook.active
    assert measures is not None
    measures.title = "portfolio"
    measures.append(list(CSV_COLUMNS[:8]))
    for s in result.selected:
        measures.append(
            [s.id, s.name, s.sector, s.district or "", s.fraction, s.cost_sek, s.municipal_cost_sek, s.abatement_t]
        )
    budget = workbook.create_sheet("budget")
    budget.append(["year", "budget_sek", "spend_sek", "slack_sek"])
    for b in result.budget:
        budget.append(["all" if b.year is None else b.year, b.budget_sek, b.spend_sek, b.slack_sek])
    out = io.BytesIO()
    workbook.save(out)
    return Response(
        out.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="run-{run_id}.xlsx"'},
    )


@router.get("/runs/{run_id}/report", response_class=HTMLResponse)
def report(request: Request, run_id: str, person: Person, session: SessionDep) -> Response:
    """The board report in the page's language: the same document as `GET /v1/runs/{id}/report`."""
    from optimizer.reporting.report import build_report  # imported here: drawing is the slow part

    data = _succeeded(session, person, run_id)
    record = session.get(ProjectListRecord, data.run.project_list_id)
    analysis = data.run.analysis or {}
    html = build_report(
        data.projects,
        data.scenario,
        data.result,
        lang=language_of(request),
        why_not=analysis.get("why_not"),
        study=analysis.get("uncertainty"),
        input_sha256=data.run.input_sha256,
        source_name=None if record is None else f"{record.name} v{record.version}",
    )
    return HTMLResponse(html)


@dataclass(frozen=True)
class Chart:
    """A chart as the page shows it: an SVG image with its alt text, and its figures as a table."""

    src: str
    alt: str
    rows: list[dict[str, Any]]


MACC_ROWS = 25
"""The cheapest tonnes shown in the cost curve's table (the chart has them all)."""


def _charts(data: RunData, lang: str) -> dict[str, Chart]:
    """The cost curve (MACC) of the run's list, and the emissions pathway when the scenario has a target."""
    from optimizer.reporting.charts import describe, macc_chart, pathway_chart, render

    def embedded(figure: Any) -> tuple[str, str]:
        return "data:image/svg+xml;base64," + base64.b64encode(render(figure, "svg")).decode("ascii"), describe(figure)

    chosen = {s.id for s in data.result.selected}
    curve = data.macc
    src, alt = embedded(macc_chart(curve, lang=lang, names=dict(zip(curve["id"], curve["name"], strict=True))))
    rows = [
        {"id": r.id, "name": r.name, "t": r.abatement_t, "sek_per_t": r.sek_per_t, "chosen": r.id in chosen}
        for r in curve.head(MACC_ROWS).itertuples()
    ]
    charts = {"macc": Chart(src, alt, rows)}
    pathway = data.result.pathway
    if pathway is not None:
        src, alt = embedded(pathway_chart(pathway, lang=lang))
        charts["pathway"] = Chart(
            src, alt, [{"year": y.year, "emissions_t": y.emissions_t, "target_t": y.target_t} for y in pathway.years]
        )
    return charts


def _succeeded(session: SessionDep, person: Person, run_id: str) -> RunData:
    """The run's inputs and result, once it has one (409 before)."""
    run = _own(session, person, run_id)
    if run.state != RunState.SUCCEEDED or run.result is None:
        raise WebError(409, "The run has no result yet.")
    return RunData(session, run)


def _figures(rows: Any, row_type: type[WhyNotRow | WhyInRow]) -> dict[str, Any]:
    """Why-not or why-in figures by measure id, typed; none when they were not computed."""
    return {row["id"]: row_type.model_validate(row) for row in rows or []}


def _rule_prices(rows: Any, result: Result | None) -> list[tuple[str, float | None]]:
    """What each rule costs in tonnes: the optimum without it less the optimum with it (None: unknown)."""
    if not rows or result is None or result.objective_value_t is None:
        return []
    return [
        (
            str(row["name"]),
            None
            if row.get("objective_without_rule_t") is None
            else max(float(row["objective_without_rule_t"]) - result.objective_value_t, 0.0),
        )
        for row in rows
    ]


def _left_out(projects: ProjectList, result: Result) -> dict[str, tuple[str, float]]:
    """The measures not funded: name and cost, by id, in the list's order."""
    chosen = {s.id for s in result.selected}
    names = projects.table["name"].astype(str).tolist()
    costs = projects.total_cost
    return {
        pid: (names[i], float(costs[i]))
        for i, pid in enumerate(str(x) for x in projects.ids)
        if pid not in chosen
    }


def _own(session: SessionDep, person: Person, run_id: str) -> Run:
    try:
        return own_run(session, person.principal, run_id)
    except ProblemError:
        raise WebError(404, "There is no run %(id)s in your organisation.", id=run_id) from None


def _districts(result: Result) -> list[tuple[str, float, float]]:
    """Per district of the funded measures: municipal cost and tonnes, most money first."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for s in result.selected:
        entry = totals[s.district or ""]
        entry[0] += s.municipal_cost_sek
        entry[1] += s.abatement_t
    return sorted(((d, c, t) for d, (c, t) in totals.items()), key=lambda item: -item[1])
