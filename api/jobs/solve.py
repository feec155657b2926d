"""The solve process: a child of the worker that reads a run's inputs, solves, analyses and says so.

It is started by `api.jobs.supervisor` with a `Payload` and a pipe, and tells the worker what happens
in the messages of `api.jobs.protocol`. It leads a process group of its own (so that the worker can kill
it together with a CBC subprocess) and kills itself and its group as soon as the worker that started it
is gone.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from api.jobs import protocol
from api.jobs.protocol import (
    Analysed,
    AnalysisPart,
    Crash,
    Done,
    InputFailure,
    Payload,
    Solved,
    Solving,
)

if TYPE_CHECKING:
    from models import ProjectList


def die_with_parent() -> None:
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


def read_project_list(
    data: bytes, file_type: str, source_name: str, column_mapping: dict[str, str] | None = None
) -> ProjectList:
    from optimizer.io.readers import read_projects_bytes

    return read_projects_bytes(data, file_type=file_type, source_name=source_name, mapping=column_mapping)


def solve_in_child(conn: Connection, payload: Payload) -> None:
    """The solve process: read the list and the scenario, solve, send the outcome to the worker."""
    if hasattr(os, "setpgid"):
        os.setpgid(0, 0)  # its own process group, so that the worker can kill it with a CBC subprocess
    die_with_parent()
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(asctime)s solve %(message)s")
    try:
        from optimizer import InputError, read_scenario, solve

        try:
            projects = read_project_list(
                payload["content"], payload["file_type"], payload["source_name"], payload.get("column_mapping")
            )
            scenario = read_scenario(payload["scenario"])
            protocol.send(conn, Solving())
            deadline = scenario.run_options.deadline()
            result = solve(projects, scenario)
        except InputError as error:
            protocol.send(conn, InputFailure(str(error)))
            return
        request = payload.get("analysis")
        if not request:
            protocol.send(conn, Done(result.model_dump(mode="json")))
            return
        from api.analysis import analyse

        protocol.send(conn, Solved(result.model_dump(mode="json")))

        def progress(step: str, done: int, total: int) -> None:
            protocol.send(conn, protocol.Progress(step, done, total))

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
            protocol.send(conn, AnalysisPart(part))
        protocol.send(conn, Analysed())
    except BaseException as error:  # noqa: BLE001 - anything else is reported as a crash, not lost
        protocol.send(conn, Crash(f"{type(error).__name__}: {error}", traceback.format_exc()))
    finally:
        conn.close()
