"""HiGHS through highspy: the default backend."""

from __future__ import annotations

import ctypes
import functools
import importlib.metadata
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

import highspy
import numpy as np
import scipy.sparse as sp

from optimizer.model.backends.base import (
    Backend,
    Features,
    Incumbents,
    Outcome,
    Relaxation,
    Stop,
    WarmBackend,
)
from optimizer.model.build import MilpModel

log = logging.getLogger(__name__)

_MS = highspy.HighsModelStatus
STATUS_MAP: dict[highspy.HighsModelStatus, Stop] = {
    _MS.kNotset: Stop.ERROR,
    _MS.kLoadError: Stop.ERROR,
    _MS.kModelError: Stop.ERROR,
    _MS.kPresolveError: Stop.ERROR,
    _MS.kSolveError: Stop.ERROR,
    _MS.kPostsolveError: Stop.ERROR,
    _MS.kModelEmpty: Stop.OPTIMAL,
    _MS.kOptimal: Stop.OPTIMAL,
    _MS.kInfeasible: Stop.INFEASIBLE,
    # Every variable lies in [0, 1], so the model is bounded: "unbounded or infeasible" is infeasible.
    _MS.kUnboundedOrInfeasible: Stop.INFEASIBLE,
    _MS.kUnbounded: Stop.UNBOUNDED,
    _MS.kObjectiveBound: Stop.LIMIT,
    _MS.kObjectiveTarget: Stop.LIMIT,
    _MS.kTimeLimit: Stop.LIMIT,
    _MS.kIterationLimit: Stop.LIMIT,
    _MS.kUnknown: Stop.LIMIT,
    _MS.kSolutionLimit: Stop.LIMIT,
    _MS.kInterrupt: Stop.LIMIT,
    _MS.kMemoryLimit: Stop.LIMIT,
    _MS.kHighsInterrupt: Stop.LIMIT,  # type: ignore[attr-defined]  # in highspy, missing from its stubs
}

_libc = ctypes.CDLL(None)
_banner_lock = threading.Lock()
_banner_shown = False


@contextmanager
def _stdout_silenced() -> Iterator[None]:
    """HiGHS prints a banner on stdout (at C level) when the first instance is made: discard it so
    that `--format json` output stays pure JSON."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        _libc.fflush(None)  # C's stdout is block-buffered when piped: flush while it is redirected
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance."""
    global _banner_shown
    with _banner_lock:
        if _banner_shown:
            highs = highspy.Highs()
        else:
            with _stdout_silenced():
                highs = highspy.Highs()
            _banner_shown = True
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("log_to_console", False)
    return highs


def to_highs_lp(model: MilpModel) -> highspy.HighsLp:
    """The model in HiGHS's column-wise form."""
    lp = highspy.HighsLp()
    n_rows, n_cols = model.shape
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = model.objective
    lp.col_lower_ = model.col_lower
    lp.col_upper_ = model.col_upper
    lp.row_lower_ = model.row_lower
    lp.row_upper_ = model.row_upper
    csc = sp.csc_array(model.matrix)
    csc.sort_indices()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr
    lp.a_matrix_.index_ = csc.indices
    lp.a_matrix_.value_ = csc.data
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    if model.integer.any():
        # numpy's stubs take no enum members as array-like; np.where gives an object array of them
        lp.integrality_ = np.where(  # type: ignore[call-overload]
            model.integer, highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous
        ).tolist()
    return lp


PRESOLVE_FROM_COLUMNS = 600
"""Up to this many columns HiGHS runs with `SMALL_MODEL_OPTIONS`: on municipal lists of 50–500 projects
with every rule kind it then solves 1.5–2.7× faster without presolve (presolve costs more than it
saves); on a hard national list of 1,000 presolve is needed (12.9 s with it against no proof in 25 s
without)."""
SMALL_MODEL_OPTIONS: dict[str, bool | int | str] = {
    "presolve": "off",
    "threads": 1,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_allow_cut_separation_at_nodes": False,
    "mip_pool_soft_limit": 20,
}
"""HiGHS settings for small models. Beyond presolve: the example list's models (55–230 rows, 190–350
columns, the seven example scenarios and the 84 threshold MILPs of the 2030 plan) solve in 0.29 s
on average against 0.68 s with presolve off alone (one machine, side by side): their time goes to
root cuts and sub-MIP heuristics that rarely pay at this size. One thread: analyses run many such
solves in parallel processes."""


def small_model_options(highs: highspy.Highs) -> None:
    """Set `SMALL_MODEL_OPTIONS` on a HiGHS instance."""
    for option, value in SMALL_MODEL_OPTIONS.items():
        highs.setOptionValue(option, value)


RESOLVE_WITHOUT_PRESOLVE_COLUMNS = 1000
"""Up to this many columns, `resolve` runs HiGHS with its small-model options (presolve off and fewer
root heuristics: the many small re-solves of an analysis are then two to three times faster), also
where `solve` itself uses them only up to fewer (`PRESOLVE_FROM_COLUMNS`)."""
RESOLVE_OPTIONS: dict[str, int] = {"mip_lp_age_limit": 0, "mip_pool_soft_limit": 1}
"""On top of the small-model options, for an analysis's re-solves: cuts are dropped from the LP as
soon as they stop binding. With a start the root heuristics are off as well. Together they take the
2030 plan's 42 cost thresholds from 15.0 s to 10.9 s in one process, the equity scenario's 57 from
19.1 s to 12.1 s, with the same thresholds (measured side by side)."""


class HighsBackend(Backend):
    name = "highs"
    features = Features(warm_row_resolve=True, tuned_resolve=True, duals=True)

    def version(self) -> str:
        return _highspy_version()

    def solve(
        self,
        model: MilpModel,
        *,
        time_limit_s: float | None,
        mip_gap: float,
        incumbents: Incumbents,
        cancel: threading.Event,
    ) -> Outcome:
        highs = new_highs()
        highs.passModel(to_highs_lp(model))
        if model.shape[1] <= PRESOLVE_FROM_COLUMNS:
            small_model_options(highs)
        is_mip = bool(model.integer.any())
        if is_mip:
            on_improving_solution(highs, incumbents.offer)
        return run_highs(highs, is_mip, time_limit_s=time_limit_s, mip_gap=mip_gap, cancel=cancel)

    def resolve(
        self, model: MilpModel, *, time_limit_s: float | None, start: np.ndarray | None = None
    ) -> Outcome:
        if model.shape[1] > RESOLVE_WITHOUT_PRESOLVE_COLUMNS:
            return super().resolve(model, time_limit_s=time_limit_s)
        highs = new_highs()
        small_model_options(highs)
        for option, value in RESOLVE_OPTIONS.items():
            highs.setOptionValue(option, value)
        highs.passModel(to_highs_lp(model))
        if start is not None:
            given = np.flatnonzero(~np.isnan(start))
            highs.setSolution(len(given), given.astype(np.int32), start[given].astype(float))
            highs.setOptionValue("mip_heuristic_effort", 0.0)
        return run_highs(
            highs, bool(model.integer.any()), time_limit_s=time_limit_s, mip_gap=0.0, cancel=threading.Event()
        )

    def lp_relaxation(self, model: MilpModel) -> Relaxation | None:
        highs = new_highs()
        highs.passModel(to_highs_lp(replace(model, integer=np.zeros_like(model.integer))))
        highs.run()
        if highs.getModelStatus() != _MS.kOptimal:  # an empty model too: there is nothing to price
            return None
        solution = highs.getSolution()
        return Relaxation(
            x=np.asarray(solution.col_value, dtype=float),
            row_dual=np.asarray(solution.row_dual, dtype=float),
            col_dual=np.asarray(solution.col_dual, dtype=float),
        )

    def warm_for_row(self, model: MilpModel, row: int) -> WarmHighsBackend:
        return WarmHighsBackend(model, row)


class WarmHighsBackend(WarmBackend):
    """One HiGHS instance re-solved after each change of one row's bounds (a total budget, a target),
    from the last checked portfolio.

    A model that differs from the one it holds in anything but that row's bounds is solved cold by a
    fresh `HighsBackend` (this is how the explanation of an infeasible point is computed)."""

    name = "highs"
    features = Features(warm_row_resolve=True)

    def __init__(self, model: MilpModel, row: int) -> None:
        self.cold = HighsBackend()
        self.base = model
        self.row = row
        self.is_mip = bool(model.integer.any())
        self.highs = new_highs()
        self.highs.passModel(to_highs_lp(model))
        self.bound = (float(model.row_lower[row]), float(model.row_upper[row]))
        self.start: tuple[np.ndarray, np.ndarray] | None = None
        """The columns and values of the next start: the projects' fractions and their indicators."""
        self.incumbents = Incumbents()
        self.broken = False
        if self.is_mip:  # offered to the incumbents of the solve under way
            on_improving_solution(self.highs, lambda x, value: self.incumbents.offer(x, value))

    def version(self) -> str:
        return self.cold.version()

    def warm_for_row(self, model: MilpModel, row: int) -> WarmHighsBackend:
        return WarmHighsBackend(model, row)

    def _same_but_the_row(self, model: MilpModel) -> bool:
        base = self.base
        if model.matrix is not base.matrix:
            return False
        others = np.ones(len(base.row_upper), dtype=bool)
        others[self.row] = False
        return bool(
            np.array_equal(model.objective, base.objective)
            and np.array_equal(model.col_lower, base.col_lower)
            and np.array_equal(model.col_upper, base.col_upper)
            and np.array_equal(model.row_lower[others], base.row_lower[others])
            and np.array_equal(model.row_upper[others], base.row_upper[others])
        )

    def solve(
        self,
        model: MilpModel,
        *,
        time_limit_s: float | None,
        mip_gap: float,
        incumbents: Incumbents,
        cancel: threading.Event,
    ) -> Outcome:
        def cold() -> Outcome:
            return self.cold.solve(
                model, time_limit_s=time_limit_s, mip_gap=mip_gap, incumbents=incumbents, cancel=cancel
            )

        if self.broken or not self._same_but_the_row(model):
            return cold()
        bound = (float(model.row_lower[self.row]), float(model.row_upper[self.row]))
        if bound != self.bound:
            self.highs.changeRowBounds(self.row, *bound)
            self.bound = bound
        if self.start is not None and self.is_mip:
            columns, values = self.start
            self.highs.setSolution(len(columns), columns, values)
        self.incumbents = incumbents
        outcome = run_highs(
            self.highs, self.is_mip, time_limit_s=time_limit_s, mip_gap=mip_gap, cancel=cancel
        )
        if outcome.x is not None and outcome.objective is not None:
            value = float(model.objective @ outcome.x)
            if abs(value - outcome.objective) > 1e-6 * max(1.0, abs(outcome.objective)):
                # seen with HiGHS 1.16: a warm re-solve reporting the new optimum with the old start as its
                # solution; the instance is not trusted again and this point is solved cold
                log.warning(
                    "warm re-solve returned a solution worth %g for an objective of %g; solving cold",
                    value,
                    outcome.objective,
                )
                self.broken = True
                return cold()
        return outcome

    def remember(self, fractions: np.ndarray | None, *, overran: bool) -> None:
        if overran:
            self.broken = True  # the solve may have been cancelled while running: go cold from here
        if fractions is not None:
            layout = self.base.layout
            self.start = (
                np.concatenate([np.arange(len(fractions)), layout.indicator_columns]).astype(np.int32),
                np.concatenate([fractions, (fractions[layout.indicator_project] > 0).astype(float)]),
            )


def on_improving_solution(highs: highspy.Highs, offer: Callable[[np.ndarray, float], None]) -> None:
    """Have HiGHS hand each better MILP solution it finds (values, objective) to `offer`."""
    highs.cbMipImprovingSolution += lambda event: offer(
        np.asarray(event.data_out.mip_solution), float(event.data_out.objective_function_value)
    )


def run_highs(
    highs: highspy.Highs,
    is_mip: bool,
    *,
    time_limit_s: float | None,
    mip_gap: float,
    cancel: threading.Event,
    mip_abs_gap: float = 0.0,
) -> Outcome:
    """Run a HiGHS instance that holds a model (callbacks already registered) and read how it stopped.

    Options are set on every call, so that an instance can be solved again after a change."""
    highs.setOptionValue("mip_rel_gap", mip_gap)
    highs.setOptionValue("mip_abs_gap", max(mip_abs_gap, 1e-6))
    highs.setOptionValue("time_limit", float("inf") if time_limit_s is None else max(time_limit_s, 0.01))
    highs.HandleUserInterrupt = True
    highs.startSolve()
    while not highs.wait(0.05)[0]:
        if cancel.is_set():
            highs.cancelSolve()
    status = highs.getModelStatus()
    info = highs.getInfo()
    stop = STATUS_MAP.get(status, Stop.ERROR)
    native = highs.modelStatusToString(status)
    if stop in (Stop.INFEASIBLE, Stop.UNBOUNDED, Stop.ERROR):
        return Outcome(stop, None, None, None, native)
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if not has_solution:
        return Outcome(stop, None, None, _finite(info.mip_dual_bound) if is_mip else None, native)
    x = np.asarray(highs.getSolution().col_value, dtype=float)
    objective = float(info.objective_function_value)
    if is_mip:
        bound = _finite(info.mip_dual_bound)
    else:
        bound = objective if stop is Stop.OPTIMAL else None
    return Outcome(stop, x, objective, bound, native)


@functools.cache
def _highspy_version() -> str:
    return importlib.metadata.version("highspy")


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None
