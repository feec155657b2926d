"""The scenario form: its fields to a scenario's data, and a scenario back to its fields.

The form is plain HTML, so every value is text as typed; it is kept so that a refused form comes
back as it was, with a message next to each field that is wrong. `scenario_data` reads the fields
the way a Swedish person writes numbers (`30 000 000 kr`, `3,5`); `form_values` is its inverse for
the scenarios the form can show (a saved one opened again, a file imported; every example scenario)
and None for the others (an uncertainty study, a smallest funded share, another solver or gap, a
group of several columns, ...), which stay files.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from api.web.i18n import N_, Words
from api.web.problems import said
from models import Scenario
from models.pathway import BaselineTrend, NetZeroTarget, ReductionRateTarget, TargetPoints
from models.scenario import CumulativeObjective, GroupRule, NetBenefitObjective
from optimizer.io.problems import InputError
from optimizer.io.readers import parse_numbers, read_scenario

BUDGET_YEARS = tuple(range(2026, 2031))
"""The years of the form's budget per year (Klimatkontrakt 2030)."""
OBJECTIVES = {
    "lifetime": N_("Tonnes over each measure's lifetime"),
    "annual": N_("Tonnes a year"),
    "cumulative_2030": N_("Tonnes up to and including 2030"),
    "net_benefit": N_("Net benefit: the tonnes at a carbon value, less the lifecycle cost"),
}
MEASURES = {
    "cost": N_("its cost"),
    "municipal_cost": N_("its municipal cost (after grants and pools)"),
    "abatement": N_("its reduction in tonnes"),
    "count": N_("its number of measures"),
    "column": N_("a number column of the list (a co-benefit)"),
}
"""What a rule adds up over the funded measures of its group."""
BOUNDS = {
    "min": N_("at least (amount)"),
    "max": N_("at most (amount)"),
    "min_share": N_("at least (%% of the whole portfolio)"),
    "max_share": N_("at most (%% of the whole portfolio)"),
}
TARGETS = {
    "": N_("No target"),
    "net_zero": N_("Net zero by a year"),
    "reduction_rate": N_("A yearly reduction rate from the baseline's year"),
    "points": N_("A level in a year"),
}
ROWS = {"rule": 3, "pool": 2, "cob": 2, "overlap": 2}
"""The empty rows the form always offers for rules, funding pools, co-benefit weights and overlaps."""
DEFAULTS = {
    "budget_mode": "total",
    "objective": "lifetime",
    "time_limit_s": "60",
    "priority_column": "priority_area",
    "priority_value": "yes, ja",
    "discount_rate": "3,5",
    "budget_basis": "investment",
    "carbon_value": "7 000",
}


@dataclass
class ScenarioForm:
    """What the form holds, as typed, and what is wrong with it."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    """Per field: what is wrong, in the page's language."""
    problems: list[str] = field(default_factory=list)
    """What is wrong with the scenario as a whole and belongs to no one field."""

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def rows(self, kind: str) -> range:
        """The numbers (from 1) of the rows of `kind` to show: every filled one, and one empty more."""
        filled = [int(key.split("_")[1]) for key in self._typed(f"{kind}_") if key.split("_")[1].isdigit()]
        return range(1, max([ROWS[kind], *(n + 1 for n in filled)]) + 1)

    def filled(self, *prefixes: str) -> bool:
        """Whether a field of these prefixes was typed in or is wrong (its part of the form opens)."""
        return any(self._typed(*prefixes)) or any(key.startswith(prefixes) for key in self.errors)

    def _typed(self, *prefixes: str) -> list[str]:
        """The text fields of these prefixes that hold something (a select always holds a value)."""
        return [
            key
            for key, value in self.values.items()
            if key.startswith(prefixes) and value.strip() and not key.endswith(_SELECTS)
        ]


_SELECTS = ("_measure", "_bound", "path_target")


def form_scenario(entered: ScenarioForm, words: Words) -> Scenario | None:
    """The scenario of the form, or None with what is wrong set next to its field (or as a problem
    of the whole scenario when it belongs to none), in the page's language."""
    data = scenario_data(entered, words)
    if data is None:
        return None
    try:
        return read_scenario(data)
    except InputError as error:
        for problem in error.problems:
            for pattern, name, message in _ACROSS_FIELDS:
                found = pattern.search(problem.message)
                if found:
                    entered.errors.setdefault(name, words(message, **found.groupdict()))
                    break
            else:
                entered.problems.append(said(problem.message, words))
        return None


_ACROSS_FIELDS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), name, message)
    for pattern, name, message in (
        (r"projects both included and excluded: (?P<ids>.*)", "exclude",
         N_("These measures are also among those that must be funded: %(ids)s")),
        (r"rule names must be unique: (?P<names>.*)", "rule_1_name", N_("Two rules have the same name: %(names)s")),
        (r"funding pool names must be unique: (?P<names>.*)", "pool_1_name",
         N_("Two pools have the same name: %(names)s")),
        (r"co_benefit_weights weight tonnes .*net_benefit", "cob_1_column",
         N_("Net benefit counts kronor, not tonnes: leave the co-benefits empty or count the reduction in tonnes.")),
        (r'budget_basis "net" needs a budget per year', "budget_basis",
         N_("A budget that holds the running costs needs a budget per year: running costs and savings fall in years.")),
        (r"net_zero_year \d+ must be after the baseline's first year (?P<year>\d+)", "path_net_zero_year",
         N_("Net zero must come after the year of the known emissions, %(year)s.")),
        (r"target_t year \d+ is before the baseline's first year (?P<year>\d+)", "path_target_year",
         N_("The level's year must not be before the year of the known emissions, %(year)s.")),
        (r"to_year \d+ is before the baseline's first year (?P<year>\d+)", "path_to_year",
         N_("The pathway must not end before the year of the known emissions, %(year)s.")),
        (r"to_year \d+ is before the target year (?P<year>\d+)", "path_to_year",
         N_("The pathway must not end before the target's year, %(year)s.")),
        (r"from_year \d+ is before the baseline's first year (?P<year>\d+)", "path_rate_from",
         N_("The reduction must not start before the year of the known emissions, %(year)s.")),
        (r"from_year \d+ is after to_year (?P<year>\d+)", "path_rate_from",
         N_("The reduction must start by the pathway's last year, %(year)s.")),
    )
)
"""The scenario's own checks of fields together, each said next to the field to change."""


def scenario_data(entered: ScenarioForm, words: Words) -> dict[str, Any] | None:
    """The scenario's data from the form's fields, or None with each wrong field's message set."""
    reader = _Reader(entered, words)
    data: dict[str, Any] = {}
    name = entered.get("name").strip()
    if name:
        data["name"] = name[:200]
    data["budget_sek"] = reader.budget()
    first_year = reader.year("first_year", required=False)
    if first_year is not None:
        data["first_year"] = first_year
    data["objective"] = reader.objective()
    rules = reader.standard_rules() + reader.rule_rows()
    if rules:
        data["constraints"] = rules
    pools = reader.pools()
    if pools:
        data["funding"] = pools
    weights = reader.co_benefits()
    if weights:
        data["co_benefit_weights"] = weights
    overlaps = reader.overlaps()
    if overlaps:
        data["interactions"] = overlaps
    pathway = reader.pathway()
    if pathway is not None:
        data["pathway"] = pathway
    rate = reader.number("discount_rate", percent=True)
    if rate is not None:
        if rate >= 1:
            entered.errors["discount_rate"] = words("Give a rate below 100 %.")
        data["discount_rate"] = rate
    basis = entered.get("budget_basis", "investment")
    if basis not in ("investment", "net"):
        entered.errors["budget_basis"] = words("Choose what the budget holds.")
    elif basis == "net":
        data["budget_basis"] = "net"
    for key in ("include", "exclude"):
        ids = _ids(entered.get(key))
        if ids:
            data[key] = ids
    limit = reader.number("time_limit_s")
    if limit is not None:
        if limit <= 0:
            entered.errors["time_limit_s"] = words("Give a number of seconds above 0.")
        data["time_limit_s"] = limit
    return None if entered.errors else data


def form_values(scenario: Scenario) -> dict[str, str] | None:
    """The form's fields that give `scenario` back, or None when the form cannot show all of it."""
    if (
        scenario.uncertainty is not None
        or scenario.min_fraction is not None
        or scenario.solver != "highs"
        or scenario.mip_gap != Scenario.model_fields["mip_gap"].default
    ):
        return None
    values = {key: "" for key in ("priority_share", "sector_cap")}
    values |= {"priority_column": DEFAULTS["priority_column"], "priority_value": DEFAULTS["priority_value"]}
    values["name"] = scenario.name or ""
    values["first_year"] = "" if scenario.first_year is None else str(scenario.first_year)
    budget = scenario.budget_sek
    if isinstance(budget, dict):
        if any(int(year) not in BUDGET_YEARS for year in budget):
            return None
        values["budget_mode"] = "per_year"
        values |= {f"budget_{year}": _text(amount) for year, amount in budget.items()}
    else:
        values["budget_mode"], values["budget_total"] = "total", _text(budget)
    objective = scenario.objective
    if isinstance(objective, NetBenefitObjective):
        values["objective"] = "net_benefit"
        values["carbon_value"] = _text(objective.net_benefit.carbon_value_sek_per_t)
    elif isinstance(objective, CumulativeObjective):
        if objective.cumulative_to != 2030:
            return None
        values["objective"] = "cumulative_2030"
    elif isinstance(objective, str):
        values["objective"] = objective
    else:
        return None
    for n, rule in enumerate(scenario.constraints, start=1):
        row = _rule_values(n, rule)
        if row is None:
            return None
        values |= row
    for n, pool in enumerate(scenario.funding, start=1):
        if len(pool.where) > 1 or not _all_text(pool.where):
            return None
        capacity = pool.capacity_sek
        if isinstance(capacity, dict):
            written = "; ".join(f"{year}: {_text(amount)}" for year, amount in capacity.items())
        else:
            written = _text(capacity)
        values |= {f"pool_{n}_name": pool.name, f"pool_{n}_capacity": written}
        values |= _where_values(f"pool_{n}", pool.where)
        values[f"pool_{n}_max_share"] = "" if pool.max_share == 1 else _text(pool.max_share * 100)
    for n, (column, weight) in enumerate(scenario.co_benefit_weights.items(), start=1):
        values |= {f"cob_{n}_column": column, f"cob_{n}_weight": _text(weight)}
    for n, overlap in enumerate(scenario.interactions, start=1):
        values |= {
            f"overlap_{n}_name": overlap.name or "",
            f"overlap_{n}_ids": ", ".join(overlap.ids),
            f"overlap_{n}_t": _text(overlap.abatement_t_per_year),
        }
    if scenario.pathway is not None:
        pathway = _pathway_values(scenario)
        if pathway is None:
            return None
        values |= pathway
    values["discount_rate"] = _text(scenario.discount_rate * 100)
    values["budget_basis"] = scenario.budget_basis
    values["include"] = ", ".join(scenario.include)
    values["exclude"] = ", ".join(scenario.exclude)
    values["time_limit_s"] = "" if scenario.time_limit_s is None else _text(scenario.time_limit_s)
    return values


class _Reader:
    """The form's fields read one by one; a wrong one gets its message and reads as None."""

    def __init__(self, entered: ScenarioForm, words: Words) -> None:
        self.entered, self.words = entered, words

    def text(self, name: str) -> str:
        return self.entered.get(name).strip()

    def fail(self, name: str, message: str, **values: object) -> None:
        self.entered.errors.setdefault(name, self.words(message, **values))

    def number(
        self, name: str, *, required: bool = False, percent: bool = False, negative: bool = False
    ) -> float | None:
        """A number as a Swedish person writes it (`30 000 000`, `30 000 000 kr`, `2,5`), or None."""
        text = self.text(name)
        if not text:
            if required:
                self.fail(name, N_("Give an amount."))
            return None
        value = self._parsed(name, text.removesuffix("%").strip())
        if value is None:
            return None
        if value < 0 and not negative:
            self.fail(name, N_("Give an amount of 0 or more."))
            return None
        if percent:
            if value > 100:
                self.fail(name, N_("Give a share from 0 to 100 %."))
                return None
            return round(value / 100, 12)  # 11,72 % is 0.1172, not 0.11720000000000001
        return value

    def _parsed(self, name: str, text: str) -> float | None:
        parsed = parse_numbers(pd.Series([text], dtype=object), decimal_comma=True)
        if parsed.bad or not parsed.ok.all():
            self.fail(name, N_("'%(value)s' is not a number"), value=text)
            return None
        return float(parsed.values[0])

    def year(self, name: str, *, required: bool) -> int | None:
        text = self.text(name)
        if not text and not required:
            return None
        if not (text.isdigit() and 1900 <= int(text) <= 2200):
            self.fail(name, N_("Give a year such as 2030."))
            return None
        return int(text)

    def budget(self) -> float | dict[str, float] | None:
        if self.entered.get("budget_mode") != "per_year":
            return self.number("budget_total", required=True)
        per_year = {}
        for year in BUDGET_YEARS:
            amount = self.number(f"budget_{year}")
            if amount is not None:
                per_year[str(year)] = amount
        if not per_year:
            self.fail(f"budget_{BUDGET_YEARS[0]}", N_("Give the budget of at least one year."))
        return per_year

    def objective(self) -> Any:
        objective = self.entered.get("objective", "lifetime")
        if objective not in OBJECTIVES:
            self.fail("objective", N_("Choose what counts as the reduction."))
            return "lifetime"
        if objective == "cumulative_2030":
            return {"cumulative_to": 2030}
        if objective == "net_benefit":
            value = self.number("carbon_value", required=True)
            if value is not None and value <= 0:
                self.fail("carbon_value", N_("Give a carbon value above 0."))
            return {"net_benefit": {"carbon_value_sek_per_t": value}}
        return objective

    def standard_rules(self) -> list[dict[str, Any]]:
        """The two rules most scenarios have: a share to priority areas and a cap per sector."""
        rules = []
        share = self.number("priority_share", percent=True)
        if share is not None:
            column = self.text("priority_column") or DEFAULTS["priority_column"]
            wanted = _ids(self.text("priority_value") or DEFAULTS["priority_value"])
            rules.append(
                {
                    "name": self.words("at least %(share)s %% to priority areas", share=self.text("priority_share")),
                    "measure": "cost",
                    "where": {column: wanted},
                    "min_share": share,
                }
            )
        cap = self.number("sector_cap", percent=True)
        if cap is not None:
            rules.append(
                {
                    "name": self.words("at most %(share)s %% per sector", share=self.text("sector_cap")),
                    "measure": "cost",
                    "for_each": "sector",
                    "max_share": cap,
                }
            )
        return rules

    def rule_rows(self) -> list[dict[str, Any]]:
        """The form's own rules: a bound on a sum over a group of measures (a minimum, a cap, a count,
        a co-benefit), e.g. at least 3 measures in the sector transport."""
        rules = []
        for n in self.entered.rows("rule"):
            p = f"rule_{n}"
            if not any(self.text(f"{p}_{k}") for k in ("name", "where_column", "for_each", "amount")):
                continue
            measure = self.entered.get(f"{p}_measure", "cost")
            if measure == "column":
                measure = self.text(f"{p}_measure_column")
                if not measure:
                    self.fail(f"{p}_measure_column", N_("Give the name of the list's column to add up."))
            elif measure not in MEASURES:
                self.fail(f"{p}_measure", N_("Choose what the rule adds up."))
            bound = self.entered.get(f"{p}_bound", "min")
            if bound not in BOUNDS:
                self.fail(f"{p}_bound", N_("Choose the kind of bound."))
                continue
            amount = self.number(f"{p}_amount", required=True, percent=bound.endswith("_share"))
            rule: dict[str, Any] = {
                "name": self.text(f"{p}_name") or self.words("rule %(number)s", number=n),
                "measure": measure,
                bound: amount,
            }
            rule |= self._where(p)
            if self.text(f"{p}_for_each"):
                rule["for_each"] = self.text(f"{p}_for_each")
            rules.append(rule)
        return rules

    def pools(self) -> list[dict[str, Any]]:
        """Funding pools: money from outside (Klimatklivet, an EU fund) for the measures it may pay."""
        pools = []
        for n in self.entered.rows("pool"):
            p = f"pool_{n}"
            if not any(self.text(f"{p}_{k}") for k in ("name", "capacity", "where_column", "max_share")):
                continue
            name = self.text(f"{p}_name")
            if not name:
                self.fail(f"{p}_name", N_("Give the pool a name."))
            pool: dict[str, Any] = {"name": name, "capacity_sek": self.capacity(f"{p}_capacity")}
            pool |= self._where(p)
            share = self.number(f"{p}_max_share", percent=True)
            if share is not None:
                if share <= 0:
                    self.fail(f"{p}_max_share", N_("Give a share above 0."))
                pool["max_share"] = share
            pools.append(pool)
        return pools

    def capacity(self, name: str) -> float | dict[str, float] | None:
        """One amount, or amounts per year written `2027: 5 000 000; 2028: 5 000 000`."""
        text = self.text(name)
        if ":" not in text:
            return self.number(name, required=True)
        per_year: dict[str, float] = {}
        for part in (p.strip() for p in text.split(";") if p.strip()):
            year, _, amount = part.partition(":")
            year = year.strip()
            if not (year.isdigit() and 1900 <= int(year) <= 2200) or year in per_year:
                self.fail(name, N_("Write an amount per year as 2027: 5 000 000; 2028: 5 000 000."))
                return None
            value = self._parsed(name, amount.strip())
            if value is None:
                return None
            per_year[year] = value
        return per_year

    def overlaps(self) -> list[dict[str, Any]]:
        """Measures whose reductions overlap when both are funded (or add to each other)."""
        overlaps = []
        for n in self.entered.rows("overlap"):
            p = f"overlap_{n}"
            ids, tonnes = _ids(self.entered.get(f"{p}_ids")), self.number(f"{p}_t", negative=True)
            if not ids and tonnes is None and not self.text(f"{p}_name"):
                continue
            if len(ids) < 2 or len(set(ids)) < len(ids):
                self.fail(f"{p}_ids", N_("Give two or more different ids, separated by commas."))
            if tonnes is None:
                self.fail(f"{p}_t", N_("Give the change in tonnes a year (negative for an overlap)."))
            overlap: dict[str, Any] = {"ids": ids, "abatement_t_per_year": tonnes}
            if self.text(f"{p}_name"):
                overlap["name"] = self.text(f"{p}_name")
            overlaps.append(overlap)
        return overlaps

    def co_benefits(self) -> dict[str, float]:
        """Tonnes counted per unit of a co-benefit column (health, jobs), weighed into the objective."""
        weights = {}
        for n in self.entered.rows("cob"):
            column, weight = self.text(f"cob_{n}_column"), self.number(f"cob_{n}_weight", negative=True)
            if not column and weight is None:
                continue
            if not column:
                self.fail(f"cob_{n}_column", N_("Give the name of the list's column."))
            elif weight is None:
                self.fail(f"cob_{n}_weight", N_("Give the tonnes counted for each unit of the column."))
            else:
                weights[column] = weight
        return weights

    def pathway(self) -> dict[str, Any] | None:
        """The municipality's emissions without the portfolio and its target, when both are given."""
        target = self.entered.get("path_target", "")
        if target not in TARGETS:
            self.fail("path_target", N_("Choose a kind of target."))
            return None
        if not target:
            return None
        year = self.year("path_baseline_year", required=True)
        emissions = self.number("path_baseline_t", required=True)
        trend = self.number("path_trend", percent=True, negative=True)
        baseline: dict[str, Any] = {"year": year, "emissions_t": emissions}
        if trend is not None:
            baseline["trend"] = trend
        spec: dict[str, Any] = {"baseline_t": baseline}
        to_year = self.year("path_to_year", required=False)
        if to_year is not None:
            spec["to_year"] = to_year
        if target == "net_zero":
            spec["target"] = {"net_zero_year": self.year("path_net_zero_year", required=True)}
            residual = self.number("path_residual", percent=True)
            if residual is not None:
                spec["target"]["residual_share"] = residual
        elif target == "reduction_rate":
            rate = self.number("path_rate", percent=True, required=True)
            if rate is not None and not 0 < rate < 1:
                self.fail("path_rate", N_("Give a rate above 0 and below 100 %."))
            spec["target"] = {"reduction_rate": rate}
            from_year = self.year("path_rate_from", required=False)
            if from_year is not None:
                spec["target"]["from_year"] = from_year
        else:
            level_year = self.year("path_target_year", required=True)
            spec["target"] = {"target_t": {str(level_year): self.number("path_target_t", required=True)}}
        return spec

    def _where(self, prefix: str) -> dict[str, Any]:
        column, wanted = self.text(f"{prefix}_where_column"), _ids(self.entered.get(f"{prefix}_where_values"))
        if column and not wanted:
            self.fail(f"{prefix}_where_values", N_("Give the values of the column that the group has."))
        if wanted and not column:
            self.fail(f"{prefix}_where_column", N_("Give the column that these values are in."))
        return {"where": {column: wanted}} if column and wanted else {}


def _rule_values(n: int, rule: GroupRule) -> dict[str, str] | None:
    bounds = {k: v for k in BOUNDS if (v := getattr(rule, k)) is not None}
    if len(bounds) != 1 or len(rule.where) > 1 or not _all_text(rule.where):
        return None
    p = f"rule_{n}"
    ((bound, amount),) = bounds.items()
    standard = rule.measure in MEASURES and rule.measure != "column"
    values = {
        f"{p}_name": rule.name,
        f"{p}_measure": rule.measure if standard else "column",
        f"{p}_measure_column": "" if standard else rule.measure,
        f"{p}_bound": bound,
        f"{p}_amount": _text(amount * 100 if bound.endswith("_share") else amount),
        f"{p}_for_each": rule.for_each or "",
    }
    return values | _where_values(p, rule.where)


def _where_values(prefix: str, where: dict[str, list[Any]]) -> dict[str, str]:
    ((column, wanted),) = where.items() if where else (("", []),)
    return {f"{prefix}_where_column": column, f"{prefix}_where_values": ", ".join(wanted)}


def _pathway_values(scenario: Scenario) -> dict[str, str] | None:
    spec = scenario.pathway
    assert spec is not None
    baseline, target = spec.baseline_t, spec.target
    if not isinstance(baseline, BaselineTrend):
        return None
    values = {
        "path_baseline_year": str(baseline.year),
        "path_baseline_t": _text(baseline.emissions_t),
        "path_trend": "" if baseline.trend == 0 else _text(baseline.trend * 100),
        "path_to_year": "" if spec.to_year is None else str(spec.to_year),
    }
    if isinstance(target, NetZeroTarget):
        residual = "" if target.residual_share == 0 else _text(target.residual_share * 100)
        values |= {"path_target": "net_zero", "path_net_zero_year": str(target.net_zero_year), "path_residual": residual}
    elif isinstance(target, ReductionRateTarget):
        from_year = "" if target.from_year is None else str(target.from_year)
        values |= {"path_target": "reduction_rate", "path_rate": _text(target.reduction_rate * 100)}
        values["path_rate_from"] = from_year
    elif isinstance(target, TargetPoints) and len(target.target_t) == 1:
        ((year, level),) = target.target_t.items()
        values |= {"path_target": "points", "path_target_year": year, "path_target_t": _text(level)}
    else:
        return None
    return values


def _all_text(where: dict[str, list[Any]]) -> bool:
    """Whether every value of a group is text without a comma (so that the form can write it back)."""
    return all(isinstance(v, str) and "," not in v and ";" not in v for vs in where.values() for v in vs)


def _ids(text: str) -> list[str]:
    return [i.strip() for i in text.replace(";", ",").split(",") if i.strip()]


def _text(value: float) -> str:
    """A number as the form shows it: `30 000 000`, `3,5` (read back to the same float)."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", " ")
    return format(value, ".12g").replace(".", ",")
