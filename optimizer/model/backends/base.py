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


class Backend(ABC):
    """Solves `MilpModel`s with one solver."""

    name: str

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
