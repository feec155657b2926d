"""The states of a run: queued → running → succeeded | failed | canceled (and running → queued when its
worker stops). The values are the strings of the API and of the `runs.state` column; they never change."""

from __future__ import annotations

from enum import StrEnum


class RunState(StrEnum):
    QUEUED = "queued"
    """Waiting for a worker (again, after a worker that stopped put it back)."""
    RUNNING = "running"
    """Claimed by a worker, which holds its lease."""
    SUCCEEDED = "succeeded"
    """Solved: the run has a result (whose status may still be infeasible, no_solution or error)."""
    FAILED = "failed"
    """No result: invalid input, a crash, or the time limit overrun; `error` says which."""
    CANCELED = "canceled"
    """Stopped at a cancel request."""

    @property
    def finished(self) -> bool:
        """Whether the run has ended: it is never changed again."""
        return self in FINISHED


ACTIVE: tuple[RunState, ...] = (RunState.QUEUED, RunState.RUNNING)
"""Runs in flight: they count against an organisation's `max_runs_in_flight`."""
FINISHED: tuple[RunState, ...] = (RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELED)
"""Runs that have ended."""
