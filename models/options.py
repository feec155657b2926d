"""How one optimisation runs (solver, time limit, gap) and the deadline it is held to.

The scenario holds the defaults; a call's keywords override them in `RunOptions.overridden`, the one
place the two meet. The time limit becomes a `Deadline` once, where a run starts, and that object is
handed down: every later step asks it how much time is left, on the one clock below.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

SolverName = Literal["highs", "cbc"]

clock = time.perf_counter
"""The one clock of every deadline and timing, in the optimiser and the service (monotonic)."""


class RunOptions(BaseModel):
    """Which solver, how long and how close to the proven best one run may stop."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    solver: SolverName = "highs"
    time_limit_s: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    mip_gap: Annotated[float, Field(ge=0, lt=1)] = 1e-4

    def overridden(
        self, *, solver: str | None = None, time_limit_s: float | None = None, mip_gap: float | None = None
    ) -> RunOptions:
        """These options with every keyword that is not None in its place, validated like a scenario's."""
        given = {
            k: v
            for k, v in (("solver", solver), ("time_limit_s", time_limit_s), ("mip_gap", mip_gap))
            if v is not None
        }
        return RunOptions.model_validate({**self.model_dump(), **given}) if given else self

    def deadline(self) -> Deadline:
        """The deadline of a run starting now."""
        return Deadline.after(self.time_limit_s)


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a run started and when it must be done (`at` None: no limit), on `clock`."""

    started: float
    at: float | None

    @classmethod
    def after(cls, seconds: float | None) -> Deadline:
        """A deadline `seconds` from now (None: none)."""
        now = clock()
        return cls(now, None if seconds is None else now + seconds)

    @property
    def limited(self) -> bool:
        return self.at is not None

    def left(self, *, at_least: float = 0.0) -> float | None:
        """Seconds until the deadline, never below `at_least`; None without a limit."""
        return None if self.at is None else max(self.at - clock(), at_least)

    def passed(self, *, slack_s: float = 0.0) -> bool:
        """True once the deadline less `slack_s` is reached (never without a limit)."""
        return self.at is not None and clock() >= self.at - slack_s

    def elapsed(self) -> float:
        """Seconds since the run started."""
        return clock() - self.started

    def shifted(self, seconds: float) -> Deadline:
        """The same run's deadline `seconds` later (earlier when negative)."""
        return self if self.at is None else Deadline(self.started, self.at + seconds)

    def or_after(self, seconds: float) -> Deadline:
        """This deadline, or `seconds` from now when it has no limit."""
        return self if self.at is not None else Deadline(self.started, clock() + seconds)

    def within(self, seconds: float | None) -> Deadline:
        """The earlier of this deadline and `seconds` from now."""
        if seconds is None:
            return self
        soon = clock() + seconds
        return Deadline(self.started, soon if self.at is None else min(self.at, soon))
