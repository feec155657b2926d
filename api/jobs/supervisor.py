"""One claimed run: its solve process (`api.jobs.solve`) started as a killable child and watched.

The optimiser runs in a child process of the worker so that it can be killed: when the run is
cancelled, when it overruns its time limit by more than a margin, when the worker is asked to stop (the
run is then put back in the queue) or when the worker itself dies (the child watches its parent and
kills itself and its process group, which includes a CBC subprocess). While it runs, the worker renews
its lease on the run and looks for a cancel request (`api.jobs.queue.Lease`).

A run that asks for decision analysis (`explain`, `frontier_budgets_sek`, `uncertainty`) has it computed
by the same child after the solve (`api.analysis.analyse`), within the same time limit: the run's time
limit covers solve and analysis together, and the child is killed `DEADLINE_MARGIN_S` after it as
before. The child sends the result before the analysis and each part of the analysis as it finishes
(`api.jobs.protocol`), so a run whose analysis is stopped (time limit, crash) still succeeds with its
result and the finished parts; `analysis.notes` says what was stopped.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any, Final, Literal

from sqlalchemy.exc import SQLAlchemyError

from api.analysis import merge, request_of
from api.db import make_engine, session_factory
from api.jobs import protocol
from api.jobs.protocol import (
    Analysed,
    AnalysisPart,
    Crash,
    Done,
    InputFailure,
    Message,
    Payload,
    Progress,
    Solved,
    Solving,
    Unexpected,
)
from api.jobs.queue import Factory, Lease, LostLease
from api.jobs.solve import solve_in_child
from api.jobs.states import RunState
from api.settings import Settings
from models.options import Deadline, clock

log = logging.getLogger("api.worker")

DEADLINE_MARGIN_S = 5.0
"""How long past the scenario's time limit a solve (with its analysis) may take before its process is
killed. The optimiser itself returns within time_limit_s + 1 s; the rest is for checking, explaining and
sending the result. The analysis has what the solve left of the time limit."""
READ_LIMIT_S = 120.0
"""How long reading and validating a project list may take before the solve's own clock starts."""
PROGRESS_WRITE_S = 1.0
"""A running step's progress is written to the run at most this often."""
CANCEL_POLL_S = 1.0
"""How often a running job looks for a cancel request (the lease is renewed every lease_s / 3)."""
WAKE_S = 0.25
"""How often the waiting worker checks its deadline and stop request."""
KILL_WAIT_S = 5.0
OVERRUN_ERROR = "solver exceeded the time limit and was stopped"

LOST: Final = "lost"
Outcome = RunState | Literal["lost"]
"""What a job left its run in: succeeded, failed or canceled as written, queued when it was put back,
or "lost" when the run was no longer this worker's (nothing was written)."""

ChildTarget = Callable[[Connection, Payload], None]


# --------------------------------------------------------------------------------------------
# The child process
# --------------------------------------------------------------------------------------------


def process_context() -> ForkServerContext | SpawnContext:
    """forkserver where there is one (children start in milliseconds, the optimiser preloaded), else spawn.

    Never fork: the worker holds database connections and threads."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["optimizer", "models"])
        return context
    return multiprocessing.get_context("spawn")


def kill(child: BaseProcess) -> None:
    """Kill the solve process and its process group, and reap it."""
    if child.pid is not None and hasattr(os, "killpg"):
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass  # not (yet) a group leader, or gone
    if child.is_alive():
        child.kill()
    child.join(KILL_WAIT_S)


def exit_description(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name}" + (" (out of memory?)" if -code == signal.SIGKILL else "")
    return f"exited with code {code}"


# --------------------------------------------------------------------------------------------
# One job
# --------------------------------------------------------------------------------------------


class Job:
    """A run this worker has claimed, solved in a child process; `run()` gives the outcome."""

    def __init__(
        self,
        lease: Lease,
        settings: Settings,
        should_stop: Callable[[], bool],
        margin_s: float,
        read_limit_s: float,
        child_target: ChildTarget,
    ) -> None:
        self.lease = lease
        self.run_id = lease.run_id
        self.settings = settings
        self.should_stop = should_stop
        self.margin_s = margin_s
        self.read_limit_s = read_limit_s
        self.child_target = child_target
        self.lease_s = settings.lease_s
        self.scenario: dict[str, Any] = {}
        self.analysis: dict[str, Any] | None = None
        self.solved: dict[str, Any] | None = None
        """The result, once the child sent it ahead of its analysis."""
        self.progress_step: str | None = None
        self.progress_started = self.progress_written = 0.0

    # the run -------------------------------------------------------------------------------------

    def _payload(self) -> Payload | None:
        claimed = self.lease.load()
        if claimed is None:
            return None
        self.scenario = claimed.scenario
        self.analysis = claimed.analysis
        if not self.scenario.get("time_limit_s"):  # the API always sets one; never solve without
            limit = min(self.settings.default_time_limit_s, self.settings.max_time_limit_s)
            log.warning("run %s has no time limit; solving with %g s", self.run_id, limit)
            self.scenario["time_limit_s"] = limit
        return {
            "content": claimed.content,
            "file_type": claimed.file_type,
            "column_mapping": claimed.column_mapping,
            "source_name": f"{claimed.list_name} (version {claimed.list_version})",
            "scenario": self.scenario,
            "analysis": request_of(self.analysis),
            "sweep": {
                "executor": "dask" if self.settings.dask_scheduler else self.settings.sweep_executor,
                "workers": self.settings.sweep_workers,
                "scheduler": self.settings.dask_scheduler,
            },
        }

    def _progress(self, step: str, done: int, total: int) -> None:
        """Keep the latest progress; write it to the run at most every `PROGRESS_WRITE_S` (and at the end
        of the step), with the time left estimated from the rate since the step began."""
        now = clock()
        if self.progress_step != step:
            self.progress_step, self.progress_started = step, now
        elapsed = now - self.progress_started
        eta = (total - done) * elapsed / done if done and elapsed > 0 else None
        if now - self.progress_written < PROGRESS_WRITE_S and done < total:
            return
        self.progress_written = now
        value = {"step": step, "done": done, "total": total, "eta_s": None if eta is None else round(eta, 1)}
        try:
            self.lease.write_progress(value)
        except SQLAlchemyError:
            log.warning("run %s: progress not written; the database did not answer", self.run_id)

    def _finish(self, state: RunState, **values: Any) -> Outcome:
        """Write the run's final state if it is still this worker's; the state written, or "lost"."""
        if not self.lease.finish(state, **values):
            log.warning("run %s: no longer this worker's; its outcome (%s) is discarded", self.run_id, state)
            return LOST
        log.info("run %s %s", self.run_id, state)
        return state

    def _release(self) -> Outcome:
        """Put the run back in the queue (the worker is stopping); this start does not count."""
        if not self.lease.release():
            return LOST
        log.info("run %s put back in the queue: the worker is stopping", self.run_id)
        return RunState.QUEUED

    # the solve -----------------------------------------------------------------------------------

    def run(self) -> Outcome:
        payload = self._payload()
        if payload is None:
            log.warning("run %s is not claimed by this worker; not started", self.run_id)
            return LOST
        context = process_context()
        reader, writer = context.Pipe(duplex=False)
        child = context.Process(
            target=self.child_target,
            args=(writer, payload),
            name=f"solve-{self.run_id[:8]}",
            # not a daemon: an uncertainty study starts a process pool of its own, which a daemon may
            # not; the child still never outlives this job (killed below) nor the worker (it watches it)
            daemon=False,
        )
        child.start()
        writer.close()  # the child holds the only write end: its death is an EOF here
        log.info("run %s: solving in process %s", self.run_id, child.pid)
        try:
            return self._wait(child, reader)
        except LostLease:
            kill(child)
            log.warning("run %s was taken over or ended elsewhere; its solve is stopped", self.run_id)
            return LOST
        finally:
            if child.is_alive():
                kill(child)
            reader.close()

    def _wait(self, child: BaseProcess, reader: Connection) -> Outcome:
        deadline = Deadline.after(self.read_limit_s)
        started = deadline.started
        solving = False
        time_limit = self.scenario["time_limit_s"]
        renew_every = self.lease_s / 3
        check_every = min(renew_every, CANCEL_POLL_S)
        last_renewal = last_check = started
        while True:
            if reader.poll(min(WAKE_S, deadline.left() or 0.0)):
                try:
                    message = protocol.decode(reader.recv())
                except EOFError:
                    child.join(KILL_WAIT_S)
                    if self.solved is not None:
                        return self._succeeded(f"the analysis process {exit_description(child.exitcode)}")
                    return self._failed(f"the solver process {exit_description(child.exitcode)}", solving)
                match message:
                    case Solving():
                        solving = True
                        deadline = Deadline.after(time_limit + self.margin_s)
                        continue
                    case Solved(result):
                        self.solved = result
                        continue
                    case AnalysisPart(part) if self.analysis is not None:
                        merge(self.analysis, part)
                        continue
                    case Progress(step, done, total):
                        self._progress(step, done, total)
                        continue
                return self._outcome(message)
            if deadline.passed():
                kill(child)
                if self.solved is not None:
                    log.warning("run %s: analysis stopped at the time limit of %g s", self.run_id, time_limit)
                    return self._succeeded(
                        f"the analysis was stopped: solve and analysis share the run's time limit of "
                        f"{time_limit:g} s (stopped {self.margin_s:g} s after it)"
                    )
                if solving:
                    log.warning("run %s overran its time limit of %g s; stopped", self.run_id, time_limit)
                    return self._failed(
                        f"{OVERRUN_ERROR} (time limit {time_limit:g} s, "
                        f"stopped {self.margin_s:g} s after it)",
                        solving,
                    )
                return self._failed(
                    f"reading the project list took more than {self.read_limit_s:g} s and was stopped",
                    solving,
                )
            if self.should_stop():
                kill(child)
                return self._release()
            now = clock()
            if now - last_check >= check_every:
                renew = now - last_renewal >= renew_every
                last_check = now
                try:
                    cancel = self.lease.heartbeat(renew)
                except SQLAlchemyError:
                    log.warning("run %s: the database did not answer; retrying", self.run_id, exc_info=True)
                else:
                    if renew:
                        last_renewal = now
                    if cancel:
                        kill(child)
                        return self._finish(RunState.CANCELED)

    def _succeeded(self, stopped: str | None = None, result: dict[str, Any] | None = None) -> Outcome:
        """Record the result (`result`, or the one sent ahead of the analysis) and the analysis; `stopped`
        says why the analysis did not finish (a note on the outputs still null)."""
        result = result if result is not None else self.solved
        assert result is not None
        if stopped is not None and self.analysis is not None:
            merge(self.analysis, {"notes": [f"{stopped}; outputs not finished are null"]})
        solver = result.get("solver") or {}
        return self._finish(
            RunState.SUCCEEDED,
            result=result,
            analysis=self.analysis,
            error=None,
            solver=solver.get("name"),
            solver_version=solver.get("version"),
        )

    def _outcome(self, message: Message | Unexpected) -> Outcome:
        """The run's end at a message that is not one of the solve's steps."""
        match message:
            case Done(result):
                return self._succeeded(result=result)
            case Analysed() if self.solved is not None:
                return self._succeeded()
            case InputFailure(text):
                return self._finish(RunState.FAILED, error=text)
            case Crash(error, trace) if self.solved is not None:
                log.error("run %s: the analysis failed:\n%s", self.run_id, trace)
                return self._succeeded(f"internal error in the analysis: {error}")
            case Crash(error, trace):
                log.error("run %s: the optimiser failed:\n%s", self.run_id, trace)
                return self._failed(f"internal error in the optimiser: {error}", solving=True)
        return self._failed(
            f"unexpected message from the solver process: {protocol.kind_text(message)}", solving=True
        )

    def _failed(self, error: str, solving: bool) -> Outcome:
        solver = self.scenario.get("solver", "highs") if solving else None
        return self._finish(RunState.FAILED, error=error, solver=solver)


def run_job(
    settings: Settings,
    run_id: str,
    worker_id: str,
    *,
    factory: Factory | None = None,
    stop: Callable[[], bool] | None = None,
    margin_s: float = DEADLINE_MARGIN_S,
    read_limit_s: float = READ_LIMIT_S,
    child_target: ChildTarget = solve_in_child,
) -> Outcome:
    """Solve a run this worker has claimed, in a child process; the state it was left in.

    Returns "succeeded", "failed" or "canceled" as written, "queued" when `stop()` became true and the
    run was put back in the queue, or "lost" when the run was no longer this worker's (nothing is
    written then). The child is killed on cancel, on stop, and `margin_s` after the scenario's time
    limit. `child_target(conn, payload)` is the solve process's function (tests replace it).
    """
    engine = None
    if factory is None:
        engine = make_engine(settings.database_url)
        factory = session_factory(engine)
    try:
        job = Job(
            Lease(factory, run_id, worker_id, settings.lease_s),
            settings,
            stop or (lambda: False),
            margin_s,
            read_limit_s,
            child_target,
        )
        return job.run()
    finally:
        if engine is not None:
            engine.dispose()
