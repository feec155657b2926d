"""Decision analysis on an optimal portfolio: why a project was not funded, and what each rule costs.

Two kinds of figures, kept apart and labelled:

- **Exact** (re-solves of the MILP): `why_not` — the highest cost at which a project not funded
  would be in an optimal portfolio — and `RulePrice.objective_without_rule_t` — the optimum
  without one rule.
- **Estimates** (the LP relaxation, one solve): `reduced_costs` and `RulePrice.shadow_price`.
  The LP ignores that projects are all-or-nothing, so these are indicative only.

Lower layers (build, solve, check, backends) never import this module.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from models import CumulativeObjective, ProjectList, Result, Scenario, Status
from optimizer.backends import Backend, Incumbents, Outcome, Stop, get_backend
from optimizer.build import (
    ColumnLayout,
    MilpModel,
    build_model,
    expand_rules,
    objective_coefficients,
)

log = logging.getLogger(__name__)

TINY_COST_SEK = 1.0
"""The lowest cost tried: a project that does not enter at 1 SEK gets `max_cost_sek` None."""
RELATIVE_TOLERANCE = 1e-4
"""Bisection stops when (too_dear - enters) / too_dear <= this; the cost that enters is returned."""
ENTERS_TOLERANCE = 1e-6
"""Relative tolerance when comparing the forced-in optimum with the optimum without the project."""
MAX_DOUBLINGS = 20
"""A project that already ties at its cost is tried at up to 2**20 times its cost."""
COST_MEASURES = ("cost", "municipal_cost")
SMALL_MODEL_COLUMNS = 1000
"""Up to this many projects, bisection re-solves run HiGHS with presolve off (faster on small models)."""


@dataclass(frozen=True, slots=True)
class WhyNot:
    """Exact: the highest total cost (SEK) at which a project not funded enters an optimal portfolio."""

    id: str
    cost_sek: float
    """Its current total cost."""
    max_cost_sek: float | None
    """None: no cost > 0 would do (excluded, clashes with a forced project or rule, or never worth it)."""
    note: str = ""
    min_abatement_t_per_year: float | None = None
    """Exact: the yearly reduction at which it would enter at its current cost (None: not computed,
    see `note`, or no reduction would do)."""

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by `solve --explain` and the service."""
        return {
            "id": self.id,
            "max_cost_sek": self.max_cost_sek,
            "min_abatement_t_per_year": self.min_abatement_t_per_year,
            "note": self.note,
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

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by `solve --explain` and the service."""
        return {
            "id": self.id,
            "max_cost_sek": self.max_cost_sek,
            "min_abatement_t_per_year": self.min_abatement_t_per_year,
            "note": self.note,
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
# Exact thresholds by bisection


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


@dataclass(frozen=True, slots=True)
class _Limits:
    """Time for the re-solves: at most `per_solve_s` each, and all done by `deadline` (perf_counter)."""

    per_solve_s: float | None
    deadline: float | None

    @classmethod
    def of(cls, time_limit_s: float | None, total_time_s: float | None) -> _Limits:
        return cls(time_limit_s, None if total_time_s is None else time.perf_counter() + total_time_s)

    def next_solve_s(self) -> float | None:
        """The time limit of the next re-solve; `_OutOfTime` when the total is used up."""
        if self.deadline is None:
            return self.per_solve_s
        left = self.deadline - time.perf_counter()
        if left <= 0.01:
            raise _OutOfTime
        return left if self.per_solve_s is None else min(left, self.per_solve_s)


class _OutOfTime(Exception):
    """The total time for an analysis is used up."""


def _milp_optimum(
    backend: Backend, model: MilpModel, limits: _Limits
) -> tuple[Stop, float | None, np.ndarray | None]:
    """An exact (gap 0) re-solve: (how it stopped, the optimum and a portfolio when proven optimal).

    With HiGHS and a small model, HiGHS is run directly with presolve off: the many small re-solves of
    a bisection are then about three times faster (presolve costs more than it saves below ~1000
    projects). Otherwise the backend's own `solve`."""
    time_limit_s = limits.next_solve_s()
    if backend.name == "highs" and model.shape[1] <= SMALL_MODEL_COLUMNS:
        outcome = _highs_without_presolve(model, time_limit_s)
    else:
        outcome = backend.solve(
            model, time_limit_s=time_limit_s, mip_gap=0.0, incumbents=Incumbents(), cancel=threading.Event()
        )
    if outcome.stop is Stop.OPTIMAL and outcome.x is not None:
        return Stop.OPTIMAL, outcome.objective, outcome.x
    return outcome.stop, None, None


def _highs_without_presolve(model: MilpModel, time_limit_s: float | None) -> Outcome:
    from optimizer.backends.highs import new_highs, run_highs, to_highs_lp

    highs = new_highs()
    highs.setOptionValue("presolve", "off")
    highs.passModel(to_highs_lp(model))
    return run_highs(
        highs, bool(model.integer.any()), time_limit_s=time_limit_s, mip_gap=0.0, cancel=threading.Event()
    )


class _Undecided(Exception):
    """A re-solve stopped without proof (time limit or solver error)."""


def why_not(
    projects: ProjectList,
    scenario: Scenario,
    result: Result,
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
    total_time_s: float | None = None,
) -> list[WhyNot]:
    """For every project not in `result` (an optimal result of `solve(projects, scenario)`): the highest
    total cost at which it would be in an optimal portfolio, and the yearly reduction at which it would
    be at its current cost, all other data unchanged.

    Its whole cost profile and its grant are scaled together, so the grant share and the share spent
    in each year stay the same. "Enters at cost c" means: with cost c, the optimum with the project
    forced in (fully, also when divisible) is ≥ the optimum with it left out, within a relative 1e-6 —
    an optimal portfolio containing it exists. Where the project's cost sits on its own column, one
    exact MILP gives the threshold (`_parametric_threshold`); otherwise (phased, funding pools, a cost
    objective) bisection: first 1 SEK (no entry → None), then its current cost (a tie → doubled until
    it no longer enters, at most 2**20 times), then to a relative `RELATIVE_TOLERANCE` (1e-4); the
    largest cost found at which it enters is returned (bisection assumes entry is monotone in the cost,
    true for budgets; cost-share rules can break it). Every re-solve is exact (gap 0) with the
    scenario's backend (or `solver`), at most `time_limit_s` each and `total_time_s` in all; a re-solve
    without proof gives None with a note, and projects left when `total_time_s` is up get None with a
    note saying so.
    """
    if result.status is not Status.OPTIMAL:
        raise ValueError(f"why_not needs an optimal result, not {result.status.value}")
    context = _Context.of(projects, scenario, solver, _Limits.of(time_limit_s, total_time_s))
    chosen = {s.id for s in result.selected}
    costs = projects.total_cost
    answers: list[WhyNot] = []
    for index, pid in enumerate(str(i) for i in projects.ids):
        if pid in chosen:
            continue
        cost = float(costs[index])
        if pid in scenario.exclude:
            answers.append(WhyNot(pid, cost, None, "excluded by the scenario"))
            continue
        try:
            optimum = context.optimum()
            threshold, note = context.threshold(index, cost, floor=optimum)
            in_stop, with_it, _ = _milp_optimum(
                context.backend, _with_bounds(context.base, index, lower=1.0), context.limits
            )
            abatement = _abatement_needed(
                projects, scenario, index, optimum, with_it if in_stop is Stop.OPTIMAL else None
            )
        except (_Undecided, _OutOfTime) as stopped:
            threshold, note, abatement = None, _stopped_note(stopped, total_time_s), None
        answers.append(WhyNot(pid, cost, None if threshold is None else float(threshold), note, abatement))
    return answers


def why_in(
    projects: ProjectList,
    scenario: Scenario,
    result: Result,
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
    total_time_s: float | None = None,
) -> list[WhyIn]:
    """For every project in `result` (optimal): the highest total cost and the lowest yearly reduction at
    which it would still be in an optimal portfolio, the other data unchanged — how robust the choice is.

    "Still in at cost c" means: forced in at cost c, the optimum is ≥ the optimum with it left out
    (within a relative 1e-6), found as in `why_not` (with the same time limits). Mandatory and included
    projects are in whatever they cost (`max_cost_sek` None, with a note). The lowest reduction is exact
    when no rule on `abatement` covers the project (else None, with a note): lowering it by Δ t/yr
    lowers the objective by Δ times the years it counts, and it stays in while that keeps it at the
    optimum without it."""
    if result.status is not Status.OPTIMAL:
        raise ValueError(f"why_in needs an optimal result, not {result.status.value}")
    context = _Context.of(projects, scenario, solver, _Limits.of(time_limit_s, total_time_s))
    index_of = {pid: i for i, pid in enumerate(str(i) for i in projects.ids)}
    annual = projects.table["abatement_t_per_year"].to_numpy(dtype=float)
    costs = projects.total_cost
    forced = context.base.col_lower[: len(projects)] >= 1
    answers = []
    for selection in result.selected:
        index = index_of[selection.id]
        cost, tonnes = float(costs[index]), float(annual[index])
        if forced[index]:
            answers.append(WhyIn(selection.id, cost, None, tonnes, None, "forced in (mandatory or included)"))
            continue
        try:
            optimum = context.optimum()
            out_stop, without, _ = _milp_optimum(
                context.backend, _with_bounds(context.base, index, upper=0.0), context.limits
            )
            if out_stop is Stop.INFEASIBLE:  # nothing is possible without it (a rule needs it)
                answers.append(
                    WhyIn(selection.id, cost, None, tonnes, None, "no portfolio is possible without it")
                )
                continue
            if out_stop is not Stop.OPTIMAL:
                raise _Undecided(out_stop.value)
            threshold, note = context.threshold(index, cost, floor=without)
            abatement = _abatement_needed(projects, scenario, index, without, optimum)
            if selection.fraction < 1 - 1e-9:
                note = "partly funded: the figures are for funding it fully"
                abatement = None  # forced in fully it is not at the optimum: the formula does not apply
            elif abatement is None and not note:
                note = "lowest reduction not computed: a rule on abatement covers it"
        except (_Undecided, _OutOfTime) as stopped:
            threshold, abatement, note = None, None, _stopped_note(stopped, total_time_s)
        answers.append(WhyIn(selection.id, cost, threshold, tonnes, abatement, note))
    return answers


def _stopped_note(stopped: Exception, total_time_s: float | None) -> str:
    if isinstance(stopped, _OutOfTime):
        return f"not computed: the total time of {total_time_s:g} s was used up"
    return f"undecided: a re-solve stopped without proof ({stopped})"


@dataclass
class _Context:
    """What the thresholds of one scenario share: the model, its cost rows, and its exact optimum."""

    projects: ProjectList
    scenario: Scenario
    backend: Backend
    limits: _Limits
    base: MilpModel
    cost_rows: np.ndarray
    _optimum: float | None = None

    @classmethod
    def of(cls, projects: ProjectList, scenario: Scenario, solver: str | None, limits: _Limits) -> _Context:
        base = build_model(projects, scenario)
        backend = get_backend(solver or scenario.solver)
        return cls(projects, scenario, backend, limits, base, _cost_rows(projects, scenario, base))

    def optimum(self) -> float:
        """The exact (gap 0) optimum, solved once: thresholds are compared with it."""
        if self._optimum is None:
            stop, value, _ = _milp_optimum(self.backend, self.base, self.limits)
            if stop is not Stop.OPTIMAL or value is None:
                raise _Undecided(stop.value)
            self._optimum = value
        return self._optimum

    def threshold(self, index: int, cost: float, *, floor: float) -> tuple[float | None, str]:
        """The highest cost at which project `index`, forced in, keeps the optimum ≥ `floor`."""
        if _parametric(self.scenario, self.base, index):
            return _parametric_threshold(
                self.base, self.cost_rows, index, floor, cost, self.backend, self.limits
            )
        return _threshold(self.projects, self.scenario, self.backend, index, cost, self.limits)


def _with_bounds(
    model: MilpModel, index: int, *, lower: float | None = None, upper: float | None = None
) -> MilpModel:
    col_lower, col_upper = model.col_lower.copy(), model.col_upper.copy()
    if lower is not None:
        col_lower[index] = lower
    if upper is not None:
        col_upper[index] = upper
    return dataclasses.replace(model, col_lower=col_lower, col_upper=col_upper)


def _abatement_needed(
    projects: ProjectList, scenario: Scenario, index: int, target: float, with_it: float | None
) -> float | None:
    """The yearly reduction at which the optimum with the project forced in (`with_it`, at its current
    reduction) reaches `target`: its reduction + (target − with_it) / years counted. None when the
    objective is a cost, a rule on abatement covers it, it counts for no year, `with_it` is unknown, or
    the years it counts depend on a start year the optimiser chooses (phased, cumulative objective)."""
    if with_it is None or scenario.minimises_cost or scenario.net_benefit is not None:
        return None
    if projects.phased[index] and isinstance(scenario.tonnes_measure, CumulativeObjective):
        return None
    if any(r.rule.measure == "abatement" and r.members[index] for r in expand_rules(projects, scenario)):
        return None
    annual = float(projects.table["abatement_t_per_year"].iat[index])
    years = _years_counted(projects, scenario, index)
    if years <= 0:
        return None
    return max(annual + (target - with_it) / years, 0.0)


def _years_counted(projects: ProjectList, scenario: Scenario, index: int) -> float:
    """How many years one tonne a year counts in the objective (at the planned start)."""
    one = dataclasses.replace(projects, table=projects.table.assign(abatement_t_per_year=1.0))
    return float(objective_coefficients(one, scenario)[index])


def _parametric(scenario: Scenario, model: MilpModel, index: int) -> bool:
    """Whether the project's cost can be a variable of one MILP: its cost must sit on its own column
    only (not phased, no funding-pool columns) and the objective must not be a cost."""
    layout = model.layout
    return not (
        scenario.minimises_cost
        or scenario.net_benefit is not None  # the cost is in the objective too (net present cost)
        or np.any(layout.start_project == index)
        or np.any(layout.pool_project == index)
    )


def _parametric_threshold(
    model: MilpModel,
    cost_rows: np.ndarray,
    index: int,
    floor: float,
    cost: float,
    backend: Backend,
    limits: _Limits,
) -> tuple[float | None, str]:
    """The highest cost at which the project, forced in, still allows an objective ≥ `floor`, from one
    MILP: the project's cost is scaled by a variable λ ≥ 0 (its coefficients in budget and cost-rule rows
    move to a new column λ; with the project fixed at 1 these rows are linear in λ), a row holds the
    objective at `floor`, and λ is maximised. Exact (no bisection), and right also where entry is not
    monotone in the cost (cost-share rules): the largest cost with a feasible plan is found."""
    column = model.matrix[:, [index]].toarray().ravel()
    scaled = np.where(cost_rows, column, 0.0)
    matrix = model.matrix.tolil(copy=True)
    matrix[:, index] = (column - scaled)[:, None]
    scale = float(np.abs(model.objective).max(initial=1.0)) or 1.0
    goal = floor - ENTERS_TOLERANCE * max(1.0, abs(floor))
    parametric = dataclasses.replace(
        model,
        objective=np.append(np.zeros_like(model.objective), 1.0),
        matrix=sp.csr_array(
            sp.vstack(
                [
                    sp.hstack([matrix.tocsr(), sp.csr_array(scaled[:, None])]),
                    sp.csr_array(np.append(model.objective / scale, 0.0)[None, :]),
                ]
            )
        ),
        row_lower=np.append(model.row_lower, goal / scale),
        row_upper=np.append(model.row_upper, np.inf),
        col_lower=np.append(np.where(np.arange(model.shape[1]) == index, 1.0, model.col_lower), 0.0),
        col_upper=np.append(
            np.where(np.arange(model.shape[1]) == index, 1.0, model.col_upper), 2.0**MAX_DOUBLINGS
        ),
        integer=np.append(model.integer, False),
    )
    stop, factor, _ = _milp_optimum(backend, parametric, limits)
    if stop is Stop.INFEASIBLE:
        return None, "does not enter even at no cost"
    if stop is not Stop.OPTIMAL or factor is None:
        raise _Undecided(stop.value)
    if factor * cost < TINY_COST_SEK:
        return None, "does not enter even at 1 SEK"
    if factor >= 2.0**MAX_DOUBLINGS * (1 - 1e-9):
        return factor * cost, f"still enters at {2**MAX_DOUBLINGS} times its cost: at least this"
    return factor * cost, ""


def _threshold(
    projects: ProjectList,
    scenario: Scenario,
    backend: Backend,
    index: int,
    cost: float,
    limits: _Limits,
) -> tuple[float | None, str]:
    base = build_model(projects, scenario)  # reused for every probe at the project's own cost
    # Without the project its cost does not matter: one solve with it left out.
    stop, left_out, _ = _milp_optimum(backend, _with_bounds(base, index, upper=0.0), limits)
    if stop is not Stop.OPTIMAL:
        raise _Undecided(stop.value)

    def enters(at_cost: float) -> bool:
        model = (
            base
            if at_cost == cost
            else build_model(scaled_project(projects, index, at_cost / cost), scenario)
        )
        stop, forced_in, _ = _milp_optimum(backend, _with_bounds(model, index, lower=1.0), limits)
        if stop is Stop.INFEASIBLE:
            return False
        if stop is not Stop.OPTIMAL:
            raise _Undecided(stop.value)
        return forced_in >= left_out - ENTERS_TOLERANCE * max(1.0, abs(left_out))

    tiny = min(TINY_COST_SEK, cost)
    if not enters(tiny):
        return None, "does not enter even at 1 SEK"
    low, high = tiny, cost
    if enters(cost):  # a tie: an optimal portfolio with it exists already; look above its cost
        low, high = cost, None
        for _ in range(MAX_DOUBLINGS):
            if not enters(2 * low):
                high = 2 * low
                break
            low *= 2
        if high is None:
            return low, f"still enters at {2**MAX_DOUBLINGS} times its cost: at least this"
    while (high - low) > RELATIVE_TOLERANCE * high:
        middle = math.sqrt(low * high) if high > 4 * low else (low + high) / 2
        if enters(middle):
            low = middle
        else:
            high = middle
    return low, ""


# --------------------------------------------------------------------------------------------------
# LP relaxation: estimates


@dataclass(frozen=True)
class _Relaxation:
    model: MilpModel
    x: np.ndarray
    row_dual: np.ndarray
    col_dual: np.ndarray


def _relaxation(projects: ProjectList, scenario: Scenario) -> _Relaxation | None:
    import highspy

    from optimizer.backends.highs import new_highs, to_highs_lp

    model = build_model(projects, scenario)
    lp = dataclasses.replace(model, integer=np.zeros_like(model.integer))
    highs = new_highs()
    highs.passModel(to_highs_lp(lp))
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = highs.getSolution()
    return _Relaxation(
        model=model,
        x=np.asarray(solution.col_value, dtype=float),
        row_dual=np.asarray(solution.row_dual, dtype=float),
        col_dual=np.asarray(solution.col_dual, dtype=float),
    )


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
