"""Uncertain reductions and costs: seeded draws, the point portfolio under them, re-optimisation.

A planner's list gives point estimates and, where known, ranges (`abatement_low_t_per_year` …
`cost_high_sek`). `draw` samples every project's yearly reduction and total cost from its range
(PERT, triangular or uniform, correlated within a sector through a Gaussian copula), vectorised over
draws and projects. `evaluate` sets one portfolio against every draw at once (tonnes are linear in
the yearly reduction, spending in the cost factor); `reoptimise` solves each draw afresh on an
executor of `optimizer.analysis.sweep`; `study` does all of it, plus the robust portfolio of
`optimizer.analysis.robust` when asked.

Grants stay fixed in SEK when costs move (Klimatklivet decides an amount; overruns fall on the
municipality), capped at the drawn cost; so do a portfolio's funding-pool allocations when it is
evaluated. Re-optimised draws allocate the pools afresh.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import special, stats

from models import MinCostObjective, ProjectList, Result, Scenario, Status
from models.project import RANGE_COLUMNS
from models.uncertainty import Draws, Evaluation, Reoptimisation, UncertaintySpec, UncertaintyStudy, quantiles
from optimizer.analysis.sweep import check_executor, run_tasks
from optimizer.io.problems import InputError, Problem
from optimizer.model.build import budget_years, years_counted
from optimizer.model.fit import check_fits, resolve_first_year
from optimizer.model.pathway import TOLERANCE_T
from optimizer.model.phasing import moved_costs

__all__ = ["draw", "evaluate", "projects_for_draw", "reoptimise", "study"]

log = logging.getLogger(__name__)

PERT_SHAPE = 4.0
"""λ of the PERT distribution: Beta(1 + λ(m−a)/(b−a), 1 + λ(b−m)/(b−a)) on [a, b] with mode m."""
RELATIVE_TOLERANCE = 1e-6
"""As the independent checker: a budget or target missed by less than this share still holds."""
NO_RANGES_NOTE = "the project list gives no ranges: every draw equals the point estimates"


# --------------------------------------------------------------------------------------------
# Draws
# --------------------------------------------------------------------------------------------


def draw(
    projects: ProjectList,
    spec: UncertaintySpec | None = None,
    *,
    draws: int | None = None,
    seed: int | None = None,
) -> Draws:
    """N seeded draws of every project's yearly reduction and total cost from its range.

    `draws` and `seed` override the spec's. The same seed gives the same numbers on every machine
    (numpy's PCG64); reductions and costs are drawn independently, each correlated within a sector as
    the spec says; a project without a spread gets exactly its point values.
    """
    spec = spec or UncertaintySpec()
    n_draws = spec.draws if draws is None else draws
    seed = spec.seed if seed is None else seed
    _check_counts(n_draws, seed)
    table = projects.table
    rng = np.random.default_rng(seed)
    sector, names = pd.factorize(table["sector"].astype(str), sort=True)
    rho = np.array([spec.correlation_of(str(s)) for s in names], dtype=float)[sector]
    u_abatement = _copula_uniforms(rng, n_draws, sector, len(names), rho)
    u_cost = _copula_uniforms(rng, n_draws, sector, len(names), rho)

    point = table["abatement_t_per_year"].to_numpy(dtype=float)
    low, high = _range(table, "abatement_low_t_per_year", "abatement_high_t_per_year", point)
    abatement = _from_uniforms(spec.distribution, low, point, high, u_abatement)

    cost = projects.total_cost
    low, high = _range(table, "cost_low_sek", "cost_high_sek", cost)
    drawn_cost = _from_uniforms(spec.distribution, low, cost, high, u_cost)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where((high > low) & (cost > 0), drawn_cost / cost, 1.0)
    return Draws(
        ids=tuple(str(i) for i in projects.ids),
        abatement_t_per_year=abatement,
        cost_factor=factor,
        seed=int(seed),
        distribution=spec.distribution,
        sector_correlation=spec.sector_correlation,
    )


def _check_counts(n_draws: object, seed: object) -> None:
    problems = []
    if isinstance(n_draws, bool) or not isinstance(n_draws, int | np.integer) or n_draws < 1:
        problems.append(Problem(f"draws must be a whole number of at least 1, not {n_draws!r}"))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        problems.append(Problem(f"seed must be a whole number of at least 0, not {seed!r}"))
    if problems:
        raise InputError(problems)


def _range(
    table: pd.DataFrame, low_column: str, high_column: str, point: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Low and high per project; an empty side (or a missing column) is the point itself."""
    low = table[low_column].to_numpy(dtype=float) if low_column in table else np.full(len(point), np.nan)
    high = table[high_column].to_numpy(dtype=float) if high_column in table else np.full(len(point), np.nan)
    return np.where(np.isnan(low), point, low), np.where(np.isnan(high), point, high)


def _copula_uniforms(
    rng: np.random.Generator, n_draws: int, sector: np.ndarray, n_sectors: int, rho: np.ndarray
) -> np.ndarray:
    """N×n uniforms whose normal scores share the share ρ of their variance within a sector."""
    common = rng.standard_normal((n_draws, n_sectors))
    own = rng.standard_normal((n_draws, len(sector)))
    z = np.sqrt(rho) * common[:, sector] + np.sqrt(1.0 - rho) * own
    return special.ndtr(z)


def _from_uniforms(
    distribution: str, low: np.ndarray, mode: np.ndarray, high: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """The values at quantiles `u` (N×n) of each project's distribution; the point where it has no spread."""
    out = np.broadcast_to(mode, u.shape).copy()
    spread = np.flatnonzero(high > low)
    if not len(spread):
        return out
    a, m, b = low[spread], mode[spread], high[spread]
    width = b - a
    q = u[:, spread]
    if distribution == "uniform":
        values = a + width * q
    elif distribution == "triangular":
        values = stats.triang.ppf(q, (m - a) / width, loc=a, scale=width)
    else:
        alpha = 1.0 + PERT_SHAPE * (m - a) / width
        beta = 1.0 + PERT_SHAPE * (b - m) / width
        values = a + width * special.betaincinv(alpha, beta, q)
    out[:, spread] = np.clip(values, a, b)
    return out


def _check_draws(projects: ProjectList, draws: Draws) -> None:
    n = len(projects)
    if draws.abatement_t_per_year.ndim != 2 or draws.abatement_t_per_year.shape[1] != n:
        raise ValueError(
            f"the draws are for {draws.abatement_t_per_year.shape[-1]} projects, the list has {n}: "
            "draw them from this list"
        )
    if list(draws.ids) != [str(i) for i in projects.ids]:
        raise ValueError("the draws are for another project list (ids differ): draw them from this list")


def projects_for_draw(projects: ProjectList, draws: Draws, k: int) -> ProjectList:
    """The list with draw `k`'s reductions and costs: each cost profile scaled by its drawn factor,
    grants kept in SEK but never above the drawn cost. The ranges are dropped (they belong to the
    point estimates)."""
    _check_draws(projects, draws)
    if not 0 <= k < len(draws):
        raise ValueError(f"draw {k} does not exist: there are {len(draws)} draws (0 to {len(draws) - 1})")
    factor = draws.cost_factor[k]
    scheduled = projects.scheduled_cost.mul(factor, axis=0)
    unscheduled = projects.unscheduled_cost * factor
    total = scheduled.to_numpy(dtype=float).sum(axis=1) + unscheduled
    grant = np.minimum(projects.table["grant_sek"].to_numpy(dtype=float), total)
    table = projects.table.assign(
        abatement_t_per_year=np.array(draws.abatement_t_per_year[k], dtype=float),
        grant_sek=grant,
        **{column: np.nan for column in RANGE_COLUMNS},
    )
    return dataclasses.replace(projects, table=table, scheduled_cost=scheduled, unscheduled_cost=unscheduled)


# --------------------------------------------------------------------------------------------
# Evaluation of one portfolio
# --------------------------------------------------------------------------------------------


def evaluate(projects: ProjectList, scenario: Scenario, result: Result, draws: Draws) -> Evaluation:
    """How `result`'s portfolio (its fractions, start years and pool money fixed) fares in every draw:
    its tonnes in the scenario's measure, its municipal spending per budget row, and whether it meets
    the target (`min_cost_for_t`, or the pathway's target in its target year). Interactions (overlaps)
    and operating costs are not drawn: the portfolio's own figures for them are added to every draw."""
    _check_draws(projects, draws)
    if not result.has_portfolio:
        raise ValueError(f"the result has no portfolio to evaluate (status {result.status})")
    selected = result.selected
    pos = pd.Index(projects.ids).get_indexer([s.id for s in selected])
    if (pos < 0).any():
        missing = [s.id for s, p in zip(selected, pos, strict=True) if p < 0]
        raise ValueError(f"selected projects not in the project list: {', '.join(missing)}")
    fraction = np.array([s.fraction for s in selected], dtype=float)
    first_year = resolve_first_year(projects, scenario)
    shift = np.array([s.start_year for s in selected], dtype=int) - projects.first_spend_year(first_year)[pos]

    abatement = draws.abatement_t_per_year[:, pos]
    counted = years_counted(projects, scenario, project=pos, shift=shift)
    overlaps = [i for i in result.interactions if i.active]
    tonnes = abatement @ (fraction * counted) + sum((i.abatement_t for i in overlaps), 0.0)

    spend, limits = _spend_per_budget_row(projects, scenario, selected, pos, fraction, shift, draws)
    if scenario.budget_basis == "net":  # operating costs and savings in each budget year, as planned
        spend = spend + np.array([row.opex_sek for row in result.budget], dtype=float)[None, :]
    slack = RELATIVE_TOLERANCE * np.maximum(np.abs(limits), 1.0)
    holds = spend <= limits + slack
    overrun = np.where(holds, 0.0, spend - limits).sum(axis=1)
    rows = budget_years(projects, scenario).years
    by_year = {
        ("total" if y is None else str(y)): float(share)
        for y, share in zip(rows, holds.mean(axis=0), strict=True)
    }
    cost = spend.sum(axis=1)

    target_t, kind, year, met = _target(
        projects, scenario, selected, pos, fraction, abatement, tonnes, overlaps=overlaps
    )
    return Evaluation(
        objective=scenario.objective_label,
        abatement_t=quantiles(tonnes),
        abatement_mean_t=float(tonnes.mean()),
        cost_sek=quantiles(cost),
        cost_mean_sek=float(cost.mean()),
        probability_within_budget=float(holds.all(axis=1).mean()),
        overrun_sek=quantiles(overrun),
        probability_within_budget_by_year=by_year,
        probability_target_met=None if met is None else float(met.mean()),
        target_t=target_t,
        target_kind=kind,
        target_year=year,
        draws=len(draws),
        abatement_draws_t=tonnes,
        cost_draws_sek=cost,
        spend_draws_sek=spend,
        target_draws_met=met,
    )


def _spend_per_budget_row(
    projects: ProjectList,
    scenario: Scenario,
    selected: Sequence[Any],
    pos: np.ndarray,
    fraction: np.ndarray,
    shift: np.ndarray,
    draws: Draws,
) -> tuple[np.ndarray, np.ndarray]:
    """Municipal spending per draw (rows) and budget row (columns), and the budget rows' limits.

    Per project: drawn cost of the funded part minus its fixed grants and pool money (at least 0),
    spread over its (moved) spending years as its profile is."""
    first_year = resolve_first_year(projects, scenario)
    years = budget_years(projects, scenario)
    option, year, amount = moved_costs(projects, first_year, pos, shift)
    total = projects.total_cost[pos]
    external = fraction * projects.table["grant_sek"].to_numpy(dtype=float)[pos] + np.array(
        [sum(s.pool_sek.values()) for s in selected], dtype=float
    )
    funded = fraction * total * draws.cost_factor[:, pos]
    municipal = np.maximum(funded - external, 0.0)
    if years.years == (None,):
        row = np.zeros(len(option), dtype=int)
    else:
        row = pd.Index(years.years).get_indexer(year)
    inside = row >= 0  # a valid portfolio spends only in budget years
    weights = sp.csr_array(
        sp.coo_array(
            (amount[inside] / total[option[inside]], (option[inside], row[inside])),
            shape=(len(pos), len(years.years)),
        )
    )
    spend = np.asarray((weights.T @ municipal.T).T, dtype=float).reshape(len(draws), len(years.years))
    return spend, years.limits_sek


def _target(
    projects: ProjectList,
    scenario: Scenario,
    selected: Sequence[Any],
    pos: np.ndarray,
    fraction: np.ndarray,
    abatement: np.ndarray,
    tonnes: np.ndarray,
    *,
    overlaps: Sequence[Any] = (),
) -> tuple[float | None, Literal["min_cost_for_t", "pathway"] | None, int | None, np.ndarray | None]:
    """(target, kind, year, met per draw): the tonnes of min_cost_for_t, else the pathway's target
    emissions in its target year (met when baseline − the portfolio's reduction then is at most it)."""
    if isinstance(scenario.objective, MinCostObjective):
        goal = scenario.objective.min_cost_for_t
        return goal, "min_cost_for_t", None, tonnes >= goal - RELATIVE_TOLERANCE * max(goal, 1.0)
    spec = scenario.pathway
    if spec is None:
        return None, None, None, None
    year = spec.target_year
    at = np.array([year])
    baseline = float(spec.baseline(at)[0])
    target = float(spec.target_line(at)[0])
    start = np.array([s.operating_from for s in selected], dtype=int)
    lifetime = projects.table["lifetime_years"].to_numpy(dtype=int)[pos]
    operating = (start <= year) & (year < start + lifetime)
    reduction = abatement @ (fraction * operating) + sum(
        (i.abatement_t_per_year for i in overlaps if 0 <= year - i.operating_from < int(i.lifetime_years)),
        0.0,
    )
    return target, "pathway", year, baseline - reduction <= target + TOLERANCE_T


# --------------------------------------------------------------------------------------------
# Re-optimisation per draw
# --------------------------------------------------------------------------------------------


def _solve_draw(
    context: tuple[ProjectList, Scenario, Draws], k: int
) -> tuple[str, float, float, np.ndarray, np.ndarray]:
    """One draw solved afresh (runs in a worker): only compact data goes back — status, objective,
    tonnes and the funded projects as (positions, fractions)."""
    from optimizer.model.solve import solve

    projects, scenario, draws = context
    result = solve(projects_for_draw(projects, draws, k), scenario)
    if not result.has_portfolio:
        return str(result.status), np.nan, np.nan, np.zeros(0, dtype=np.int32), np.zeros(0)
    positions = pd.Index(projects.ids).get_indexer([s.id for s in result.selected]).astype(np.int32)
    fractions = np.array([s.fraction for s in result.selected], dtype=float)
    objective = np.nan if result.objective_value_t is None else float(result.objective_value_t)
    return str(result.status), objective, float(result.abatement_t), positions, fractions


def reoptimise(
    projects: ProjectList,
    scenario: Scenario,
    draws: Draws,
    *,
    executor: str = "process",
    workers: int | None = None,
    scheduler: str | None = None,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | bool | None = None,
    cancel: threading.Event | None = None,
) -> Reoptimisation:
    """The best portfolio of every draw (`optimizer.model.solve.solve` on `projects_for_draw`), solved on an
    executor of `optimizer.analysis.sweep.run_tasks`: how often each project is chosen and what the best
    achievable reduction is. Raises `optimizer.analysis.sweep.SweepCancelled` when `cancel` is set."""
    _check_draws(projects, draws)
    check_fits(projects, scenario)
    outcomes = run_tasks(
        _solve_draw,
        list(range(len(draws))),
        context=(projects, scenario, draws),
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        batch_size=batch_size,
        progress=progress,
        cancel=cancel,
    )
    n_draws, n = len(draws), len(projects)
    statuses = [o[0] for o in outcomes]
    objective = np.array([o[1] for o in outcomes], dtype=float)
    tonnes = np.array([o[2] for o in outcomes], dtype=float)
    counts = np.array([len(o[3]) for o in outcomes], dtype=int)
    rows = np.repeat(np.arange(n_draws), counts)
    cols = np.concatenate([o[3] for o in outcomes]).astype(int) if n_draws else np.zeros(0, dtype=int)
    values = np.concatenate([o[4] for o in outcomes]) if n_draws else np.zeros(0)
    fractions = np.zeros((n_draws, n))
    fractions[rows, cols] = values
    frequency = fractions.mean(axis=0)
    order = [s.value for s in Status]
    status_counts = {s: statuses.count(s) for s in sorted(set(statuses), key=order.index)}
    return Reoptimisation(
        selection_frequency={str(i): float(f) for i, f in zip(projects.ids, frequency, strict=True)},
        abatement_t=quantiles(tonnes),
        status_counts=status_counts,
        objective_draws_t=objective,
        abatement_draws_t=tonnes,
        fractions=fractions,
    )


# --------------------------------------------------------------------------------------------
# The whole study
# --------------------------------------------------------------------------------------------


def study(
    projects: ProjectList,
    scenario: Scenario,
    *,
    draws: int | None = None,
    seed: int | None = None,
    reoptimise: bool = True,
    robust: bool = False,
    executor: str = "process",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | bool | None = None,
    cancel: threading.Event | None = None,
    point: Result | None = None,
) -> UncertaintyStudy:
    """An uncertainty study of `scenario` on `projects`: the point portfolio (solved, or `point`),
    `draws` seeded draws (defaults from the scenario's `[uncertainty]`), the point portfolio under
    them, the re-optimised portfolio of every draw and, with `robust`, the CVaR-robust portfolio.

    A list without ranges is allowed: every draw then equals the point estimates (a note says so).
    Raises `InputError` for unusable input, before anything is solved.
    """
    started = time.perf_counter()
    spec = scenario.uncertainty or UncertaintySpec()
    _check_study(
        projects,
        scenario,
        spec,
        draws=draws,
        seed=seed,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
    )
    if point is None:
        from optimizer.model.solve import solve

        point = solve(projects, scenario)
    timings = {"point_s": time.perf_counter() - started}

    mark = time.perf_counter()
    drawn = draw(projects, spec, draws=draws, seed=seed)
    timings["draw_s"] = time.perf_counter() - mark
    notes = [] if projects.has_ranges else [NO_RANGES_NOTE]

    mark = time.perf_counter()
    evaluation = evaluate(projects, scenario, point, drawn) if point.has_portfolio else None
    if evaluation is None:
        notes.append(f"the point scenario has no portfolio to evaluate (status {point.status})")
    timings["evaluate_s"] = time.perf_counter() - mark

    reopt = None
    if reoptimise:
        mark = time.perf_counter()
        reopt = _reoptimise(
            projects,
            scenario,
            drawn,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            cancel=cancel,
        )
        timings["reoptimise_s"] = time.perf_counter() - mark

    robust_part = None
    if robust:
        from optimizer.analysis.robust import robust_portfolio

        mark = time.perf_counter()
        robust_part = robust_portfolio(
            projects,
            scenario,
            abatement_draws=np.array(drawn.abatement_t_per_year),
            alpha=spec.cvar_alpha,
            point=point if point.has_portfolio else None,
            time_limit_s=scenario.time_limit_s,
        )
        timings["robust_s"] = time.perf_counter() - mark
    timings["total_s"] = time.perf_counter() - started
    log.info("uncertainty study of %d draws in %.3f s", len(drawn), timings["total_s"])
    return UncertaintyStudy(
        point=point,
        evaluation=evaluation,
        reoptimisation=reopt,
        robust=robust_part,
        draws=drawn,
        executor=executor if reoptimise else None,
        timings=timings,
        notes=tuple(notes),
    )


_reoptimise = reoptimise  # `study` has a parameter of the same name


def _check_study(
    projects: ProjectList,
    scenario: Scenario,
    spec: UncertaintySpec,
    *,
    draws: int | None,
    seed: int | None,
    executor: str,
    workers: int | None,
    scheduler: str | None,
) -> None:
    """Every problem with the study's settings at once, before anything is solved."""
    problems: list[Problem] = []
    try:
        _check_counts(spec.draws if draws is None else draws, spec.seed if seed is None else seed)
    except InputError as error:
        problems += error.problems
    try:
        check_executor(executor=executor, workers=workers, scheduler=scheduler)
    except ValueError as error:
        problems.append(Problem(str(error)))
    if isinstance(spec.sector_correlation, dict):
        sectors = sorted({str(s) for s in projects.table["sector"]})
        for name in spec.sector_correlation:
            if name not in sectors:
                problems.append(
                    Problem(
                        f"scenario uncertainty.sector_correlation: unknown sector '{name}' "
                        f"(sectors: {', '.join(sectors)})"
                    )
                )
    try:
        check_fits(projects, scenario)
    except InputError as error:
        problems += error.problems
    if problems:
        raise InputError(problems)
