"""A run's page and what comes of it: its progress while it waits and solves, then the result in
words, tables and charts (each chart with its figures as a table), the explanation when it was asked
for, a page per measure (why it is funded, or what it would take), and the downloads (the funded
measures as CSV and Excel, the board report).

The funded measures are filtered and sorted by the server (`?q=&sort=&order=`), so that the table
works as plain links and a form; htmx asks for the table's region only (`HX-Target: measures`) and
opens a measure's page in a panel of the run's page (`HX-Target: measure-panel`).
"""

from __future__ import annotations

import base64
import io
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlencode

import openpyxl
from cachetools import LRUCache, cached
from cachetools.keys import hashkey
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.data import RunData, own_run, principal_names
from api.db import ProjectListRecord, Run
from api.deps import Person, SessionDep
from api.jobs.states import RunState
from api.problems import ProblemError
from api.web.i18n import N_, Words, language
from api.web.render import WebError, is_htmx, language_of, page
from models import ProjectList, Result, Scenario, Selection
from models.scenario import CumulativeObjective
from models.thresholds import WhyInRow, WhyNotRow
from optimizer.reporting.language import sector_name
from optimizer.reporting.tables import CSV_COLUMNS, write_csv

router = APIRouter(include_in_schema=False)

POLL_MS = 250
"""Between two looks at a run that is not done: short enough that a finished run shows within a second."""

MEASURES = "measures"
"""The region of the funded measures' table, swapped alone when it is sorted or filtered."""
PANEL = "measure-panel"
"""The region of the run's page a measure's page opens in."""


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(
    request: Request, run_id: str, person: Person, session: SessionDep, q: str = "", sort: str = "", order: str = ""
) -> Response:
    """The run: its progress until it is done (polled), then its result; `q`, `sort` and `order` filter
    and sort the funded measures (values it does not know are ignored)."""
    run = _own(session, person, run_id)
    data = RunData(session, run)  # the list is read once, for the charts and the measures left out
    result = data.result if run.state == RunState.SUCCEEDED and run.result is not None else None
    lang = language_of(request)
    table = _measure_table(result, run.id, lang, q=q, sort=sort, order=order) if result is not None else None
    if table is not None and _swapping(request, MEASURES):  # only the table: nothing else is computed
        return page(request, "run.html", partial=MEASURES, run=run, table=table, swapped=True)
    record = session.get(ProjectListRecord, run.project_list_id)
    analysis = run.analysis or {}
    charts = _charts(data, lang) if result is not None and result.has_portfolio else {}
    return page(
        request,
        "run.html",
        partial="state" if _swapping(request, "state") else None,
        active="runs",
        run=run,
        record=record,
        result=result,
        table=table,
        swapped=False,
        districts=_districts(result) if result is not None else [],
        why_not=_figures(analysis.get("why_not"), WhyNotRow),
        why_in=_figures(analysis.get("why_in"), WhyInRow),
        rule_prices=_rule_prices(analysis.get("rule_prices"), result),
        left_out=_left_out(data.projects, result) if result is not None and analysis.get("why_not") else {},
        explained=bool(analysis.get("explain")),
        notes=analysis.get("notes") or [],
        charts=charts,
        counted=_counted(data.scenario, lang) if result is not None else "",
        who=principal_names(session, [run.submitted_by]),
        finished=run.state.finished,
        poll_ms=POLL_MS,
    )


@router.get("/runs/{run_id}/measures/{project_id:path}", response_class=HTMLResponse)
def measure_page(request: Request, run_id: str, project_id: str, person: Person, session: SessionDep) -> Response:
    """One measure of a run's list: its figures, and why it is funded or what it would take to fund it
    (when the run was explained); a page of its own, or the panel of the run's page for htmx."""
    data = _succeeded(session, person, run_id)
    analysis = data.run.analysis or {}
    measure = _measure(data, project_id, analysis, language_of(request))
    panel = _swapping(request, PANEL)
    return page(
        request,
        "measure.html",
        partial="measure" if panel else None,
        active="runs",
        run=data.run,
        measure=measure,
        panel=panel,
        explained=bool(analysis.get("explain")),
        notes=analysis.get("notes") or [],
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
        for cell in measures[measures.max_row][:4]:  # an uploader's text, kept as text: never a formula
            cell.data_type = "s"
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
def report(
    request: Request, run_id: str, person: Person, session: SessionDep, lang: str | None = None
) -> Response:
    """The board report in the page's language (or `lang`, sv or en): the same document as
    `GET /v1/runs/{id}/report`, made to be printed or saved as PDF from the browser."""
    data = _succeeded(session, person, run_id)
    return HTMLResponse(_report(data, language(lang) if lang else language_of(request)))


FINISHED_RUNS_KEPT = 32
"""How many finished runs' charts (and 16 runs' reports) a web process keeps drawn."""
_CHARTS: LRUCache[Any, dict[str, Chart]] = LRUCache(maxsize=FINISHED_RUNS_KEPT)
_REPORTS: LRUCache[Any, str] = LRUCache(maxsize=FINISHED_RUNS_KEPT // 2)


def _finished_run_key(data: RunData, lang: str) -> tuple[Any, ...]:
    """A finished run never changes: what is drawn from it is kept by run, its end and the language."""
    return hashkey(data.run.id, data.run.finished_at, lang)


@cached(_REPORTS, key=_finished_run_key, lock=threading.Lock())
def _report(data: RunData, lang: str) -> str:
    """The report's HTML, drawn once per run and language (its charts are most of a second)."""
    from optimizer.reporting.report import build_report  # imported here: drawing is the slow part

    record = data.session.get(ProjectListRecord, data.run.project_list_id)
    analysis = data.run.analysis or {}
    return build_report(
        data.projects,
        data.scenario,
        data.result,
        lang=lang,
        why_not=analysis.get("why_not"),
        study=analysis.get("uncertainty"),
        input_sha256=data.run.input_sha256,
        source_name=None if record is None else f"{record.name} v{record.version}",
    )


@dataclass(frozen=True)
class Chart:
    """A chart as the page shows it: an SVG image with its alt text, and its figures as a table."""

    src: str
    alt: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    """The figures (none: they are a table of the page already, such as the budget use)."""


MACC_ROWS = 25
"""The cheapest tonnes shown in the cost curve's table (the chart has them all)."""


@cached(_CHARTS, key=_finished_run_key, lock=threading.Lock())
def _charts(data: RunData, lang: str) -> dict[str, Chart]:
    """The budget use per year, the spend per district, the cost curve (MACC) of the run's list, and the
    emissions pathway when the scenario has a target."""
    from optimizer.reporting.charts import (
        budget_chart,
        describe,
        district_chart,
        macc_chart,
        pathway_chart,
        render,
    )

    def embedded(figure: Any) -> tuple[str, str]:
        return "data:image/svg+xml;base64," + base64.b64encode(render(figure, "svg")).decode("ascii"), describe(figure)

    result = data.result
    charts = {
        "budget": Chart(*embedded(budget_chart(result, lang=lang))),
        "district": Chart(*embedded(district_chart(result, lang=lang))),
    }
    chosen = {s.id for s in result.selected}
    curve = data.macc
    src, alt = embedded(macc_chart(curve, lang=lang, names=dict(zip(curve["id"], curve["name"], strict=True))))
    rows = [
        {"id": r.id, "name": r.name, "t": r.abatement_t, "sek_per_t": r.sek_per_t, "chosen": r.id in chosen}
        for r in curve.head(MACC_ROWS).itertuples()
    ]
    charts["macc"] = Chart(src, alt, rows)
    pathway = result.pathway
    if pathway is not None:
        src, alt = embedded(pathway_chart(pathway, lang=lang))
        charts["pathway"] = Chart(
            src, alt, [{"year": y.year, "emissions_t": y.emissions_t, "target_t": y.target_t} for y in pathway.years]
        )
    return charts


@dataclass(frozen=True)
class Column:
    """A column of the funded measures' table; its key is the value of `sort`."""

    key: str
    label: str
    numeric: bool = False


COLUMNS = (
    Column("id", N_("Id")),
    Column("name", N_("Measure")),
    Column("district", N_("District")),
    Column("sector", N_("Sector")),
    Column("fraction", N_("Share funded"), numeric=True),
    Column("cost", N_("Cost"), numeric=True),
    Column("reduction", N_("Reduction (t)"), numeric=True),
)
ORDERS = ("asc", "desc")
QUERY_CHARS = 200
"""The longest filter kept: longer text is cut (no measure's fields are that long)."""


@dataclass(frozen=True)
class MeasureTable:
    """The funded measures as asked for: those matching `q`, sorted by `sort` (None: the list's order)
    in `order`, each with its sector's name; `total` counts them all."""

    run_id: str
    rows: list[tuple[Selection, str]]
    total: int
    q: str
    sort: str | None
    order: str
    columns: ClassVar[tuple[Column, ...]] = COLUMNS

    def href(self, key: str) -> str:
        """The table sorted by `key`: ascending, or the other way round when it is already sorted by it."""
        order = "desc" if self.sort == key and self.order == "asc" else "asc"
        return self.link(sort=key, order=order)

    def link(self, **changes: str) -> str:
        """This table's address with `changes` to its query (empty values left out)."""
        query = {"q": self.q, "sort": self.sort or "", "order": self.order if self.sort else "", **changes}
        encoded = urlencode({k: v for k, v in query.items() if v})
        return f"/runs/{self.run_id}" + (f"?{encoded}" if encoded else "")

    def aria_sort(self, key: str) -> str | None:
        if self.sort != key:
            return None
        return "ascending" if self.order == "asc" else "descending"


def _measure_table(result: Result, run_id: str, lang: str, *, q: str, sort: str, order: str) -> MeasureTable:
    """The funded measures filtered by `q` (in id, name, district or sector, as written or as shown) and
    sorted by `sort`; an unknown `sort` or `order` is ignored, as in a link cut short or typed by hand."""
    text = q.strip()[:QUERY_CHARS]
    needle = text.casefold()
    rows = [(s, sector_name(s.sector, lang=lang)) for s in result.selected]
    if needle:
        rows = [row for row in rows if any(needle in v.casefold() for v in _searched(*row))]
    key = _sort_key(sort, lang)
    direction = order if order in ORDERS else "asc"
    if key is not None:
        rows.sort(key=lambda row: key(*row), reverse=direction == "desc")  # stable: ties keep the list's order
    return MeasureTable(run_id, rows, len(result.selected), text, sort if key is not None else None, direction)


def _searched(s: Selection, sector: str) -> tuple[str, ...]:
    """What the filter looks in: the sector both as the list writes it and as the page shows it."""
    return (s.id, s.name, s.district or "", s.sector, sector)


def _sort_key(column: str, lang: str) -> Callable[[Selection, str], Any] | None:
    """What the table is sorted on for the column `column` (None: not a column)."""
    keys: dict[str, Callable[[Selection, str], Any]] = {
        "id": lambda s, _: _text_key(s.id, lang),
        "name": lambda s, _: _text_key(s.name, lang),
        "district": lambda s, _: _text_key(s.district or "", lang),
        "sector": lambda _, sector: _text_key(sector, lang),
        "fraction": lambda s, _: s.fraction,
        "cost": lambda s, _: s.cost_sek,
        "reduction": lambda s, _: s.abatement_t,
    }
    return keys.get(column)


_SWEDISH_LAST = str.maketrans({"å": "z\u0001", "ä": "z\u0002", "æ": "z\u0002", "ö": "z\u0003", "ø": "z\u0003"})


def _text_key(text: str, lang: str) -> tuple[str | int, ...]:
    """Text as a reader sorts it: case ignored, numbers by their value (T2 before T10), and in Swedish
    å, ä, ö after z."""
    folded = text.casefold()
    if lang == "sv":
        folded = folded.translate(_SWEDISH_LAST)
    return tuple(int(part) if i % 2 else part for i, part in enumerate(re.split(r"(\d+)", folded)))


@dataclass(frozen=True)
class Measure:
    """One measure of a run's list as its page shows it: its figures from the list, what the run gave it
    (`funded`: None when left out) and the why-in or why-not figures (None: not computed for it)."""

    id: str
    name: str
    sector: str
    district: str
    cost_sek: float
    """The list's total cost."""
    abatement_t_per_year: float
    funded: Selection | None
    why_in: WhyInRow | None
    why_not: WhyNotRow | None
    figures: bool
    """Whether the run has why-in (funded) or why-not (left out) figures at all."""


def _measure(data: RunData, project_id: str, analysis: dict[str, Any], lang: str) -> Measure:
    """The measure `project_id` of the run's list; 404 when the list has none."""
    projects = data.projects
    where = {str(pid): i for i, pid in enumerate(projects.ids)}
    if project_id not in where:
        raise WebError(404, "There is no measure %(id)s in this run's list.", id=project_id)
    i = where[project_id]
    row = projects.table.iloc[i]
    funded = next((s for s in data.result.selected if s.id == project_id), None)
    kind = "why_in" if funded is not None else "why_not"
    return Measure(
        id=project_id,
        name=str(row["name"]),
        sector=sector_name(row["sector"], lang=lang),
        district=str(row["district"] or ""),
        cost_sek=float(projects.total_cost[i]),
        abatement_t_per_year=float(row["abatement_t_per_year"]),
        funded=funded,
        why_in=_figures(analysis.get("why_in"), WhyInRow).get(project_id) if funded is not None else None,
        why_not=_figures(analysis.get("why_not"), WhyNotRow).get(project_id) if funded is None else None,
        figures=analysis.get(kind) is not None,
    )


def _swapping(request: Request, region: str) -> bool:
    """Whether htmx asks for the region `region` alone (else the whole page: a link, a reload, or htmx
    restoring its history)."""
    return is_htmx(request) and request.headers.get("HX-Target") == region


def _counted(scenario: Scenario, lang: str) -> str:
    """How the result's tonnes are counted, in words: over the lifetimes, a year, or up to a year."""
    words, tonnes = Words(lang), scenario.tonnes_measure
    if isinstance(tonnes, CumulativeObjective):
        return words("up to and including %(year)s", year=tonnes.cumulative_to)
    return words("a year") if tonnes == "annual" else words("over the measures' lifetimes")


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


def _districts(result: Result) -> list[tuple[str, float, float, float]]:
    """Per district of the funded measures: cost, municipal cost and tonnes, in the district chart's
    order (most money first)."""
    totals: dict[str, list[float]] = {}
    for s in result.selected:
        entry = totals.setdefault(s.district or "", [0.0, 0.0, 0.0])
        entry[0] += s.cost_sek
        entry[1] += s.municipal_cost_sek
        entry[2] += s.abatement_t
    return sorted(((d, c, m, t) for d, (c, m, t) in totals.items()), key=lambda item: (-item[1], item[0]))
