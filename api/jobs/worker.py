"""Job workers: separate processes that claim runs from the database and solve them, one at a time.

The web process only queues runs. A worker claims the oldest (`api.jobs.queue.claim_next`), solves it
in a killable child (`api.jobs.supervisor.run_job`) and claims the next; SIGTERM stops it cleanly (a
run in progress is put back in the queue for another worker).

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
import uuid
from collections.abc import Callable
from multiprocessing.context import SpawnProcess
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from api.db import make_engine, session_factory
from api.jobs.queue import claim_next
from api.jobs.supervisor import run_job
from api.settings import Settings
from models.options import Deadline

__all__ = ["new_worker_id", "run_worker", "start_workers"]

log = logging.getLogger("api.worker")


def new_worker_id() -> str:
    """host:pid:random, unique per worker (a restarted worker is a new owner)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


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
    deadline = Deadline.after(seconds)
    while not should_stop() and not deadline.passed():
        time.sleep(min(deadline.left() or 0.0, 0.1))


def _worker_process(settings: Settings) -> None:
    """Entry point of a worker process: logs to stderr; SIGTERM and SIGINT stop it cleanly."""
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    stopping = threading.Event()
    _on_signals(stopping, (signal.SIGINT,))
    run_worker(settings, stop=stopping)


def start_workers(settings: Settings, count: int | None = None) -> list[SpawnProcess]:
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
