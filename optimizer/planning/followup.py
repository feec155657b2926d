"""The follow-up cycle: adopt a run as the plan, record what was actually spent and reduced, report the
plan's status, and re-plan what is still open.

Re-planning as of a year `as_of` (default: the year after the latest recorded actual, or the plan's first
budget year when nothing is recorded) treats every year before `as_of` as closed and re-optimises the
open ones:

* Actuals must all be for closed years (a year on or after `as_of` is an input error: it is not closed).
* Started projects (in the adopted plan, with some actual spend or an adopted start before `as_of`) are
  committed: they stay in the list as mandatory, not phased and not divisible, at their adopted start and
  at the fraction adopted, with their adopted planned cost in the open years only (grant and cost range
  scaled pro rata to that remaining cost; the reduction, its range and other `*_per_year` columns, and
  the scenario's co-benefit columns, scaled by the fraction adopted). A started project with no planned
  cost left is finished: it leaves the candidate list (its reductions go on, but there is nothing left
  to decide about it); another member of its exclusive group is dropped with it, and projects that
  require it no longer need it.
* Every other project may only spend from `as_of`: a phased project starts no earlier than `as_of`; a
  fixed one planned to start before `as_of` becomes phased from `as_of` (a divisible one cannot be phased
  and is dropped); a latest start before `as_of` is removed. Projects without a year spend in the
  scenario's first year, which becomes `as_of`. Projects that can then start in no year whose spending
  fits the budget years, and projects requiring a dropped project, are dropped too (`basis.dropped`).
* Budgets: a budget per year keeps the open years only (actual spend fell in closed years, so planned
  plus actual spend never exceeds the budget of an open year); a single budget over all years becomes
  the budget minus all actual spend (never below 0).
* Actual reductions: a project with reductions recorded in years it was in operation (from its adopted
  `operating_from`) gets their mean as `abatement_t_per_year`, without the estimate's range.
* Rules are kept (include / exclude without dropped or finished projects; interactions naming them are
  left out). Rules apply to what is still to be spent and decided: the committed remainder of started
  projects and the new choices, not to money already spent. Funding pools keep the capacity of the open
  years; a single capacity loses what the adopted plan drew from it in closed years (actual pool
  payments are not recorded).
"""

from __future__ import annotations

import difflib
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from models import ActualEntry, Actuals, AdoptedPlan, ReplanBasis, Result, Scenario
from models.amounts import ALL_YEARS, PerYear
from models.project import PROFILE_PREFIX, ProjectList
from optimizer.io.fingerprint import canonical_json, input_sha256
from optimizer.io.problems import InputError, Problem
from optimizer.io.readers import (
    MAX_YEAR,
    MEMORY_SOURCE,
    MIN_YEAR,
    Problems,
    RawTable,
    message_number,
    normalise_header,
    parse_json,
    parse_numbers,
    parse_texts,
    read_file_bytes,
    read_projects,
    table_from_csv,
    table_from_frame,
    table_from_records,
)
from optimizer.model.fit import resolve_first_year
from optimizer.model.phasing import start_options
from optimizer.model.solve import solve

__all__ = [
    "PlanDifference",
    "PlanStatus",
    "Replan",
    "ReplanBasis",
    "ReplanInputs",
    "adopt",
    "load_plan",
    "plan_difference",
    "plan_json",
    "plan_projects",
    "plan_status",
    "project_records",
    "read_actuals",
    "read_plan",
    "replan",
    "replan_inputs",
]

ACTUAL_FILE_TYPES = (".csv", ".json")
COST_EPSILON_SEK = 1e-6
"""Planned cost below this (solver noise on a tiny fraction) is no cost."""
_CORE_ORDER = ("id", "name", "sector", "district", "cost_sek", "year")


# --------------------------------------------------------------------------------------------
# Project lists as records, adopting a plan, reading one back
# --------------------------------------------------------------------------------------------


def project_records(projects: ProjectList) -> list[dict[str, Any]]:
    """The list as records that `read_projects` reads back to an equal list (table, costs, tags).

    Empty cells are omitted, except in the first record, which names every column (None where empty) so
    that the column order and tag columns that are empty throughout survive the round trip.
    """
    table = projects.table
    scheduled = projects.scheduled_cost.to_numpy(dtype=float)
    years = projects.cost_years
    spent_years = (scheduled > 0).sum(axis=1)
    from_profile = projects.cost_from_profile
    other_columns = [c for c in table.columns if c not in ("row", *_CORE_ORDER)]
    profile_keys = [f"{PROFILE_PREFIX}{y}" for y in years]
    records = []
    for pos in range(len(projects)):
        record: dict[str, Any] = {}
        for column in ("id", "name", "sector", "district"):
            _put(record, column, table[column].iat[pos])
        if projects.unscheduled_cost[pos] > 0:
            record["cost_sek"] = _plain(projects.unscheduled_cost[pos])
        elif (from_profile is not None and from_profile[pos]) or spent_years[pos] != 1:
            for key, amount in zip(profile_keys, scheduled[pos], strict=True):
                if amount > 0:
                    record[key] = _plain(amount)
        else:
            col = int(np.flatnonzero(scheduled[pos] > 0)[0])
            record["cost_sek"] = _plain(scheduled[pos, col])
            record["year"] = years[col]
        for column in other_columns:
            _put(record, column, table[column].iat[pos])
        for column in projects.tags.columns:
            _put(record, column, projects.tags[column].iat[pos])
        records.append(record)
    used = {k for r in records for k in r} | set(projects.tags.columns)
    order = [*_CORE_ORDER, *profile_keys, *other_columns, *projects.tags.columns]
    return _first_names_all(records, [c for c in order if c in used])


def _put(record: dict[str, Any], key: str, value: Any) -> None:
    """Set a cell unless it is empty (None, NaN, False, no ids, a grant of 0)."""
    if value is None or isinstance(value, bool | np.bool_) and not value:
        return
    if isinstance(value, tuple | list):
        if value:
            record[key] = list(value)
        return
    if isinstance(value, float | np.floating) and (math.isnan(value) or (key == "grant_sek" and value == 0)):
        return
    record[key] = _plain(value)


def _plain(value: Any) -> Any:
    """numpy scalars as Python values; whole floats as ints (read back as the same number)."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    return value


def _first_names_all(records: list[dict[str, Any]], columns: Sequence[str]) -> list[dict[str, Any]]:
    """Records with every column named in the first one (None where it is empty), in the order of
    `columns` (yearly cost columns by year; columns only some record has follow)."""
    if not records:
        return records
    ordered = _key_order(list(dict.fromkeys([*columns, *(k for r in records for k in r)])))
    first = {k: records[0].get(k) for k in ordered}
    rest = [{k: r[k] for k in ordered if k in r} for r in records[1:]]
    return [first, *rest]


def _key_order(keys: Sequence[str]) -> list[str]:
    """id, name, sector, district, cost_sek, year, the yearly cost columns by year, then the others."""
    core = [k for k in _CORE_ORDER if k in keys]
    profile = sorted(k for k in keys if k.startswith(PROFILE_PREFIX))
    return core + profile + [k for k in keys if k not in core and k not in profile]


def adopt(
    projects: ProjectList,
    scenario: Scenario,
    result: Result,
    *,
    source: str | None = None,
    adopted_at: datetime | None = None,
    project_bytes: bytes | None = None,
) -> AdoptedPlan:
    """The run as an adopted plan: the list, scenario and portfolio kept together for follow-up.

    `input_sha256` is taken over `project_bytes` (the project file, as the report and the service do)
    when given, else over the canonical JSON of the records. Raises `ValueError` when the result has no
    portfolio, and `InputError` when it funds projects the list does not have.
    """
    if not result.has_portfolio:
        raise ValueError(
            f"the result is {result.status.value} and has no portfolio to adopt: {result.message}"
        )
    known = set(projects.ids.tolist())
    unknown = [s.id for s in result.selected if s.id not in known]
    if unknown:
        raise InputError(
            [Problem(f"the result funds project '{i}', which is not in the project list") for i in unknown],
            source=source,
        )
    records = project_records(projects)
    data = scenario.model_dump(mode="json")
    return AdoptedPlan(
        adopted_at=adopted_at or datetime.now(UTC),
        scenario=data,
        projects=records,
        result=result.model_dump(mode="json"),
        input_sha256=input_sha256(project_bytes=project_bytes or canonical_json(records), scenario=data),
        source=source,
    )


def plan_projects(plan: AdoptedPlan) -> ProjectList:
    """The plan's project list, validated again (`InputError` if its records were edited badly)."""
    return read_projects(plan.projects, source_name=plan.source or "adopted plan")


def load_plan(data: Any, *, source: str | None = None) -> AdoptedPlan:
    """An adopted plan from its JSON data, with its list, scenario and result validated too.

    Raises `InputError` locating every problem (`column` is the dotted place in the plan)."""
    try:
        plan = AdoptedPlan.model_validate(data)
    except ValidationError as error:
        raise InputError(_pydantic_problems(error, "", source), source=source) from None
    problems: list[Problem] = []
    for part, model in (("scenario", Scenario), ("result", Result)):
        try:
            model.model_validate(getattr(plan, part))
        except ValidationError as error:
            problems += _pydantic_problems(error, part, source)
    try:
        plan_projects(plan)
    except InputError as error:
        problems += [
            Problem(
                p.message, row=p.row, column=f"projects.{p.column}" if p.column else "projects", source=source
            )
            for p in error.problems
        ]
    if problems:
        raise InputError(problems, source=source)
    return plan


def read_plan(path: str | os.PathLike[str]) -> AdoptedPlan:
    """An adopted plan from a JSON file (as `plan adopt --out` writes); `InputError` when unusable."""
    name = Path(path).name
    return load_plan(parse_json(read_file_bytes(Path(path), name), name), source=name)


def _pydantic_problems(error: ValidationError, prefix: str, source: str | None) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        where = ".".join(str(p) for p in (prefix, *item["loc"]) if p != "")
        problems.append(Problem(item["msg"], column=where or None, source=source))
    return problems


# --------------------------------------------------------------------------------------------
# Actuals
# --------------------------------------------------------------------------------------------


def read_actuals(
    source: str | os.PathLike[str] | bytes | pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    plan: AdoptedPlan,
    file_type: str | None = None,
) -> Actuals:
    """Actual spend and reductions per project and year, checked against the plan's project list.

    CSV (`,` or `;`, a decimal comma where `;` separates), JSON (a list of records, or
    `{"actuals": [...]}` / `{"entries": [...]}`), a DataFrame or records, with the columns `id`, `year`,
    `spend_sek` (municipal money spent) and `abatement_t` (tonnes reduced); each row needs one of the
    last two. Other columns (a name, a note) are ignored. Raises `InputError` with every problem located
    by row (CSV: the header is row 1) and column. Whether the years are closed is checked by the re-plan.
    """
    name = _source_name(source)
    raw = _load_actuals(source, name, file_type)
    return _ActualsValidator(raw, name, {str(r.get("id")) for r in plan.projects}).run()


def _source_name(source: object) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return MEMORY_SOURCE


def _file_error(message: str, name: str) -> InputError:
    return InputError([Problem(message, source=name)], source=name)


def _load_actuals(source: object, name: str, file_type: str | None) -> RawTable:
    if isinstance(source, pd.DataFrame):
        return table_from_frame(source)
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        suffix = "." + file_type.lower().lstrip(".") if file_type else _sniff(data)
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        suffix = "." + file_type.lower().lstrip(".") if file_type else path.suffix.lower()
        if suffix not in ACTUAL_FILE_TYPES:
            raise _file_error(f"cannot read {suffix or 'files without an extension'}: {_ACTUAL_TYPES}", name)
        data = read_file_bytes(path, name)
    elif isinstance(source, Sequence):
        return table_from_records(list(source), name)
    else:
        raise _file_error(
            f"cannot read actuals from a {type(source).__name__}: give a file, bytes, a DataFrame or records",
            name,
        )
    if suffix not in ACTUAL_FILE_TYPES:
        raise _file_error(f"cannot read {suffix}: {_ACTUAL_TYPES}", name)
    if suffix == ".csv":
        return table_from_csv(data, name)
    document = parse_json(data, name)
    if isinstance(document, dict):
        document = document.get("actuals", document.get("entries"))
    if not isinstance(document, list):
        raise _file_error('expected a list of actuals or {"actuals": [...]}', name)
    return table_from_records(document, name)


_ACTUAL_TYPES = "save the actuals as .csv or .json"


def _sniff(data: bytes) -> str:
    """JSON when the bytes start with `[` or `{`, else CSV."""
    return ".json" if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{") else ".csv"


class _ActualsValidator:
    """Cells to `Actuals`, or InputError with every problem located."""

    def __init__(self, raw: RawTable, source: str, known: set[str]) -> None:
        self.raw = raw
        self.source = source
        self.known = known
        self.n = len(raw.rows)
        self.order: dict[str, int] = {}
        self.columns: dict[str, pd.Series] = {}
        self.problems = Problems(raw.rows, source, self.order)

    def run(self) -> Actuals:
        self.problems.add_all(self.raw.problems)
        if not self.raw.headers and self.n == 0:
            self._fail("the actuals file is empty")
        self._name_columns()
        if self.problems.items:
            raise InputError(self.problems.sorted(), source=self.source)
        ids = parse_texts(self.columns["id"])
        self.problems.add_bad(ids, "id")
        self.problems.add_where(ids.empty, "id", "a value is required")
        unknown = ids.ok & ~np.isin(ids.values.astype(str), list(self.known))
        self.problems.add_where(
            unknown,
            "id",
            lambda pos: f"unknown project id '{ids.values[pos]}': not in the plan's project list",
        )
        year = parse_numbers(self.columns["year"], decimal_comma=self.raw.decimal_comma)
        self.problems.add_bad(year, "year")
        self.problems.add_where(year.empty, "year", "a value is required")
        values = year.values.copy()
        with np.errstate(invalid="ignore"):
            wrong = year.ok & ((values % 1 != 0) | (values < MIN_YEAR) | (values > MAX_YEAR))
        self.problems.reject(
            year,
            wrong,
            "year",
            lambda pos: (
                f"must be a whole year from {MIN_YEAR} to {MAX_YEAR}, not {message_number(values[pos])}"
            ),
        )
        spend = self._amount("spend_sek")
        abatement = self._amount("abatement_t")
        neither = spend.empty & abatement.empty
        column = "spend_sek" if "spend_sek" in self.columns else "abatement_t"
        self.problems.add_where(neither, column, "give spend_sek or abatement_t (or both)")
        self._check_duplicates(ids, year)
        if self.problems.items:
            raise InputError(self.problems.sorted(), source=self.source)
        return Actuals(
            entries=[
                ActualEntry(
                    id=str(ids.values[pos]),
                    year=int(year.values[pos]),
                    spend_sek=None if spend.empty[pos] else float(spend.values[pos]),
                    abatement_t=None if abatement.empty[pos] else float(abatement.values[pos]),
                )
                for pos in range(self.n)
            ]
        )

    def _fail(self, message: str) -> None:
        self.problems.add(message)
        raise InputError(self.problems.sorted(), source=self.source)

    def _name_columns(self) -> None:
        others = []
        for position, header in enumerate(self.raw.headers):
            name = normalise_header(header)
            if name not in ("id", "year", "spend_sek", "abatement_t"):
                others.append(name)
                continue
            if name in self.columns:
                self.problems.add(f"appears more than once in the header: '{header}'", column=name)
                continue
            self.order[name] = position
            self.columns[name] = self.raw.cells[position]
        for name in ("id", "year"):
            if name not in self.columns:
                self.problems.add(f"this required column is missing{_hint(name, others)}", column=name)
        if "spend_sek" not in self.columns and "abatement_t" not in self.columns:
            hint = _hint("spend_sek", others) or _hint("abatement_t", others)
            self.problems.add(f"no spend_sek or abatement_t column: give one of them or both{hint}")

    def _amount(self, name: str) -> Any:
        cells = self.columns.get(name)
        if cells is None:
            cells = pd.Series([None] * self.n, dtype=object)
        parsed = parse_numbers(cells, decimal_comma=self.raw.decimal_comma)
        self.problems.add_bad(parsed, name)
        values = parsed.values.copy()
        with np.errstate(invalid="ignore"):
            negative = parsed.ok & (values < 0)
        self.problems.reject(
            parsed, negative, name, lambda pos: f"must be 0 or more, not {message_number(values[pos])}"
        )
        return parsed

    def _check_duplicates(self, ids: Any, year: Any) -> None:
        good = np.flatnonzero(ids.ok & year.ok)
        first: dict[tuple[str, int], int] = {}
        for pos in good.tolist():
            key = (str(ids.values[pos]), int(year.values[pos]))
            if key in first:
                self.problems.add(
                    f"'{key[0]}' in {key[1]} is recorded again (first at row {self.raw.rows[first[key]]})",
                    pos=pos,
                    column="year",
                )
            else:
                first[key] = pos


def _hint(name: str, others: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(others), n=1, cutoff=0.7)
    return f" (is '{close[0]}' meant to be it?)" if close else ""


# --------------------------------------------------------------------------------------------
# Status of the plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanStatus:
    """Planned against actual, per year, project and district; "to date" is the years before `as_of`."""

    as_of: int
    years: list[dict[str, Any]]
    projects: list[dict[str, Any]]
    districts: list[dict[str, Any]]
    totals: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "years": self.years,
            "projects": self.projects,
            "districts": self.districts,
            "totals": self.totals,
        }


_SUMMED = (
    "planned_to_date_sek",
    "actual_to_date_sek",
    "planned_total_sek",
    "planned_t_to_date",
    "actual_t_to_date",
    "variance_sek",
)


@dataclass(frozen=True)
class _Parts:
    """A plan's list, scenario and result, validated once."""

    projects: ProjectList
    scenario: Scenario
    result: Result
    first_year: int

    @classmethod
    def of(cls, plan: AdoptedPlan) -> _Parts:
        projects, scenario = plan_projects(plan), plan.scenario_model()
        return cls(projects, scenario, plan.result_model(), resolve_first_year(projects, scenario))

    def spend_plan(self) -> pd.DataFrame:
        lines = self.result.spend_plan
        return pd.DataFrame(
            {
                "id": pd.Series([s.id for s in lines], dtype=object),
                "year": pd.Series([s.year for s in lines], dtype="int64"),
                "cost_sek": pd.Series([s.cost_sek for s in lines], dtype=float),
                "grant_sek": pd.Series([s.grant_sek for s in lines], dtype=float),
                "pool_sek": pd.Series([s.pool_sek for s in lines], dtype=float),
                "municipal_sek": pd.Series([s.municipal_sek for s in lines], dtype=float),
            }
        )

    def planned_tonnes(self) -> pd.DataFrame:
        """Per funded project: tonnes per year (times the fraction), first year and years of operation."""
        position = pd.Index(self.projects.ids).get_indexer([s.id for s in self.result.selected])
        table = self.projects.table
        return pd.DataFrame(
            {
                "id": pd.Series([s.id for s in self.result.selected], dtype=object),
                "t": table["abatement_t_per_year"].to_numpy(dtype=float)[position]
                * np.asarray([s.fraction for s in self.result.selected], dtype=float),
                "from": np.asarray([s.operating_from for s in self.result.selected], dtype=int),
                "years": np.ceil(table["lifetime_years"].to_numpy(dtype=float)[position]),
            }
        )


def _default_as_of(actuals: Actuals, first_year: int) -> int:
    latest = actuals.latest_year
    return first_year if latest is None else latest + 1


def plan_status(plan: AdoptedPlan, actuals: Actuals, *, as_of: int | None = None) -> PlanStatus:
    """Planned against actual spend (municipal) and reductions, per year, project and district.

    Planned reductions of a funded project run from its `operating_from` for its lifetime, at its
    `abatement_t_per_year` times the fraction funded. A project is started when something was spent on it
    or its adopted start is before `as_of`, and in operation when its planned spending ended before `as_of`.
    """
    parts = _Parts.of(plan)
    as_of = _default_as_of(actuals, parts.first_year) if as_of is None else as_of
    spend = parts.spend_plan()
    tonnes = parts.planned_tonnes()
    frame = actuals.to_frame()
    budget = parts.scenario.budget
    years = np.asarray(sorted({*(budget.years or ()), *spend["year"].tolist(), *frame["year"].tolist()}), dtype=int)
    active = (years[None, :] >= tonnes["from"].to_numpy()[:, None]) & (
        years[None, :] - tonnes["from"].to_numpy()[:, None] < tonnes["years"].to_numpy()[:, None]
    )
    planned_t = (tonnes["t"].to_numpy()[:, None] * active).sum(axis=0)
    planned_sek = spend.groupby("year")["municipal_sek"].sum().reindex(years, fill_value=0.0)
    actual_sek = frame.groupby("year")["spend_sek"].sum().reindex(years, fill_value=0.0)
    actual_t = frame.groupby("year")["abatement_t"].sum().reindex(years, fill_value=0.0)
    year_rows = [
        {
            "year": int(y),
            "closed": bool(y < as_of),
            "budget_sek": budget.in_year(y),
            "planned_sek": float(planned_sek.iat[i]),
            "actual_sek": float(actual_sek.iat[i]),
            "variance_sek": float(actual_sek.iat[i] - planned_sek.iat[i]) if y < as_of else None,
            "planned_t": float(planned_t[i]),
            "actual_t": float(actual_t.iat[i]),
        }
        for i, y in enumerate(years.tolist())
    ]
    project_rows = _status_projects(parts, spend, tonnes, frame, as_of)
    totals = _sums(project_rows)
    totals.update(
        budget_sek=budget.total,
        planned_sek=float(spend["municipal_sek"].sum()),
        actual_sek=float(frame["spend_sek"].sum()),
        planned_t=float(planned_t.sum()),
        actual_t=float(frame["abatement_t"].sum()),
    )
    return PlanStatus(
        as_of=as_of,
        years=year_rows,
        projects=project_rows,
        districts=_status_districts(project_rows),
        totals=totals,
    )


def _status_projects(
    parts: _Parts, spend: pd.DataFrame, tonnes: pd.DataFrame, frame: pd.DataFrame, as_of: int
) -> list[dict[str, Any]]:
    selected = {s.id: s for s in parts.result.selected}
    closed_spend = spend[spend["year"] < as_of].groupby("id")["municipal_sek"].sum()
    total_spend = spend.groupby("id")["municipal_sek"].sum()
    last_spend = spend[spend["cost_sek"] > COST_EPSILON_SEK].groupby("id")["year"].max()
    closed = frame[frame["year"] < as_of]
    actual_sek = closed.groupby("id")["spend_sek"].sum()
    actual_t = closed.groupby("id")["abatement_t"].sum()
    spent_any = frame.groupby("id")["spend_sek"].sum()
    operating = np.clip(np.minimum(as_of - tonnes["from"].to_numpy(), tonnes["years"].to_numpy()), 0, None)
    planned_t = dict(zip(tonnes["id"], tonnes["t"].to_numpy() * operating, strict=True))
    involved = set(selected) | set(frame["id"])
    table = parts.projects.table
    rows = []
    for pos in np.flatnonzero(table["id"].isin(involved).to_numpy()).tolist():
        pid = table["id"].iat[pos]
        chosen = selected.get(pid)
        if chosen is None:
            state = "not_in_plan"
        elif spent_any.get(pid, 0.0) > 0 or chosen.start_year < as_of:
            state = "in_operation" if last_spend.get(pid, as_of - 1) < as_of else "in_progress"
        else:
            state = "not_started"
        planned_to_date = float(closed_spend.get(pid, 0.0))
        actual_to_date = float(actual_sek.get(pid, 0.0))
        rows.append(
            {
                "id": pid,
                "name": table["name"].iat[pos],
                "district": table["district"].iat[pos],
                "in_plan": chosen is not None,
                "state": state,
                "fraction": chosen.fraction if chosen else 0.0,
                "start_year": chosen.start_year if chosen else None,
                "operating_from": chosen.operating_from if chosen else None,
                "planned_to_date_sek": planned_to_date,
                "actual_to_date_sek": actual_to_date,
                "planned_total_sek": float(total_spend.get(pid, 0.0)),
                "planned_t_to_date": float(planned_t.get(pid, 0.0)),
                "actual_t_to_date": float(actual_t.get(pid, 0.0)),
                "variance_sek": actual_to_date - planned_to_date,
            }
        )
    return rows


def _sums(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {key: float(sum(r[key] for r in rows)) for key in _SUMMED} | {"projects": len(rows)}


def _status_districts(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    districts = list(dict.fromkeys(r["district"] for r in rows))
    districts.sort(key=lambda d: (d is None, d or ""))
    return [{"district": d, **_sums([r for r in rows if r["district"] == d])} for d in districts]


# --------------------------------------------------------------------------------------------
# Re-planning
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplanInputs:
    """The list and scenario a re-plan solves, and what they were derived from."""

    records: list[dict[str, Any]]
    projects: ProjectList
    scenario: Scenario
    basis: ReplanBasis


@dataclass
class _Derivation:
    """Working state while the re-plan's list is derived from the plan's."""

    records: dict[str, dict[str, Any]]
    columns: list[str] = field(default_factory=list)
    """Every column of the plan's list, so that none is lost with the rows that leave."""
    started: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)
    dropped: dict[str, str] = field(default_factory=dict)
    moved: list[str] = field(default_factory=list)

    def drop(self, pid: str, reason: str) -> None:
        if pid in self.records:
            del self.records[pid]
            self.dropped[pid] = reason


def replan_inputs(plan: AdoptedPlan, actuals: Actuals, *, as_of: int | None = None) -> ReplanInputs:
    """The project list and scenario of a re-plan as of `as_of` (see the module docstring for the rules).

    Raises `InputError` for actuals in years that are not closed, or of projects not in the list, and
    when no budget year is left open.
    """
    parts = _Parts.of(plan)
    as_of = _default_as_of(actuals, parts.first_year) if as_of is None else as_of
    _check_actuals(parts.projects, actuals, as_of)
    frame = actuals.to_frame()
    spend = parts.spend_plan()
    records = project_records(parts.projects)
    work = _Derivation(records={str(r["id"]): dict(r) for r in records}, columns=list(records[0]))
    selected = {s.id: s for s in parts.result.selected}
    spent = frame.groupby("id")["spend_sek"].sum()
    open_lines = spend[(spend["year"] >= as_of) & (spend["cost_sek"] > COST_EPSILON_SEK)]
    projects = parts.projects
    for pos, pid in enumerate(projects.ids.tolist()):
        chosen = selected.get(pid)
        if chosen is not None and (spent.get(pid, 0.0) > 0 or chosen.start_year < as_of):
            remaining = open_lines[open_lines["id"] == pid]
            if remaining.empty:
                work.finished.append(pid)
                del work.records[pid]
            else:
                work.started.append(pid)
                _commit(work.records[pid], parts, pos, chosen.fraction, remaining)
        else:
            _open_from(work, parts, pos, as_of)
    _leave_out_group_mates(work, parts)
    reductions = _actual_reductions(parts, frame)
    for pid, value in reductions.items():
        if pid in work.records:
            record = work.records[pid]
            record["abatement_t_per_year"] = _plain(value)
            record.pop("abatement_low_t_per_year", None)
            record.pop("abatement_high_t_per_year", None)
    scenario, budget, notes = _replan_scenario(parts, spend, frame, as_of)
    if parts.scenario.budget_basis == "net" and budget.years is not None:
        budget = _net_of_finished(parts, work.finished, budget, notes)
        scenario["budget_sek"] = budget.to_data()
    derived, settled = _settle(work, scenario, as_of)
    basis = ReplanBasis(
        as_of=as_of,
        mandatory=work.started,
        finished=work.finished,
        dropped=[{"id": pid, "reason": reason} for pid, reason in work.dropped.items()],
        moved=[pid for pid in work.moved if pid in work.records],
        actual_reductions=reductions,
        budget_sek=budget.to_data(),
        actual_spend_sek=float(frame["spend_sek"].sum()),
        notes=notes,
    )
    return ReplanInputs(records=derived[0], projects=derived[1], scenario=settled, basis=basis)


def _check_actuals(projects: ProjectList, actuals: Actuals, as_of: int) -> None:
    known = set(projects.ids.tolist())
    problems = []
    for e in actuals.entries:
        if e.id not in known:
            problems.append(Problem(f"{e.id}, {e.year}: unknown project id '{e.id}'", column="id"))
        if e.year >= as_of:
            problems.append(
                Problem(
                    f"{e.id}, {e.year}: year {e.year} is not closed: re-plan as of {e.year + 1} or later to count it",
                    column="year",
                )
            )
    if problems:
        raise InputError(problems, source="actuals")


def _commit(
    record: dict[str, Any], parts: _Parts, pos: int, fraction: float, remaining: pd.DataFrame
) -> None:
    """A started project: mandatory, fixed, whole, with the adopted planned cost of the open years."""
    for key in [k for k in record if k in ("cost_sek", "year") or k.startswith(PROFILE_PREFIX)]:
        del record[key]
    for key in ("earliest_start", "latest_start", "divisible"):
        record.pop(key, None)
    by_year = remaining.groupby("year")["cost_sek"].sum()
    for year, amount in by_year.items():
        record[f"{PROFILE_PREFIX}{int(year)}"] = _plain(amount)
    share = float(by_year.sum()) / float(parts.projects.total_cost[pos])
    record["mandatory"] = True
    for key in ("grant_sek", "cost_low_sek", "cost_high_sek"):
        if record.get(key) is not None:
            record[key] = _plain(float(record[key]) * share)
    if fraction < 1.0:
        scaled = [k for k in record if k.endswith("_per_year") and k != "lifetime_years"]
        scaled += parts.scenario.co_benefit_columns
        for key in scaled:
            number = _number(record.get(key))
            if number is not None:
                record[key] = _plain(number * fraction)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", ".").replace(" ", ""))
    except ValueError:
        return None


def _open_from(work: _Derivation, parts: _Parts, pos: int, as_of: int) -> None:
    """A project not started: it may spend from `as_of` only."""
    projects = parts.projects
    pid = projects.ids[pos]
    record = work.records[pid]
    table = projects.table
    planned = int(projects.first_spend_year(parts.first_year)[pos])
    earliest = table["earliest_start"].iat[pos]
    latest = table["latest_start"].iat[pos]
    unscheduled = projects.unscheduled_cost[pos] > 0
    if projects.phased[pos]:
        low = planned if math.isnan(earliest) else int(earliest)
        if low < as_of:
            record["earliest_start"] = as_of
            work.moved.append(pid)
        if not math.isnan(latest) and latest < as_of:
            record.pop("latest_start", None)
    elif planned < as_of:
        if unscheduled:
            work.moved.append(pid)  # it spends in the first year, which becomes as_of
        elif table["divisible"].iat[pos]:
            work.drop(
                pid,
                f"planned to start in {planned}, before {as_of}, and divisible: a divisible project cannot be "
                "phased, so it cannot be moved",
            )
        else:
            record["earliest_start"] = as_of
            work.moved.append(pid)


def _leave_out_group_mates(work: _Derivation, parts: _Parts) -> None:
    """A finished project's exclusive group is taken: its other members cannot be funded any more."""
    table = parts.projects.table
    groups = dict(zip(table["id"], table["exclusive_group"], strict=True))
    for done in work.finished:
        group = groups[done]
        if group is None:
            continue
        for pid, other in groups.items():
            if other == group and pid != done and pid not in work.started:
                work.drop(pid, f"exclusive group '{group}' is taken by finished project {done}")


def _actual_reductions(parts: _Parts, frame: pd.DataFrame) -> dict[str, float]:
    """Mean recorded tonnes per year while in operation, per adopted project that has any."""
    operating = {s.id: s.operating_from for s in parts.result.selected}
    recorded = frame[frame["abatement_t"].notna() & frame["id"].isin(list(operating))]
    in_operation = recorded[recorded["year"].to_numpy() >= recorded["id"].map(operating).to_numpy()]
    means = in_operation.groupby("id", sort=True)["abatement_t"].mean()
    return {str(pid): float(value) for pid, value in means.items()}


def _replan_scenario(
    parts: _Parts, spend: pd.DataFrame, frame: pd.DataFrame, as_of: int
) -> tuple[dict[str, Any], PerYear, list[str]]:
    """The scenario's data with the open years' budgets and pools, first year `as_of`."""
    data = parts.scenario.model_dump(mode="json")
    notes: list[str] = []
    budget = parts.scenario.budget
    if budget.years is None:
        new_budget = PerYear.of(max(budget.total - float(frame["spend_sek"].sum()), 0.0))
    else:
        kept = budget.from_year(as_of)
        if kept is None:
            raise InputError(
                [
                    Problem(
                        f"nothing left to re-plan: the last budget year {max(budget.years)} is before {as_of}"
                    )
                ],
                source="scenario",
            )
        new_budget = kept
    data["budget_sek"] = new_budget.to_data()
    data["first_year"] = max(as_of, parts.first_year)
    closed_pool = float(spend.loc[spend["year"] < as_of, "pool_sek"].sum())
    pools = []
    for spec, pool in zip(parts.scenario.funding, data.get("funding", []), strict=True):
        capacity = spec.capacity
        if capacity.years is not None:
            open_capacity = capacity.from_year(as_of)
            if open_capacity is None:
                notes.append(
                    f"funding pool '{pool['name']}' left out: it has no capacity in {as_of} or later"
                )
                continue
            pool = {**pool, "capacity_sek": open_capacity.to_data()}
        elif closed_pool > 0:
            used = _pool_used(parts.result, pool["name"], spend, as_of)
            pool = {**pool, "capacity_sek": max(capacity.total - used, 0.0)}
            notes.append(
                f"funding pool '{pool['name']}': {used:,.0f} SEK the adopted plan drew before {as_of} taken off"
            )
        pools.append(pool)
    if "funding" in data:
        data["funding"] = pools
    return data, new_budget, notes


def _net_of_finished(
    parts: _Parts, finished: Sequence[str], budget: PerYear, notes: list[str]
) -> PerYear:
    """On net budgets the finished projects, no longer in the list, still cost (or save) their operating
    costs in the open years: those are taken off (or added to) each open year's budget."""
    selected = {s.id: s for s in parts.result.selected}
    chosen = [selected[pid] for pid in finished if pid in selected]
    position = {pid: pos for pos, pid in enumerate(parts.projects.ids.tolist())}
    lifetime = parts.projects.table["lifetime_years"].to_numpy(dtype=float)
    adjusted: dict[int | None, float] = {}
    for year, amount in budget.items():
        assert year is not ALL_YEARS, "net budgets are per year"
        running = 0.0
        for s in chosen:
            since, pos = year - s.operating_from, position[s.id]
            share = min(max(lifetime[pos] - since, 0.0), 1.0) if since >= 0 else 0.0
            running += s.fraction * float(parts.projects.opex[pos]) * share
        if running:
            notes.append(
                f"budget {year}: {-running:+,.0f} SEK for the operating costs and savings of finished projects"
            )
        adjusted[year] = max(amount - running, 0.0)
    return PerYear(adjusted)


def _pool_used(result: Result, name: str, spend: pd.DataFrame, as_of: int) -> float:
    """What the adopted plan drew from one pool in closed years (its projects' pool money, pro rata)."""
    used = 0.0
    for s in result.selected:
        amount = s.pool_sek.get(name, 0.0)
        if amount <= 0:
            continue
        lines = spend[spend["id"] == s.id]
        total = float(lines["pool_sek"].sum())
        if total > 0:
            used += amount * float(lines.loc[lines["year"] < as_of, "pool_sek"].sum()) / total
    return used


def _settle(
    work: _Derivation, data: dict[str, Any], as_of: int
) -> tuple[tuple[list[dict[str, Any]], ProjectList], Scenario]:
    """Drop what requires a dropped project or can start in no open year, until nothing changes."""
    source = f"re-plan as of {as_of}"
    while True:
        _drop_dependents(work)
        left = set(work.records)
        if not left:
            raise InputError(
                [Problem(f"nothing left to re-plan as of {as_of}: every project is finished or dropped")],
                source=source,
            )
        scenario = _fitted_scenario(data, left, work)
        records = _first_names_all(list(work.records.values()), work.columns)
        projects = read_projects(records, source_name=source)
        if not projects.phased.any():
            return (records, projects), scenario
        first_year = resolve_first_year(projects, scenario)
        options = np.bincount(
            start_options(projects, first_year, scenario.budget_years).project, minlength=len(projects)
        )
        stuck = np.flatnonzero(projects.phased & (options == 0))
        if not len(stuck):
            return (records, projects), scenario
        for pos in stuck.tolist():
            work.drop(
                projects.ids[pos],
                f"no start year from {as_of} keeps its spending within the open budget years",
            )


def _drop_dependents(work: _Derivation) -> None:
    """Requirements on finished projects are met; on dropped ones they cannot be (started projects keep going)."""
    changed = True
    while changed:
        changed = False
        for pid, record in list(work.records.items()):
            needs = record.get("requires") or []
            if not needs:
                continue
            kept = [n for n in needs if n not in work.finished]
            missing = [n for n in kept if n not in work.records]
            if missing and pid not in work.started:
                work.drop(pid, f"requires {', '.join(missing)}, which is not in the re-plan")
                changed = True
                continue
            kept = [n for n in kept if n in work.records]
            if kept != list(needs):
                if kept:
                    record["requires"] = kept
                else:
                    record.pop("requires", None)


def _fitted_scenario(data: dict[str, Any], left: set[str], work: _Derivation) -> Scenario:
    """The scenario with include / exclude / interactions naming only projects still in the list."""
    fitted = dict(data)
    fitted["include"] = [i for i in data.get("include", []) if i in left]
    fitted["exclude"] = [i for i in data.get("exclude", []) if i in left]
    if data.get("interactions"):
        fitted["interactions"] = [x for x in data["interactions"] if set(x["ids"]) <= left]
    return Scenario.model_validate(fitted)


# --------------------------------------------------------------------------------------------
# The difference from the adopted plan, and the whole re-plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanDifference:
    """How a re-plan differs from the adopted plan (re-plan − plan)."""

    added: list[str]
    removed: list[str]
    kept: list[str]
    finished: list[str]
    moved: list[dict[str, Any]]
    abatement_t: dict[str, float]
    municipal_cost_sek: dict[str, float]
    projects: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "removed": self.removed,
            "kept": self.kept,
            "finished": self.finished,
            "moved": self.moved,
            "abatement_t": self.abatement_t,
            "municipal_cost_sek": self.municipal_cost_sek,
            "projects": self.projects,
        }


def plan_difference(plan: AdoptedPlan, result: Result, *, basis: ReplanBasis | None = None) -> PlanDifference:
    """Which projects a re-plan added, removed, kept, moved, and how its totals compare with the plan's.

    With `basis`, finished projects are listed as finished (not removed) and counted in the re-plan's
    totals with their adopted contribution (scaled to the actual reduction where one is known), and the
    re-plan's municipal cost includes the actual spend so far; started projects are never "moved" (the
    re-plan only schedules what is left of them).
    """
    adopted = plan.result_model()
    before = {s.id: s for s in adopted.selected}
    after = {s.id: s for s in result.selected}
    finished = [pid for pid in (basis.finished if basis else []) if pid in before]
    started = set(basis.mandatory) if basis else set()
    finished_t = _finished_tonnes(plan, before, finished, basis)
    moved = [
        {"id": pid, "from": before[pid].start_year, "to": after[pid].start_year}
        for pid in before
        if pid in after and pid not in started and before[pid].start_year != after[pid].start_year
    ]
    rows = []
    for pid in [*before, *(i for i in after if i not in before)]:
        b, a = before.get(pid), after.get(pid)
        change = "finished" if pid in finished else "kept" if b and a else "added" if a else "removed"
        rows.append(
            {
                "id": pid,
                "name": (b or a).name,  # type: ignore[union-attr]
                "change": change,
                "plan_fraction": b.fraction if b else 0.0,
                "replan_fraction": a.fraction if a else 0.0,
                "plan_start_year": b.start_year if b else None,
                "replan_start_year": a.start_year if a else None,
                "plan_municipal_cost_sek": b.municipal_cost_sek if b else 0.0,
                "replan_municipal_cost_sek": a.municipal_cost_sek if a else 0.0,
                "plan_abatement_t": b.abatement_t if b else 0.0,
                "replan_abatement_t": a.abatement_t if a else finished_t.get(pid, 0.0),
            }
        )
    plan_t = adopted.abatement_t
    replan_t = result.abatement_t + sum(finished_t.values())
    plan_cost = adopted.municipal_cost_sek
    replan_cost = result.municipal_cost_sek + (basis.actual_spend_sek if basis else 0.0)
    return PlanDifference(
        added=[pid for pid in after if pid not in before],
        removed=[pid for pid in before if pid not in after and pid not in finished],
        kept=[pid for pid in before if pid in after],
        finished=finished,
        moved=moved,
        abatement_t={"plan": plan_t, "replan": replan_t, "change": replan_t - plan_t},
        municipal_cost_sek={"plan": plan_cost, "replan": replan_cost, "change": replan_cost - plan_cost},
        projects=rows,
    )


def _finished_tonnes(
    plan: AdoptedPlan, before: Mapping[str, Any], finished: Sequence[str], basis: ReplanBasis | None
) -> dict[str, float]:
    """Each finished project's contribution in the objective's measure, at its actual reduction if known."""
    if not finished:
        return {}
    actual = basis.actual_reductions if basis else {}
    estimate = {}
    if any(pid in actual for pid in finished):
        table = plan_projects(plan).table
        estimate = dict(zip(table["id"], table["abatement_t_per_year"].to_numpy(dtype=float), strict=True))
    contribution = {}
    for pid in finished:
        chosen = before[pid]
        planned_per_year = estimate.get(pid, 0.0) * chosen.fraction
        if pid in actual and planned_per_year > 0:
            contribution[pid] = chosen.abatement_t * actual[pid] / planned_per_year
        else:
            contribution[pid] = chosen.abatement_t
    return contribution


@dataclass(frozen=True)
class Replan:
    """A re-plan: what it was solved from, its result, and how it differs from the adopted plan."""

    inputs: ReplanInputs
    result: Result
    difference: PlanDifference

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.inputs.basis.as_of,
            "basis": self.inputs.basis.model_dump(mode="json"),
            "result": self.result.model_dump(mode="json"),
            "difference": self.difference.to_dict(),
        }


def replan(
    plan: AdoptedPlan,
    actuals: Actuals,
    *,
    as_of: int | None = None,
    solver: str | None = None,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
) -> Replan:
    """Re-optimise the open years of an adopted plan given the actuals (see the module docstring)."""
    inputs = replan_inputs(plan, actuals, as_of=as_of)
    result = solve(
        inputs.projects, inputs.scenario, solver=solver, time_limit_s=time_limit_s, mip_gap=mip_gap
    )
    return Replan(inputs=inputs, result=result, difference=plan_difference(plan, result, basis=inputs.basis))


def plan_json(plan: AdoptedPlan) -> str:
    """The plan as the JSON text of a plan file."""
    return json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
