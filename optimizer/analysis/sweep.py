"""Many solves on one executor interface: serial, a local process pool, or a Dask cluster.

Frontier points, uncertainty draws, scenario grids and many organisations' lists are all "the same
function over many tasks with shared data". `run_tasks` runs such a sweep on the executor asked for
and returns the results in task order, so that callers never care where a task ran: with a work
function that depends only on (context, task) — seeds travel in the task — every executor gives the
same results.

Costs are kept low in two ways: the shared `context` (a project list, a scenario) is sent once per
worker process (pool initializer) or scattered once to a Dask cluster, never once per task; and
tasks are batched into units (about 8 per worker by default), so a tiny solve does not pay a
round-trip of its own.

This module sits beside `solve` (it uses it for `solve_many`) and below `analysis`.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import math
import multiprocessing
import os
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from models import ProjectList, Result, Scenario

__all__ = [
    "EXECUTORS",
    "SCHEDULER_PROTOCOLS",
    "UNITS_PER_WORKER",
    "Progress",
    "SchedulerUnreachable",
    "SweepCancelled",
    "check_executor",
    "default_batch_size",
    "run_tasks",
    "solve_many",
    "start_workers",
]

log = logging.getLogger(__name__)

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[int, int], None]
"""Called in the calling process with (tasks done, tasks in all)."""

EXECUTORS = ("serial", "process", "dask")
SCHEDULER_PROTOCOLS = ("tcp://", "tls://", "inproc://", "ucx://", "ws://", "wss://")
UNITS_PER_WORKER = 8
"""Default batching: about this many units per worker — enough to balance uneven tasks, few enough
that the per-unit round trip stays small against the work."""
_POLL_S = 0.05
"""How often a waiting sweep looks at `cancel` when no unit has finished."""


DASK_CONNECT_TIMEOUT_S = 10.0
"""How long to try to reach a given Dask scheduler before giving up (Dask's own default is 30 s)."""


class SchedulerUnreachable(OSError):
    """The Dask scheduler given by address did not answer."""


class SweepCancelled(Exception):
    """`run_tasks` stopped because its `cancel` event was set; nothing it started is left running."""


def default_batch_size(tasks: int, workers: int) -> int:
    """Tasks per unit so that there are about `UNITS_PER_WORKER` units per worker, at least 1 task each."""
    return max(1, math.ceil(tasks / (UNITS_PER_WORKER * max(1, workers))))


def run_tasks(
    work: Callable[[C, T], R],
    tasks: Sequence[T],
    *,
    context: C,
    executor: str = "process",
    workers: int | None = None,
    scheduler: str | None = None,
    batch_size: int | None = None,
    progress: Progress | bool | None = None,
    cancel: threading.Event | None = None,
) -> list[R]:
    """`[work(context, task) for task in tasks]`, run on `executor`, results in task order.

    - `work` must be picklable (a module-level function) for "process" and "dask"; it should depend
      only on (context, task) — put seeds in the tasks — so that every executor gives the same results.
    - "serial" runs here, one task per unit unless `batch_size` says otherwise (batching saves nothing
      in-process, and single tasks give the finest progress and cancellation).
    - "process" (default) uses a `ProcessPoolExecutor` with the forkserver start method (safe in
      threaded programs such as the service's worker), `workers` processes (default `os.cpu_count()`,
      never more than there are units), each given `context` once by its initializer. With
      `workers=1`, or when all tasks make a single unit, it runs in this process instead, as
      "serial" would: a pool could not run anything in parallel and would only add its start-up.
    - "dask" connects to `scheduler` ("tcp://HOST:PORT"; giving a scheduler implies "dask"), or else
      starts a `distributed.LocalCluster` of `workers` processes (default `os.cpu_count()`) with one
      thread each and closes it afterwards. `context` is scattered once to every worker. Dask's
      logging configuration is left to the application.
    - `batch_size`: tasks per submitted unit; default `default_batch_size` (about 8 units per worker).
    - `progress`: a callable given (done, total) in this process — (0, total) first, then after each
      unit, ending with (total, total) — or True for a `tqdm.auto` bar on stderr (a widget in notebooks).
    - `cancel`: looked at between units (and while waiting for them); when set, outstanding units
      are cancelled, the processes or cluster this call started are shut down (running pool workers
      are terminated) and `SweepCancelled` is raised. On a cluster given by `scheduler`, tasks
      already running finish there (Dask cannot interrupt a running task); their results are dropped.

    An exception raised by `work` reaches the caller with its type and message on every executor
    (after the rest of the sweep has been stopped as for `cancel`); on "process" and "dask" it must
    be picklable, as must the results.

    Raises ValueError for an unknown executor, `workers` or `batch_size` below 1, or a scheduler
    address without a protocol.
    """
    chosen = _checked(work, executor=executor, workers=workers, scheduler=scheduler, batch_size=batch_size)
    report = _progress_callback(progress)
    tasks = list(tasks)
    total = len(tasks)
    with _reporting(report, total) as done:
        if cancel is not None and cancel.is_set():
            raise SweepCancelled("the sweep was cancelled before it started")
        if total == 0:
            done(0)
            return []
        warned: Warnings = Counter()
        try:
            if chosen == "dask":
                return _run_dask(work, tasks, context, workers, scheduler, batch_size, done, cancel, warned)
            if chosen == "process":
                count = workers if workers is not None else (os.cpu_count() or 1)
                size = batch_size if batch_size is not None else default_batch_size(total, count)
                units = _units(total, size)
                if count > 1 and len(units) > 1:
                    return _run_pool(
                        work, tasks, context, units, min(count, len(units)), done, cancel, warned
                    )
                log.debug(
                    "process executor: %d unit(s), %d worker(s): running in this process", len(units), count
                )
            else:
                units = _units(total, batch_size if batch_size is not None else 1)
            return _run_serial(work, tasks, context, units, done, cancel, warned)
        finally:
            _say_once(warned, total)


def solve_many(
    problems: Sequence[tuple[ProjectList, Scenario]],
    *,
    executor: str = "process",
    workers: int | None = None,
    scheduler: str | None = None,
    batch_size: int | None = None,
    progress: Progress | bool | None = None,
    cancel: threading.Event | None = None,
) -> list[Result]:
    """`[solve(projects, scenario) for projects, scenario in problems]` on an executor, in order.

    For scenario grids and many organisations' lists. Each distinct project list (by identity) is
    sent to a worker once, however many scenarios use it. An invalid problem raises `InputError`,
    as `solve` does. The executor arguments are those of `run_tasks`."""
    lists: list[ProjectList] = []
    index: dict[int, int] = {}
    tasks: list[tuple[int, Scenario]] = []
    for position, problem in enumerate(problems, start=1):
        if (
            not isinstance(problem, tuple)
            or len(problem) != 2
            or not isinstance(problem[0], ProjectList)
            or not isinstance(problem[1], Scenario)
        ):
            raise ValueError(f"problem {position}: expected a (ProjectList, Scenario) pair")
        projects, scenario = problem
        if id(projects) not in index:
            index[id(projects)] = len(lists)
            lists.append(projects)
        tasks.append((index[id(projects)], scenario))
    return run_tasks(
        _solve_problem,
        tasks,
        context=tuple(lists),
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        batch_size=batch_size,
        progress=progress,
        cancel=cancel,
    )


def _solve_problem(lists: tuple[ProjectList, ...], task: tuple[int, Scenario]) -> Result:
    from optimizer.model.solve import solve

    position, scenario = task
    return solve(lists[position], scenario)


# ------------------------------------------------------------------------------------------
# Validation, units and progress
# ------------------------------------------------------------------------------------------


def _checked(
    work: object, *, executor: str, workers: int | None, scheduler: str | None, batch_size: int | None
) -> str:
    """The executor to use; ValueError (TypeError for `work`) for anything that cannot be run."""
    if not callable(work):
        raise TypeError(f"work must be a callable work(context, task), not {type(work).__name__}")
    return check_executor(executor=executor, workers=workers, scheduler=scheduler, batch_size=batch_size)


def check_executor(
    *, executor: str, workers: int | None = None, scheduler: str | None = None, batch_size: int | None = None
) -> str:
    """The executor `run_tasks` would use with these settings ("dask" when a scheduler is given);
    ValueError with the exact reason for settings it cannot run with. Callers that take the settings
    from users check them with this before any work starts."""
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of 'serial', 'process', 'dask', not {executor!r}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ValueError(f"workers must be an integer of at least 1, not {workers!r}")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ValueError(f"batch_size must be an integer of at least 1, not {batch_size!r}")
    if scheduler is None:
        return executor
    if not isinstance(scheduler, str) or not scheduler.startswith(SCHEDULER_PROTOCOLS):
        raise ValueError(
            "scheduler must be a Dask scheduler address starting with "
            f"{', '.join(SCHEDULER_PROTOCOLS)} (e.g. 'tcp://HOST:8786'), not {scheduler!r}"
        )
    if executor == "serial":
        raise ValueError(f"scheduler {scheduler!r} needs executor 'dask', not 'serial'")
    return "dask"


def _units(total: int, size: int) -> list[range]:
    return [range(start, min(start + size, total)) for start in range(0, total, size)]


def _progress_callback(progress: Progress | bool | None) -> Progress | bool | None:
    if progress is None or isinstance(progress, bool) or callable(progress):
        return progress
    raise ValueError(f"progress must be a callable (done, total), True, False or None, not {progress!r}")


@contextmanager
def _reporting(progress: Progress | bool | None, total: int) -> Iterator[Callable[[int], None]]:
    """A `done(tasks_just_finished)` function feeding `progress`; closes a tqdm bar at the end."""
    bar = None
    if progress is True:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, file=sys.stderr, unit="task", desc="sweep")
        callback: Progress | None = None
    else:
        callback = progress if callable(progress) else None
    count = 0
    started = False

    def done(finished: int) -> None:
        nonlocal count, started
        count += finished
        if bar is not None:
            bar.update(finished)
        elif callback is not None and (finished or not started):
            callback(count, total)
        started = True

    try:
        if total:
            done(0)
        yield done
    finally:
        if bar is not None:
            bar.close()


def _cancelled() -> SweepCancelled:
    return SweepCancelled("the sweep was cancelled")


Warnings = Counter[tuple[str, int, str]]
"""Warnings logged by the tasks of a sweep: (logger, level, message) and how many times."""


class _WarningTally(logging.Handler):
    """Counts the warnings of the optimiser's loggers while a unit runs; passes lesser records on."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: Warnings = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.seen[(record.name, record.levelno, record.getMessage())] += 1
        else:
            logging.getLogger().handle(record)


@contextmanager
def _tallied_warnings() -> Iterator[Warnings]:
    """While a unit runs, its warnings are counted rather than printed: a sweep of 500 solves says a
    repeated warning once, with its count (`_say_once`), not 500 times. Sweeps run in their own process
    (the CLI, a notebook, a pool worker, a service run's child), so the logger is theirs to redirect."""
    logger = logging.getLogger("optimizer")
    tally = _WarningTally()
    propagate = logger.propagate
    logger.addHandler(tally)
    logger.propagate = False
    try:
        yield tally.seen
    finally:
        logger.removeHandler(tally)
        logger.propagate = propagate


def _run_unit(work: Callable[[Any, Any], Any], context: Any, tasks: list[Any]) -> tuple[list[Any], Warnings]:
    with _tallied_warnings() as seen:
        results = [work(context, task) for task in tasks]
    return results, seen


def _say_once(warned: Warnings, total: int) -> None:
    """Each distinct warning of the sweep's tasks, once, saying in how many of them it arose."""
    for (name, level, message), count in warned.items():
        times = "in 1 task" if count == 1 else f"{count} times"
        logging.getLogger(name).log(level, "%s (%s of a sweep of %d)", message, times, total)


# ------------------------------------------------------------------------------------------
# Executors
# ------------------------------------------------------------------------------------------


def _run_serial(
    work: Callable[[C, T], R],
    tasks: list[T],
    context: C,
    units: list[range],
    done: Callable[[int], None],
    cancel: threading.Event | None,
    warned: Warnings,
) -> list[R]:
    results: list[R] = []
    for unit in units:
        if cancel is not None and cancel.is_set():
            raise _cancelled()
        found, seen = _run_unit(work, context, [tasks[i] for i in unit])
        results.extend(found)
        warned.update(seen)
        done(len(unit))
    return results


_WORKER_CONTEXT: Any = None
"""The sweep's context in a pool worker process, set once by `_init_worker`."""


def _init_worker(context: Any) -> None:
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = context


def _pool_unit(work: Callable[[Any, Any], Any], tasks: list[Any]) -> tuple[list[Any], Warnings]:
    return _run_unit(work, _WORKER_CONTEXT, tasks)


def _run_pool(
    work: Callable[[C, T], R],
    tasks: list[T],
    context: C,
    units: list[range],
    workers: int,
    done: Callable[[int], None],
    cancel: threading.Event | None,
    warned: Warnings,
) -> list[R]:
    results: list[Any] = [None] * len(tasks)
    pool = cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_forkserver(),
        initializer=_init_worker,
        initargs=(context,),
    )
    clean = False
    try:
        pending = {pool.submit(_pool_unit, work, [tasks[i] for i in unit]): unit for unit in units}
        while pending:
            if cancel is not None and cancel.is_set():
                raise _cancelled()
            finished, _ = cf.wait(
                pending, timeout=None if cancel is None else _POLL_S, return_when=cf.FIRST_COMPLETED
            )
            for future in finished:
                unit = pending.pop(future)
                results[unit.start : unit.stop], seen = future.result()
                warned.update(seen)
                done(len(unit))
        clean = True
        return results
    finally:
        _close_pool(pool, terminate=not clean)


def start_workers(executor: str) -> None:
    """Start, for the "process" executor, the server that forks the pool's workers, with the optimiser
    loaded into it, now rather than at the first sweep: it loads in about a second, in parallel with
    whatever the caller does meanwhile. Nothing for the other executors."""
    if executor == "process" and (os.cpu_count() or 1) > 1:
        from multiprocessing import forkserver

        _forkserver()
        forkserver.ensure_running()


def _forkserver() -> multiprocessing.context.BaseContext:
    """The forkserver context, asking the server (when it is not running yet) to import this package
    once, so that each pool worker is forked with it loaded instead of importing it afresh (~1 s)."""
    context = multiprocessing.get_context("forkserver")
    with _PRELOAD_LOCK:
        global _PRELOADED
        if not _PRELOADED:
            context.set_forkserver_preload(["__main__", __name__])
            _PRELOADED = True
    return context


_PRELOAD_LOCK = threading.Lock()
_PRELOADED = False


def _close_pool(pool: cf.ProcessPoolExecutor, *, terminate: bool) -> None:
    """Shut the pool down; after a cancel or an error, terminate workers still busy with a unit."""
    if not terminate:
        pool.shutdown(wait=True)
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join()
    pool.shutdown(wait=True)


def _run_dask(
    work: Callable[[C, T], R],
    tasks: list[T],
    context: C,
    workers: int | None,
    scheduler: str | None,
    batch_size: int | None,
    done: Callable[[int], None],
    cancel: threading.Event | None,
    warned: Warnings,
) -> list[R]:
    import distributed

    cluster = None
    client = None
    futures: dict[Any, range] = {}
    try:
        if scheduler is None:
            count = workers if workers is not None else (os.cpu_count() or 1)
            cluster = distributed.LocalCluster(
                n_workers=count,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # the scheduler's HTTP server on a free port, not 8787
                scheduler_kwargs={"dashboard": False},
                silence_logs=False,  # leave logging configuration to the application
            )
            client = distributed.Client(cluster)
        else:
            try:
                client = distributed.Client(scheduler, timeout=DASK_CONNECT_TIMEOUT_S)
            except OSError as error:
                raise SchedulerUnreachable(
                    f"cannot reach the Dask scheduler at {scheduler}: {error}"
                ) from None
            count = workers if workers is not None else max(1, len(client.scheduler_info()["workers"]))
        if cancel is not None and cancel.is_set():
            raise _cancelled()
        [shared] = client.scatter([context], broadcast=True, hash=False)
        size = batch_size if batch_size is not None else default_batch_size(len(tasks), count)
        for unit in _units(len(tasks), size):
            future = client.submit(_run_unit, work, shared, [tasks[i] for i in unit], pure=False)
            futures[future] = unit
        results: list[Any] = [None] * len(tasks)
        remaining = len(futures)
        finished = distributed.as_completed(list(futures))
        while remaining:
            if cancel is None:
                batch = finished.next_batch(block=True)
            else:
                if cancel.is_set():
                    raise _cancelled()
                batch = finished.next_batch(block=False)
                if not batch:
                    cancel.wait(_POLL_S)
                    continue
            for future in batch:
                unit = futures[future]
                results[unit.start : unit.stop], seen = future.result()
                warned.update(seen)
                remaining -= 1
                done(len(unit))
        futures.clear()
        return results
    finally:
        if client is not None:
            if futures:
                client.cancel(list(futures))
            client.close()
        if cluster is not None:
            cluster.close()
