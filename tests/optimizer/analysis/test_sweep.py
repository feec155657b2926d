"""Sweeps on one executor interface: the same results in task order on serial, process and Dask."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from models import Scenario, Status
from optimizer import read_projects, solve
from optimizer.analysis.curves import cost_frontier, frontier
from optimizer.analysis.sweep import EXECUTORS, SweepCancelled, default_batch_size, run_tasks, solve_many

MSEK = 1e6


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """One two-process LocalCluster for the module (starting one costs seconds)."""
    import distributed  # not at the top: pool workers import this module, and need no Dask

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def executors(scheduler: str) -> list[dict[str, object]]:
    return [
        {"executor": "serial"},
        {"executor": "process", "workers": 2},
        {"executor": "dask", "scheduler": scheduler},
    ]


class Calls(list):
    """A progress callback that records its calls."""

    def __call__(self, done: int, total: int) -> None:
        self.append((done, total))


# Work functions live at module level: the process pool and Dask pickle them by reference.


def draws(context: dict[str, float], task: tuple[int, int]) -> list[float]:
    """Seeded: the numbers depend on (context, task) only, never on the process."""
    seed, size = task
    rng = np.random.default_rng([int(context["seed"]), seed])
    return (rng.normal(context["mean"], 1.0, size) * rng.uniform(0.5, 1.5)).tolist()


def where(context: object, task: int) -> tuple[int, int, bool]:
    on_dask = False
    if (distributed := sys.modules.get("distributed")) is not None:
        try:
            distributed.get_worker()
            on_dask = True
        except ValueError:
            pass
    return task, os.getpid(), on_dask


def uneven(context: float, task: int) -> int:
    """Early tasks take longest, so units finish out of order."""
    time.sleep(context * (task % 4 == 0) * (4 - task / 10))
    return task * task


class SweepTestError(Exception):
    pass


def failing(context: int, task: int) -> int:
    if task == context:
        raise SweepTestError(f"task {task} failed on purpose")
    return task


def record_then_sleep(context: tuple[str, float], task: int) -> int:
    """Writes its pid; task 0 returns at once, the others sleep (a minute: only a kill stops them)."""
    folder, seconds = context
    Path(folder, str(os.getpid())).touch()
    if task:
        time.sleep(seconds)
    return task


def warn_on_odd(context: object, task: int) -> int:
    """Logs the same warning for every odd task, as a solve does (a logger under `optimizer`)."""
    import logging

    if task % 2:
        logging.getLogger("optimizer.model.solve").warning("kept the first plan")
    if task == 4:
        logging.getLogger("optimizer.model.check").error("something else")
    return task


def identity(context: object, task: int) -> int:
    return task


# ------------------------------------------------------------------------------------------
# Same results, in task order, on every executor
# ------------------------------------------------------------------------------------------


def test_seeded_work_gives_the_same_results_on_every_executor(scheduler: str) -> None:
    tasks = [(seed, 1 + seed % 5) for seed in range(60)]
    context = {"seed": 2026, "mean": 3.0}
    expected = [draws(context, task) for task in tasks]
    for arguments in executors(scheduler):
        assert run_tasks(draws, tasks, context=context, **arguments) == expected, arguments


def test_order_is_kept_when_units_finish_out_of_order(scheduler: str) -> None:
    tasks = list(range(24))
    for arguments in executors(scheduler)[1:]:
        result = run_tasks(uneven, tasks, context=0.02, batch_size=1, **arguments)
        assert result == [t * t for t in tasks], arguments


def test_where_tasks_run(scheduler: str) -> None:
    tasks = list(range(40))
    here = os.getpid()
    serial = run_tasks(where, tasks, context=None, executor="serial")
    assert {(pid, dask) for _, pid, dask in serial} == {(here, False)}
    pool = run_tasks(where, tasks, context=None, executor="process", workers=2, batch_size=1)
    assert [t for t, _, _ in pool] == tasks
    assert here not in {pid for _, pid, _ in pool} and not any(dask for *_, dask in pool)
    # workers=1, or a single unit: a pool would add nothing, so the tasks run here.
    assert {pid for _, pid, _ in run_tasks(where, tasks, context=None, executor="process", workers=1)} == {
        here
    }
    single = run_tasks(where, tasks, context=None, executor="process", workers=2, batch_size=40)
    assert {pid for _, pid, _ in single} == {here}
    # A scheduler address implies Dask, whatever the (default) executor.
    remote = run_tasks(where, tasks, context=None, scheduler=scheduler)
    assert [t for t, _, _ in remote] == tasks and all(dask for *_, dask in remote)
    assert here not in {pid for _, pid, _ in remote}


def test_no_tasks(scheduler: str) -> None:
    for arguments in executors(scheduler):
        calls = Calls()
        assert run_tasks(identity, [], context=None, progress=calls, **arguments) == []
        assert calls == [(0, 0)]


# ------------------------------------------------------------------------------------------
# Errors, cancellation, progress, batching
# ------------------------------------------------------------------------------------------


def test_an_exception_in_work_reaches_the_caller_unchanged(scheduler: str) -> None:
    for arguments in executors(scheduler):
        with pytest.raises(SweepTestError, match=r"^task 7 failed on purpose$") as caught:
            run_tasks(failing, list(range(20)), context=7, batch_size=2, **arguments)
        assert type(caught.value) is SweepTestError, arguments
    # The cluster is still usable after a failed sweep.
    assert run_tasks(identity, [1, 2, 3], context=None, scheduler=scheduler) == [1, 2, 3]


def cancel_after_first_unit(cancel: threading.Event) -> object:
    def progress(done: int, total: int) -> None:
        if done >= 1:
            cancel.set()

    return progress


def test_cancel_stops_the_pool_and_leaves_no_live_process(tmp_path: Path) -> None:
    before = set(multiprocessing.active_children())  # e.g. the module's cluster
    cancel = threading.Event()
    with pytest.raises(SweepCancelled):
        run_tasks(
            record_then_sleep,
            list(range(8)),
            context=(str(tmp_path), 60.0),
            executor="process",
            workers=2,
            batch_size=1,
            progress=cancel_after_first_unit(cancel),
            cancel=cancel,
        )
    pids = [int(p.name) for p in tmp_path.iterdir()]
    assert pids and os.getpid() not in pids
    assert set(multiprocessing.active_children()) <= before
    for pid in pids:  # the pool's workers were terminated mid-sleep and reaped
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_cancel_on_a_local_cluster_closes_it(tmp_path: Path) -> None:
    before = set(multiprocessing.active_children())
    cancel = threading.Event()
    with pytest.raises(SweepCancelled):
        run_tasks(
            record_then_sleep,
            list(range(4)),
            context=(str(tmp_path), 0.5),  # Dask cannot interrupt a running task: it is let finish
            executor="dask",
            workers=1,
            batch_size=1,
            progress=cancel_after_first_unit(cancel),
            cancel=cancel,
        )
    assert [p.name for p in tmp_path.iterdir()]  # it did run on the cluster
    assert set(multiprocessing.active_children()) <= before  # its nanny and worker are gone


def test_cancel_on_a_given_cluster_and_before_the_start(scheduler: str) -> None:
    cancel = threading.Event()
    with pytest.raises(SweepCancelled):
        run_tasks(
            uneven,
            list(range(40)),
            context=0.05,
            scheduler=scheduler,
            batch_size=1,
            progress=cancel_after_first_unit(cancel),
            cancel=cancel,
        )
    assert run_tasks(identity, [4, 5], context=None, scheduler=scheduler) == [4, 5]
    called: list[int] = []
    for arguments in executors(scheduler):
        with pytest.raises(SweepCancelled):
            run_tasks(lambda c, t: called.append(t), [1, 2], context=None, cancel=cancel, **arguments)
    assert called == []


def test_a_repeated_warning_is_said_once_with_its_count(
    scheduler: str, caplog: pytest.LogCaptureFixture
) -> None:
    for settings in executors(scheduler):
        caplog.clear()
        with caplog.at_level("WARNING"):
            assert run_tasks(warn_on_odd, range(10), context=None, **settings) == list(range(10))
        said = sorted(
            (r.name, r.levelname, r.getMessage()) for r in caplog.records if r.name.startswith("optimizer")
        )
        assert said == [
            ("optimizer.model.check", "ERROR", "something else (in 1 task of a sweep of 10)"),
            ("optimizer.model.solve", "WARNING", "kept the first plan (5 times of a sweep of 10)"),
        ], settings


def test_progress_counts_up_to_the_total(scheduler: str, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = list(range(30))
    for arguments in executors(scheduler):
        calls = Calls()
        run_tasks(identity, tasks, context=None, progress=calls, **arguments)
        done = [d for d, _ in calls]
        assert calls[0] == (0, 30) and calls[-1] == (30, 30), arguments
        assert done == sorted(done) and {total for _, total in calls} == {30}
    run_tasks(identity, tasks, context=None, executor="serial", progress=True)
    assert "30/30" in capsys.readouterr().err


def test_batch_sizes(scheduler: str) -> None:
    assert default_batch_size(2000, 2) == 125  # 16 units for 2 workers
    assert default_batch_size(5, 4) == 1
    assert default_batch_size(33, 2) == 3

    def steps(**arguments: object) -> list[int]:
        calls = Calls()
        run_tasks(identity, list(range(33)), context=None, progress=calls, **arguments)
        return sorted(b - a for (a, _), (b, _) in itertools.pairwise(calls))

    assert steps(executor="serial") == [1] * 33  # in-process: one task per unit by default
    assert steps(executor="serial", batch_size=10) == [3, 10, 10, 10]
    assert steps(executor="process", workers=2) == [3] * 11  # about 8 units per worker
    assert steps(executor="process", workers=2, batch_size=16) == [1, 16, 16]
    assert steps(scheduler=scheduler) == [3] * 11  # the cluster's two workers


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"executor": "threads"}, "executor must be one of 'serial', 'process', 'dask', not 'threads'"),
        ({"workers": 0}, "workers must be an integer of at least 1, not 0"),
        ({"workers": 1.5}, "workers must be an integer of at least 1, not 1.5"),
        ({"batch_size": 0}, "batch_size must be an integer of at least 1, not 0"),
        ({"batch_size": -3}, "batch_size must be an integer of at least 1, not -3"),
        (
            {"scheduler": "localhost:8786"},
            (
                "scheduler must be a Dask scheduler address starting with tcp://, tls://, inproc://, "
                "ucx://, ws://, wss:// (e.g. 'tcp://HOST:8786'), not 'localhost:8786'"
            ),
        ),
        (
            {"executor": "serial", "scheduler": "tcp://127.0.0.1:8786"},
            "scheduler 'tcp://127.0.0.1:8786' needs executor 'dask', not 'serial'",
        ),
        ({"progress": "yes"}, "progress must be a callable (done, total), True, False or None, not 'yes'"),
    ],
)
def test_invalid_arguments(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        run_tasks(identity, [1], context=None, **arguments)


def test_work_must_be_callable() -> None:
    assert EXECUTORS == ("serial", "process", "dask")
    with pytest.raises(TypeError, match="^work must be a callable work\\(context, task\\), not int$"):
        run_tasks(3, [1], context=None)


# ------------------------------------------------------------------------------------------
# Solves: solve_many and the frontiers on an executor
# ------------------------------------------------------------------------------------------


def row(pid: str, cost: float, abatement: float) -> dict[str, object]:
    return {
        "id": pid,
        "name": f"Project {pid}",
        "sector": "energy",
        "cost_sek": cost * MSEK,
        "year": 2026,
        "abatement_t_per_year": abatement,
        "lifetime_years": 1,
    }


# By hand (cost MSEK → best set, tonnes): 2 → {C} 5; 5 → {B, C} 12; 7 → {A, B} 17; 9 → {A, B, C} 22.
HAND = [row("A", 4, 10), row("B", 3, 7), row("C", 2, 5), row("D", 5, 9)]
OTHER = [row("E", 1, 2), row("F", 2, 5), row("G", 3, 6)]


def scenario(budget_msek: float) -> Scenario:
    return Scenario.model_validate({"budget_sek": {"2026": budget_msek * MSEK}, "mip_gap": 0})


def portfolio(result: object) -> tuple[Status, float | None, list[tuple[str, float]]]:
    return result.status, result.objective_value_t, [(s.id, s.fraction) for s in result.selected]


def test_solve_many_equals_solve_per_problem(scheduler: str) -> None:
    hand, other = read_projects(HAND), read_projects(OTHER)
    problems = [(hand, scenario(b)) for b in (2, 5, 7, 9, 1)] + [(other, scenario(b)) for b in (3, 4, 6)]
    problems.append((hand, Scenario.model_validate({"budget_sek": 1 * MSEK, "include": ["D"]})))
    expected = [portfolio(solve(p, s)) for p, s in problems]
    assert [e[1] for e in expected[:5]] == [5, 12, 17, 22, 0]
    assert expected[-1][0] is Status.INFEASIBLE  # D alone costs 5 MSEK
    for arguments in executors(scheduler):
        assert [portfolio(r) for r in solve_many(problems, **arguments)] == expected, arguments


def test_solve_many_rejects_what_is_not_a_problem() -> None:
    hand = read_projects(HAND)
    with pytest.raises(ValueError, match=r"^problem 2: expected a \(ProjectList, Scenario\) pair$"):
        solve_many([(hand, scenario(1)), (hand, {"budget_sek": 1})], executor="serial")


def frontier_content(points: list) -> list[tuple]:
    return [(p.budget_sek, p.status, p.objective_value_t, p.selected, p.marginal_t_per_msek) for p in points]


def test_frontier_on_an_executor_equals_the_sequential_frontier(scheduler: str) -> None:
    projects = read_projects(HAND)
    budgets = [b * MSEK for b in (9, 1, 14, 5, 7, 2)]
    sequential = frontier(projects, scenario(1), budgets)
    assert [p.objective_value_t for p in sequential] == pytest.approx([22, 0, 31, 12, 17, 5])
    for arguments in executors(scheduler):
        calls = Calls()
        points = frontier(projects, scenario(1), budgets, progress=calls, **arguments)
        assert frontier_content(points) == frontier_content(sequential), arguments
        assert calls[-1] == (6, 6)
    # A scheduler alone is enough.
    points = frontier(projects, scenario(1), budgets, scheduler=scheduler)
    assert frontier_content(points) == frontier_content(sequential)


def test_cost_frontier_on_an_executor_equals_the_sequential_one(scheduler: str) -> None:
    projects = read_projects(HAND)
    targets = [12, 5, 22, 40]
    sequential = cost_frontier(projects, scenario(30), targets)
    assert [p.cost_sek for p in sequential[:3]] == pytest.approx([5 * MSEK, 2 * MSEK, 9 * MSEK])
    assert sequential[3].status is Status.INFEASIBLE
    for arguments in executors(scheduler):
        points = cost_frontier(projects, scenario(30), targets, **arguments)
        assert [
            (p.target_t, p.status, p.cost_sek, p.objective_value_t, p.selected, p.marginal_sek_per_t)
            for p in points
        ] == [
            (p.target_t, p.status, p.cost_sek, p.objective_value_t, p.selected, p.marginal_sek_per_t)
            for p in sequential
        ], arguments


def test_frontier_on_an_executor_can_be_cancelled() -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SweepCancelled):
        frontier(read_projects(HAND), scenario(1), [2 * MSEK, 5 * MSEK], executor="process", cancel=cancel)
