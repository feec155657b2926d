"""What the optimiser is measured against, each on the same `ProjectList` and `Scenario`.

- `pulp_cbc`: the model written the way PuLP's documentation teaches (`LpProblem`,
  `LpVariable.dicts`, one `lpSum` per constraint, `PULP_CBC_CMD`), from the list's data.
- `scipy_milp`: `scipy.optimize.milp` on the matrices of `optimizer.model.build.build_model`.
- `greedy`: fund by SEK per tonne while every budget year holds; rules are not looked at.
- `lp_relaxation`: the same matrices with integrality dropped (HiGHS LP): a bound on the optimum.

Every portfolio is checked with `optimizer.model.check.check_portfolio`, so that figures are compared as the
checker computes them, not as each solver reports them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pulp
import scipy
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from models import ProjectList, Scenario
from optimizer.model.build import (
    MilpModel,
    budget_years,
    build_model,
    expand_rules,
    municipal_cost_by_year,
    objective_coefficients,
    rule_measure,
)
from optimizer.model.check import check_portfolio
from optimizer.model.fit import check_fits


@dataclass(frozen=True)
class BaselineRun:
    """One baseline's answer, with its portfolio checked independently."""

    method: str
    solver: str
    version: str
    threads: int | None
    status: str
    """"optimal" (proven within the gap asked for), "feasible", "infeasible", "no_solution" or "error"."""
    proven: bool
    objective_t: float | None
    """The objective as the checker recomputes it from the portfolio (None without one)."""
    bound_t: float | None
    gap: float | None
    check_passed: bool | None
    violations: int | None
    build_s: float
    solve_s: float
    rows: int | None = None
    """Constraints of the model the baseline solved (None: no model)."""
    columns: int | None = None


class Unsupported(ValueError):
    """The baseline cannot express this scenario (it covers the rule kinds the generated cases use)."""


def pulp_cbc(projects: ProjectList, scenario: Scenario, time_limit_s: float) -> BaselineRun:
    """PuLP + CBC as its documentation teaches, built from the list and the scenario.

    Covers yearly or total budgets (municipal cost after grants), group rules (bounds and shares,
    `for_each`), requires, exclusive groups, mandatory/include/exclude and divisible projects. CBC is
    given the scenario's relative gap, as the optimiser is, so both stop at the same proof."""
    _require_plain(projects, scenario)
    started = time.perf_counter()
    table = projects.table
    n = len(projects)
    tonnes = objective_coefficients(projects, scenario)
    divisible = table["divisible"].to_numpy(dtype=bool)
    prob = pulp.LpProblem("portfolio", pulp.LpMaximize)
    whole = pulp.LpVariable.dicts("x", np.flatnonzero(~divisible).tolist(), cat="Binary")
    part = pulp.LpVariable.dicts("y", np.flatnonzero(divisible).tolist(), lowBound=0, upBound=1)
    x = [whole[i] if i in whole else part[i] for i in range(n)]

    prob += pulp.lpSum(tonnes[i] * x[i] for i in range(n)), "tonnes"
    years = budget_years(projects, scenario)
    spend = municipal_cost_by_year(projects, scenario, years)
    for j, year in enumerate(years.years):
        paying = np.flatnonzero(spend[:, j])
        prob += (
            pulp.lpSum(spend[i, j] * x[i] for i in paying) <= years.limits_sek[j],
            f"budget_{year or 'all'}",
        )
    ids = {pid: i for i, pid in enumerate(projects.ids)}
    for dependent, needed in table["requires"].explode().dropna().items():
        prob += x[dependent] <= x[ids[needed]]
    for members in table.groupby("exclusive_group").groups.values():
        prob += pulp.lpSum(x[i] for i in members) <= 1
    forced_in = table["mandatory"].to_numpy(dtype=bool) | np.isin(projects.ids, scenario.include)
    for i in np.flatnonzero(forced_in):
        prob += x[i] == 1
    for i in np.flatnonzero(np.isin(projects.ids, scenario.exclude)):
        prob += x[i] == 0
    for k, rule in enumerate(expand_rules(projects, scenario)):
        spec = rule.rule
        m = rule_measure(projects, tonnes, spec.measure)
        group = pulp.lpSum(m[i] * x[i] for i in np.flatnonzero(rule.members & (m != 0)))
        everything = pulp.lpSum(m[i] * x[i] for i in np.flatnonzero(m))
        if spec.min is not None:
            prob += group >= spec.min, f"rule{k}_min"
        if spec.max is not None:
            prob += group <= spec.max, f"rule{k}_max"
        if spec.min_share is not None:
            prob += group >= spec.min_share * everything, f"rule{k}_min_share"
        if spec.max_share is not None:
            prob += group <= spec.max_share * everything, f"rule{k}_max_share"
    built = time.perf_counter()

    prob.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, gapRel=scenario.mip_gap))
    solved = time.perf_counter()
    status = pulp.LpStatus[prob.status]
    has_solution = prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    fractions = np.array([v.varValue or 0.0 for v in x]) if has_solution else None
    proven = prob.sol_status == pulp.LpSolutionOptimal
    kind = (
        "optimal"
        if proven
        else "feasible"
        if has_solution
        else "infeasible"
        if status == "Infeasible"
        else "no_solution"
    )
    return _checked(
        "pulp_cbc",
        "cbc (PuLP)",
        pulp.__version__,
        1,
        kind,
        proven,
        projects,
        scenario,
        fractions,
        bound=None,
        gap=None,
        build_s=built - started,
        solve_s=solved - built,
        shape=(prob.numConstraints(), prob.numVariables()),
    )


def scipy_milp(projects: ProjectList, scenario: Scenario, time_limit_s: float) -> BaselineRun:
    """`scipy.optimize.milp` on the optimiser's own matrices: the same model, a plain driver."""
    model, result, built_s, solved_s = _scipy_on_the_model(
        projects, scenario, time_limit_s, integer=True, mip_rel_gap=scenario.mip_gap
    )
    fractions = None if result.x is None else model.layout.decode(result.x).fractions
    kinds = {0: "optimal", 1: "feasible" if result.x is not None else "no_solution", 2: "infeasible"}
    bound = getattr(result, "mip_dual_bound", None)
    return _checked(
        "scipy_milp",
        "scipy.optimize.milp (HiGHS)",
        scipy.__version__,
        1,
        kinds.get(result.status, "error"),
        result.status == 0,
        projects,
        scenario,
        fractions,
        bound=None if bound is None or not np.isfinite(bound) else -float(bound),
        gap=getattr(result, "mip_gap", None),
        build_s=built_s,
        solve_s=solved_s,
        shape=model.shape,
    )


def greedy(projects: ProjectList, scenario: Scenario) -> BaselineRun:
    """Mandatory and included projects first, then the cheapest tonne first, each funded whole if every
    budget year still holds; excluded projects are skipped. Other rules are ignored and then counted
    by the checker: what sorting on SEK per tonne misses."""
    _require_plain(projects, scenario)
    started = time.perf_counter()
    years = budget_years(projects, scenario)
    spend = municipal_cost_by_year(projects, scenario, years)
    tonnes = objective_coefficients(projects, scenario)
    with np.errstate(divide="ignore"):
        sek_per_t = np.where(tonnes > 0, spend.sum(axis=1) / tonnes, np.inf)
    first = projects.table["mandatory"].to_numpy(dtype=bool) | np.isin(projects.ids, scenario.include)
    skipped = np.isin(projects.ids, scenario.exclude) | (~first & ~np.isfinite(sek_per_t))
    order = np.lexsort((sek_per_t, ~first))
    order = order[~skipped[order]]
    left = years.limits_sek.astype(float).copy()
    chosen = np.zeros(len(projects))
    for i, cost in zip(order.tolist(), spend[order].tolist(), strict=True):  # sequential by nature
        after = left - cost
        if (after >= 0).all():
            left = after
            chosen[i] = 1.0
    solved = time.perf_counter()
    return _checked(
        "greedy",
        "greedy SEK/t",
        "-",
        1,
        "feasible",
        False,
        projects,
        scenario,
        chosen,
        bound=None,
        gap=None,
        build_s=0.0,
        solve_s=solved - started,
    )


def lp_relaxation(projects: ProjectList, scenario: Scenario, time_limit_s: float) -> BaselineRun:
    """The LP relaxation of the optimiser's model (every project divisible): an upper bound."""
    model, result, built_s, solved_s = _scipy_on_the_model(projects, scenario, time_limit_s, integer=False)
    bound = -float(result.fun) if result.status == 0 else None
    status = {0: "optimal", 2: "infeasible"}.get(result.status, "no_solution")
    return BaselineRun(
        "lp_relaxation",
        "HiGHS LP (scipy)",
        scipy.__version__,
        1,
        status,
        result.status == 0,
        None,
        bound,
        None,
        None,
        None,
        built_s,
        solved_s,
        *model.shape,
    )


def _scipy_on_the_model(
    projects: ProjectList, scenario: Scenario, time_limit_s: float, *, integer: bool, **options: float
) -> tuple[MilpModel, OptimizeResult, float, float]:
    """The optimiser's model (maximised) through scipy.optimize.milp, with or without integrality:
    (model, scipy's result, build seconds, solve seconds)."""
    started = time.perf_counter()
    check_fits(projects, scenario)
    model = build_model(projects, scenario)
    built = time.perf_counter()
    result = milp(
        -model.objective,
        constraints=LinearConstraint(model.matrix, model.row_lower, model.row_upper),
        integrality=model.integer.astype(int) if integer else np.zeros(model.shape[1], dtype=int),
        bounds=Bounds(model.col_lower, model.col_upper),
        options={"time_limit": time_limit_s, "disp": False, **options},
    )
    return model, result, built - started, time.perf_counter() - built


def _require_plain(projects: ProjectList, scenario: Scenario) -> None:
    if projects.phased.any() or scenario.funding or scenario.co_benefit_weights or scenario.minimises_cost:
        raise Unsupported("phasing, funding pools, co-benefit weights and min_cost_for_t are not modelled")
    check_fits(projects, scenario)


def _checked(
    method: str,
    solver: str,
    version: str,
    threads: int | None,
    status: str,
    proven: bool,
    projects: ProjectList,
    scenario: Scenario,
    fractions: np.ndarray | None,
    *,
    bound: float | None,
    gap: float | None,
    build_s: float,
    solve_s: float,
    shape: tuple[int, int] | None = None,
) -> BaselineRun:
    rows, columns = shape if shape is not None else (None, None)
    if fractions is None:
        return BaselineRun(
            method,
            solver,
            version,
            threads,
            status,
            proven,
            None,
            bound,
            gap,
            None,
            None,
            build_s,
            solve_s,
            rows,
            columns,
        )
    report = check_portfolio(projects, scenario, fractions)
    return BaselineRun(
        method,
        solver,
        version,
        threads,
        status,
        proven,
        report.objective_t,
        bound,
        gap,
        report.passed,
        len(report.violations),
        build_s,
        solve_s,
        rows,
        columns,
    )
