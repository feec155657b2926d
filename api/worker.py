"""The old path of the job worker, for one release: the worker is the package `api.jobs` now (the loop in
`api.jobs.worker`, the queue's SQL in `api.jobs.queue`, one run's solve process in `api.jobs.supervisor`,
the messages in `api.jobs.protocol`). Importing this module warns once."""

from __future__ import annotations

import warnings

from api.jobs.protocol import (
    MSG_ANALYSED,
    MSG_ANALYSIS,
    MSG_CRASH,
    MSG_INPUT_ERROR,
    MSG_PROGRESS,
    MSG_RESULT,
    MSG_SOLVED,
    MSG_SOLVING,
)
from api.jobs.queue import MAX_ATTEMPTS, claim_next
from api.jobs.solve import solve_in_child
from api.jobs.supervisor import DEADLINE_MARGIN_S, OVERRUN_ERROR, run_job
from api.jobs.worker import new_worker_id, run_worker, start_workers

warnings.warn(
    "api.worker has moved to api.jobs (api.jobs.worker, api.jobs.queue, api.jobs.supervisor, "
    "api.jobs.protocol); the old path goes in the next release",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = [
    "DEADLINE_MARGIN_S",
    "MAX_ATTEMPTS",
    "MSG_ANALYSED",
    "MSG_ANALYSIS",
    "MSG_CRASH",
    "MSG_INPUT_ERROR",
    "MSG_PROGRESS",
    "MSG_RESULT",
    "MSG_SOLVED",
    "MSG_SOLVING",
    "OVERRUN_ERROR",
    "claim_next",
    "new_worker_id",
    "run_job",
    "run_worker",
    "solve_in_child",
    "start_workers",
]
