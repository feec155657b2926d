"""Why a scenario has no feasible portfolio, in words a finance officer can act on.

A deletion filter over the scenario's rules (each budget year, each group rule, the mandatory,
included and excluded projects, dependencies, alternatives, the minimum share of divisible projects)
finds an irreducible set of rules that cannot hold together: drop any one of them and a portfolio
exists. Each is then described with the figures that make the conflict visible.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from models import Conflict, ProjectList, Scenario
from models.amounts import ALL_YEARS
from models.options import Deadline
from optimizer.model.backends import Backend, Incumbents, Stop
from optimizer.model.build import (
    FORCED_GROUPS,
    MilpModel,
    budget_years,
    expand_rules,
    municipal_cost_by_year,
    objective_coefficients,
    rule_measure,
)

log = logging.getLogger(__name__)

CHECK_LIMIT_S = 10.0
# Rules tested first are dropped first when several explanations exist, so the ones a person can
# most readily change (budgets, mandatory decisions, group rules) are tested last and kept.
_ORDER = {
    "alternatives": 0,
    "requires": 1,
    "min fraction": 2,
    "exclude": 3,
    "include": 4,
    "rule": 5,
    "funding": 6,
    "target": 7,
    "budget": 8,
    "mandatory": 9,
}


def explain_infeasibility(
    projects: ProjectList,
    scenario: Scenario,
    model: MilpModel,
    *,
    backend: Backend,
    deadline: Deadline,
) -> list[Conflict]:
    """An irreducible set of conflicting rules, described; empty if none could be found by `deadline`."""
    kinds = {g.name: g.kind for g in model.row_groups} | {name: name for name in FORCED_GROUPS}
    groups = sorted(model.group_names, key=lambda name: _ORDER[kinds[name]])

    def infeasible_with(active: list[str]) -> bool | None:
        remaining = deadline.left()
        if remaining is not None and remaining <= 0:
            return None
        candidate = model.without(set(groups) - set(active)).feasibility()
        outcome = backend.solve(
            candidate,
            time_limit_s=CHECK_LIMIT_S if remaining is None else min(remaining, CHECK_LIMIT_S),
            mip_gap=1.0,
            incumbents=Incumbents(),
            cancel=threading.Event(),
        )
        if outcome.stop is Stop.INFEASIBLE:
            return True
        return False if outcome.x is not None else None

    active = list(groups)
    complete = True
    for name in groups:
        trial = [g for g in active if g != name]
        verdict = infeasible_with(trial)
        if verdict is None:
            complete = False
        elif verdict:
            active = trial
    if not active:
        return []
    log.info("conflicting rules: %s (minimal: %s)", active, complete)
    message = (
        "These rules cannot all hold at once: "
        + "; ".join(_describe(g, kinds[g], projects, scenario, model, active) for g in active)
        + "."
    )
    if not complete:
        message += " (The search for the smallest set of conflicting rules was cut short by the time limit.)"
    return [Conflict(rules=active, message=message)]


def _msek(value: float) -> str:
    return f"{value / 1e6:,.1f} MSEK" if abs(value) >= 1e5 else f"{value:,.0f} SEK"


def _ids(mask: np.ndarray, projects: ProjectList, limit: int = 8) -> str:
    ids = [str(i) for i in projects.ids[mask]]
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _describe(
    name: str, kind: str, projects: ProjectList, scenario: Scenario, model: MilpModel, active: list[str]
) -> str:
    if kind == "budget":
        return _describe_budget(name, projects, scenario, model, active)
    if kind == "rule":
        return _describe_rule(name, projects, scenario)
    if kind == "requires":
        return "the dependencies between projects (each funded project's 'requires' must be funded too)"
    if kind == "alternatives":
        return "the alternatives (at most one project of each exclusive_group)"
    if kind == "funding":
        return _describe_pool(name, scenario)
    if kind == "min fraction":
        divisible = projects.table["divisible"].to_numpy(dtype=bool)
        return (
            f"the scenario's min_fraction {scenario.min_fraction:g} (each divisible project, "
            f"{_ids(divisible, projects)}, is funded not at all or at least that share)"
        )
    if kind == "target":
        goal = scenario.objective.min_cost_for_t  # type: ignore[union-attr]  # only min_cost_for_t has one
        available = objective_coefficients(projects, scenario)[~model.forced["exclude"]].sum()
        return (
            f"the reduction target of at least {goal:,.0f} t ({scenario.objective_label}); "
            f"all projects not excluded together reach {available:,.0f} t"
        )
    forced = model.forced[name]
    both = (
        forced & model.forced["exclude"]
        if name != "exclude"
        else forced & (model.forced["mandatory"] | model.forced["include"])
    )
    clash = (
        f" ({_ids(both, projects)} both forced in and excluded)" if both.any() and name == "exclude" else ""
    )
    label = {
        "mandatory": "the mandatory projects",
        "include": "the projects the scenario includes",
        "exclude": "the projects the scenario excludes",
    }[name]
    return f"{label} {_ids(forced, projects)}{clash}"


def _describe_budget(
    name: str, projects: ProjectList, scenario: Scenario, model: MilpModel, active: list[str]
) -> str:
    years = budget_years(projects, scenario)
    spend = municipal_cost_by_year(projects, scenario, years)
    column = list(years.years).index(None if name == "budget" else int(name.split()[1]))
    limit = years.limits_sek[column]
    forced = np.zeros(len(projects), dtype=bool)
    for group in ("mandatory", "include"):
        if group in active:
            forced |= model.forced[group]
    if "requires" in active:
        forced = projects.with_requirements(forced)
    forced &= ~projects.phased  # a phased project's spending could move to another year
    label = "the budget" if name == "budget" else f"the {name.split()[1]} budget"
    text = f"{label} of {_msek(limit)}"
    if forced.any():
        text += f" (the forced-in projects {_ids(forced, projects)} alone need {_msek(spend[forced, column].sum())} of it)"
    return text


def _describe_pool(name: str, scenario: Scenario) -> str:
    pool = next(p for p in scenario.funding if f"funding {p.name}" == name)
    capacity = ", ".join(
        _msek(amount) if year is ALL_YEARS else f"{_msek(amount)} in {year}"
        for year, amount in pool.capacity.items()
    )
    return f"the capacity of funding pool '{pool.name}' ({capacity}, at most {pool.max_share:.0%} of a project's cost)"


def _describe_rule(name: str, projects: ProjectList, scenario: Scenario) -> str:
    rule = next(r for r in expand_rules(projects, scenario) if f"rule {r.name}" == name)
    spec = rule.rule
    where = " and ".join(f"{column} in {values}" for column, values in spec.where.items()) or "all projects"
    if spec.for_each is not None:
        where += f", {spec.for_each} = {rule.name[len(spec.name) + 1 : -1]}"
    bounds = []
    if spec.min_share is not None:
        bounds.append(f"at least {spec.min_share:.0%} of the portfolio's {spec.measure}")
    if spec.max_share is not None:
        bounds.append(f"at most {spec.max_share:.0%} of the portfolio's {spec.measure}")
    if spec.min is not None:
        bounds.append(f"at least {spec.min:,.6g}")
    if spec.max is not None:
        bounds.append(f"at most {spec.max:,.6g}")
    measure = rule_measure(projects, objective_coefficients(projects, scenario), spec.measure)
    available = float(measure[rule.members].sum())
    amount = _msek(available) if spec.measure in ("cost", "municipal_cost") else f"{available:,.6g}"
    return (
        f"rule '{rule.name}' ({spec.measure} of {where}: {' and '.join(bounds)}; "
        f"its {int(rule.members.sum())} projects amount to {amount} in all)"
    )
