"""Decision analysis on an optimal portfolio: why a project was not funded, and what each rule costs.

Two kinds of figures, kept apart and labelled:

- **Exact** (re-solves of the MILP): `why_not` — the highest cost, and the lowest yearly reduction,
  at which a project not funded would be in an optimal portfolio — `why_in` (how much worse a funded
  one may be), and `RulePrice.objective_without_rule_t` — the optimum without one rule.
- **Estimates** (the LP relaxation, one solve): `reduced_costs` and `RulePrice.shadow_price`.
  The LP ignores that projects are all-or-nothing, so these are indicative only.

Each threshold is one MILP (`_threshold`): the project's cost (or reduction) becomes a variable of the
model and is maximised (or minimised) while the objective is held at the optimum it must match; the
portfolio found at the threshold is then checked independently (`optimizer.model.check`) on the list with
that cost. Phased projects, funding pools, net budgets and every objective are covered: the model's
coefficients on the project's columns are affine in its cost and in its reduction (measured by
building the model twice), and products of the new variable with the project's start-year and pool
columns are written exactly without approximation.

Lower layers (build, solve, check, backends) never import this module.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import scipy.sparse as sp

from models import ProjectList, Result, Scenario, Status
from models.options import Deadline
from optimizer.analysis.sweep import run_tasks
from optimizer.model.backends import Backend, Stop, get_backend
from optimizer.model.build import ColumnLayout, MilpModel, build_model, expand_rules, scale_rows
from optimizer.model.check import check_portfolio

log = logging.getLogger(__name__)

TINY_COST_SEK = 1.0
"""A project that would enter only below 1 SEK gets `max_cost_sek` None ("not at any cost")."""
ENTERS_TOLERANCE = 1e-6
"""Relative tolerance when comparing the forced-in optimum with the optimum it must match."""
MAX_DOUBLINGS = 20
MAX_FACTOR = 2.0**MAX_DOUBLINGS
"""Costs are searched up to this many times a project's cost (beyond: "at least this")."""
MAX_ABATEMENT_T_PER_YEAR = 1e9
"""Reductions are searched up to this (beyond: no reduction would do)."""
COST_MEASURES = ("cost", "municipal_cost")
RELATIVE_TOLERANCE = 1e-6
"""How close a reported threshold is to the exact one (the solver's feasibility tolerance)."""


class Reason(StrEnum):
    """Why a threshold is what it is, or why it is missing: a code that reports translate."""

    NONE = ""
    EXCLUDED = "excluded"
    """Excluded by the scenario: no threshold is computed."""
    NOT_AT_ANY_COST = "not_at_any_cost"
    """Computed: no cost of 1 SEK or more makes it enter (a rule or a forced project rules it out)."""
    AT_LEAST = "at_least"
    """Computed: it still enters at MAX_FACTOR times its cost; the threshold is at least that."""
    OUT_OF_TIME = "out_of_time"
    """Not computed: the total time for the analysis was used up."""
    UNDECIDED = "undecided"
    """Not computed: a re-solve stopped without proof."""
    FORCED = "forced"
    """why_in: mandatory or included, in whatever it costs."""
    INDISPENSABLE = "indispensable"
    """why_in: no portfolio is possible without it."""
    PARTLY_FUNDED = "partly_funded"
    """why_in: funded in part; the figures are for funding it fully."""


NOT_COMPUTED = (Reason.OUT_OF_TIME, Reason.UNDECIDED)


@dataclass(frozen=True, slots=True)
class WhyNot:
    """Exact: the highest total cost (SEK) at which a project not funded enters an optimal portfolio."""

    id: str
    cost_sek: float
    """Its current total cost."""
    max_cost_sek: float | None
    """None: no cost ≥ 1 SEK would do (excluded, clashes with a forced project or rule, never worth it),
    or not computed (see `reason`)."""
    note: str = ""
    min_abatement_t_per_year: float | None = None
    """Exact: the yearly reduction at which it would enter at its current cost (None: no reduction
    would do, or not computed, see `reason` and `min_abatement_computed`)."""
    reason: Reason = Reason.NONE
    min_abatement_computed: bool = True
    """False where the reduction threshold was not asked for (`why_not(..., reductions=False)`)."""

    @property
    def computed(self) -> bool:
        """Whether the figures were computed (False: time ran out, or a re-solve was undecided)."""
        return self.reason not in NOT_COMPUTED

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by `solve --explain` and the service."""
        return {
            "id": self.id,
            "max_cost_sek": self.max_cost_sek,
            "min_abatement_t_per_year": self.min_abatement_t_per_year,
            "note": self.note,
            "reason": self.reason.value,
            "computed": self.computed,
            "min_abatement_computed": self.computed and self.min_abatement_computed,
        }


@dataclass(frozen=True, slots=True)
class WhyIn:
    """Exact: how much worse a funded project could be and still be in an optimal portfolio."""

    id: str
    cost_sek: float
    max_cost_sek: float | None
    """The highest total cost at which it stays in (None: it is forced in, see `note`)."""
    abatement_t_per_year: float
    min_abatement_t_per_year: float | None
    """The lowest yearly reduction at which it stays in, at its current cost."""
    note: str = ""
    reason: Reason = Reason.NONE

    @property
    def computed(self) -> bool:
        return self.reason not in NOT_COMPUTED

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by `solve --explain` and the service."""
        return {
            "id": self.id,
            "max_cost_sek": self.max_cost_sek,
            "min_abatement_t_per_year": self.min_abatement_t_per_year,
            "note": self.note,
            "reason": self.reason.value,
            "computed": self.computed,
        }


@dataclass(frozen=True, slots=True)
class ReducedCost:
    """ESTIMATE from the LP relaxation (projects divisible), not the exact threshold of `why_not`."""

    id: str
    reduced_cost_t: float
    """LP reduced cost: tonnes the LP optimum changes per whole project forced in (≤ 0 when left out)."""
    estimated_max_cost_sek: float | None
    """Cost at which the reduced cost reaches 0, duals held fixed (None: cost does not matter in the LP)."""


@dataclass(frozen=True, slots=True)
class RulePrice:
    """What a budget row or a group rule costs the portfolio."""

    name: str
    kind: str
    """"budget", "rule" or "funding" (a funding pool's capacity)."""
    shadow_price: float
    """ESTIMATE (LP relaxation dual, ≥ 0): tonnes gained per unit the row is relaxed. Budgets: t per SEK
    of municipal budget. Rules: t per unit of the rule's measure (SEK, t or projects) of the binding row;
    for share rows, per unit of Σ (1[in group] − share) · measure · x."""
    objective_without_rule_t: float | None
    """EXACT: the MILP optimum re-solved without this rule (None: the re-solve was not proven optimal)."""

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by `solve --explain` and the service."""
        return {
            "name": self.name,
            "shadow_price": self.shadow_price,
            "objective_without_rule_t": self.objective_without_rule_t,
        }


# --------------------------------------------------------------------------------------------------
# The lists a threshold is about: one project's cost or reduction changed


def scaled_project(projects: ProjectList, index: int, factor: float) -> ProjectList:
    """The list with project `index`'s whole cost profile and its grant multiplied by `factor`.

    The profile's shape (the share spent in each year) and the grant share stay as they were."""
    scheduled = projects.scheduled_cost.copy()
    scheduled.iloc[index] = scheduled.iloc[index].to_numpy(dtype=float) * factor
    unscheduled = np.array(projects.unscheduled_cost, dtype=float)
    unscheduled[index] *= factor
    table = projects.table.copy()
    column = table.columns.get_loc("grant_sek")
    table.iat[index, column] = float(table.iat[index, column]) * factor
    return dataclasses.replace(projects, table=table, scheduled_cost=scheduled, unscheduled_cost=unscheduled)


def with_abatement(projects: ProjectList, index: int, t_per_year: float) -> ProjectList:
    """The list with project `index`'s yearly reduction set to `t_per_year`."""
    table = projects.table.copy()
    table.iat[index, table.columns.get_loc("abatement_t_per_year")] = float(t_per_year)
    return dataclasses.replace(projects, table=table)


# --------------------------------------------------------------------------------------------------
# Time


@dataclass(frozen=True, slots=True)
class _Limits:
    """Time for the re-solves: at most `per_solve_s` each, and all done by `deadline` (its clock is the
    system's monotonic one: the same in every process of this machine)."""

    per_solve_s: float | None
    deadline: Deadline

    @classmethod
    def of(cls, time_limit_s: float | None, total_time_s: float | None) -> _Limits:
        return cls(time_limit_s, Deadline.after(total_time_s))

    def next_solve_s(self) -> float | None:
        """The time limit of the next re-solve; `_OutOfTime` when the total is used up."""
        left = self.deadline.left()
        if left is None:
            return self.per_solve_s
        if left <= 0.01:
            raise _OutOfTime
        return left if self.per_solve_s is None else min(left, self.per_solve_s)


class _OutOfTime(Exception):
    """The total time for an analysis is used up."""


class _Undecided(Exception):
    """A re-solve stopped without proof (time limit or solver error), or its answer failed its check."""


def _milp_optimum(
    backend: Backend, model: MilpModel, limits: _Limits, *, start: np.ndarray | None = None
) -> tuple[Stop, float | None, np.ndarray | None]:
    """An exact (gap 0) re-solve by the backend's `resolve` (tuned for many small re-solves where its
    features say so): how it stopped, and the optimum and a portfolio when proven optimal. `start`:
    values for some columns (NaN elsewhere) of a solution to complete and start from."""
    outcome = backend.resolve(model, time_limit_s=limits.next_solve_s(), start=start)
    if outcome.stop is Stop.OPTIMAL and outcome.x is not None:
        return Stop.OPTIMAL, outcome.objective, outcome.x
    return outcome.stop, None, None


# --------------------------------------------------------------------------------------------------
# why_not and why_in


def why_not(
    projects: ProjectList,
    scenario: Scenario,
    result: Result,
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
    total_time_s: float | None = None,
    executor: str = "serial",
    workers: int | None = None,
    reductions: bool = True,
) -> list[WhyNot]:
    """For every project not in `result` (an optimal result of `solve(projects, scenario)`): the highest
    total cost at which it would be in an optimal portfolio, and (with `reductions`, the default) the
    yearly reduction at which it would be at its current cost, all other data unchanged. Each is one
    MILP: `reductions=False` halves the time.

    Its whole cost profile and its grant are scaled together, so the grant share and the share spent
    in each year stay the same. "Enters at cost c" means: with cost c, the optimum with the project
    forced in (fully, also when divisible) is ≥ the optimum with it left out, within a relative 1e-6 —
    an optimal portfolio containing it exists. Each figure is one exact MILP (see the module
    docstring), right also where entry is not monotone in the cost (cost-share rules: the largest
    cost with such a portfolio is found). Re-solves use the scenario's backend (or `solver`), at most
    `time_limit_s` each and `total_time_s` in all; figures not reached in time, or whose re-solve
    stopped without proof, are None with `reason` saying so (`computed` False). The projects are
    analysed on `executor` ("serial", "process" or "dask", see `optimizer.analysis.sweep.run_tasks`); every
    executor gives the same answers.
    """
    if result.status is not Status.OPTIMAL:
        raise ValueError(f"why_not needs an optimal result, not {result.status.value}")
    chosen = {s.id for s in result.selected}
    ids = [str(i) for i in projects.ids]
    costs = projects.total_cost
    excluded = set(scenario.exclude)
    tasks = [i for i, pid in enumerate(ids) if pid not in chosen and pid not in excluded]
    limits = _Limits.of(time_limit_s, total_time_s)
    analysis = _Analysis.of(projects, scenario, solver, limits)
    try:
        optimum: tuple[float, np.ndarray] | Exception = analysis.exact_optimum()
    except (_Undecided, _OutOfTime) as stopped:
        optimum = stopped  # every threshold is compared with it: none can be computed
    found = run_tasks(
        _why_not_one,
        tasks,
        context=(projects, scenario, solver, limits, total_time_s, optimum, reductions),
        executor=executor,
        workers=workers,
        batch_size=1,  # a threshold is a MILP of a tenth of a second or more: balance them one by one
    )
    answers = dict(zip(tasks, found, strict=True))
    return [
        answers.get(i)
        or WhyNot(pid, float(costs[i]), None, "excluded by the scenario", None, Reason.EXCLUDED)
        for i, pid in enumerate(ids)
        if pid not in chosen
    ]


def _why_not_one(
    context: tuple[
        ProjectList, Scenario, str | None, _Limits, float | None, tuple[float, np.ndarray] | Exception, bool
    ],
    index: int,
) -> WhyNot:
    projects, scenario, solver, limits, total_time_s, optimum, reductions = context
    pid, cost = str(projects.ids[index]), float(projects.total_cost[index])
    try:
        if isinstance(optimum, Exception):
            raise optimum
        floor, portfolio = optimum
        analysis = _Analysis.of(projects, scenario, solver, limits)
        max_cost, reason, note = analysis.cost_threshold(index, floor=floor, known=portfolio)
        abatement = analysis.abatement_threshold(index, floor=floor) if reductions else None
    except (_Undecided, _OutOfTime) as stopped:
        reason, note = _stopped(stopped, total_time_s)
        return WhyNot(pid, cost, None, note, None, reason, reductions)
    return WhyNot(pid, cost, max_cost, note, abatement, reason, reductions)


def why_in(
    projects: ProjectList,
    scenario: Scenario,
    result: Result,
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
    total_time_s: float | None = None,
    executor: str = "serial",
    workers: int | None = None,
) -> list[WhyIn]:
    """For every project in `result` (optimal): the highest total cost and the lowest yearly reduction at
    which it would still be in an optimal portfolio, the other data unchanged — how robust the choice is.

    "Still in at cost c" means: forced in at cost c, the optimum is ≥ the optimum with it left out
    (within a relative 1e-6), found as in `why_not` (with the same limits and executors). Mandatory
    and included projects are in whatever they cost (`max_cost_sek` None, reason "forced"); a project
    without which no portfolio is possible has reason "indispensable"; a partly funded one gets the
    figures for funding it fully (reason "partly_funded")."""
    if result.status is not Status.OPTIMAL:
        raise ValueError(f"why_in needs an optimal result, not {result.status.value}")
    index_of = {pid: i for i, pid in enumerate(str(i) for i in projects.ids)}
    tasks = [(index_of[s.id], s.fraction) for s in result.selected]
    return run_tasks(
        _why_in_one,
        tasks,
        context=(projects, scenario, solver, _Limits.of(time_limit_s, total_time_s), total_time_s),
        executor=executor,
        workers=workers,
    )


def _why_in_one(
    context: tuple[ProjectList, Scenario, str | None, _Limits, float | None], task: tuple[int, float]
) -> WhyIn:
    projects, scenario, solver, limits, total_time_s = context
    index, fraction = task
    analysis = _Analysis.of(projects, scenario, solver, limits)
    pid = str(projects.ids[index])
    cost = float(projects.total_cost[index])
    tonnes = float(projects.table["abatement_t_per_year"].iat[index])
    if analysis.base.col_lower[index] >= 1:
        return WhyIn(pid, cost, None, tonnes, None, "forced in (mandatory or included)", Reason.FORCED)
    try:
        out_stop, without, portfolio = _milp_optimum(
            analysis.backend, _with_bounds(analysis.base, index, upper=0.0), limits
        )
        if out_stop is Stop.INFEASIBLE:
            return WhyIn(
                pid, cost, None, tonnes, None, "no portfolio is possible without it", Reason.INDISPENSABLE
            )
        if out_stop is not Stop.OPTIMAL or without is None:
            raise _Undecided(out_stop.value)
        max_cost, reason, note = analysis.cost_threshold(index, floor=without, known=portfolio)
        abatement = analysis.abatement_threshold(index, floor=without)
    except (_Undecided, _OutOfTime) as stopped:
        reason, note = _stopped(stopped, total_time_s)
        return WhyIn(pid, cost, None, tonnes, None, note, reason)
    if fraction < 1 - 1e-9:
        reason, note = Reason.PARTLY_FUNDED, "partly funded: the figures are for funding it fully"
    return WhyIn(pid, cost, max_cost, tonnes, abatement, note, reason)


def _stopped(stopped: Exception, total_time_s: float | None) -> tuple[Reason, str]:
    if isinstance(stopped, _OutOfTime):
        return Reason.OUT_OF_TIME, f"not computed: the total time of {total_time_s:g} s was used up"
    return Reason.UNDECIDED, f"undecided: a re-solve stopped without proof ({stopped})"


def _with_bounds(
    model: MilpModel, index: int, *, lower: float | None = None, upper: float | None = None
) -> MilpModel:
    col_lower, col_upper = model.col_lower.copy(), model.col_upper.copy()
    if lower is not None:
        col_lower[index] = lower
    if upper is not None:
        col_upper[index] = upper
    return dataclasses.replace(model, col_lower=col_lower, col_upper=col_upper)


# --------------------------------------------------------------------------------------------------
# One MILP per threshold


@dataclass
class _Analysis:
    """What the thresholds of one scenario share: the model, the backend and the limits."""

    projects: ProjectList
    scenario: Scenario
    backend: Backend
    limits: _Limits
    base: MilpModel

    @classmethod
    def of(cls, projects: ProjectList, scenario: Scenario, solver: str | None, limits: _Limits) -> _Analysis:
        base = build_model(projects, scenario)
        return cls(projects, scenario, get_backend(solver or scenario.solver), limits, base)

    def exact_optimum(self) -> tuple[float, np.ndarray]:
        """The exact (gap 0) optimum, and a solution at it: the thresholds of projects left out are
        compared with it, and start from it."""
        stop, value, x = _milp_optimum(self.backend, self.base, self.limits)
        if stop is not Stop.OPTIMAL or value is None or x is None:
            raise _Undecided(stop.value)
        return value, x

    def cost_threshold(
        self, index: int, *, floor: float, known: np.ndarray | None = None
    ) -> tuple[float | None, Reason, str]:
        """The highest total cost at which project `index`, forced in, keeps the optimum ≥ `floor`.

        `known`: a solution that reaches `floor` without the project. With the project added at a low
        enough cost it still does, so it is the solver's start (its integer columns; the rest, the
        project's start year and the cost itself, for the solver to complete)."""
        cost = float(self.projects.total_cost[index])
        line = _Line.of(
            self.base, 1.0, build_model(scaled_project(self.projects, index, 2.0), self.scenario), 2.0
        )
        factor = _threshold(
            line,
            index,
            floor,
            maximise=True,
            backend=self.backend,
            limits=self.limits,
            listed=lambda f: scaled_project(self.projects, index, f) if f * cost >= TINY_COST_SEK else None,
            scenario=self.scenario,
            start=None if known is None else self._with_project(known, index),
        )
        if factor is None or factor * cost < TINY_COST_SEK:
            return None, Reason.NOT_AT_ANY_COST, "does not enter even at 1 SEK"
        if factor >= MAX_FACTOR * (1 - 1e-9):
            return (
                factor * cost,
                Reason.AT_LEAST,
                f"still enters at {MAX_FACTOR:g} times its cost: at least this",
            )
        return factor * cost, Reason.NONE, ""

    def _with_project(self, solution: np.ndarray, index: int) -> np.ndarray:
        """The integer columns of `solution` with project `index` funded; everything else NaN."""
        start = np.where(self.base.integer, np.round(solution), np.nan)
        start[_option_columns(self.base.layout, index)] = np.nan
        start[index] = 1.0
        return start

    def abatement_threshold(self, index: int, *, floor: float) -> float | None:
        """The lowest yearly reduction at which project `index`, forced in at its cost, keeps the optimum
        ≥ `floor` (None: none would do, e.g. it does not fit the budget)."""
        now = float(self.projects.table["abatement_t_per_year"].iat[index])
        other = now + max(1.0, now)
        line = _Line.of(
            self.base, now, build_model(with_abatement(self.projects, index, other), self.scenario), other
        )
        return _threshold(
            line,
            index,
            floor,
            maximise=False,
            backend=self.backend,
            limits=self.limits,
            listed=lambda t: with_abatement(self.projects, index, t),
            scenario=self.scenario,
        )


@dataclass(frozen=True)
class _Line:
    """The model as an affine function of one project's parameter p (its cost factor or its yearly
    reduction): coefficients = constant + p · slope, rows unscaled (SEK, tonnes). The slope is measured
    from two builds, so every way the model uses a cost or a reduction is covered."""

    base: MilpModel
    constant: sp.csc_array
    slope: sp.csc_array
    objective_constant: np.ndarray
    objective_slope: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray

    @classmethod
    def of(cls, base: MilpModel, at: float, moved: MilpModel, other: float) -> _Line:
        if moved.shape != base.shape or moved.row_groups != base.row_groups:
            raise _Undecided("the model's structure changes with the parameter")
        first = sp.csc_array(sp.diags_array(base.row_scale) @ base.matrix)
        second = sp.csc_array(sp.diags_array(moved.row_scale) @ moved.matrix)
        lower, upper = base.row_lower * base.row_scale, base.row_upper * base.row_scale
        if not (
            np.allclose(lower, moved.row_lower * moved.row_scale, rtol=1e-9, equal_nan=True)
            and np.allclose(upper, moved.row_upper * moved.row_scale, rtol=1e-9, equal_nan=True)
        ):
            raise _Undecided("the model's bounds change with the parameter")
        slope = _cleaned(sp.csc_array((second - first) / (other - at)), first, second)
        constant = _cleaned(sp.csc_array(first - at * slope), first, second)
        objective_slope = (moved.objective - base.objective) / (other - at)
        noise = 1e-9 * (np.abs(base.objective) + np.abs(moved.objective))
        objective_slope = np.where(np.abs(moved.objective - base.objective) <= noise, 0.0, objective_slope)
        return cls(
            base=base,
            constant=constant,
            slope=slope,
            objective_constant=base.objective - at * objective_slope,
            objective_slope=objective_slope,
            row_lower=lower,
            row_upper=upper,
        )


def _cleaned(part: sp.csc_array, first: sp.csc_array, second: sp.csc_array) -> sp.csc_array:
    """A part of the line (slope or constant) without rounding noise: entries within 1e-9 of the
    coefficients they were computed from are 0."""
    coo = sp.coo_array(part)
    size = abs(first) + abs(second)
    keep = np.abs(coo.data) > 1e-9 * np.asarray(size[coo.row, coo.col]).ravel()
    return sp.csc_array(sp.coo_array((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=part.shape))


def _threshold(
    line: _Line,
    index: int,
    floor: float,
    *,
    maximise: bool,
    backend: Backend,
    limits: _Limits,
    listed: Callable[[float], ProjectList | None],
    scenario: Scenario,
    start: np.ndarray | None = None,
) -> float | None:
    """The largest (`maximise`) or smallest parameter p ≥ 0 at which a portfolio with project `index`
    fully funded reaches an objective ≥ `floor` under every rule: one MILP, then the portfolio found
    there checked independently on the list with that parameter (`listed(p)`). None: no p will do.

    Variables beyond the model's: p; for a phased project one u_s = p · z_s per start year s (exact:
    the start columns are binary and sum to 1, so Σ u_s = p and u_s ≤ P_s · z_s with P_s a bound on p
    when starting in s); for each of its pool columns g whose coefficients move with p, h_g = p · g
    replaces g (its link rows, homogeneous in the project's columns, are multiplied through by p)."""
    base = line.base
    layout = base.layout
    n_columns = base.shape[1]
    options = _option_columns(layout, index)
    pools = layout.pool_columns[layout.pool_project == index]
    own = np.concatenate([options, pools, [index]])
    moving = np.unique(np.concatenate([sp.coo_array(line.slope).col, np.flatnonzero(line.objective_slope)]))
    if not np.isin(moving, own).all():
        raise _Undecided("the parameter moves coefficients of other projects")
    replaced = pools[np.isin(pools, moving)]  # pool columns paid in proportion to p: become h = p·g
    phased = bool((layout.start_project == index).any())

    # new columns: p, then u_s (phased only), then h_g
    p_col = n_columns
    u_cols = p_col + 1 + np.arange(len(options)) if phased else np.zeros(0, dtype=int)
    h_cols = p_col + 1 + len(u_cols) + np.arange(len(replaced))
    width = p_col + 1 + len(u_cols) + len(replaced)
    product = np.full(n_columns, -1)
    product[options] = u_cols if phased else p_col
    product[replaced] = h_cols

    constant = sp.coo_array(line.constant)
    slope = sp.coo_array(line.slope)
    # rows holding a replaced pool column: multiplied through by p (they must be homogeneous in the
    # project's own columns, which the link rows g − share·z ≤ 0 and Σ g − m·z ≤ 0 are)
    link = np.zeros(base.shape[0], dtype=bool)
    link[constant.row[np.isin(constant.col, replaced)]] = True
    in_link = link[constant.row]
    if (
        np.any(product[constant.col[in_link]] < 0)
        or np.any(np.isfinite(line.row_lower[link]))
        or np.any(line.row_upper[link] != 0)
        or np.any(link[slope.row])
    ):
        raise _Undecided("a pool's rows are not homogeneous in the project's columns")
    if np.any(line.objective_constant[replaced] != 0):
        raise _Undecided("a pool column has a fixed objective coefficient")
    rows = np.concatenate([constant.row, slope.row])
    cols = np.concatenate([np.where(in_link, product[constant.col], constant.col), product[slope.col]])
    if np.any(cols < 0):
        raise _Undecided("the parameter moves a column that is not the project's option")
    data = np.concatenate([constant.data, slope.data])
    matrix = sp.coo_array((data, (rows, cols)), shape=(base.shape[0], width))

    col_lower = np.concatenate([base.col_lower, np.zeros(width - n_columns)])
    col_upper = np.concatenate([base.col_upper, np.zeros(width - n_columns)])
    col_lower[index] = col_upper[index] = 1.0
    col_upper[replaced] = 0.0
    # the objective held at the optimum exactly: a tie enters (within the solver's tolerance), and the
    # threshold is where the tie is, not a tolerance away from it
    goal = floor
    bounds = _parameter_bounds(line, options, col_lower, col_upper, goal, maximise=maximise)
    col_upper[p_col] = float(bounds.max(initial=0.0))
    col_upper[u_cols] = bounds if phased else 0.0
    col_upper[h_cols] = base.col_upper[replaced] * col_upper[p_col]

    objective_row = np.concatenate([line.objective_constant, np.zeros(width - n_columns)])
    np.add.at(objective_row, product[options], line.objective_slope[options])
    np.add.at(objective_row, product[replaced], line.objective_slope[replaced])
    objective_row[replaced] = 0.0
    extra = [sp.csr_array(objective_row[None, :])]
    extra_lower, extra_upper = [goal], [np.inf]
    if phased:  # Σ u_s − p = 0 and u_s − P_s z_s ≤ 0
        k = len(options)
        extra.append(
            sp.csr_array(
                sp.coo_array(
                    (np.append(np.ones(k), -1.0), (np.zeros(k + 1, dtype=int), np.append(u_cols, p_col))),
                    shape=(1, width),
                )
            )
        )
        extra_lower.append(0.0)
        extra_upper.append(0.0)
        extra.append(
            sp.csr_array(
                sp.coo_array(
                    (
                        np.concatenate([np.ones(k), -bounds]),
                        (np.tile(np.arange(k), 2), np.concatenate([u_cols, options])),
                    ),
                    shape=(k, width),
                )
            )
        )
        extra_lower += [-np.inf] * k
        extra_upper += [0.0] * k
    full = sp.csr_array(sp.vstack([sp.csr_array(matrix), *extra], format="csr"))
    scaled, lower, upper, scale = scale_rows(
        full,
        np.concatenate([line.row_lower, extra_lower]),
        np.concatenate([line.row_upper, extra_upper]),
    )
    objective = np.zeros(width)
    objective[p_col] = 1.0 if maximise else -1.0
    model = dataclasses.replace(
        base,
        objective=objective,
        matrix=scaled,
        row_lower=lower,
        row_upper=upper,
        col_lower=col_lower,
        col_upper=col_upper,
        integer=np.concatenate([base.integer, np.zeros(width - n_columns, dtype=bool)]),
        row_scale=scale,
    )
    given = None if start is None else np.concatenate([start, np.full(width - n_columns, np.nan)])
    stop, _, x = _milp_optimum(backend, model, limits, start=given)
    if stop is Stop.INFEASIBLE:
        return None
    if stop is not Stop.OPTIMAL or x is None:
        raise _Undecided(stop.value)
    x = _polished(model, x, limits)
    p = max(float(x[p_col]), 0.0)
    solution = np.array(x[:n_columns], dtype=float)
    if len(replaced):
        solution[replaced] = x[h_cols] / p if p > 0 else 0.0
    return _checked_value(
        p, solution, listed=listed, scenario=scenario, layout=base.layout, goal=goal, maximise=maximise
    )


def _polished(model: MilpModel, x: np.ndarray, limits: _Limits) -> np.ndarray:
    """The MILP's solution with its integer columns rounded and the continuous ones (the parameter, pool
    money, divisible shares) solved again for them: a start column at 1 − 1e-7 is read as 1 by the
    checker, and the costs it carries must then be paid in full. Unchanged if that LP has no optimum."""
    fixed = np.round(x[model.integer])
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    lower[model.integer] = upper[model.integer] = fixed
    lp = dataclasses.replace(model, col_lower=lower, col_upper=upper, integer=np.zeros_like(model.integer))
    stop, _, polished = _milp_optimum(get_backend("highs"), lp, limits)
    return polished if stop is Stop.OPTIMAL and polished is not None else x


SETTLE_STEPS = (0.0, 1e-7, 1e-6, 1e-5)
"""Relative steps back from a threshold the MILP found, tried in turn until the independent check
accepts its portfolio: the solver may overstep a row by its feasibility tolerance, the checker is
stricter, so a threshold is reported only where its portfolio is checked (within 1e-5 of the MILP's)."""


def _checked_value(
    p: float,
    solution: np.ndarray,
    *,
    listed: Callable[[float], ProjectList | None],
    scenario: Scenario,
    layout: ColumnLayout,
    goal: float,
    maximise: bool,
) -> float:
    """The threshold `p` (or a value up to 1e-5 inside it) at which the MILP's portfolio passes the
    independent check on the list with that cost or reduction; `_Undecided` when none does."""
    failure = ""
    for step in SETTLE_STEPS:
        value = p * (1 - step) if maximise else p * (1 + step) + step
        at_value = listed(value)
        if at_value is None:  # no claim is made at this value (a cost below 1 SEK)
            return value
        failure = _failed_check(at_value, scenario, layout, solution, goal)
        if not failure:
            return value
    raise _Undecided(f"the portfolio at the threshold fails its check: {failure}")


def _option_columns(layout: ColumnLayout, index: int) -> np.ndarray:
    """The columns that carry a project's cost and reduction: its start years, or its own column."""
    starts = layout.start_columns[layout.start_project == index]
    return starts if len(starts) else np.array([index])


def _activity(
    matrix: sp.coo_array, lower: np.ndarray, upper: np.ndarray, rows: int
) -> tuple[np.ndarray, np.ndarray]:
    """The least and the largest value each row can take over the column bounds."""
    at_lower = matrix.data * lower[matrix.col]
    at_upper = matrix.data * upper[matrix.col]
    least = np.bincount(matrix.row, np.minimum(at_lower, at_upper), minlength=rows)
    most = np.bincount(matrix.row, np.maximum(at_lower, at_upper), minlength=rows)
    return least, most


def _parameter_bounds(
    line: _Line,
    options: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    goal: float,
    *,
    maximise: bool,
) -> np.ndarray:
    """Per option column s, a bound P_s on the parameter when the project starts there, so that
    u_s = p · z_s can be written as u_s ≤ P_s · z_s without cutting off any answer.

    Maximised cost factor: a necessary bound. What the project costs the municipality is paid from the
    budgets' room (each budget row's limit less the least the rest of the row can be) and the pools'
    capacity, so p · (its municipal cost when starting in s) ≤ that. Minimised reduction: a sufficient
    bound. At this reduction every row it helps (the objective held at the goal, a minimum on tonnes)
    holds whatever else is funded, and the rows it hurts only get harder above it, so the least
    reduction that works is never above it."""
    base = line.base
    n_rows, n_columns = base.shape
    constant = sp.coo_array(line.constant)
    lower, upper = col_lower[:n_columns], col_upper[:n_columns]
    least, most = _activity(constant, lower, upper, n_rows)
    slope = sp.csc_array(line.slope)
    if maximise:
        budget = np.zeros(n_rows, dtype=bool)
        funding = np.zeros(n_rows, dtype=bool)
        for group in base.row_groups:
            budget[group.start : group.stop] |= group.kind == "budget"
            funding[group.start : group.stop] |= group.kind == "funding"
        limited = budget & np.isfinite(line.row_upper)
        room = float(np.sum(line.row_upper[limited] - least[limited]))
        room += float(np.sum(line.row_upper[funding & np.isfinite(line.row_upper)]))
        money = np.asarray(slope[:, options][limited].sum(axis=0)).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = np.where(money > 0, max(room, 0.0) / money, MAX_FACTOR)
        return np.clip(bound, 0.0, MAX_FACTOR)
    objective_least = float(
        np.sum(np.minimum(line.objective_constant * lower, line.objective_constant * upper)[:n_columns])
    )
    bounds = np.zeros(len(options))
    for k, s in enumerate(options):
        column = sp.coo_array(slope[:, [s]])
        needs = [0.0]
        a, r = column.data, column.row
        helps = (a > 0) & np.isfinite(line.row_lower[r])
        needs += ((line.row_lower[r[helps]] - least[r[helps]]) / a[helps]).tolist()
        hurts_upper = (a < 0) & np.isfinite(line.row_upper[r])
        needs += ((most[r[hurts_upper]] - line.row_upper[r[hurts_upper]]) / -a[hurts_upper]).tolist()
        if line.objective_slope[s] > 0:
            needs.append((goal - objective_least) / line.objective_slope[s])
        bounds[k] = max(needs) * (1 + 1e-6) + 1e-6
    return np.clip(bounds, 0.0, MAX_ABATEMENT_T_PER_YEAR)


CHECK_TOLERANCE = 1e-6
"""Relative: the objective of the portfolio found at a threshold may fall this far below the goal."""


def _failed_check(
    projects: ProjectList, scenario: Scenario, layout: ColumnLayout, solution: np.ndarray, goal: float
) -> str:
    """Why the portfolio a threshold's MILP found fails the independent check on the list with the
    threshold's cost or reduction ("" when every rule holds and it reaches the goal)."""
    decision = layout.decode(solution)
    report = check_portfolio(
        projects,
        scenario,
        decision.fractions,
        start_years=decision.start_years,
        pool_shares=decision.pool_shares,
    )
    if not report.passed:
        return report.violations[0]
    if report.objective_t < goal - CHECK_TOLERANCE * max(1.0, abs(goal)):
        return f"it reaches {report.objective_t:.9g}, below {goal:.9g}"
    return ""


# --------------------------------------------------------------------------------------------------
# LP relaxation: estimates


@dataclass(frozen=True)
class _Relaxation:
    model: MilpModel
    x: np.ndarray
    row_dual: np.ndarray
    col_dual: np.ndarray


def _relaxation(projects: ProjectList, scenario: Scenario) -> _Relaxation | None:
    """The LP relaxation with its duals, from HiGHS whichever solver the scenario names."""
    model = build_model(projects, scenario)
    solved = get_backend("highs").lp_relaxation(model)
    if solved is None:
        return None
    return _Relaxation(model=model, x=solved.x, row_dual=solved.row_dual, col_dual=solved.col_dual)


def _cost_rows(projects: ProjectList, scenario: Scenario, model: MilpModel) -> np.ndarray:
    """Mask of the rows whose coefficients are proportional to the projects' costs."""
    measures = {f"rule {r.name}": r.rule.measure for r in expand_rules(projects, scenario)}
    mask = np.zeros(model.shape[0], dtype=bool)
    for group in model.row_groups:
        if group.kind == "budget" or measures.get(group.name) in COST_MEASURES:
            mask[group.start : group.stop] = True
    return mask


def reduced_costs(projects: ProjectList, scenario: Scenario) -> list[ReducedCost]:
    """ESTIMATE, one LP solve (HiGHS, integrality dropped): per project, its LP reduced cost and the cost
    at which that reduced cost would reach 0 if the LP's duals stayed fixed. Use `why_not` for the exact
    threshold; this is a quick first look. Empty when the LP relaxation has no optimum."""
    relaxed = _relaxation(projects, scenario)
    if relaxed is None:
        return []
    model = relaxed.model
    cost_rows = _cost_rows(projects, scenario, model)
    dense = model.matrix.toarray()
    # Dual contribution per row and column: col_dual = c - Aᵀ y, so each row takes y_i A_ij.
    cost_part = (relaxed.row_dual[cost_rows, None] * dense[cost_rows]).sum(axis=0)
    other_part = (relaxed.row_dual[~cost_rows, None] * dense[~cost_rows]).sum(axis=0)
    costs = projects.total_cost
    column = _best_start_columns(model.layout, relaxed.col_dual)
    answers = []
    for index, pid in enumerate(projects.ids):
        fixed_out = model.col_upper[index] == 0
        at = column[index]
        margin = model.objective[at] - other_part[at]
        estimate = None
        if not fixed_out and cost_part[at] > 1e-12 and margin > 0:
            estimate = float(costs[index] * margin / cost_part[at])
        answers.append(ReducedCost(str(pid), float(relaxed.col_dual[at]), estimate))
    return answers


def _best_start_columns(layout: ColumnLayout, col_dual: np.ndarray) -> np.ndarray:
    """Per project, the column that carries its cost and reduction: its own, or for a phased project the
    start year with the best reduced cost."""
    column = np.arange(layout.n_projects)
    if len(layout.start_project):
        phased, chosen = layout.best_start_columns(col_dual[layout.start_columns])
        column[phased] = layout.start_columns[chosen]
    return column


# --------------------------------------------------------------------------------------------------
# The price of each rule


def rule_prices(
    projects: ProjectList,
    scenario: Scenario,
    result: Result,
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
    total_time_s: float | None = None,
) -> list[RulePrice]:
    """For every budget row ("budget" or "budget 2027"), every group rule (names as in `result.rules`,
    e.g. "högst 50 % per sektor[transport]") and every funding pool's capacity ("funding Klimatklivet"):

    - `shadow_price`, an ESTIMATE: the LP relaxation's dual of the row, unscaled, as tonnes gained per
      unit the row is relaxed (≥ 0). Budget rows: tonnes per SEK of municipal budget; pools: per SEK of
      capacity. Rules: per unit of
      the rule's measure; a rule with several rows (absolute bound, min share, max share) reports the
      row with the largest price (the binding one; 0 when none binds in the LP).
    - `objective_without_rule_t`, EXACT: the MILP optimum (gap 0) re-solved without that rule (for a
      budget row: without that year's budget), same backend, `time_limit_s` per re-solve and
      `total_time_s` in all (None once it is used up).
    """
    if result.status is not Status.OPTIMAL:
        raise ValueError(f"rule_prices needs an optimal result, not {result.status.value}")
    backend = get_backend(solver or scenario.solver)
    limits = _Limits.of(time_limit_s, total_time_s)
    relaxed = _relaxation(projects, scenario)
    model = relaxed.model if relaxed is not None else build_model(projects, scenario)
    scales = model.row_scale
    prices = []
    for group in model.row_groups:
        if group.kind not in ("budget", "rule", "funding"):
            continue
        price = 0.0
        if relaxed is not None:
            rows = slice(group.start, group.stop)
            price = float(np.max(np.abs(relaxed.row_dual[rows]) / scales[rows], initial=0.0))
        try:
            stop, without, _ = _milp_optimum(backend, model.without({group.name}), limits)
        except _OutOfTime:
            stop, without = Stop.LIMIT, None
        name = group.name.removeprefix("rule ") if group.kind == "rule" else group.name
        prices.append(RulePrice(name, group.kind, price, without if stop is Stop.OPTIMAL else None))
    return prices
