"""Robust mode: the portfolio whose tonnes are largest in the bad draws (CVaR), as a MILP.

Reduction estimates are uncertain; a board may prefer a portfolio that still delivers when the
estimates turn out low. Given N drawn yearly reductions per project, `robust_portfolio` maximises
CVaR_alpha of the portfolio's tonnes (the mean of its worst alpha·N draws) by the linear form of
Rockafellar and Uryasev,

    max  eta − 1/(alpha·N) Σ_k c_k s_k   s.t.  s_k ≥ eta − T_k·x,  s_k ≥ 0,

added to the scenario's own model (`optimizer.model.build.build_model`), so every rule of the scenario
(budgets, equity rules, requires, alternatives, phasing, funding pools) holds at the point
estimates. Identical draws share one row (c_k counts them). T_k·x is in the scenario's tonnes
measure: the drawn yearly reduction of each column's project times the years counted for that
column's start year (`years_counted`), so a cumulative objective rewards starting early in every
draw. Co-benefit weights are not part of the robust objective: it is tonnes only.

The portfolio is then fixed and handed to `optimizer.model.solve.solve_model` for a proper, independently
checked `Result`: the chosen projects at (at least) their chosen fractions and the chosen start
years are held, and projects that still fit are added by the scenario's point-estimate objective,
never completing an overlap (a negative interaction) the portfolio does not already have. Adding a
project then never lowers any draw's tonnes, so this keeps the CVaR and only breaks the MILP's
indifference towards projects that add nothing in the worst draws (which would make robustness
look dearer than it is). Pool money is the point-optimal allocation for that portfolio.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from models import MinCostObjective, ProjectList, Result, Scenario, Status
from models.options import RunOptions
from models.robust import RobustPortfolio
from optimizer.io.problems import InputError, Problem
from optimizer.model.backends import Stop, get_backend
from optimizer.model.build import MilpModel, RowGroup, build_model, interaction_terms, years_counted
from optimizer.model.fit import check_fits
from optimizer.model.solve import _solve_within, relative_gap, solve, solve_model

log = logging.getLogger(__name__)

SNAP = 1e-9
"""Fractions below this are solver noise; a divisible project's fraction is held this much below."""
EXACT_CHECK_S = 10.0
"""At least this long for the last resort: checking the portfolio exactly as chosen (only pool money is
left to choose, an LP), so that a tiny time limit still gives the portfolio the CVaR MILP found."""


def robust_portfolio(
    projects: ProjectList,
    scenario: Scenario,
    *,
    abatement_draws: np.ndarray,
    alpha: float = 0.1,
    point: Result | None = None,
    time_limit_s: float | None = None,
) -> RobustPortfolio:
    """The portfolio with the largest CVaR_alpha of its tonnes over `abatement_draws`, under every
    rule of `scenario`, and its price against the point-estimate optimum `point` (solved if None).

    `abatement_draws`: N × n drawn yearly reductions (t/yr), one row per draw, one column per project
    in list order. `alpha` in (0, 1]: the share of worst draws averaged (1 gives the mean).
    `time_limit_s` (default: the scenario's) holds each solve: the point solve when `point` is None,
    the CVaR MILP, and the final check of the chosen portfolio. If the CVaR MILP stops at its time
    limit, the status is `feasible` with its bound and gap; the point portfolio (a feasible solution
    of the same MILP) is taken when the solver found nothing better.
    """
    started = time.perf_counter()
    draws = _validated(projects, scenario, abatement_draws, alpha, point)
    options = scenario.run_options.overridden(time_limit_s=time_limit_s)
    check_fits(projects, scenario)
    if point is None:
        point = solve(projects, scenario, time_limit_s=options.time_limit_s)
    if point.status is Status.INFEASIBLE:
        return _without_portfolio(point, Status.INFEASIBLE, draws, alpha, started)

    model = build_model(projects, scenario)
    columns = _option_columns(projects, model)
    tonnes_per_year = years_counted(projects, scenario, project=columns.project, shift=columns.shift)
    distinct, counts = np.unique(draws, axis=0, return_counts=True)
    tally = _Tally(projects, scenario, draws, alpha, model.layout.planned_start)
    # Interactions (overlaps) are not drawn: the same tonnes in every draw, on their own columns.
    overlaps = tally.overlaps.tonnes_t
    cvar_model = _cvar_model(
        model,
        np.hstack([distinct[:, columns.project] * tonnes_per_year, np.tile(overlaps, (len(counts), 1))]),
        np.concatenate([columns.column, model.layout.interaction_columns]),
        counts,
        alpha,
    )
    backend = get_backend(options.solver)  # never the core problem: its certificate assumes the point objective
    deadline = options.deadline()
    run = _solve_within(backend, cvar_model, options.mip_gap, deadline)
    solve_s = deadline.elapsed()
    outcome = run.outcome
    log.info(
        "CVaR MILP of %d rows x %d columns (%d distinct draws): %s after %.3f s",
        *cvar_model.shape,
        len(counts),
        outcome.native_status,
        solve_s,
    )
    time_limit_reached = run.overran or (outcome.stop is Stop.LIMIT and deadline.passed(slack_s=0.05))

    candidate = None
    if outcome.x is not None:
        decision = model.layout.decode(outcome.x[: model.layout.n_columns])
        fractions = np.where(model.integer[: len(projects)], np.round(decision.fractions), decision.fractions)
        fractions[fractions < SNAP] = 0.0  # solver noise: a project funded at 1e-12 is not funded
        candidate = (np.clip(fractions, 0.0, 1.0), decision.start_years)
    from_point = point.has_portfolio and (
        candidate is None or tally.cvar(*_decision_of(projects, point)) > tally.cvar(*candidate)
    )
    if from_point:
        candidate = _decision_of(projects, point)
    if outcome.stop in (Stop.ERROR, Stop.UNBOUNDED, Stop.INFEASIBLE):
        # The CVaR MILP only adds satisfiable rows to a model the point solve did not find infeasible.
        status, what, result = Status.ERROR, f"the CVaR MILP failed ({outcome.native_status})", point
    elif candidate is None:
        return _without_portfolio(point, Status.NO_SOLUTION, draws, alpha, started, solve_s=solve_s)
    else:
        if outcome.stop is Stop.OPTIMAL:
            status, what = Status.OPTIMAL, f"proven within a relative gap of {options.mip_gap:g}"
        else:
            status, what = Status.FEASIBLE, f"stopped before optimality was proven ({outcome.native_status})"
            if from_point:
                what += "; the point-estimate portfolio is the best known"
        result = _checked(projects, scenario, options, model, *candidate)
        if not result.has_portfolio and point.has_portfolio:
            # rare (solver tolerances): the point portfolio satisfies every rule, so it is a robust
            # portfolio too, only not proven the best one
            status, what = (
                Status.FEASIBLE,
                (
                    f"the CVaR-chosen portfolio failed its check ({result.message}); the point-estimate "
                    "portfolio is the best checked one"
                ),
            )
            result = point
        elif not result.has_portfolio:
            status, what = Status.ERROR, f"the chosen portfolio failed its check ({result.message})"
        elif point.has_portfolio and tally.cvar(*_decision_of(projects, point)) > tally.cvar(
            *_decision_of(projects, result)
        ):
            # the check's re-solve may settle divisible shares a rounding error lower: never worse than the point
            result = point
    cvar_t = tally.cvar_of(result)
    bound = None if outcome.bound is None or status is Status.ERROR else outcome.bound
    if bound is not None and cvar_t is not None:
        bound = max(bound, cvar_t)
    message = f"Largest CVaR at alpha {alpha:g} over {len(draws)} draws: {what}."
    if status in (Status.OPTIMAL, Status.FEASIBLE):
        result = result.model_copy(
            update={
                "status": Status.FEASIBLE if status is not Status.OPTIMAL else result.status,
                "message": f"{message} Completed at the point estimates: {result.message}",
            }
        )
    return _portfolio(
        tally,
        result=result,
        point=point,
        status=status,
        message=message,
        distinct_draws=len(counts),
        bound=bound,
        time_limit_reached=time_limit_reached,
        solve_s=solve_s,
        total_s=time.perf_counter() - started,
    )


def cvar(values: np.ndarray, alpha: float) -> float:
    """CVaR_alpha of equally likely `values`: the mean of the worst alpha·N of them, the draw at the
    boundary counted in part (the optimum of the Rockafellar–Uryasev form the MILP maximises)."""
    ordered = np.sort(np.asarray(values, dtype=float))
    tail = alpha * len(ordered)
    whole = min(math.floor(tail + 1e-9), len(ordered))
    weights = np.zeros(len(ordered))
    weights[:whole] = 1.0
    if whole < len(ordered):
        weights[whole] = max(tail - whole, 0.0)
    return float(ordered @ weights / tail)


@dataclass(frozen=True)
class _Columns:
    """The columns that carry a project's tonnes: its own when not phased, else its start years."""

    column: np.ndarray
    project: np.ndarray
    shift: np.ndarray


def _option_columns(projects: ProjectList, model: MilpModel) -> _Columns:
    layout = model.layout
    fixed = np.flatnonzero(~projects.phased)
    return _Columns(
        column=np.concatenate([fixed, layout.start_columns]),
        project=np.concatenate([fixed, layout.start_project]),
        shift=np.concatenate(
            [np.zeros(len(fixed), dtype=int), layout.start_year - layout.planned_start[layout.start_project]]
        ),
    )


def _cvar_model(
    model: MilpModel, tonnes: np.ndarray, columns: np.ndarray, counts: np.ndarray, alpha: float
) -> MilpModel:
    """The scenario's model with the CVaR objective: K = len(counts) distinct draws, `tonnes` K × options
    (tonnes of each option column in each draw). With alpha = 1 the CVaR is the mean: no extra rows."""
    width = model.shape[1]
    n_draws = float(counts.sum())
    if alpha >= 1.0:
        objective = np.zeros(width)
        objective[columns] = counts @ tonnes / n_draws
        return replace(model, objective=objective)
    k = len(counts)
    # Tonnes in units of the largest coefficient: the rows' coefficients are then at most 1.
    unit = float(np.abs(tonnes).max(initial=0.0)) or 1.0
    scaled = sp.csr_array(tonnes / unit)
    # No portfolio's tonnes exceed the sum of the positive entries, nor fall below the negative ones
    # (overlaps): eta and the shortfalls stay within it (in units).
    top = float(abs(scaled).sum(axis=1).max(initial=0.0)) + 1.0
    placed = sp.csr_array(
        (scaled.data, columns[scaled.indices], scaled.indptr), shape=(k, width)
    )  # option j of the tonnes matrix is model column columns[j]
    # Row k: T_k·x − eta + s_k ≥ 0, over columns [model | eta | s_1..s_K].
    rows = sp.hstack([placed, sp.csr_array(-np.ones((k, 1))), sp.identity(k, format="csr")], format="csr")
    matrix = sp.vstack([sp.hstack([model.matrix, sp.csr_array((model.shape[0], k + 1))]), rows], format="csr")
    objective = np.concatenate([np.zeros(width), [unit], -unit * counts / (alpha * n_draws)])
    start = model.shape[0]
    return replace(
        model,
        objective=objective,
        matrix=sp.csr_array(matrix),
        row_lower=np.concatenate([model.row_lower, np.zeros(k)]),
        row_upper=np.concatenate([model.row_upper, np.full(k, np.inf)]),
        col_lower=np.concatenate([model.col_lower, np.zeros(k + 1)]),
        col_upper=np.concatenate([model.col_upper, np.full(k + 1, top)]),
        integer=np.concatenate([model.integer, np.zeros(k + 1, dtype=bool)]),
        row_groups=(*model.row_groups, RowGroup("cvar", "cvar", start, start + k)),
        row_scale=np.concatenate([model.row_scale, np.full(k, unit)]),
    )


def _checked(
    projects: ProjectList,
    scenario: Scenario,
    options: RunOptions,
    model: MilpModel,
    fractions: np.ndarray,
    start_years: np.ndarray,
) -> Result:
    """A checked Result for the chosen portfolio: the chosen projects held at least at their fractions
    and at their start years, the rest added by the point-estimate objective where they still fit. If
    that solve gives nothing (time limit), the portfolio exactly as chosen, in at least `EXACT_CHECK_S`."""
    layout = model.layout
    n = layout.n_projects
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    # A divisible project's fraction is held SNAP below the solver's value, which met the rows only
    # within the solver's tolerance.
    whole = model.integer[:n]
    lower[:n] = np.maximum(lower[:n], np.where(whole, fractions, np.clip(fractions - SNAP, 0.0, None)))
    held = fractions[layout.start_project] > 0
    taken = layout.start_year == start_years[layout.start_project]
    lower[layout.start_columns[held]] = upper[layout.start_columns[held]] = taken[held].astype(float)
    # an added project must not complete an overlap (a negative interaction) the portfolio does not have:
    # that would lower every draw's tonnes
    overlaps = interaction_terms(projects, scenario)
    completes = np.array(
        [t < 0 and not (fractions[m] >= 1.0).all() for t, m in zip(overlaps.tonnes_t, overlaps.members)],
        dtype=bool,
    )
    upper[layout.interaction_columns[completes]] = 0.0
    backend = get_backend(options.solver)
    extended = replace(model, col_lower=lower, col_upper=upper)
    result = solve_model(projects, scenario, extended, backend, options=options)
    if result.has_portfolio:
        return result
    log.warning("adding projects to the robust portfolio stopped (%s); taking it as chosen", result.status)
    upper[:n] = np.minimum(upper[:n], fractions)
    exact = replace(model, col_lower=lower, col_upper=upper)
    if options.time_limit_s is not None and options.time_limit_s < EXACT_CHECK_S:
        options = options.overridden(time_limit_s=EXACT_CHECK_S)
    return solve_model(projects, scenario, exact, backend, options=options)


def _decision_of(projects: ProjectList, result: Result) -> tuple[np.ndarray, np.ndarray]:
    """(fractions, start years) per project of a result's portfolio."""
    index = pd.Index(projects.ids).get_indexer([s.id for s in result.selected])
    fractions = np.zeros(len(projects))
    fractions[index] = [s.fraction for s in result.selected]
    start_years = np.zeros(len(projects), dtype=int)
    start_years[index] = [s.start_year for s in result.selected]
    return fractions, start_years


class _Tally:
    """A portfolio's tonnes in every draw, recomputed from its fractions and start years."""

    def __init__(
        self, projects: ProjectList, scenario: Scenario, draws: np.ndarray, alpha: float, planned: np.ndarray
    ) -> None:
        self.projects, self.scenario, self.draws, self.alpha, self.planned = (
            projects,
            scenario,
            draws,
            alpha,
            planned,
        )
        self.overlaps = interaction_terms(projects, scenario)

    def tonnes(self, fractions: np.ndarray, start_years: np.ndarray) -> np.ndarray:
        funded = np.flatnonzero(fractions > 0)
        shift = start_years[funded] - self.planned[funded]
        counted = years_counted(self.projects, self.scenario, project=funded, shift=shift)
        active = [bool((fractions[members] >= 1.0).all()) for members in self.overlaps.members]
        return self.draws[:, funded] @ (fractions[funded] * counted) + float(
            self.overlaps.tonnes_t @ np.array(active, dtype=float)
        )

    def cvar(self, fractions: np.ndarray, start_years: np.ndarray) -> float:
        return cvar(self.tonnes(fractions, start_years), self.alpha)

    def cvar_of(self, result: Result) -> float | None:
        return self.cvar(*_decision_of(self.projects, result)) if result.has_portfolio else None

    def summary(self, result: Result) -> tuple[float | None, float | None, float | None]:
        """(CVaR, P10, mean) of a result's tonnes over the draws; None without a portfolio."""
        if not result.has_portfolio:
            return None, None, None
        tonnes = self.tonnes(*_decision_of(self.projects, result))
        return cvar(tonnes, self.alpha), float(np.quantile(tonnes, 0.1)), float(tonnes.mean())


def _portfolio(
    tally: _Tally,
    *,
    result: Result,
    point: Result,
    status: Status,
    message: str,
    distinct_draws: int,
    bound: float | None,
    time_limit_reached: bool,
    solve_s: float,
    total_s: float,
) -> RobustPortfolio:
    cvar_t, p10_t, expected_t = tally.summary(result)
    point_cvar_t, point_p10_t, point_expected_t = tally.summary(point)
    at_point = result.objective_value_t if result.has_portfolio else None
    point_objective = point.objective_value_t if point.has_portfolio else None
    ids = [str(i) for i in tally.projects.ids]
    robust_ids = {s.id for s in result.selected} if result.has_portfolio else set()
    point_ids = {s.id for s in point.selected} if point.has_portfolio else set()
    return RobustPortfolio(
        status=status,
        message=message,
        result=result,
        alpha=tally.alpha,
        draws=len(tally.draws),
        distinct_draws=distinct_draws,
        cvar_t=cvar_t,
        point_cvar_t=point_cvar_t,
        p10_t=p10_t,
        point_p10_t=point_p10_t,
        expected_t=expected_t,
        point_expected_t=point_expected_t,
        objective_at_point_t=at_point,
        point_objective_t=point_objective,
        abatement_at_point_t=result.abatement_t if result.has_portfolio else None,
        point_abatement_t=point.abatement_t if point.has_portfolio else None,
        price_t=None if at_point is None or point_objective is None else point_objective - at_point,
        cvar_gain_t=None if cvar_t is None or point_cvar_t is None else cvar_t - point_cvar_t,
        mip_gap=relative_gap(cvar_t, bound) if cvar_t is not None else None,
        best_bound_t=bound,
        added=[i for i in ids if i in robust_ids and i not in point_ids] if point.has_portfolio else [],
        removed=[i for i in ids if i in point_ids and i not in robust_ids] if result.has_portfolio else [],
        time_limit_reached=time_limit_reached,
        solve_s=solve_s,
        total_s=total_s,
    )


def _without_portfolio(
    point: Result, status: Status, draws: np.ndarray, alpha: float, started: float, *, solve_s: float = 0.0
) -> RobustPortfolio:
    """No robust portfolio: the scenario is infeasible (`point` says why), or the time ran out first."""
    message = (
        "No portfolio satisfies every rule, so there is no robust one either."
        if status is Status.INFEASIBLE
        else "No portfolio was found within the time limit by the point solve or the CVaR MILP."
    )
    none: dict[str, None] = dict.fromkeys(
        (
            "cvar_t",
            "point_cvar_t",
            "p10_t",
            "point_p10_t",
            "expected_t",
            "point_expected_t",
            "objective_at_point_t",
            "point_objective_t",
            "abatement_at_point_t",
            "point_abatement_t",
            "price_t",
            "cvar_gain_t",
            "mip_gap",
            "best_bound_t",
        )
    )
    return RobustPortfolio(
        status=status,
        message=message,
        result=point,
        alpha=alpha,
        draws=len(draws),
        distinct_draws=len(np.unique(draws, axis=0)),
        **none,
        added=[],
        removed=[],
        time_limit_reached=status is Status.NO_SOLUTION,
        solve_s=solve_s,
        total_s=time.perf_counter() - started,
    )


def _validated(
    projects: ProjectList, scenario: Scenario, draws: object, alpha: object, point: Result | None
) -> np.ndarray:
    """The draws as a float matrix, or InputError listing everything wrong with the arguments."""
    problems: list[Problem] = []
    n = len(projects)
    if isinstance(scenario.objective, MinCostObjective):
        problems.append(
            Problem(
                "robust mode maximises tonnes: a min_cost_for_t objective cannot be made robust; "
                'use "lifetime", "annual" or {"cumulative_to": YEAR}',
                column="objective",
            )
        )
    if scenario.net_benefit is not None:
        problems.append(
            Problem(
                "robust mode maximises tonnes: a net_benefit objective cannot be made robust; "
                'use "lifetime", "annual" or {"cumulative_to": YEAR}',
                column="objective",
            )
        )
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha <= 1:
        problems.append(
            Problem(f"alpha must be a number above 0 and at most 1, not {alpha!r}", column="alpha")
        )
    matrix = np.zeros((0, n))
    try:
        matrix = np.asarray(draws, dtype=float)
    except (TypeError, ValueError):
        problems.append(Problem("abatement_draws must be a matrix of numbers", column="abatement_draws"))
    else:
        if matrix.ndim != 2 or matrix.shape[1] != n:
            problems.append(
                Problem(
                    f"abatement_draws must be a matrix of N draws × {n} projects (one column per project, "
                    f"in list order), not of shape {matrix.shape}",
                    column="abatement_draws",
                )
            )
        elif matrix.shape[0] < 1:
            problems.append(
                Problem("abatement_draws needs at least one draw (row)", column="abatement_draws")
            )
        else:
            bad = int((~np.isfinite(matrix)).sum())
            if bad:
                problems.append(
                    Problem(
                        f"abatement_draws must be finite: {bad} value(s) are not", column="abatement_draws"
                    )
                )
            negative = int((matrix < 0).sum())
            if negative:
                problems.append(
                    Problem(
                        f"abatement_draws must be ≥ 0 t/yr: {negative} value(s) are negative",
                        column="abatement_draws",
                    )
                )
    if point is not None:
        unknown = sorted({s.id for s in point.selected} - {str(i) for i in projects.ids})
        if unknown:
            problems.append(
                Problem(f"point funds projects not in the list: {', '.join(unknown)}", column="point")
            )
    if problems:
        raise InputError(problems)
    return matrix
