"""HiGHS on a core problem, for lists of tens of thousands to millions of projects.

Few budget and rule rows over many projects is a structure a general MILP solver does not exploit:
the LP relaxation has at most one fractional project per coupling row, and most projects are either
clearly worth funding or clearly not. This backend

1. solves the LP relaxation (HiGHS interior point without crossover or presolve; by sifting over
   columns when the budgets need few of them);
2. turns its row duals y into a certified upper bound by weak (Lagrangian) duality,
   max_x (c − Aᵀy)·x over the column bounds + Σ y·(row bound) — valid for any y of the right sign,
   so it does not rely on the LP's accuracy — and into reduced costs d = c − Aᵀy;
3. solves the MILP on a *core*: the projects whose reduced cost is nearest zero, and the continuous
   ones with the binaries that switch them on under a `min_fraction` (every other project fixed where
   the bound puts it: funded if d_j > 0, not if d_j < 0), warm-started and held to the time that is
   left;
4. certifies the result for the whole list: the bound is separable over columns, so a portfolio that
   moves any column outside the core off its fixed value is worth at most the bound − |d_j|, and
   the global bound is
   min(Lagrangian bound, max(core MILP bound, Lagrangian bound − min over non-core |d_j|)),
   and the core is doubled while that gap is above the requested one and time remains.

Every step is exact or a valid bound: the status is "optimal" only when the certified gap is within
the requested `mip_gap`, and the portfolio is checked independently afterwards like any other.
"""

from __future__ import annotations

import dataclasses
import logging
import threading

import numpy as np
import scipy.sparse as sp

from models.options import Deadline
from optimizer.model.backends.base import Backend, Incumbents, Outcome, Stop, relative_gap
from optimizer.model.backends.highs import (
    HighsBackend,
    new_highs,
    on_improving_solution,
    run_highs,
    to_highs_lp,
)
from optimizer.model.build import MilpModel

log = logging.getLogger(__name__)

MIN_COLUMNS = 5_000
"""From this many columns on, `get_backend("highs")` solves through a core problem."""
FIRST_CORE = 500
"""Columns in the first core (plus every continuous one); it doubles while the gap is open. Measured on
national lists: 500 certifies 1e-4 at once from 5,000 to 1,000,000 projects and solves 3–7x faster
than a first core of 4,000 (10,000 projects: 0.36 s against 2.79 s; 100,000: 2.7 s against 6.1 s)."""
LP_SHARE = 0.85
"""At most this share of the time limit goes to the LP relaxation. Without an optimal LP there is no
certified core, and the fallback (the whole MILP in plain HiGHS) finds nothing at the sizes this
backend is for; with one, the first core of a million projects certifies 1e-4 in under a second. So
the LP gets most of the time: measured on national-1,000,000 (2 cores), the LP takes 25–31 s of the
~49 s a 60 s limit leaves the solver; at 0.6 the slower of two machines missed it by 2 s."""
SIFTING_START = 20_000
"""Columns in the LP's first working set; each sifting round adds at most as many as it holds."""


class CoreHighsBackend(Backend):
    """HiGHS through an LP-based core problem with a certified bound (see the module docstring)."""

    name = "highs"

    def __init__(self, *, first_core: int = FIRST_CORE) -> None:
        self.first_core = first_core
        self.plain = HighsBackend()

    def version(self) -> str:
        return self.plain.version()

    def solve(
        self,
        model: MilpModel,
        *,
        time_limit_s: float | None,
        mip_gap: float,
        incumbents: Incumbents,
        cancel: threading.Event,
    ) -> Outcome:
        deadline = Deadline.after(time_limit_s)
        lp_share = None if time_limit_s is None else LP_SHARE * time_limit_s
        relaxation = _lp_relaxation(model, deadline.within(lp_share), cancel)
        if relaxation.stop is not Stop.OPTIMAL:
            # No LP optimum (infeasible, cancelled or out of time): the plain solver says it properly.
            log.info("core: the LP relaxation stopped (%s); solving the whole model", relaxation.native)
            return self.plain.solve(
                model,
                time_limit_s=deadline.left(at_least=0.01),
                mip_gap=mip_gap,
                incumbents=incumbents,
                cancel=cancel,
            )
        bound, reduced = lagrangian_bound(model, relaxation.row_dual)
        order = np.argsort(np.abs(reduced), kind="stable")
        must = _always_in_core(model)
        fixed_at = np.where(reduced > 0, model.col_upper, model.col_lower)
        size = max(self.first_core, int(must.sum()))
        best: tuple[float, np.ndarray] | None = None
        global_bound = bound
        native = "core: not started"
        while True:
            core = must.copy()
            core[order[:size]] = True
            absolute_gap = 0.5 * mip_gap * max(abs(bound), 1e-9)
            outcome = self._solve_core(
                model, core, fixed_at, best, absolute_gap, deadline, incumbents, cancel
            )
            native = f"{outcome.native_status} (core of {int(core.sum()):,} of {model.shape[1]:,} columns)"
            if outcome.x is not None:
                assert outcome.objective is not None, "every backend reports an objective with a portfolio"
                if best is None or outcome.objective > best[0]:
                    best = (float(outcome.objective), outcome.x)
            if outcome.stop in (Stop.ERROR, Stop.UNBOUNDED):
                return Outcome(outcome.stop, None, None, None, native)
            core_bound = outcome.bound if outcome.bound is not None else bound
            outside = _price_of_leaving_the_core(model, core, reduced)
            global_bound = min(bound, max(core_bound, bound - outside))
            if best is not None:
                global_bound = max(global_bound, best[0])
            gap = None if best is None else relative_gap(best[0], global_bound)
            if best is not None and gap is not None and gap <= mip_gap:  # gap is None exactly when best is
                return Outcome(Stop.OPTIMAL, best[1], best[0], global_bound, native)
            if outcome.stop is Stop.INFEASIBLE and core.all():
                return Outcome(Stop.INFEASIBLE, None, None, None, native)
            if cancel.is_set() or core.all() or deadline.passed(slack_s=0.5):
                break
            size = min(2 * size, model.shape[1])
        if best is None:
            return Outcome(Stop.LIMIT, None, None, global_bound, native)
        return Outcome(Stop.LIMIT, best[1], best[0], global_bound, native)

    def _solve_core(
        self,
        model: MilpModel,
        core: np.ndarray,
        fixed_at: np.ndarray,
        best: tuple[float, np.ndarray] | None,
        absolute_gap: float,
        deadline: Deadline,
        incumbents: Incumbents,
        cancel: threading.Event,
    ) -> Outcome:
        """The MILP over the core's columns, every other column fixed where the bound puts it (its
        contribution moved into the row bounds and the objective); solutions in full length."""
        columns = np.flatnonzero(core)
        fixed = np.where(core, 0.0, fixed_at)
        shift = model.matrix @ fixed
        offset = float(model.objective @ fixed)
        sub = dataclasses.replace(
            _restricted(model, columns), row_lower=model.row_lower - shift, row_upper=model.row_upper - shift
        )

        def full(x: np.ndarray) -> np.ndarray:
            whole = fixed.copy()
            whole[columns] = x
            return whole

        highs = new_highs()
        highs.passModel(to_highs_lp(sub))
        if best is not None and np.array_equal(best[1][~core], fixed[~core]):
            highs.setSolution(len(columns), np.arange(len(columns), dtype=np.int32), best[1][columns])
        on_improving_solution(highs, lambda x, value: incumbents.offer(full(x), value + offset))
        # The gap asked for is relative to the whole portfolio, not to the core's part of it.
        outcome = run_highs(
            highs,
            True,
            time_limit_s=deadline.left(at_least=0.01),
            mip_gap=0.0,
            mip_abs_gap=absolute_gap,
            cancel=cancel,
        )
        return Outcome(
            outcome.stop,
            None if outcome.x is None else full(outcome.x),
            None if outcome.objective is None else outcome.objective + offset,
            None if outcome.bound is None else outcome.bound + offset,
            outcome.native_status,
        )


@dataclasses.dataclass(frozen=True)
class _Relaxation:
    stop: Stop
    native: str
    row_dual: np.ndarray


def _lp_relaxation(model: MilpModel, deadline: Deadline, cancel: threading.Event) -> _Relaxation:
    """The LP relaxation by sifting: solve it over a working set of columns, price every column with the
    duals (rows outside the working set priced at 0), add the columns that would improve it, repeat.
    With few coupling rows a small working set is optimal for the whole LP; the duals that come out
    are turned into a certified bound by `lagrangian_bound` whatever happens."""
    n = model.shape[1]
    working = _first_working_set(model, min(n, SIFTING_START))
    if working.sum() > n // 2:  # sifting would not save much: the whole LP at once
        working[:] = True
    relaxed = dataclasses.replace(model, integer=np.zeros_like(model.integer))
    scale = float(np.abs(model.objective).max(initial=1.0)) or 1.0
    while True:
        columns = np.flatnonzero(working)
        highs = new_highs()
        highs.passModel(to_highs_lp(_restricted(relaxed, columns)))
        # Interior point without crossover: the duals are all the bound needs, and HiGHS's presolve
        # is slower than the solve itself on hundreds of thousands of columns with dependency rows.
        highs.setOptionValue("solver", "ipm")
        highs.setOptionValue("run_crossover", "off")
        highs.setOptionValue("presolve", "off")
        left = deadline.left(at_least=0.01)
        outcome = run_highs(highs, False, time_limit_s=left, mip_gap=0.0, cancel=cancel)
        if outcome.stop is not Stop.OPTIMAL:
            return _Relaxation(outcome.stop, outcome.native_status, np.zeros(model.shape[0]))
        row_dual = np.asarray(highs.getSolution().row_dual, dtype=float)
        _, reduced = lagrangian_bound(model, row_dual)
        entering = ~working & (np.where(reduced > 0, model.col_upper, model.col_lower) != model.col_lower)
        entering &= reduced > 1e-9 * scale
        if not entering.any() or working.all():
            return _Relaxation(Stop.OPTIMAL, outcome.native_status, row_dual)
        best = np.flatnonzero(entering)
        best = best[np.argsort(-reduced[best], kind="stable")[: max(SIFTING_START, int(working.sum()))]]
        working[best] = True
        log.info("core: sifting adds %d columns (%d priced in)", len(best), int(entering.sum()))


def _first_working_set(model: MilpModel, size: int) -> np.ndarray:
    """The columns that give most objective per unit of budget — as many as it takes to cover every
    budget row twice over, at least `size` — and every column forced in or always in the core."""
    budgets = [group.start for group in model.row_groups if group.kind == "budget"]
    usage = np.asarray(abs(model.matrix[budgets]).sum(axis=0)).ravel()
    order = np.argsort(-(model.objective / np.maximum(usage, 1e-12)), kind="stable")
    needed = size
    for start in budgets:
        row = model.matrix[[start]].toarray().ravel()[order]
        covered = np.cumsum(np.maximum(row, 0.0)) >= 2 * model.row_upper[start]
        needed = max(needed, int(covered.argmax()) + 1 if covered.any() else model.shape[1])
    working = np.zeros(model.shape[1], dtype=bool)
    working[order[:needed]] = True
    return working | (model.col_lower > 0) | _always_in_core(model)


def _restricted(model: MilpModel, columns: np.ndarray) -> MilpModel:
    """The model over some of its columns, the others at 0 (every row kept)."""
    return dataclasses.replace(
        model,
        objective=model.objective[columns],
        matrix=sp.csr_array(model.matrix[:, columns]),
        col_lower=model.col_lower[columns],
        col_upper=model.col_upper[columns],
        integer=model.integer[columns],
    )


def lagrangian_bound(model: MilpModel, row_dual: np.ndarray) -> tuple[float, np.ndarray]:
    """A certified upper bound on the MILP (and on its LP relaxation) from any row multipliers, and the
    reduced costs d = c − Aᵀy that go with it.

    Whatever sign convention the LP solver uses, both signs are tried and the lower valid bound is
    taken: a multiplier may only price a row on a side where the row has a finite bound."""
    best_bound, best_reduced = np.inf, model.objective.copy()
    for y in (np.asarray(row_dual, dtype=float), -np.asarray(row_dual, dtype=float)):
        y = np.where((y > 0) & ~np.isfinite(model.row_upper), 0.0, y)
        y = np.where((y < 0) & ~np.isfinite(model.row_lower), 0.0, y)
        reduced = model.objective - model.matrix.T @ y
        columns = np.where(reduced > 0, model.col_upper, model.col_lower) @ reduced
        upper = np.where(np.isfinite(model.row_upper), model.row_upper, 0.0)
        lower = np.where(np.isfinite(model.row_lower), model.row_lower, 0.0)
        bound = float(columns + np.where(y > 0, y * upper, y * lower).sum())
        if bound < best_bound:
            best_bound, best_reduced = bound, reduced
    return best_bound, best_reduced


def _always_in_core(model: MilpModel) -> np.ndarray:
    """Columns that are never fixed: the continuous ones (divisible projects, pool shares), whose best
    value may lie between their bounds, and with a `min_fraction` the binary that switches each divisible
    project on (fixed at 0 it would fix its project out; its own reduced cost says nothing of the
    project's worth). (An interior-point LP solution says little about which whole projects are
    fractional; the reduced costs rank them.)"""
    always = ~model.integer
    always[model.layout.indicator_columns] = True
    return always


def _price_of_leaving_the_core(model: MilpModel, core: np.ndarray, reduced: np.ndarray) -> float:
    """How much of the bound a portfolio gives up at least by moving any column outside the core off the
    bound where it is fixed (the bound's own choice): |d_j| per unit, for whole columns."""
    free = ~core & (model.col_upper > model.col_lower)
    return float(np.abs(reduced[free]).min(initial=np.inf))
