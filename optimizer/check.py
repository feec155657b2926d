"""Independent check of a portfolio against every rule of the scenario.

This module recomputes everything from the project list and the scenario as a person would
read them, without the model matrices of `optimizer.build` and without the solver: a bug in the
model or a solver that claims success on a portfolio that breaks a rule is caught here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models import (
    CumulativeObjective,
    ProjectList,
    RuleOutcome,
    Scenario,
    Selection,
    YearSpend,
    canonical_text,
)
from optimizer.validate import resolve_first_year

INTEGRALITY_TOLERANCE = 1e-5
RELATIVE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class CheckReport:
    fractions: np.ndarray
    """The portfolio after snapping solver noise: 0/1 for whole projects, [0, 1] for divisible ones."""
    violations: list[str]
    objective_t: float
    contribution_t: np.ndarray
    """Per project: tCO2e counted in the objective when fully funded."""
    selected: list[Selection]
    total_cost_sek: float
    municipal_cost_sek: float
    grant_sek: float
    abatement_t_per_year: float
    budget: list[YearSpend]
    rules: list[RuleOutcome]

    @property
    def passed(self) -> bool:
        return not self.violations


def check_portfolio(projects: ProjectList, scenario: Scenario, fractions: np.ndarray) -> CheckReport:
    """Check `fractions` (one per project, list order) against every rule and recompute all figures."""
    table = projects.table
    ids = table["id"].astype(str)
    violations: list[str] = []
    x = _snap(np.asarray(fractions, dtype=float), table["divisible"].to_numpy(dtype=bool), ids, violations)

    cost_by_year, first_year = _cost_by_year(projects, scenario)
    total_cost = cost_by_year.sum(axis=1)
    grant = table["grant_sek"].to_numpy(dtype=float)
    municipal_by_year = cost_by_year.mul(1.0 - grant / total_cost, axis=0)
    contribution = _contribution(projects, scenario, cost_by_year, first_year)

    _check_forced(table, scenario, ids, x, violations)
    _check_requires(table, ids, x, violations)
    _check_alternatives(table, x, violations)
    budget = _check_budgets(scenario, municipal_by_year, x, violations)
    measures = {
        "cost": total_cost.to_numpy(),
        "municipal_cost": municipal_by_year.sum(axis=1).to_numpy(),
        "abatement": contribution,
        "count": np.ones(len(table)),
    }
    rules = _check_rules(projects, scenario, measures, x, violations)

    chosen = np.flatnonzero(x > 0)
    selected = [
        Selection(
            id=str(table["id"].iat[i]),
            name=str(table["name"].iat[i]),
            sector=str(table["sector"].iat[i]),
            district=table["district"].iat[i],
            fraction=float(x[i]),
            cost_sek=float(total_cost.iat[i] * x[i]),
            municipal_cost_sek=float(measures["municipal_cost"][i] * x[i]),
            abatement_t=float(contribution[i] * x[i]),
        )
        for i in chosen
    ]
    return CheckReport(
        fractions=x,
        violations=violations,
        objective_t=float(contribution @ x),
        contribution_t=contribution,
        selected=selected,
        total_cost_sek=float(total_cost.to_numpy() @ x),
        municipal_cost_sek=float(measures["municipal_cost"] @ x),
        grant_sek=float(grant @ x),
        abatement_t_per_year=float(table["abatement_t_per_year"].to_numpy(dtype=float) @ x),
        budget=budget,
        rules=rules,
    )


def _snap(x: np.ndarray, divisible: np.ndarray, ids: pd.Series, violations: list[str]) -> np.ndarray:
    """Round whole projects to 0/1 and clip divisible ones, flagging anything beyond solver noise."""
    if x.shape != divisible.shape:
        violations.append(f"the portfolio has {x.size} entries for {divisible.size} projects")
        return np.zeros(divisible.shape)
    for i in np.flatnonzero(~np.isfinite(x)):
        violations.append(f"project {ids.iat[i]}: fraction {x[i]} is not a number")
    x = np.nan_to_num(x, nan=0.0)
    outside = (x < -INTEGRALITY_TOLERANCE) | (x > 1 + INTEGRALITY_TOLERANCE)
    for i in np.flatnonzero(outside):
        violations.append(f"project {ids.iat[i]}: fraction {x[i]:.6g} is outside 0..1")
    rounded = np.round(x)
    fractional = ~divisible & (np.abs(x - rounded) > INTEGRALITY_TOLERANCE)
    for i in np.flatnonzero(fractional):
        violations.append(f"project {ids.iat[i]}: fraction {x[i]:.6g} but the project is not divisible")
    snapped = np.where(divisible, np.clip(x, 0.0, 1.0), np.clip(rounded, 0.0, 1.0))
    return np.where(snapped < 1e-9, 0.0, np.where(snapped > 1 - 1e-9, 1.0, snapped))


def _cost_by_year(projects: ProjectList, scenario: Scenario) -> tuple[pd.DataFrame, int]:
    """Total cost per project and calendar year, with unscheduled costs in the first year."""
    first_year = resolve_first_year(projects, scenario)
    costs = projects.scheduled_cost.copy()
    if first_year not in costs.columns:
        costs[first_year] = 0.0
    costs[first_year] = costs[first_year] + projects.unscheduled_cost
    return costs.sort_index(axis=1), first_year


def _contribution(
    projects: ProjectList, scenario: Scenario, cost_by_year: pd.DataFrame, first_year: int
) -> np.ndarray:
    table = projects.table
    annual = table["abatement_t_per_year"].to_numpy(dtype=float)
    lifetime = table["lifetime_years"].to_numpy(dtype=float)
    if scenario.objective == "annual":
        return annual
    if isinstance(scenario.objective, CumulativeObjective):
        spent = cost_by_year > 0
        last_year = (
            spent.iloc[:, ::-1].idxmax(axis=1).where(spent.any(axis=1), first_year).to_numpy(dtype=float)
        )
        years_counted = np.minimum(np.maximum(scenario.objective.cumulative_to - last_year, 0.0), lifetime)
        return annual * years_counted
    return annual * lifetime


def _tolerance(scale: float) -> float:
    return RELATIVE_TOLERANCE * max(abs(scale), 1.0)


def _check_forced(
    table: pd.DataFrame, scenario: Scenario, ids: pd.Series, x: np.ndarray, violations: list[str]
) -> None:
    mandatory = table["mandatory"].to_numpy(dtype=bool)
    for i in np.flatnonzero(mandatory & (x < 1 - 1e-9)):
        violations.append(f"project {ids.iat[i]} is mandatory but funded at {x[i]:.6g}")
    included = ids.isin(scenario.include).to_numpy()
    for i in np.flatnonzero(included & (x < 1 - 1e-9)):
        violations.append(f"project {ids.iat[i]} is included by the scenario but funded at {x[i]:.6g}")
    excluded = ids.isin(scenario.exclude).to_numpy()
    for i in np.flatnonzero(excluded & (x > 0)):
        violations.append(f"project {ids.iat[i]} is excluded by the scenario but funded at {x[i]:.6g}")


def _check_requires(table: pd.DataFrame, ids: pd.Series, x: np.ndarray, violations: list[str]) -> None:
    pairs = table["requires"].explode().dropna()
    dependent = pairs.index.to_numpy(dtype=int)
    required = pd.Index(ids).get_indexer(pairs.to_numpy(dtype=object))
    for d in dependent[required < 0]:
        violations.append(f"project {ids.iat[d]} requires a project that is not in the list")
    known = required >= 0
    broken = known & (x[dependent] > np.where(known, x[required], 0.0) + 1e-9)
    for d, r in zip(dependent[broken], required[broken], strict=True):
        violations.append(
            f"project {ids.iat[d]} is funded at {x[d]:.6g} but requires {ids.iat[r]}, funded at {x[r]:.6g}"
        )


def _check_alternatives(table: pd.DataFrame, x: np.ndarray, violations: list[str]) -> None:
    groups = pd.Series(x, index=table.index).groupby(table["exclusive_group"].to_numpy(), dropna=True).sum()
    for group, total in groups.items():
        if total > 1 + 1e-9:
            violations.append(f"exclusive group {group}: {total:.6g} projects funded, at most 1 allowed")


def _check_budgets(
    scenario: Scenario, municipal_by_year: pd.DataFrame, x: np.ndarray, violations: list[str]
) -> list[YearSpend]:
    spend = municipal_by_year.mul(x, axis=0).sum(axis=0)
    if isinstance(scenario.budget_sek, dict):
        limits = {int(y): float(b) for y, b in scenario.budget_sek.items()}
        outside = [y for y in spend.index if int(y) not in limits and spend[y] > 0]
        for year in outside:
            violations.append(f"{spend[year]:,.0f} SEK spent in {year}, a year without a budget")
        rows = [(year, limit, float(spend.get(year, 0.0))) for year, limit in limits.items()]
    else:
        rows = [(None, float(scenario.budget_sek), float(spend.sum()))]
    budget = []
    for year, limit, spent in rows:
        if spent > limit + _tolerance(limit):
            label = f"the {year} budget" if year is not None else "the budget"
            violations.append(f"{label} of {limit:,.0f} SEK is exceeded: {spent:,.0f} SEK spent")
        budget.append(YearSpend(year=year, budget_sek=limit, spend_sek=spent, slack_sek=limit - spent))
    return budget


def _check_rules(
    projects: ProjectList,
    scenario: Scenario,
    measures: dict[str, np.ndarray],
    x: np.ndarray,
    violations: list[str],
) -> list[RuleOutcome]:
    outcomes = []
    for rule in scenario.constraints:
        base = pd.Series(True, index=projects.table.index)
        for column, values in rule.where.items():
            base &= pd.Series(projects.values_of(column)).isin([canonical_text(v) for v in values])
        if rule.for_each is None:
            groups = [(rule.name, base)]
        else:
            keys = pd.Series(projects.values_of(rule.for_each))
            groups = [(f"{rule.name}[{key}]", base & (keys == key)) for key in keys.dropna().unique()]
        measure = measures[rule.measure]
        portfolio_total = float(measure @ x)
        for name, members in groups:
            value = float(measure[members.to_numpy()] @ x[members.to_numpy()])
            slacks = []
            if rule.min is not None:
                slacks.append(value - rule.min)
            if rule.max is not None:
                slacks.append(rule.max - value)
            if rule.min_share is not None:
                slacks.append(value - rule.min_share * portfolio_total)
            if rule.max_share is not None:
                slacks.append(rule.max_share * portfolio_total - value)
            slack = min(slacks)
            scale = max(abs(portfolio_total), abs(value), rule.min or 0.0, rule.max or 0.0)
            if slack < -_tolerance(scale):
                violations.append(
                    f"rule {name}: {rule.measure} {value:,.6g} breaks its bound by {-slack:,.6g}"
                )
            outcomes.append(
                RuleOutcome(
                    name=name,
                    measure=rule.measure,
                    projects=int(members.sum()),
                    value=value,
                    share=value / portfolio_total if portfolio_total > 0 else None,
                    min=rule.min,
                    max=rule.max,
                    min_share=rule.min_share,
                    max_share=rule.max_share,
                    slack=slack,
                    binding=abs(slack) <= _tolerance(scale) * 10,
                )
            )
    return outcomes
