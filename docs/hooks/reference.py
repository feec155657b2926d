"""MkDocs hook: the reference tables of the documentation, generated from the code at build time.

A page asks for a table with a marker on a line of its own, e.g. ``<!-- reference: scenario -->``;
`on_page_markdown` replaces it with Markdown made from the code, so the documentation cannot drift
from it:

- the scenario and every model nested in it, the result, the robust portfolio and the follow-up
  records: each field's name, type, default and description, walked through the pydantic models'
  `model_fields` (descriptions from `Field(description=...)`, else the attribute's docstring, else a
  sentence kept here, which must name a field that exists);
- the columns of a project list (`models.project`: `CORE_COLUMNS`, `REQUIRED_COLUMNS`,
  `PROFILE_PREFIX`) in English and Swedish, and of an actuals file (`models.plan.ACTUAL_COLUMNS`);
- the service's endpoints (its OpenAPI schema, from `api.main`) and settings (its `Settings` model).

`benchmarks/README.md`, `examples/README.md` and `CONTRIBUTING.md` are copied in as pages of their own
(`on_files`).

The build fails, naming the cause, when a module cannot be imported, a page names a table that does
not exist, a table is asked for by no page, a field has no description, a column has no sentence or
a sentence names a column or field that no longer exists.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import itertools
import json
import posixpath
import re
import sys
import textwrap
import types
import typing
from collections.abc import Callable, Iterator
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import annotated_types
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

Model = type[BaseModel]
"""A pydantic model class."""

HOOK = "docs/hooks/reference.py"
MARKER = re.compile(r"^<!--\s*reference:\s*([a-z0-9-]+)\s*-->[ \t]*$", re.MULTILINE)
COPIED = {
    # page in the site: (file in the repository, what the page says it is)
    "benchmarks/suite.md": ("benchmarks/README.md", "the benchmark suite's own README"),
    "examples.md": ("examples/README.md", "the examples folder's README"),
    "contributing.md": ("CONTRIBUTING.md", "the repository's CONTRIBUTING.md"),
}
MODULES = (
    "models",
    "models.scenario",
    "models.project",
    "models.plan",
    "models.uncertainty",
    "models.pathway",
    "models.robust",
    "models.result",
    "api.main",
)

_state: dict[str, Any] = {}


class ReferenceError(PluginError):
    def __init__(self, message: str) -> None:
        super().__init__(f"{HOOK}: {message}")


# --------------------------------------------------------------------------------------------
# Sentences for what the code does not describe itself. Each must name a field or column that
# exists; the build fails otherwise, and when a field or column has no description at all.
# --------------------------------------------------------------------------------------------

FIELD_TEXT: dict[str, dict[str, str]] = {
    "Scenario": {
        "name": "The scenario's name, shown in tables and reports.",
        "budget_sek": "One number: the municipal cost over all years must fit it. Or one budget per year "
        '(`{"2026": 25000000, ...}`): the municipal cost that falls in each year must fit that year\'s '
        "budget, and every cost must fall in a budget year.",
        "objective": 'What is maximised: `"lifetime"` (Σ abatement_t_per_year × lifetime_years × fraction), '
        '`"annual"` (Σ abatement_t_per_year × fraction), `{"cumulative_to": 2030}` (each project counts '
        "abatement_t_per_year × clamp(2030 − last spend year, 0, lifetime_years)), the reverse question "
        '`{"min_cost_for_t": T}` or the cost–benefit `{"net_benefit": {"carbon_value_sek_per_t": V}}`.',
        "constraints": "Group rules on the portfolio (equity, sector spread, minimum counts...).",
        "funding": "Pools of external money the optimiser allocates to eligible projects.",
        "include": "Ids forced in (what-if).",
        "exclude": "Ids forced out (what-if).",
        "solver": '`"highs"` (HiGHS, the default) or `"cbc"` (COIN-OR CBC through PuLP).',
        "time_limit_s": "Seconds; the call returns within this + 1 s with the best checked portfolio found "
        "so far. Default: no limit.",
        "mip_gap": "Relative optimality gap at which a portfolio counts as proven optimal.",
    },
    "GroupRule": {
        "name": "Unique name of the rule, used in results, explanations and rule prices.",
        "where": "Selects projects by any column or tag: `{column: [values]}`, values compared as text, "
        "several columns must all match; empty: every project. One value may be written without a list.",
        "for_each": "A column: one rule per distinct value (e.g. `sector`), named `name[value]`.",
        "min_share": "The group's share of the measure summed over the whole portfolio, at least.",
        "max_share": "The group's share, at most.",
        "min": "The group's sum of the measure, at least (in the measure's unit: SEK, tonnes in the "
        "objective's measure, projects, or co-benefit points).",
        "max": "The group's sum, at most.",
    },
    "FundingPool": {
        "name": "Unique name of the pool (`funding NAME` in rule prices).",
        "capacity_sek": 'SEK over all years, or per year (`{"2027": 5000000, ...}`).',
        "where": "The eligible projects, selected as a rule's `where`.",
        "max_share": "The largest share of an eligible project's total cost the pool may pay.",
    },
    "Interaction": {
        "ids": "The overlapping projects (at least two, each once; whole projects, not divisible).",
        "abatement_t_per_year": "The change of the portfolio's yearly reduction when all are funded "
        "(negative for an overlap).",
        "name": "A name for tables and reports (default: the ids joined by +).",
    },
    "CumulativeObjective": {
        "cumulative_to": "The last year whose reductions count.",
    },
    "MinCostObjective": {
        "min_cost_for_t": "The tonnes to reach, counted as `tonnes` says.",
        "tonnes": 'How the target\'s tonnes are counted: `"lifetime"`, `"annual"` or `{"cumulative_to": '
        "YEAR}`.",
    },
    "NetBenefitObjective": {
        "net_benefit": "The carbon value of the reductions.",
    },
    "PathwaySpec": {
        "baseline_t": "The emissions without the portfolio, t CO2e per year: per year "
        '(`{"2022": 131000, "2023": 127000}`, straight lines between, the last value kept after the last '
        "year) or one year and a trend (`BaselineTrend`).",
        "target": "One of `NetZeroTarget`, `ReductionRateTarget` or `TargetPoints`, told apart by their "
        "keys.",
        "to_year": "The pathway's last year (default: the target's year, or 2030 for a reduction rate).",
    },
    "BaselineTrend": {
        "year": "The known year.",
        "emissions_t": "Emissions in that year, t CO2e.",
        "trend": "Yearly relative change without the portfolio (−0.01: 1 % less each year).",
    },
    "NetZeroTarget": {
        "net_zero_year": "The year of net zero (after the baseline's first year).",
        "residual_share": "Share of that year's baseline left to offsets or removals (0: true zero).",
    },
    "ReductionRateTarget": {
        "reduction_rate": "Yearly reduction of the target line (0.1172: Klimatkollen's 11.72 % a year).",
        "from_year": "The year the rate starts from (default: the pathway's first year).",
    },
    "TargetPoints": {
        "target_t": 'Target levels, t per year by year (`{"2030": 40000}`), joined by straight lines.',
    },
    "UncertaintySpec": {
        "distribution": '`"pert"` (default: Beta with the point as its mode, shape 4; mean (low + 4·point + '
        'high) / 6), `"triangular"` (mode = point) or `"uniform"` (low to high).',
        "sector_correlation": "Share of each project's variance common to its sector (Gaussian copula), "
        'one value or per sector (`{"energy": 0.5}`; sectors not named 0).',
        "draws": "How many draws.",
        "seed": "The seed: the same seed gives the same draws on every machine and executor.",
        "cvar_alpha": "The tail share whose mean the robust mode maximises.",
    },
    "Result": {
        "status": "What can honestly be said about the portfolio: see [Statuses](../usage/cli.md#statuses).",
        "message": "The status in words.",
        "objective": "The objective in words, e.g. `lifetime` or `cumulative_to 2030 + 50*health`.",
        "selected": "The funded projects.",
        "total_cost_sek": "Investment of the funded projects, whoever pays.",
        "municipal_cost_sek": "What the municipal budget pays: cost after grants and funding pools (the "
        "funding gap).",
        "grant_sek": "External co-funding from the list's `grant_sek`.",
        "abatement_t_per_year": "Yearly reduction once every funded measure runs (interactions included).",
        "municipal_sek_per_t": "Municipal cost per tonne of the objective's measure.",
        "budget": "Budget use per budget row (per year, or one row for a single budget).",
        "funding": "Per funding pool: its capacity, what the portfolio draws and for how many projects.",
        "rules": "Each group rule's value against its bounds.",
        "equivalent_annual_cost_sek": "The net present cost as a yearly annuity over the lifetimes.",
        "discount_rate": "The scenario's real discount rate.",
        "budget_basis": '`"investment"` or `"net"`, as in the scenario.',
        "conflicts": "Why an infeasible scenario is infeasible: a smallest set of rules that clash.",
        "violations": "Rules a portfolio breaks (a portfolio with any is never returned: status `error`).",
        "solver": "Which solver ran, its version and settings, and whether the time limit was reached.",
        "timings": "Seconds spent building, solving, checking, and in all.",
    },
    "Selection": {
        "id": "The project's id.",
        "name": "Its name.",
        "sector": "Its sector.",
        "district": "Its district (null when the list has none).",
        "fraction": "Share funded: 1, or between 0 and 1 for a divisible project.",
        "cost_sek": "Investment times the fraction.",
        "municipal_cost_sek": "What the municipal budget pays of it (after grants and pools).",
    },
    "YearSpend": {
        "budget_sek": "The budget of the row.",
        "slack_sek": "Budget left unspent (budget − spend).",
        "cost_sek": "Investment falling in the row, whoever pays.",
        "grant_sek": "Grants falling in the row.",
        "pool_sek": "Funding-pool money falling in the row.",
    },
    "RuleOutcome": {
        "name": "The rule's name (`name[value]` for a `for_each` rule).",
        "measure": "What the rule counts.",
        "min": "The rule's bounds, as in the scenario.",
        "max": "",
        "min_share": "",
        "max_share": "",
        "binding": "Whether the portfolio sits on one of its bounds.",
    },
    "InteractionOutcome": {
        "name": "The interaction's name.",
        "ids": "Its projects.",
        "abatement_t_per_year": "Its yearly change, as in the scenario.",
        "years_counted": "How many years of it the objective's measure counts.",
    },
    "SpendLine": {
        "id": "The project.",
        "year": "The calendar year.",
        "cost_sek": "Its spending that year.",
        "grant_sek": "Paid by its grant.",
        "pool_sek": "Paid by funding pools.",
        "municipal_sek": "Paid by the municipal budget.",
    },
    "PoolUse": {
        "name": "The pool.",
        "allocated_sek": "Money the portfolio draws from it.",
        "unused_sek": "Capacity left.",
        "projects": "How many projects it pays for.",
    },
    "Conflict": {
        "rules": "The rules that clash.",
        "message": "The conflict in words, with its figures.",
    },
    "SolverInfo": {
        "name": "`highs` or `cbc`.",
        "version": "The solver's version.",
        "time_limit_s": "The time limit applied, seconds (null: none).",
        "mip_gap_tolerance": "The relative gap asked for.",
        "time_limit_reached": "Whether the solver stopped at the time limit.",
        "stop_reason": "The solver's own reason for stopping, in words.",
    },
    "Timings": {
        "build_s": "Building the model.",
        "solve_s": "The solver.",
        "check_s": "The independent check.",
        "total_s": "The whole call.",
    },
    "Pathway": {
        "target_kind": "Which kind of target the scenario sets.",
        "years": "Per year of the pathway.",
    },
    "PathwayYear": {
        "year": "The calendar year.",
        "target_t": "The target line in that year.",
    },
    "RobustPortfolio": {
        "message": "The status in words.",
        "alpha": "The tail share (the worst alpha of the draws).",
        "draws": "How many draws.",
        "p10_t": "P10 of the robust portfolio's tonnes over the draws.",
        "point_p10_t": "P10 of the point-estimate portfolio's tonnes.",
        "point_expected_t": "Mean of the point-estimate portfolio's tonnes over the draws.",
        "point_abatement_t": "The point-estimate portfolio's tonnes at the point estimates.",
        "time_limit_reached": "Whether the CVaR MILP stopped at its time limit.",
        "total_s": "Seconds in all.",
    },
    "AdoptedPlan": {
        "adopted_at": "When the plan was adopted (UTC).",
        "input_sha256": "The SHA-256 of the list and scenario it was computed from (as in the report).",
    },
    "ActualEntry": {
        "id": "The project's id, as in the plan.",
        "year": "The calendar year (a closed year when re-planning).",
    },
    "Actuals": {
        "entries": "One entry per project and year.",
    },
}
"""Per model, per field: a description where the code has none. An empty text keeps a field that the
sentence before it covers (e.g. a rule's four bounds)."""

ROOTS: dict[str, tuple[str, tuple[str, ...]]] = {
    # table name: (the page that documents it, its root models in order)
    "scenario": ("reference/scenario.md", ("Scenario",)),
    "result": ("reference/results.md", ("Result",)),
    "robust": ("reference/results.md", ("RobustPortfolio",)),
    "plan": ("reference/results.md", ("AdoptedPlan", "Actuals", "ReplanBasis")),
}

COLUMN_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "id": "Unique text.",
        "name": "Text.",
        "sector": "E.g. transport, energy, buildings, waste, agriculture, consumption.",
        "district": "Geographic area of the municipality.",
        "cost_sek": "Total investment cost, SEK, > 0.",
        "year": "The year `cost_sek` is spent (default: the first budget year).",
        "{profile}YYYY": "Instead of `cost_sek` + `year`: a cost profile, one column per year "
        "(`{profile}2026`, `{profile}2027`, …); 0 or empty for some years is fine.",
        "grant_sek": "External co-funding (e.g. Klimatklivet); municipal cost = cost − grant, spread pro "
        "rata over a profile.",
        "abatement_t_per_year": "t CO2e reduced per year once in operation, ≥ 0.",
        "lifetime_years": "Years the reduction lasts, ≥ 1.",
        "opex_sek_per_year": "Yearly operating cost while in operation, SEK; **negative for savings** "
        '(energy, fuel). Counted in net present cost, and in the budgets with `budget_basis = "net"`.',
        "requires": "Ids (separated by `;` or `,` in the cell) that must also be funded for this one to "
        "be funded.",
        "exclusive_group": "At most one project of a group is funded (alternatives).",
        "mandatory": "True: must be funded (already decided).",
        "divisible": "True: may be funded in part (a fraction 0..1 of cost and reduction; at least the "
        "scenario's `min_fraction` when it sets one).",
        "earliest_start": "The project is **phased**: the optimiser chooses its start year from this "
        "year (default: its planned start) and moves its whole cost profile with it.",
        "latest_start": "… up to this year (default: the last budget year).",
        "abatement_low_t_per_year": "Low end of a range around `abatement_t_per_year`, for uncertainty "
        "studies (low ≤ point ≤ high, ≥ 0; empty: no spread on that side).",
        "abatement_high_t_per_year": "High end of that range.",
        "cost_low_sek": "Low end of a range around the project's total cost (`cost_sek` or the sum of "
        "its profile), likewise.",
        "cost_high_sek": "High end of that range.",
    },
    "sv": {
        "id": "Unik text, till exempel T01.",
        "name": "Åtgärdens namn.",
        "sector": "Sektor, till exempel transport, energy, buildings, waste, agriculture eller consumption.",
        "district": "Område i kommunen.",
        "cost_sek": "Hela investeringen i kronor, över 0.",
        "year": "Året då `cost_sek` betalas (om det är tomt: det första budgetåret).",
        "{profile}YYYY": "I stället för `cost_sek` och `year`: en kolumn per år med det som betalas det "
        "året (`{profile}2026`, `{profile}2027` …). 0 eller tomt vissa år går bra.",
        "grant_sek": "Bidrag från andra, till exempel Klimatklivet. Kommunens kostnad är kostnaden minus "
        "bidraget.",
        "abatement_t_per_year": "Minskning i ton CO2e per år när åtgärden är i drift, 0 eller mer.",
        "lifetime_years": "Hur många år minskningen håller, minst 1.",
        "opex_sek_per_year": "Ändrad driftkostnad per år i kronor medan åtgärden är i drift. "
        "**Minus betyder en besparing.**",
        "requires": "Id för åtgärder som också måste få pengar för att den här ska få det. Skilj dem åt "
        "med `;` eller `,`.",
        "exclusive_group": "Alternativ: högst en åtgärd i samma grupp får pengar.",
        "mandatory": "Ja: åtgärden är redan beslutad och ska vara med.",
        "divisible": "Ja: åtgärden kan göras till en del (en andel av kostnaden och minskningen).",
        "earliest_start": "Åtgärden kan flyttas i tid: optimeringen väljer startår tidigast detta år.",
        "latest_start": "… och senast detta år.",
        "abatement_low_t_per_year": "Lägsta troliga minskning per år, för osäkerhetsanalysen (tomt: "
        "ingen spridning nedåt).",
        "abatement_high_t_per_year": "Högsta troliga minskning per år.",
        "cost_low_sek": "Lägsta troliga kostnad (av hela kostnaden).",
        "cost_high_sek": "Högsta troliga kostnad.",
    },
}
COLUMN_WORDS = {
    "en": {
        "column": "column",
        "required": "required",
        "meaning": "meaning",
        "yes": "yes",
        "no": "no",
        "either": "yes*",
        "tag": "any other column, e.g. `priority_area` or `health`",
        "tag_text": "Kept as a **tag** that rules can select on; a column whose every cell is a number "
        "is a **co-benefit** a scenario can weight into the objective or bound with a rule (empty = 0).",
        "note": "\\* each project has either `cost_sek` (with an optional `year`) or `{profile}YYYY` "
        "columns.",
    },
    "sv": {
        "column": "kolumn",
        "required": "måste finnas",
        "meaning": "betydelse",
        "yes": "ja",
        "no": "nej",
        "either": "ja*",
        "tag": "alla andra kolumner, till exempel `priority_area` eller `health`",
        "tag_text": "Sparas som en **etikett** som regler kan välja åtgärder efter. En kolumn med bara "
        "tal kan vägas in som en **sidonytta** (tomt = 0).",
        "note": "\\* Varje åtgärd har antingen `cost_sek` (och gärna `year`) eller kolumner `{profile}ÅÅÅÅ`.",
    },
}
EITHER_OR = ("cost_sek", "{profile}YYYY")
"""Columns of which a project needs one form or the other (not in REQUIRED_COLUMNS)."""


# --------------------------------------------------------------------------------------------
# MkDocs events
# --------------------------------------------------------------------------------------------


def on_config(config: Any) -> Any:
    """Import the code the tables are made from: the build stops here if it cannot be imported."""
    root = Path(config.config_file_path).resolve().parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    _forget(("models", "optimizer", "api"))  # `mkdocs serve`: read the code as it is now
    loaded = {}
    for name in MODULES:
        try:
            loaded[name] = importlib.import_module(name)
        except Exception as error:  # any failure: the reference cannot be generated
            raise ReferenceError(
                f"cannot import {name} ({type(error).__name__}: {error}); the reference pages are "
                "generated from it, so the documentation is not built without it"
            ) from error
    _state.clear()
    _state.update(root=root, modules=loaded, used=set(), models=_all_models(loaded))
    aliases = sys.modules.get("optimizer._aliases")  # loaded with api.main; gone once the old paths are
    _state["moved"] = dict(getattr(aliases, "MOVED", {}))
    _check_texts()
    _state["homes"], _state["sections"] = _homes(_state["models"])
    return config


def on_files(files: Files, config: Any) -> Files:
    """The READMEs of benchmarks/ and examples/ as pages, copied as they are now."""
    root: Path = _state["root"]
    for page, (source, what) in COPIED.items():
        path = root / source
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ReferenceError(f"cannot read {source}: {error}") from error
        note = (
            f'!!! note "Copied from `{source}`"\n    This page is {what}, copied into the documentation '
            "when it is built; edit that file, not this page.\n\n"
        )
        files.append(File.generated(config, page, content=_after_title(text, note)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    tables = _tables()

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in tables:
            raise ReferenceError(
                f"{page.file.src_uri} asks for the table '{name}', which does not exist "
                f"(there are: {', '.join(sorted(tables))})"
            )
        _state["used"].add(name)
        return tables[name](page.file.src_uri)

    return MARKER.sub(replace, markdown)


def on_post_build(config: Any) -> None:
    unused = sorted(set(_tables()) - _state.get("used", set()))
    if unused:
        raise ReferenceError(f"no page shows the generated table(s) {', '.join(unused)}")


# --------------------------------------------------------------------------------------------
# The tables
# --------------------------------------------------------------------------------------------


def _tables() -> dict[str, Callable[[str], str]]:
    tables: dict[str, Callable[[str], str]] = {
        name: functools.partial(_model_sections, name) for name in ROOTS
    }
    tables["project-columns"] = lambda page: _columns("en")
    tables["project-columns-sv"] = lambda page: _columns("sv")
    tables["actual-columns"] = lambda page: _actual_columns()
    tables["api-endpoints"] = lambda page: _endpoints()
    tables["api-settings"] = lambda page: _settings()
    return tables


def _model_sections(table: str, page: str) -> str:
    """A section per model of the table: its roots first, then every model nested in them, in field
    order; a model another table documents is linked there, not repeated."""
    parts = []
    for model in _state["sections"][table]:
        doc = _doc(model)
        parts.append(f"### `{model.__name__}` {{#{_anchor(model)}}}\n")
        if doc:
            parts.append(doc + "\n")
        parts.append("| field | type | default | description |\n|---|---|---|---|")
        for name, field in model.model_fields.items():
            description = _field_text(model, name, field)
            parts.append(
                f"| `{name}` | {_cell(_type(field, page))} | {_cell(_default(field))} | {_cell(description)} |"
            )
        parts.append("")
    return "\n".join(parts)


def _homes(models: dict[str, Model]) -> tuple[dict[Model, str], dict[str, list[Model]]]:
    """Which page documents each model (the first table, in ROOTS order, that reaches it), and each
    table's models in order."""
    roots = {models[r] for _, names in ROOTS.values() for r in names}
    homes: dict[Model, str] = {}
    sections: dict[str, list[Model]] = {}
    for table, (page, names) in ROOTS.items():
        mine = [models[r] for r in names]
        stop = set(homes) | (roots - set(mine))
        sections[table] = [m for m in _walk(mine, stop=stop) if m not in homes]
        homes.update(dict.fromkeys(sections[table], page))
    return homes, sections


def _walk(start: list[Model], *, stop: set[Model]) -> Iterator[Model]:
    seen: set[Model] = set()
    queue = list(start)
    while queue:
        model = queue.pop(0)
        if model in seen:
            continue
        seen.add(model)
        yield model
        for field in model.model_fields.values():
            for nested in _nested_models(field.annotation):
                if nested not in seen and nested not in stop:
                    queue.append(nested)


def _nested_models(annotation: Any) -> Iterator[Model]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _nested_models(arg)


def _anchor(model: Model) -> str:
    return model.__name__.lower()


def _link(model: Model, page: str) -> str:
    """A link to the model's section, from `page`."""
    home = _state["homes"].get(model)
    if home is None:
        return f"`{model.__name__}`"
    target = "" if home == page else posixpath.relpath(home, posixpath.dirname(page) or ".")
    return f"[`{model.__name__}`]({target}#{_anchor(model)})"


def _type(field: FieldInfo, page: str) -> str:
    return _with_bounds(_annotation(field.annotation, page), _bounds(field.metadata, field.annotation))


def _with_bounds(text: str, bounds: list[str]) -> str:
    return f"{text} ({', '.join(bounds)})" if bounds else text


def _annotation(annotation: Any, page: str) -> str:
    """A type in words a reader of JSON or TOML knows."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is type(None):
        return "null"
    if annotation is Any:
        return "any"
    if origin is typing.Annotated:
        return _with_bounds(_annotation(args[0], page), _bounds(args[1:], args[0]))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(dict.fromkeys(_annotation(a, page) for a in args))
    if origin is typing.Literal:
        return " or ".join(f"`{json.dumps(a, ensure_ascii=False)}`" for a in args)
    if origin is list:
        return f"list of {_annotation(args[0], page)}" if args else "list"
    if origin is dict:
        if not args:
            return "object"
        return f"object of {_annotation(args[0], page)} → {_annotation(args[1], page)}"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return _link(annotation, page)
        if issubclass(annotation, Enum):
            return " or ".join(f"`{json.dumps(m.value)}`" for m in annotation)
        words = {
            str: "text",
            int: "integer",
            float: "number",
            bool: "boolean",
            datetime: "date and time (ISO 8601)",
        }
        if annotation in words:
            return words[annotation]
        return f"`{annotation.__name__}`"
    return f"`{annotation}`"


def _bounds(metadata: Any, annotated: Any) -> list[str]:
    """Constraints in words: `≥ 0`, `at least 2 items`."""
    marks: list[str] = []
    items = typing.get_origin(annotated) in (list, dict)
    for item in metadata:
        if isinstance(item, FieldInfo):
            marks += _bounds(item.metadata, annotated)
        elif isinstance(item, annotated_types.Ge):
            marks.append(f"≥ {item.ge:g}")
        elif isinstance(item, annotated_types.Gt):
            marks.append(f"> {item.gt:g}")
        elif isinstance(item, annotated_types.Le):
            marks.append(f"≤ {item.le:g}")
        elif isinstance(item, annotated_types.Lt):
            marks.append(f"< {item.lt:g}")
        elif isinstance(item, annotated_types.MinLen):
            if items:
                marks.append(f"at least {item.min_length} items")
            else:
                marks.append(
                    "not empty" if item.min_length == 1 else f"at least {item.min_length} characters"
                )
        elif isinstance(item, annotated_types.MaxLen):
            marks.append(f"at most {item.max_length} {'items' if items else 'characters'}")
    return marks


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
    elif field.default is PydanticUndefined:
        return "**required**"
    else:
        value = field.default
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _field_text(model: Model, name: str, field: FieldInfo) -> str:
    own = field.description or _attribute_docs(model).get(name)
    if own:
        return _one_line(own)
    if name in FIELD_TEXT.get(model.__name__, {}):
        return FIELD_TEXT[model.__name__][name]
    raise ReferenceError(
        f"{model.__module__}.{model.__name__}.{name} has no description: give it Field(description=...) "
        f"or a docstring, or a sentence in FIELD_TEXT of {HOOK}"
    )


def _attribute_docs(model: Model) -> dict[str, str]:
    """Docstrings written under a class's fields (`name: type` followed by a string), base classes too."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if cls in (object, BaseModel) or not cls.__module__.startswith("models"):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        except (OSError, TypeError, SyntaxError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for statement, following in itertools.pairwise(body):
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[statement.target.id] = following.value.value
    return docs


def _doc(model: Model) -> str:
    doc = model.__dict__.get("__doc__")
    return _current_paths(inspect.cleandoc(doc)) if doc else ""


def _one_line(text: str) -> str:
    """A description in one line, in the words of JSON (`null` where Python says None)."""
    return _current_paths(re.sub(r"\bNone\b", "null", " ".join(inspect.cleandoc(text).split())))


def _current_paths(text: str) -> str:
    """Module paths of the optimiser's old flat layout (`optimizer.followup`, ...) that the code's
    docstrings may still name, written as their new homes (the optimiser's own table of moves)."""
    moved = _state.get("moved", {})
    if not moved:
        return text
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(old) for old in sorted(moved, key=len, reverse=True)) + r")\b"
    )
    return pattern.sub(lambda m: moved[m.group(1)], text)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _all_models(loaded: dict[str, types.ModuleType]) -> dict[str, Model]:
    found: dict[str, Model] = {}
    for name, module in loaded.items():
        if not name.startswith("models"):
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__.startswith("models")
            ):
                found.setdefault(value.__name__, value)
    return found


def _check_texts() -> None:
    """Every sentence kept here must still name something that exists."""
    models = _state["models"]
    for model_name, texts in FIELD_TEXT.items():
        if model_name not in models:
            raise ReferenceError(f"FIELD_TEXT names the model {model_name}, which models/ no longer has")
        stale = sorted(set(texts) - set(models[model_name].model_fields))
        if stale:
            raise ReferenceError(f"FIELD_TEXT names fields {model_name} no longer has: {', '.join(stale)}")
    for name, (_, roots) in ROOTS.items():
        missing = [r for r in roots if r not in models]
        if missing:
            raise ReferenceError(f"the table '{name}' starts from {', '.join(missing)}, not in models/")
    expected = _column_names()
    for lang, texts in COLUMN_TEXT.items():
        names = {n.replace("{profile}", "") for n in texts}
        want = {n.replace("{profile}", "") for n in expected}
        if names != want:
            raise ReferenceError(
                f"the {lang} column sentences do not match models.project.CORE_COLUMNS: "
                f"missing {sorted(want - names)}, no such column {sorted(names - want)}"
            )


# --- the project list's columns ---------------------------------------------------------------


def _column_names() -> list[str]:
    project = _state["modules"]["models.project"]
    names = list(project.CORE_COLUMNS)
    names.insert(names.index("year") + 1, "{profile}YYYY")
    return names


def _columns(lang: str) -> str:
    project = _state["modules"]["models.project"]
    profile = project.PROFILE_PREFIX
    words = COLUMN_WORDS[lang]
    required = set(project.REQUIRED_COLUMNS)
    missing = required - set(project.CORE_COLUMNS)
    if missing:
        raise ReferenceError(f"REQUIRED_COLUMNS has columns not in CORE_COLUMNS: {sorted(missing)}")
    lines = [
        f"| {words['column']} | {words['required']} | {words['meaning']} |",
        "|---|---|---|",
    ]
    for name in _column_names():
        shown = name.replace("{profile}", profile)
        if lang == "sv":
            shown = shown.replace("YYYY", "ÅÅÅÅ")
        if name in EITHER_OR:
            flag = words["either"]
        else:
            flag = words["yes"] if name in required else words["no"]
        text = COLUMN_TEXT[lang][name].replace("{profile}", profile)
        lines.append(f"| `{shown}` | {flag} | {_cell(text)} |")
    lines.append(f"| {words['tag']} | {words['no']} | {_cell(words['tag_text'])} |")
    lines.append("")
    lines.append(words["note"].replace("{profile}", profile))
    return "\n".join(lines) + "\n"


def _actual_columns() -> str:
    plan = _state["modules"]["models.plan"]
    entry = plan.ActualEntry
    if tuple(entry.model_fields) != tuple(plan.ACTUAL_COLUMNS):
        raise ReferenceError(
            f"models.plan.ACTUAL_COLUMNS {plan.ACTUAL_COLUMNS} no longer matches ActualEntry's fields"
        )
    lines = ["| column | required | meaning |", "|---|---|---|"]
    for name, field in entry.model_fields.items():
        flag = "yes" if field.is_required() else "no"
        lines.append(f"| `{name}` | {flag} | {_cell(_field_text(entry, name, field))} |")
    return "\n".join(lines) + "\n"


# --- the service -----------------------------------------------------------------------------


def _endpoints() -> str:
    app = _state["modules"]["api.main"].app
    schema = app.openapi()
    lines = [
        "| method | path | what | parameters | answers |",
        "|---|---|---|---|---|",
    ]
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            parameters = [
                f"`{p['name']}` ({p['in']})" for p in operation.get("parameters", []) if p.get("in") != "path"
            ]
            answers = ", ".join(sorted(operation.get("responses", {})))
            lines.append(
                f"| {method.upper()} | `{path}` | {_cell(operation.get('summary') or '')} | "
                f"{_cell(', '.join(parameters)) or '–'} | {answers} |"
            )
    return "\n".join(lines) + "\n"


def _settings() -> str:
    main = _state["modules"]["api.main"]
    settings = _settings_class(main)
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in settings.model_fields.items():
        text = field.description or {
            "database_url": "SQLite (`sqlite:///PATH`) or PostgreSQL (`postgresql://user@host/db`).",
        }.get(name)
        if not text:
            raise ReferenceError(f"the service setting {name} has no description (Field(description=...))")
        lines.append(f"| `{name.upper()}` | {_cell(_default(field))} | {_cell(_one_line(text))} |")
    return "\n".join(lines) + "\n"


def _settings_class(main: types.ModuleType) -> Model:
    """The service's settings model, found from the app factory `api.main.create_app(settings)`."""
    try:
        hint = typing.get_type_hints(main.create_app)["settings"]
    except Exception as error:
        raise ReferenceError(f"cannot find the settings model from api.main.create_app: {error}") from error
    for candidate in (hint, *typing.get_args(hint)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    raise ReferenceError(f"api.main.create_app's settings parameter is not a settings model: {hint}")


# --- helpers -----------------------------------------------------------------------------------


def _forget(packages: tuple[str, ...]) -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in packages:
            del sys.modules[name]


def _after_title(text: str, note: str) -> str:
    """`note` after the first heading of `text` (or first, when it has none)."""
    match = re.match(r"\s*#\s[^\n]*\n", text)
    if not match:
        return note + text
    return text[: match.end()] + "\n" + note + text[match.end() :]
