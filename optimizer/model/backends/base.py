"""The one small interface every solver backend implements, and the status it reports.

A backend solves a `MilpModel` and says honestly how it stopped; it never decides what the
portfolio means. Each backend maps every native status of its solver onto `Stop` in one table.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from optimizer.model.build import MilpModel


class Stop(StrEnum):
    """Why a solver stopped."""

    OPTIMAL = "optimal"  # proven within the requested gap
    LIMIT = "limit"  # time, node, iteration or memory limit, or interrupted
    INFEASIBLE = "infeasible"  # proven: no point satisfies the constraints
    UNBOUNDED = "unbounded"  # cannot happen for 0..1 variables; an error of the model if it does
    ERROR = "error"  # the solver failed


@dataclass(frozen=True, slots=True)
class Outcome:
    stop: Stop
    x: np.ndarray | None
    objective: float | None
    bound: float | None
    """Best proven upper bound on the objective (maximisation); None when the solver gives none."""
    native_status: str
    """The solver's own words, for the record."""


class Incumbents:
    """The best portfolio a solver has reported so far; read if the solver overruns its time limit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._best: tuple[float, np.ndarray] | None = None

    def offer(self, x: np.ndarray, objective: float) -> None:
        with self._lock:
            if self._best is None or objective > self._best[0]:
                self._best = (float(objective), np.array(x, dtype=float))

    @property
    def best(self) -> tuple[float, np.ndarray] | None:
        with self._lock:
            return self._best


@dataclass(frozen=True, slots=True)
class Features:
    """What a backend can do beyond `solve`, declared so that callers ask instead of testing its name."""

    warm_row_resolve: bool = False
    """`warm_for_row` gives a backend that keeps one solver instance for a series of solves that differ
    only in one row's bounds, each started from the last portfolio."""
    tuned_resolve: bool = False
    """`resolve` is tuned for an analysis's many small exact re-solves and starts from a partial
    solution (otherwise it is `solve` with gap 0, and the start is not used)."""
    duals: bool = False
    """`lp_relaxation` gives the LP relaxation's solution with its row and column duals."""


@dataclass(frozen=True, slots=True)
class Relaxation:
    """The LP relaxation's optimum of a model, with its duals (maximisation: a row dual is what one
    more unit of the row's bound is worth in the objective)."""

    x: np.ndarray
    row_dual: np.ndarray
    col_dual: np.ndarray


class Backend(ABC):
    """Solves `MilpModel`s with one solver."""

    name: str
    features: Features = Features()

    @abstractmethod
    def version(self) -> str:
        """The solver's version, recorded with every result."""

    @abstractmethod
    def solve(
        self,
        model: MilpModel,
        *,
        time_limit_s: float | None,
        mip_gap: float,
        incumbents: Incumbents,
        cancel: threading.Event,
    ) -> Outcome:
        """Maximise the model. Report improving solutions to `incumbents`; stop soon after `cancel` is set."""

    def resolve(
        self, model: MilpModel, *, time_limit_s: float | None, start: np.ndarray | None = None
    ) -> Outcome:
        """An exact (gap 0) solve of one of an analysis's many variants of a model; `start`: values for
        some columns (NaN elsewhere) of a solution to complete and start from, where `features` say so."""
        return self.solve(
            model, time_limit_s=time_limit_s, mip_gap=0.0, incumbents=Incumbents(), cancel=threading.Event()
        )

    def lp_relaxation(self, model: MilpModel) -> Relaxation | None:
        """The LP relaxation of `model` solved to optimality with its duals; None when it has no optimum."""
        raise NotImplementedError(f"the {self.name} backend gives no duals")

    def warm_for_row(self, model: MilpModel, row: int) -> WarmBackend:
        """A backend for re-solving `model` after changes of `row`'s bounds (see `Features`)."""
        raise NotImplementedError(f"the {self.name} backend has no warm re-solve")


class WarmBackend(Backend):
    """A backend that holds one solver instance between solves of one model (`Backend.warm_for_row`)."""

    @abstractmethod
    def remember(self, fractions: np.ndarray | None, *, overran: bool) -> None:
        """After a solve: the checked portfolio's project fractions (list order) start the next solve;
        a solve that `overran` its time limit may have been interrupted, so the instance is not reused."""


def relative_gap(objective: float, bound: float | None) -> float | None:
    """(bound - objective) / |objective|; 0 when they agree to floating-point noise (1e-9 of the bound),
    None when it is undefined. Shared by the backends that certify a gap and by `optimizer.model.solve`."""
    if bound is None:
        return None
    difference = bound - objective
    if difference <= 1e-9 * max(1.0, abs(bound)):
        return 0.0
    if objective == 0:
        return None
    return difference / abs(objective)
