"""Decision analysis for planners: the budget frontier and the marginal abatement cost curve.

`frontier` answers "what would more (or less) money buy?": the best portfolio for each of a series
of total budgets, every other rule of the scenario kept. `macc` lays the projects out by cost per
tonne, as data (a table, not a chart).

This is the top of the optimiser's layers: it uses `solve`, `build`, `check` and the backends, and
nothing below imports it.
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypedDict, cast

import numpy as np
import pandas as pd
from pydantic import BaseModel

from models import ProjectList, Result, Scenario, Status
from optimizer.analysis.sweep import Progress, run_tasks
from optimizer.io.problems import InputError, Problem
from optimizer.model.backends import get_backend
from optimizer.model.build import (
    InteractionTerms,
    build_model,
    interaction_terms,
    objective_coefficients,
)
from optimizer.model.fit import check_fits, resolve_first_year
from optimizer.model.lifecycle import project_lifecycle
from optimizer.model.solve import solve, solve_model

__all__ = [
    "CostPoint",
    "FrontierPoint",
    "cost_frontier",
    "frontier",
    "knee",
    "macc",
    "single_budget_scenario",
]


@dataclass(frozen=True)
class FrontierPoint:
    """The best portfolio for one total budget."""

    budget_sek: float
    objective_value_t: float | None
    """None when there is no portfolio (see `status`)."""
    status: Status
    mip_gap: float | None
    selected: list[tuple[str, float]]
    """(project id, fraction funded), in list order; every portfolio passed `check_portfolio`."""
    marginal_t_per_msek: float | None
    """(objective - objective at the next smaller budget of the series) / (difference in MSEK);
    None for the smallest budget, or when either point has no portfolio."""
    message: str = ""

    @property
    def has_portfolio(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    def to_dict(self) -> dict[str, object]:
        """The CLI's JSON form of the point."""
        return {
            "budget_sek": self.budget_sek,
            "objective_value_t": self.objective_value_t,
            "selected": [{"id": i, "fraction": f} for i, f in self.selected],
            "status": self.status.value,
            "mip_gap": self.mip_gap,
            "marginal_t_per_msek": self.marginal_t_per_msek,
        }


def single_budget_scenario(projects: ProjectList, scenario: Scenario, budget_sek: float) -> Scenario:
    """`scenario` with its budget(s) replaced by one total budget over all years, every other rule kept.

    The year in which projects without a `year` spend is pinned to what it was under the original
    budgets, so that a `cumulative_to` objective counts the same tonnes. A frontier is in tonnes: a
    `min_cost_for_t` objective gives way to the tonnes its target counts, `net_benefit` to lifetime
    tonnes. Net budgets hold operating costs year by year, which one total cannot: `InputError`."""
    if scenario.budget_basis == "net":
        raise InputError(
            [
                Problem(
                    "a budget frontier replaces the yearly budgets by one total, which cannot hold operating "
                    'costs year by year: use budget_basis = "investment" for the frontier',
                    column="budget_basis",
                )
            ]
        )
    data = scenario.model_dump()
    data["budget_sek"] = float(budget_sek)
    data["first_year"] = resolve_first_year(projects, scenario)
    if scenario.minimises_cost:  # a budget frontier maximises the tonnes the target counts
        data["objective"] = data["objective"]["tonnes"]
    elif scenario.net_benefit is not None:
        data["objective"] = "lifetime"
    return Scenario.model_validate(data)


def frontier(
    projects: ProjectList,
    scenario: Scenario,
    budgets: Sequence[float],
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | bool | None = None,
    cancel: threading.Event | None = None,
) -> list[FrontierPoint]:
    """The best portfolio for each total budget in `budgets`, returned in the order given.

    For each B the scenario's budget (one total, or one per year) is replaced by a single total
    budget B of municipal cost over all years (`single_budget_scenario`); every other rule, the
    objective and `mip_gap` are kept. `time_limit_s` (or the scenario's) applies to each point.

    With HiGHS (the default) the model is built once; budgets are solved in ascending order, and
    for each one only the budget row's bound is changed and the previous point's portfolio is given
    to HiGHS as a starting solution (it stays feasible when the budget grows). With CBC
    (`solver="cbc"`) every point is an independent cold `solve`. Either way every portfolio is
    checked by `optimizer.model.check.check_portfolio` and its status is the one `solve` would report.

    With `executor` ("serial", "process" or "dask"; a `scheduler` address implies "dask") every point
    is instead an independent cold `solve`, run through `optimizer.analysis.sweep.run_tasks` with `workers`,
    `progress` and `cancel` as there (`SweepCancelled` when cancelled): the same points, spread over
    processes or a cluster (where several portfolios are equally good a cold solve may return another
    of them than the warm path would). Without one (the default) the sequential path above is taken.

    Raises `InputError` when a budget is not a positive finite number or the inputs do not fit.
    """
    values = _checked_budgets(budgets)
    base = single_budget_scenario(projects, scenario, min(values))
    results = _solve_curve(
        projects,
        base.with_run_options(base.run_options.overridden(solver=solver, time_limit_s=time_limit_s)),
        sorted(set(values)),
        kind="budget",
        sweep=_executor_arguments(executor, workers, scheduler, progress, cancel),
    )
    marginals = _marginals(results, lambda r: r.objective_value_t, per=1e6)
    points = {
        budget: FrontierPoint(
            budget_sek=budget,
            objective_value_t=result.objective_value_t,
            status=result.status,
            mip_gap=result.mip_gap,
            selected=[(s.id, s.fraction) for s in result.selected],
            marginal_t_per_msek=marginals[budget],
            message=result.message,
        )
        for budget, result in results.items()
    }
    return [points[b] for b in values]


def _marginals(
    results: dict[float, Result], measure: Callable[[Result], float | None], *, per: float = 1.0
) -> dict[float, float | None]:
    """Per value of a curve (budget or target), the change in `measure` from the next smaller value,
    per `per` units of the value; None for the smallest and where either point has no portfolio."""
    marginals: dict[float, float | None] = {}
    previous: tuple[float, Result] | None = None
    for value in sorted(results):
        result = results[value]
        marginals[value] = None
        if previous is not None and result.has_portfolio and previous[1].has_portfolio:
            now, before = measure(result), measure(previous[1])
            assert now is not None and before is not None, "a result with a portfolio has its measure"
            marginals[value] = (now - before) / ((value - previous[0]) / per)
        previous = (value, result)
    return marginals


def knee(points: Sequence[FrontierPoint]) -> FrontierPoint | None:
    """The point of a frontier after which the marginal tonnes per MSEK falls the most.

    Definition: take the points with a portfolio, sorted by budget (one per budget), and the slope
    m_i = (objective_i − objective_{i−1}) / (budget_i − budget_{i−1}) in t/MSEK of the segment
    ending at point i. The knee is the interior point i maximising the drop m_i − m_{i+1} (the
    smallest budget wins a tie). None when there are fewer than three such points or the slope
    never falls (no diminishing returns in the range).
    """
    usable: dict[float, FrontierPoint] = {}
    for p in points:
        if p.has_portfolio and p.objective_value_t is not None:
            usable.setdefault(p.budget_sek, p)
    ordered = [usable[b] for b in sorted(usable)]
    if len(ordered) < 3:
        return None
    slopes = [  # every usable point has an objective (above)
        (cast(float, b.objective_value_t) - cast(float, a.objective_value_t))
        / ((b.budget_sek - a.budget_sek) / 1e6)
        for a, b in itertools.pairwise(ordered)
    ]
    best, best_drop = None, 0.0
    for i in range(1, len(ordered) - 1):
        drop = slopes[i - 1] - slopes[i]
        if drop > best_drop + 1e-12 * max(1.0, abs(slopes[i - 1])):
            best, best_drop = ordered[i], drop
    return best


@dataclass(frozen=True)
class CostPoint:
    """The cheapest portfolio reaching one reduction target."""

    target_t: float
    cost_sek: float | None
    """Municipal cost (after grants and pools) of the cheapest portfolio; None without a portfolio."""
    objective_value_t: float | None
    """The tonnes it reaches (at least the target)."""
    status: Status
    mip_gap: float | None
    selected: list[tuple[str, float]]
    marginal_sek_per_t: float | None
    """(cost − cost at the next smaller target) / (difference in tonnes); None for the smallest target."""
    message: str = ""

    @property
    def has_portfolio(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    def to_dict(self) -> dict[str, object]:
        """The CLI's JSON form of the point."""
        return {
            "target_t": self.target_t,
            "cost_sek": self.cost_sek,
            "objective_value_t": self.objective_value_t,
            "selected": [{"id": i, "fraction": f} for i, f in self.selected],
            "status": self.status.value,
            "mip_gap": self.mip_gap,
            "marginal_sek_per_t": self.marginal_sek_per_t,
        }


def cost_frontier(
    projects: ProjectList,
    scenario: Scenario,
    targets_t: Sequence[float],
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | bool | None = None,
    cancel: threading.Event | None = None,
) -> list[CostPoint]:
    """The least municipal cost reaching each reduction target, in the order given: the frontier read the
    other way round. Each point is `scenario` with `objective = {"min_cost_for_t": T}` (tonnes counted as
    the scenario counts them), budgets and every rule kept. With HiGHS one model is built and the targets
    are solved from the largest down, changing only the target row's bound and starting from the previous
    portfolio (which still reaches a smaller target). With `executor` (or `scheduler`) each target is
    a cold `solve` run through `optimizer.analysis.sweep.run_tasks`, as in `frontier`."""
    values = _checked_budgets(targets_t, what="target")
    base = _with_target(scenario, max(values))
    results = _solve_curve(
        projects,
        base.with_run_options(base.run_options.overridden(solver=solver, time_limit_s=time_limit_s)),
        sorted(set(values), reverse=True),
        kind="target",
        sweep=_executor_arguments(executor, workers, scheduler, progress, cancel),
    )
    marginals = _marginals(results, lambda r: r.cost_objective_sek)
    points = {
        target: CostPoint(
            target_t=target,
            cost_sek=result.cost_objective_sek,
            objective_value_t=result.objective_value_t if result.has_portfolio else None,
            status=result.status,
            mip_gap=result.mip_gap,
            selected=[(s.id, s.fraction) for s in result.selected],
            marginal_sek_per_t=marginals[target],
            message=result.message,
        )
        for target, result in results.items()
    }
    return [points[t] for t in values]


MACC_BASES = ("investment", "lifecycle")


def macc(projects: ProjectList, scenario: Scenario, *, basis: str = "investment") -> pd.DataFrame:
    """The marginal abatement cost curve as data, one row per project, cheapest tonne first.

    Columns: `id`, `name`, `sector`, `abatement_t` (what the fully funded project adds in the
    scenario's objective measure, e.g. lifetime tonnes, net of its overlaps with projects earlier on
    the curve), `cost_sek`, `municipal_cost_sek` (after grants), `sek_per_t`, `municipal_sek_per_t`
    (cost / abatement_t; inf where abatement_t ≤ 0), `cumulative_abatement_t` (running sum in the
    curve's order: exactly what the projects so far reduce together, without double counting), then
    `interaction_t` (the part of abatement_t from the scenario's interactions the project completes)
    and the lifecycle figures `opex_sek_per_year`, `net_present_cost_sek`, `payback_years` (NaN
    without savings) and `lifecycle_sek_per_t` (net present cost per discounted tonne; inf where none).

    `basis` "investment" orders by `sek_per_t`; "lifecycle" by `lifecycle_sek_per_t`, so measures that
    pay for themselves come first. With interactions, the curve is built in sequence: each step takes
    the cheapest tonne given the projects already on the curve. Ties keep the list's order. Rules,
    budgets, dependencies and alternatives are ignored: it is a ranking, not a portfolio.
    """
    if basis not in MACC_BASES:
        raise InputError([Problem(f"basis must be one of {', '.join(MACC_BASES)}, not {basis!r}")])
    if scenario.interactions:
        check_fits(projects, scenario)  # the interactions must name known, whole projects
    table = projects.table
    life = project_lifecycle(projects, scenario)
    cost = projects.total_cost
    municipal = cost * projects.municipal_share
    abatement = objective_coefficients(projects, scenario).astype(float)
    present = life.present_tonnes_t.astype(float)
    price = cost if basis == "investment" else life.net_present_cost_sek
    order, added_t, added_present = _curve_order(
        price, abatement, present, interaction_terms(projects, scenario), lifecycle=basis == "lifecycle"
    )
    tonnes, present = abatement + added_t, present + added_present
    frame = pd.DataFrame(
        {
            "id": table["id"].astype(str).to_numpy(),
            "name": table["name"].astype(str).to_numpy(),
            "sector": table["sector"].astype(str).to_numpy(),
            "abatement_t": tonnes,
            "cost_sek": cost.astype(float),
            "municipal_cost_sek": municipal.astype(float),
            "sek_per_t": _per_tonne(cost, tonnes),
            "municipal_sek_per_t": _per_tonne(municipal, tonnes),
        }
    )
    frame["cumulative_abatement_t"] = 0.0  # filled in the curve's order below; new columns come after it
    frame["interaction_t"] = added_t
    frame["opex_sek_per_year"] = projects.opex.astype(float)
    frame["net_present_cost_sek"] = life.net_present_cost_sek.astype(float)
    frame["payback_years"] = life.payback_years.astype(float)
    frame["lifecycle_sek_per_t"] = _per_tonne(life.net_present_cost_sek, present)
    frame = frame.iloc[order].reset_index(drop=True)
    frame["cumulative_abatement_t"] = frame["abatement_t"].cumsum()
    return frame


def _per_tonne(sek: np.ndarray, tonnes: np.ndarray) -> np.ndarray:
    """SEK per tonne; inf where nothing (or less than nothing) is reduced."""
    positive = tonnes > 0
    return np.where(positive, sek / np.where(positive, tonnes, 1.0), np.inf).astype(float)


def _curve_order(
    price: np.ndarray,
    tonnes: np.ndarray,
    present: np.ndarray,
    overlaps: InteractionTerms,
    *,
    lifecycle: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The curve's order, and per project the tonnes (objective measure, discounted) that interactions
    add when it is the one to complete them. Without interactions a stable sort; with them a greedy
    sequence: an interaction's change goes to whichever of its projects comes last, and that
    project's cost per tonne is updated when it becomes the last one missing (a heap, lazily)."""
    added_t, added_present = np.zeros(len(price)), np.zeros(len(price))
    denominator = present if lifecycle else tonnes
    if not len(overlaps.members):
        return np.argsort(_per_tonne(price, denominator), kind="mergesort"), added_t, added_present
    missing = [len(m) for m in overlaps.members]
    involved: dict[int, list[int]] = {}
    for k, members in enumerate(overlaps.members):
        for member in members.tolist():
            involved.setdefault(member, []).append(k)

    def key(i: int) -> float:
        extra = added_present[i] if lifecycle else added_t[i]
        return float(_per_tonne(price[i : i + 1], denominator[i : i + 1] + extra)[0])

    heap = [(key(i), i) for i in range(len(price))]
    heapq.heapify(heap)
    placed = np.zeros(len(price), dtype=bool)
    order = []
    while heap:
        value, i = heapq.heappop(heap)
        if placed[i] or value != key(i):
            continue  # placed already, or its cost per tonne has changed since it was pushed
        placed[i] = True
        order.append(i)
        for k in involved.get(i, []):
            missing[k] -= 1
            if missing[k] == 1:
                last = int(next(m for m in overlaps.members[k] if not placed[m]))
                added_t[last] += overlaps.tonnes_t[k]
                added_present[last] += overlaps.present_tonnes_t[k]
                heapq.heappush(heap, (key(last), last))
    return np.asarray(order, dtype=int), added_t, added_present


def _checked_budgets(values: Sequence[float], *, what: str = "budget") -> list[float]:
    """Budgets (or targets) as floats; InputError naming every entry that is not a positive number."""
    problems, checked = [], []
    for position, value in enumerate(values, start=1):
        try:
            number = float(value)
        except (TypeError, ValueError):
            problems.append(Problem(f"{what} {position}: {value!r} is not a number", column=f"{what}s"))
            continue
        if not math.isfinite(number) or number <= 0:
            problems.append(
                Problem(f"{what} {position}: {value!r} must be a number above 0", column=f"{what}s")
            )
        checked.append(number)
    if not values:
        problems.append(Problem(f"at least one {what} is needed", column=f"{what}s"))
    if problems:
        raise InputError(problems)
    return checked


def _solve_curve(
    projects: ProjectList,
    scenario: Scenario,
    values: Sequence[float],
    *,
    kind: str,
    sweep: _SweepArguments | None,
) -> dict[float, Result]:
    """Each value of the budget row (`kind` "budget") or the target row ("target") solved, in the order
    given: on an executor (`sweep`, cold and independent), else by one warm-started model where the
    solver's backend can, else cold one by one. Raises `InputError` when the inputs do not fit."""
    check_fits(projects, scenario)
    if sweep is not None:
        work = _solve_budget_point if kind == "budget" else _solve_target_point
        solved = run_tasks(work, values, context=(projects, scenario), **sweep)
        return dict(zip(values, solved, strict=True))
    if get_backend(scenario.solver).features.warm_row_resolve:
        rows = _RowSweep(projects, scenario, kind=kind)
        return {value: rows.solve(value) for value in values}
    with_value = _with_budget if kind == "budget" else _with_target
    return {value: solve(projects, with_value(scenario, value)) for value in values}


class _SweepArguments(TypedDict):
    """The `run_tasks` keywords of a frontier on an executor."""

    executor: str
    workers: int | None
    scheduler: str | None
    progress: Progress | bool | None
    cancel: threading.Event | None


def _executor_arguments(
    executor: str | None,
    workers: int | None,
    scheduler: str | None,
    progress: Progress | bool | None,
    cancel: threading.Event | None,
) -> _SweepArguments | None:
    """`run_tasks` keywords for a frontier on an executor (a scheduler alone means Dask); None for none."""
    if executor is None and scheduler is None:
        return None
    return {
        "executor": executor if executor is not None else "dask",
        "workers": workers,
        "scheduler": scheduler,
        "progress": progress,
        "cancel": cancel,
    }


def _solve_budget_point(context: tuple[ProjectList, Scenario], budget_sek: float) -> Result:
    """One frontier point, cold, in a sweep worker."""
    projects, base = context
    return solve(projects, _with_budget(base, budget_sek))


def _solve_target_point(context: tuple[ProjectList, Scenario], target_t: float) -> Result:
    """One cost-frontier point, cold, in a sweep worker."""
    projects, base = context
    return solve(projects, _with_target(base, target_t))


def _with_budget(scenario: Scenario, budget_sek: float) -> Scenario:
    return Scenario.model_validate({**scenario.model_dump(), "budget_sek": float(budget_sek)})


def _with_target(scenario: Scenario, target_t: float) -> Scenario:
    tonnes = scenario.tonnes_measure
    counted = tonnes.model_dump() if isinstance(tonnes, BaseModel) else tonnes
    objective = {"min_cost_for_t": float(target_t), "tonnes": counted}
    return Scenario.model_validate({**scenario.model_dump(), "objective": objective})


class _RowSweep:
    """One HiGHS model for a series of values of one row's bound: a total budget (its upper bound) or a
    reduction target (its lower bound). Only that bound changes between solves."""

    def __init__(self, projects: ProjectList, scenario: Scenario, *, kind: str) -> None:
        self.projects = projects
        self.scenario = scenario
        self.kind = kind
        self.model = build_model(projects, scenario)
        rows = [g for g in self.model.row_groups if g.kind == kind]
        if len(rows) != 1 or rows[0].stop - rows[0].start != 1:
            raise AssertionError(f"a sweep needs exactly one {kind} row, not {rows}")
        self.row = rows[0].start
        self.backend = get_backend(scenario.solver).warm_for_row(self.model, self.row)

    def solve(self, value: float) -> Result:
        deadline = self.scenario.run_options.deadline()
        scaled = float(
            value / self.model.row_scale[self.row]
        )  # the row was divided by its largest coefficient
        if self.kind == "budget":
            scenario = _with_budget(self.scenario, value)
            upper = self.model.row_upper.copy()
            upper[self.row] = scaled
            model = replace(self.model, row_upper=upper)
        else:
            scenario = _with_target(self.scenario, value)
            lower = self.model.row_lower.copy()
            lower[self.row] = scaled
            model = replace(self.model, row_lower=lower)
        result = solve_model(
            self.projects,
            scenario,
            model,
            self.backend,
            deadline=deadline,
            explain_backend=get_backend(self.scenario.solver),
        )
        fractions = None
        if result.has_portfolio:
            funded = {s.id: s.fraction for s in result.selected}
            fractions = np.array([funded.get(i, 0.0) for i in self.projects.ids.tolist()], dtype=float)
        self.backend.remember(fractions, overran=result.solver.time_limit_reached)
        return result
