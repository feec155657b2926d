"""Job workers: separate processes that claim runs from the database and solve them.

The web process only queues runs. A worker claims one (`claim_next`) by taking a *lease* on it: it
becomes the run's `lease_owner` until `lease_expires_at`, and renews the lease while it works. A
worker that dies stops renewing; once its lease has expired any other worker reclaims the run and
starts it again (`attempts` counts the starts). Every write a worker makes to a claimed run is
conditional on still owning the lease, so a run that was reclaimed is never finished twice.

The optimiser itself runs in a child process of the worker (`run_job`), so that it can be killed:
when the run is cancelled, when it overruns its time limit by more than a margin, when the worker is
asked to stop (the run is then put back in the queue) or when the worker itself dies (the child
watches its parent and kills itself and its process group, which includes a CBC subprocess).

A run that asks for decision analysis (`explain`, `frontier_budgets_sek`) has it computed by the same
child after the solve (`api.analysis.analyse`), within the same time limit: the run's time limit
covers solve and analysis together, and the child is killed `DEADLINE_MARGIN_S` after it as before.
The child sends the result before the analysis and each part of the analysis as it finishes, so a run
whose analysis is stopped (time limit, crash) still succeeds with its result and the finished parts;
`analysis.notes` says what was stopped.

Workers never migrate the database; whoever starts them calls `api.db.migrate` first.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, false, func, literal, or_, select, true, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.analysis import merge, request_of
from api.db import ProjectListRecord, Run, make_engine, now, session_factory, transaction
from api.settings import Settings

__all__ = [
    "DEADLINE_MARGIN_S",
    "MAX_ATTEMPTS",
    "OVERRUN_ERROR",
    "claim_next",
    "new_worker_id",
    "run_job",
    "run_worker",
    "solve_in_child",
    "start_workers",
]

if TYPE_CHECKING:
    from models import ProjectList

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
MAX_ATTEMPTS = 3
"""A run whose worker died this many times is failed instead of being started again."""
OVERRUN_ERROR = "solver exceeded the time limit and was stopped"

# What the solve process sends to the worker, over a one-way pipe.
MSG_SOLVING = "solving"  # the inputs are read; the solve's clock starts
MSG_RESULT = "result"  # (MSG_RESULT, result JSON): the run is done
MSG_SOLVED = "solved"  # (MSG_SOLVED, result JSON): the result; the analysis follows
MSG_ANALYSIS = "analysis"  # (MSG_ANALYSIS, part): a finished part of the analysis (api.analysis.merge)
MSG_ANALYSED = "analysed"  # the analysis is complete: the run is done
MSG_PROGRESS = "progress"  # (MSG_PROGRESS, step, done, total): how far a long step has come
MSG_INPUT_ERROR = "input_error"  # (MSG_INPUT_ERROR, located message)
MSG_CRASH = "crash"  # (MSG_CRASH, "Type: message", traceback)

Factory = sessionmaker[Session]
ChildTarget = Callable[[Connection, dict[str, Any]], None]


def new_worker_id() -> str:
    """host:pid:random, unique per worker (a restarted worker is a new owner)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# --------------------------------------------------------------------------------------------
# Claiming
# --------------------------------------------------------------------------------------------


def _claimable(at: datetime) -> ColumnElement[bool]:
    """Runs a worker may start: queued ones, and running ones whose worker stopped renewing its lease."""
    return and_(
        Run.cancel_requested == false(),
        or_(
            Run.state == "queued",
            and_(Run.state == "running", Run.lease_expires_at < at, Run.attempts < MAX_ATTEMPTS),
        ),
    )


def _claim_values(worker_id: str, at: datetime, lease_s: float) -> dict[str, Any]:
    return {
        "state": "running",
        "lease_owner": worker_id,
        "lease_expires_at": at + timedelta(seconds=lease_s),
        "started_at": func.coalesce(Run.started_at, literal(at, Run.__table__.c.started_at.type)),
        "attempts": Run.attempts + 1,
    }


_NO_SYNC = {"synchronize_session": False}


def _settle(factory: Factory, at: datetime) -> None:
    """End the runs that must not be started: cancelled ones, and ones whose workers keep dying."""
    ended = {"finished_at": at, "lease_expires_at": None}
    with transaction(factory) as session:
        session.execute(
            update(Run)
            .where(Run.state == "queued", Run.cancel_requested == true())
            .values(state="canceled", **ended),
            execution_options=_NO_SYNC,
        )
        abandoned = and_(Run.state == "running", Run.lease_expires_at < at)
        session.execute(
            update(Run).where(abandoned, Run.cancel_requested == true()).values(state="canceled", **ended),
            execution_options=_NO_SYNC,
        )
        session.execute(
            update(Run)
            .where(abandoned, Run.attempts >= MAX_ATTEMPTS)
            .values(
                state="failed",
                error=f"the run was started {MAX_ATTEMPTS} times and each time its worker stopped "
                "responding (e.g. killed for using too much memory); it is not started again",
                **ended,
            ),
            execution_options=_NO_SYNC,
        )


def _dialect(factory: Factory) -> str:
    bind = factory.kw.get("bind")
    if bind is None:
        with factory() as session:
            bind = session.get_bind()
    return bind.dialect.name


def claim_next(factory: Factory, worker_id: str, lease_s: float) -> str | None:
    """Atomically claim the oldest startable run for `worker_id`; its id, or None when there is none.

    Startable: queued, or running with an expired lease (its worker died: the run is reclaimed).
    Queued runs with a cancel request are marked canceled instead. Safe with any number of workers:
    on PostgreSQL the candidate row is locked with FOR UPDATE SKIP LOCKED, so concurrent workers
    take different rows without waiting; on SQLite (one writer at a time) the claim is an UPDATE
    that repeats the startable condition, and only the worker whose UPDATE changed the row has it.
    """
    at = now()
    _settle(factory, at)
    if _dialect(factory) == "postgresql":
        return _claim_locking(factory, worker_id, lease_s, at)
    return _claim_conditional(factory, worker_id, lease_s, at)


def _oldest_first(statement):
    return statement.order_by(Run.created_at, Run.id)


def _claim_locking(factory: Factory, worker_id: str, lease_s: float, at: datetime) -> str | None:
    with transaction(factory) as session:
        run_id = session.execute(
            _oldest_first(select(Run.id).where(_claimable(at))).limit(1).with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if run_id is None:
            return None
        session.execute(
            update(Run).where(Run.id == run_id).values(**_claim_values(worker_id, at, lease_s)),
            execution_options=_NO_SYNC,
        )
        return run_id


def _claim_conditional(factory: Factory, worker_id: str, lease_s: float, at: datetime) -> str | None:
    for _ in range(5):  # every candidate taken by other workers meanwhile: look again, a few times
        with factory() as session:
            candidates = (
                session.execute(_oldest_first(select(Run.id).where(_claimable(at))).limit(8)).scalars().all()
            )
        if not candidates:
            return None
        for run_id in candidates:
            with transaction(factory) as session:
                claimed = session.execute(
                    update(Run)
                    .where(Run.id == run_id, _claimable(at))
                    .values(**_claim_values(worker_id, at, lease_s)),
                    execution_options=_NO_SYNC,
                )
                if claimed.rowcount == 1:
                    return run_id
    return None


# --------------------------------------------------------------------------------------------
# The solve process
# --------------------------------------------------------------------------------------------


def _context() -> BaseContext:
    """forkserver where there is one (children start in milliseconds, the optimiser preloaded), else spawn.

    Never fork: the worker holds database connections and threads."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["optimizer", "models"])
        return context
    return multiprocessing.get_context("spawn")


def _die_with_parent() -> None:
    """Kill this process and its group (a CBC subprocess) as soon as the worker that started it is gone."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        if hasattr(os, "killpg"):
            os.killpg(0, signal.SIGKILL)
        os._exit(70)

    threading.Thread(target=watch, name="watch-worker", daemon=True).start()


def _read_project_list(data: bytes, file_type: str, source_name: str) -> ProjectList:
    from optimizer.io.readers import read_projects_bytes

    return read_projects_bytes(data, file_type=file_type, source_name=source_name)


def solve_in_child(conn: Connection, payload: dict[str, Any]) -> None:
    """The solve process: read the list and the scenario, solve, send the outcome to the worker."""
    if hasattr(os, "setpgid"):
        os.setpgid(0, 0)  # its own process group, so that the worker can kill it with a CBC subprocess
    _die_with_parent()
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(asctime)s solve %(message)s")
    try:
        from optimizer import InputError, read_scenario, solve

        try:
            projects = _read_project_list(payload["content"], payload["file_type"], payload["source_name"])
            scenario = read_scenario(payload["scenario"])
            conn.send((MSG_SOLVING,))
            started = time.monotonic()
            result = solve(projects, scenario)
        except InputError as error:
            conn.send((MSG_INPUT_ERROR, str(error)))
            return
        request = payload.get("analysis")
        if not request:
            conn.send((MSG_RESULT, result.model_dump(mode="json")))
            return
        from api.analysis import analyse

        conn.send((MSG_SOLVED, result.model_dump(mode="json")))
        deadline = started + (scenario.time_limit_s or 0.0)

        def progress(step: str, done: int, total: int) -> None:
            conn.send((MSG_PROGRESS, step, done, total))

        parts = analyse(
            projects,
            scenario,
            result,
            request,
            deadline=deadline,
            progress=progress,
            sweep=payload.get("sweep"),
        )
        for part in parts:
            conn.send((MSG_ANALYSIS, part))
        conn.send((MSG_ANALYSED,))
    except BaseException as error:  # noqa: BLE001 - anything else is reported as a crash, not lost
        conn.send((MSG_CRASH, f"{type(error).__name__}: {error}", traceback.format_exc()))
    finally:
        conn.close()


def _kill(child: BaseProcess) -> None:
    """Kill the solve process and its process group, and reap it."""
    if child.pid is not None and hasattr(os, "killpg"):
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass  # not (yet) a group leader, or gone
    if child.is_alive():
        child.kill()
    child.join(KILL_WAIT_S)


def _exit_description(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name}" + (" (out of memory?)" if -code == signal.SIGKILL else "")
    return f"exited with code {code}"


# --------------------------------------------------------------------------------------------
# Running one job
# --------------------------------------------------------------------------------------------


class _LostLease(Exception):
    """The run is no longer this worker's: reclaimed by another, or ended by someone else."""


class _Job:
    def __init__(
        self,
        factory: Factory,
        settings: Settings,
        run_id: str,
        worker_id: str,
        should_stop: Callable[[], bool],
        margin_s: float,
        read_limit_s: float,
        child_target: ChildTarget,
    ) -> None:
        self.factory = factory
        self.settings = settings
        self.run_id = run_id
        self.worker_id = worker_id
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

    # database ---------------------------------------------------------------------------------

    def _mine(self) -> ColumnElement[bool]:
        return and_(Run.id == self.run_id, Run.lease_owner == self.worker_id, Run.state == "running")

    def _load(self) -> dict[str, Any] | None:
        with self.factory() as session:
            run = session.get(Run, self.run_id)
            if run is None or run.state != "running" or run.lease_owner != self.worker_id:
                return None
            record = session.get(ProjectListRecord, run.project_list_id)
            self.scenario = dict(run.scenario)
            self.analysis = None if run.analysis is None else dict(run.analysis)
        if not self.scenario.get("time_limit_s"):  # the API always sets one; never solve without
            limit = min(self.settings.default_time_limit_s, self.settings.max_time_limit_s)
            log.warning("run %s has no time limit; solving with %g s", self.run_id, limit)
            self.scenario["time_limit_s"] = limit
        return {
            "content": record.content,
            "file_type": record.file_type,
            "source_name": f"{record.name} (version {record.version})",
            "scenario": self.scenario,
            "analysis": request_of(self.analysis),
            "sweep": {
                "executor": "dask" if self.settings.dask_scheduler else self.settings.sweep_executor,
                "workers": self.settings.sweep_workers,
                "scheduler": self.settings.dask_scheduler,
            },
        }

    def _heartbeat(self, renew: bool) -> bool:
        """Renew the lease if `renew`; True if cancellation was requested. Raises _LostLease."""
        with transaction(self.factory) as session:
            if renew:
                renewed = session.execute(
                    update(Run)
                    .where(self._mine())
                    .values(lease_expires_at=now() + timedelta(seconds=self.lease_s)),
                    execution_options=_NO_SYNC,
                )
                if renewed.rowcount != 1:
                    raise _LostLease
            row = session.execute(
                select(Run.state, Run.lease_owner, Run.cancel_requested).where(Run.id == self.run_id)
            ).one_or_none()
        if row is None or row.state != "running" or row.lease_owner != self.worker_id:
            raise _LostLease
        return bool(row.cancel_requested)

    def _progress(self, step: str, done: int, total: int) -> None:
        """Keep the latest progress; write it to the run at most every `PROGRESS_WRITE_S` (and at the end
        of the step), with the time left estimated from the rate since the step began."""
        clock = time.monotonic()
        if self.progress_step != step:
            self.progress_step, self.progress_started = step, clock
        elapsed = clock - self.progress_started
        eta = (total - done) * elapsed / done if done and elapsed > 0 else None
        if clock - self.progress_written < PROGRESS_WRITE_S and done < total:
            return
        self.progress_written = clock
        value = {"step": step, "done": done, "total": total, "eta_s": None if eta is None else round(eta, 1)}
        try:
            with transaction(self.factory) as session:
                session.execute(
                    update(Run).where(self._mine()).values(progress=value), execution_options=_NO_SYNC
                )
        except SQLAlchemyError:
            log.warning("run %s: progress not written; the database did not answer", self.run_id)

    def _finish(self, state: str, **values: Any) -> str:
        """Write the run's final state if it is still this worker's; the state written, or 'lost'."""
        with transaction(self.factory) as session:
            written = session.execute(
                update(Run)
                .where(self._mine())
                .values(state=state, finished_at=now(), lease_expires_at=None, **values),
                execution_options=_NO_SYNC,
            )
        if written.rowcount != 1:
            log.warning("run %s: no longer this worker's; its outcome (%s) is discarded", self.run_id, state)
            return "lost"
        log.info("run %s %s", self.run_id, state)
        return state

    def _release(self) -> str:
        """Put the run back in the queue (the worker is stopping); this start does not count."""
        with transaction(self.factory) as session:
            released = session.execute(
                update(Run)
                .where(self._mine())
                .values(state="queued", lease_owner=None, lease_expires_at=None, attempts=Run.attempts - 1),
                execution_options=_NO_SYNC,
            )
        if released.rowcount != 1:
            return "lost"
        log.info("run %s put back in the queue: the worker is stopping", self.run_id)
        return "queued"

    # the solve -------------------------------------------------------------------------------

    def run(self) -> str:
        payload = self._load()
        if payload is None:
            log.warning("run %s is not claimed by this worker; not started", self.run_id)
            return "lost"
        context = _context()
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
        except _LostLease:
            _kill(child)
            log.warning("run %s was taken over or ended elsewhere; its solve is stopped", self.run_id)
            return "lost"
        finally:
            if child.is_alive():
                _kill(child)
            reader.close()

    def _wait(self, child: BaseProcess, reader: Connection) -> str:
        started = time.monotonic()
        deadline = started + self.read_limit_s
        solving = False
        time_limit = self.scenario["time_limit_s"]
        renew_every = self.lease_s / 3
        check_every = min(renew_every, CANCEL_POLL_S)
        last_renewal = last_check = started
        while True:
            clock = time.monotonic()
            if reader.poll(max(min(WAKE_S, deadline - clock), 0)):
                try:
                    message = reader.recv()
                except EOFError:
                    child.join(KILL_WAIT_S)
                    if self.solved is not None:
                        return self._succeeded(f"the analysis process {_exit_description(child.exitcode)}")
                    return self._failed(f"the solver process {_exit_description(child.exitcode)}", solving)
                if message[0] == MSG_SOLVING:
                    solving = True
                    deadline = time.monotonic() + time_limit + self.margin_s
                    continue
                if message[0] == MSG_SOLVED:
                    self.solved = message[1]
                    continue
                if message[0] == MSG_ANALYSIS and self.analysis is not None:
                    merge(self.analysis, message[1])
                    continue
                if message[0] == MSG_PROGRESS:
                    self._progress(*message[1:])
                    continue
                return self._outcome(message)
            clock = time.monotonic()
            if clock >= deadline:
                _kill(child)
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
                _kill(child)
                return self._release()
            if clock - last_check >= check_every:
                renew = clock - last_renewal >= renew_every
                last_check = clock
                try:
                    cancel = self._heartbeat(renew)
                except SQLAlchemyError:
                    log.warning("run %s: the database did not answer; retrying", self.run_id, exc_info=True)
                else:
                    if renew:
                        last_renewal = clock
                    if cancel:
                        _kill(child)
                        return self._finish("canceled")

    def _succeeded(self, stopped: str | None = None, result: dict[str, Any] | None = None) -> str:
        """Record the result (`result`, or the one sent ahead of the analysis) and the analysis; `stopped`
        says why the analysis did not finish (a note on the outputs still null)."""
        result = result if result is not None else self.solved
        assert result is not None
        if stopped is not None and self.analysis is not None:
            merge(self.analysis, {"notes": [f"{stopped}; outputs not finished are null"]})
        solver = result.get("solver") or {}
        return self._finish(
            "succeeded",
            result=result,
            analysis=self.analysis,
            error=None,
            solver=solver.get("name"),
            solver_version=solver.get("version"),
        )

    def _outcome(self, message: tuple[Any, ...]) -> str:
        kind = message[0]
        if kind == MSG_RESULT:
            return self._succeeded(result=message[1])
        if kind == MSG_ANALYSED and self.solved is not None:
            return self._succeeded()
        if kind == MSG_INPUT_ERROR:
            return self._finish("failed", error=message[1])
        if kind == MSG_CRASH and self.solved is not None:
            log.error("run %s: the analysis failed:\n%s", self.run_id, message[2])
            return self._succeeded(f"internal error in the analysis: {message[1]}")
        if kind == MSG_CRASH:
            log.error("run %s: the optimiser failed:\n%s", self.run_id, message[2])
            return self._failed(f"internal error in the optimiser: {message[1]}", solving=True)
        return self._failed(f"unexpected message from the solver process: {kind!r}", solving=True)

    def _failed(self, error: str, solving: bool) -> str:
        solver = self.scenario.get("solver", "highs") if solving else None
        return self._finish("failed", error=error, solver=solver)


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
) -> str:
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
        job = _Job(
            factory,
            settings,
            run_id,
            worker_id,
            stop or (lambda: False),
            margin_s,
            read_limit_s,
            child_target,
        )
        return job.run()
    finally:
        if engine is not None:
            engine.dispose()


# --------------------------------------------------------------------------------------------
# The worker loop and worker processes
# --------------------------------------------------------------------------------------------


def _on_signals(stopping: threading.Event, signals: tuple[int, ...]) -> Callable[[], None]:
    """Set `stopping` on these signals (only possible in the main thread); returns the undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {}
    for number in signals:
        previous[number] = signal.signal(number, lambda _signum, _frame: stopping.set())

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore


def run_worker(
    settings: Settings,
    *,
    worker_id: str | None = None,
    stop: threading.Event | Any | None = None,
    once: bool = False,
    poll_s: float = 0.5,
) -> int:
    """Claim and run jobs until `stop` is set or SIGTERM arrives; the number of jobs run.

    With `once`, run at most one job that is available now and return. On SIGTERM (or `stop`) a job in
    progress is stopped and put back in the queue for another worker, and the loop ends.
    """
    worker_id = worker_id or new_worker_id()
    stopping = threading.Event()
    restore = _on_signals(stopping, (signal.SIGTERM,))

    def should_stop() -> bool:
        return stopping.is_set() or (stop is not None and stop.is_set())

    engine = make_engine(settings.database_url)
    factory = session_factory(engine)
    processed = 0
    log.info("worker %s started (lease %g s)", worker_id, settings.lease_s)
    try:
        while not should_stop():
            try:
                run_id = claim_next(factory, worker_id, settings.lease_s)
            except SQLAlchemyError:
                log.warning(
                    "worker %s: cannot claim a run; the database did not answer", worker_id, exc_info=True
                )
                run_id = None
            if run_id is None:
                if once:
                    break
                _sleep(poll_s, should_stop)
                continue
            log.info("worker %s claimed run %s", worker_id, run_id)
            try:
                run_job(settings, run_id, worker_id, factory=factory, stop=should_stop)
            except SQLAlchemyError:
                # The lease expires and another worker (or this one) starts the run again.
                log.exception("worker %s: run %s could not be recorded", worker_id, run_id)
            processed += 1
            if once:
                break
    finally:
        restore()
        engine.dispose()
        log.info("worker %s stopped after %d run(s)", worker_id, processed)
    return processed


def _sleep(seconds: float, should_stop: Callable[[], bool]) -> None:
    end = time.monotonic() + seconds
    while not should_stop():
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.1))


def _worker_process(settings: Settings) -> None:
    """Entry point of a worker process: logs to stderr; SIGTERM and SIGINT stop it cleanly."""
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    stopping = threading.Event()
    _on_signals(stopping, (signal.SIGINT,))
    run_worker(settings, stop=stopping)


def start_workers(settings: Settings, count: int | None = None) -> list[multiprocessing.Process]:
    """Start `count` (default `settings.workers`) worker processes on the same database.

    They are started with spawn (a fresh interpreter, nothing inherited from the web process) and are
    not daemons: stop them with `terminate()` (SIGTERM) and `join()`; a job in progress is put back
    in the queue.
    """
    count = settings.workers if count is None else count
    context = multiprocessing.get_context("spawn")
    processes = []
    for number in range(1, count + 1):
        process = context.Process(
            target=_worker_process, args=(settings,), name=f"klimatportfolj-worker-{number}", daemon=False
        )
        process.start()
        processes.append(process)
    return processes
