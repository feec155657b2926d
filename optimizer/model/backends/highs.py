"""HiGHS through highspy: the default backend."""

from __future__ import annotations

import ctypes
import functools
import importlib.metadata
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import highspy
import numpy as np
import scipy.sparse as sp

from optimizer.model.backends.base import Backend, Incumbents, Outcome, Stop
from optimizer.model.build import MilpModel

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


class HighsBackend(Backend):
    name = "highs"

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
            highs.cbMipImprovingSolution += lambda event: incumbents.offer(
                np.asarray(event.data_out.mip_solution), event.data_out.objective_function_value
            )
        return run_highs(highs, is_mip, time_limit_s=time_limit_s, mip_gap=mip_gap, cancel=cancel)


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
