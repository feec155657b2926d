"""Workers: claiming runs safely, solving them in a killable child, leases, cancel, overrun, crash recovery.

Self-contained: its own databases (SQLite in tmp_path; a fresh PostgreSQL database created through
the `test` database and dropped afterwards), rows inserted through the ORM, no HTTP layer.
"""

from __future__ import annotations

import csv
import hashlib
import io
import multiprocessing
import os
import random
import signal
import threading
import time
import tomllib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rows import REPO as ROOT
from sqlalchemy import Engine, text, update

from api.db import (
    ApiKey,
    Organisation,
    ProjectListRecord,
    Run,
    make_engine,
    migrate,
    session_factory,
    transaction,
)
from api.jobs.protocol import MSG_SOLVING
from api.jobs.queue import MAX_ATTEMPTS, claim_next
from api.jobs.supervisor import OVERRUN_ERROR, run_job
from api.jobs.worker import run_worker, start_workers
from api.settings import Settings
from optimizer import read_projects, read_scenario, solve

EXAMPLE_LIST = ROOT / "examples" / "kristinehamn_projects.csv"
EQUITY = tomllib.loads((ROOT / "examples" / "scenario_equity.toml").read_text(encoding="utf-8"))
PG_ADMIN_URL = os.environ.get("DATABASE_URL_PG", "postgresql://postgres@127.0.0.1:5432/test")
CLI_JSON_KEYS = {
    "status", "message", "objective", "objective_value_t", "best_bound_t", "mip_gap", "selected",
    "total_cost_sek", "municipal_cost_sek", "grant_sek", "abatement_t_per_year", "sek_per_t",
    "municipal_sek_per_t", "budget", "rules", "conflicts", "violations", "solver", "timings",
    "abatement_t", "pool_sek", "funding", "spend_plan", "pathway", "cost_objective_sek", "cost_bound_sek",
    "net_present_cost_sek", "equivalent_annual_cost_sek", "opex_sek_per_year", "payback_years",
    "lifecycle_sek_per_t", "discount_rate", "budget_basis", "min_fraction", "net_benefit_sek",
    "net_benefit_bound_sek", "interactions",
}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


def equity_scenario(**changes: Any) -> dict[str, Any]:
    """The example equity scenario as the API stores it (time limit applied)."""
    return {**EQUITY, "time_limit_s": 30.0, **changes}


def hard_knapsack(n: int = 400, years: int = 5, seed: int = 7) -> tuple[bytes, dict[str, int]]:
    """A Chu-Beasley-like multidimensional knapsack (one dimension per budget year) as a CSV project list.

    Correlated values and budgets at a quarter of the total: HiGHS cannot prove it optimal in a few
    seconds, so a solve with mip_gap 0 runs until its time limit."""
    rng = random.Random(seed)
    columns = [f"cost_sek_{2026 + j}" for j in range(years)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "name", "sector", "abatement_t_per_year", "lifetime_years", *columns])
    totals = [0] * years
    for i in range(n):
        weights = [rng.randint(1, 1000) for _ in range(years)]
        totals = [t + w for t, w in zip(totals, weights, strict=True)]
        value = sum(weights) / years + 500 * rng.random()
        costs = (w * 1000 for w in weights)
        writer.writerow([f"K{i:03d}", f"measure {i}", "energy", f"{value:.3f}", 1, *costs])
    budget = {str(2026 + j): total * 1000 // 4 for j, total in enumerate(totals)}
    return out.getvalue().encode(), budget


# --------------------------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------------------------


@dataclass
class Db:
    kind: str
    url: str
    engine: Engine
    org_id: str = ""
    key_id: str = ""
    list_id: str = ""

    def __post_init__(self) -> None:
        self.factory = session_factory(self.engine)

    def settings(self, **values: Any) -> Settings:
        return Settings(_env_file=None, database_url=self.url, **values)

    def seed(self) -> None:
        with transaction(self.factory) as session:
            org = Organisation(name=f"Kristinehamns kommun {uuid.uuid4().hex[:6]}")
            session.add(org)
            session.flush()
            key = ApiKey(
                organisation_id=org.id, role="editor", key_sha256=uuid.uuid4().hex * 2, prefix="kp_test"
            )
            session.add(key)
            session.flush()
            self.org_id, self.key_id = org.id, key.id
        self.list_id = self.add_list(EXAMPLE_LIST.read_bytes(), name="kristinehamn_projects.csv")

    def add_list(self, content: bytes, *, name: str, file_type: str = ".csv") -> str:
        with transaction(self.factory) as session:
            record = ProjectListRecord(
                organisation_id=self.org_id,
                name=name,
                version=1,
                file_type=file_type,
                content=content,
                content_sha256=hashlib.sha256(content).hexdigest(),
                project_count=content.count(b"\n"),
                created_by=self.key_id,
            )
            session.add(record)
            session.flush()
            return record.id

    def add_run(self, scenario: dict[str, Any], *, list_id: str | None = None, **values: Any) -> str:
        with transaction(self.factory) as session:
            run = Run(
                organisation_id=self.org_id,
                project_list_id=list_id or self.list_id,
                scenario=scenario,
                input_sha256="0" * 64,
                submitted_by=self.key_id,
                **values,
            )
            session.add(run)
            session.flush()
            return run.id

    def get(self, run_id: str) -> Run:
        with self.factory() as session:
            return session.get(Run, run_id)

    def set(self, run_id: str, **values: Any) -> None:
        with transaction(self.factory) as session:
            session.execute(update(Run).where(Run.id == run_id).values(**values))


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this module, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({str(error).strip().splitlines()[0]})")
    name = f"klimat_worker_{uuid.uuid4().hex[:10]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        engine = make_engine(url)
        try:
            migrate(engine)
            engine.dispose()
            yield url
        finally:
            engine.dispose()
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _sqlite_db(tmp_path: Path) -> Db:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    engine = make_engine(url)
    migrate(engine)
    return Db("sqlite", url, engine)


def _pg_db(url: str) -> Db:
    engine = make_engine(url)
    with engine.begin() as connection:  # each test starts from an empty queue
        for table in ("idempotency_keys", "runs", "project_lists", "api_keys", "organisations"):
            connection.execute(text(f"DELETE FROM {table}"))
    return Db("postgresql", url, engine)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Db]:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        database = _sqlite_db(tmp_path)
    else:
        database = _pg_db(request.getfixturevalue("pg_url"))
    database.seed()
    yield database
    database.engine.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Db]:
    database = _sqlite_db(tmp_path)
    database.seed()
    yield database
    database.engine.dispose()


# --------------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------------


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _living_processes() -> dict[int, int]:
    """pid -> parent pid of every process that is not a zombie (Linux /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    return parents


def descendants(pid: int) -> set[int]:
    parents = _living_processes()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _with_grandchild(pid: int) -> set[int]:
    """The descendants of `pid` once one of them is a grandchild (the solve process, under a forkserver)."""
    parents = _living_processes()
    family = descendants(pid)
    return family if any(parents.get(p) in family for p in family) else set()


def alive(pids: set[int]) -> set[int]:
    return pids & set(_living_processes())


def solve_children() -> list[multiprocessing.Process]:
    return [p for p in multiprocessing.active_children() if p.name.startswith("solve-")]


def _ignores_time_limit(conn: Any, payload: dict[str, Any]) -> None:
    """A solve process that starts solving and never returns: an optimiser that ignores its time limit."""
    conn.send((MSG_SOLVING,))
    time.sleep(600)


def _dies(conn: Any, payload: dict[str, Any]) -> None:
    """A solve process that dies without a word (as if the optimiser crashed the interpreter)."""
    os._exit(3)


class JobThread(threading.Thread):
    """run_job of a claimed run in a thread of the test process (its solve process is our child)."""

    def __init__(self, db: Db, settings: Settings, run_id: str, worker_id: str, **options: Any) -> None:
        super().__init__(daemon=True)
        self.args = (settings, run_id, worker_id)
        self.options = {"factory": db.factory, **options}
        self.outcome: str | None = None

    def run(self) -> None:
        self.outcome = run_job(*self.args, **self.options)


def start_slow_job(db: Db, *, lease_s: float, time_limit_s: float, **options: Any) -> tuple[str, JobThread]:
    content, budget = hard_knapsack()
    run_id = db.add_run(
        {"budget_sek": budget, "time_limit_s": time_limit_s, "mip_gap": 0},
        list_id=db.add_list(content, name="knapsack.csv"),
    )
    settings = db.settings(lease_s=lease_s)
    assert claim_next(db.factory, "test-worker", lease_s) == run_id
    job = JobThread(db, settings, run_id, "test-worker", **options)
    job.start()
    wait_for(solve_children, 20, "the solve process")
    return run_id, job


# --------------------------------------------------------------------------------------------
# Claiming
# --------------------------------------------------------------------------------------------


def test_claim_takes_oldest_queued_run_and_sets_the_lease(db: Db) -> None:
    first = db.add_run(equity_scenario(), created_at=datetime.now(UTC) - timedelta(minutes=5))
    second = db.add_run(equity_scenario())
    before = datetime.now(UTC)

    assert claim_next(db.factory, "w1", 30) == first
    run = db.get(first)
    assert (run.state, run.lease_owner, run.attempts) == ("running", "w1", 1)
    expires = run.lease_expires_at.replace(tzinfo=run.lease_expires_at.tzinfo or UTC)
    assert before + timedelta(seconds=29) < expires < datetime.now(UTC) + timedelta(seconds=31)
    assert run.started_at is not None
    assert claim_next(db.factory, "w2", 30) == second
    assert claim_next(db.factory, "w3", 30) is None  # both leases are alive


def test_expired_lease_is_reclaimed_cancel_requests_and_dying_runs_are_ended(db: Db) -> None:
    past = datetime.now(UTC) - timedelta(seconds=10)
    started = datetime.now(UTC) - timedelta(minutes=1)
    future = datetime.now(UTC) + timedelta(minutes=1)
    dead = {"state": "running", "lease_owner": "dead", "lease_expires_at": past}
    abandoned = db.add_run(equity_scenario(), attempts=1, started_at=started, **dead)
    alive_run = db.add_run(equity_scenario(), state="running", lease_owner="alive", lease_expires_at=future)
    canceled = db.add_run(equity_scenario(), cancel_requested=True)
    hopeless = db.add_run(equity_scenario(), attempts=MAX_ATTEMPTS, **dead)

    assert claim_next(db.factory, "w2", 30) == abandoned
    run = db.get(abandoned)
    assert (run.state, run.lease_owner, run.attempts) == ("running", "w2", 2)
    assert run.started_at.replace(tzinfo=None) == started.replace(tzinfo=None)  # the first start is kept
    assert db.get(alive_run).lease_owner == "alive"
    assert (db.get(canceled).state, db.get(canceled).attempts) == ("canceled", 0)
    assert db.get(hopeless).state == "failed" and "not started again" in db.get(hopeless).error
    assert claim_next(db.factory, "w3", 30) is None


def _claim_concurrently(db: Db, threads: int, until_empty: bool) -> list[list[str]]:
    barrier = threading.Barrier(threads)
    claimed: list[list[str]] = [[] for _ in range(threads)]
    errors: list[BaseException] = []

    def claim(number: int) -> None:
        try:
            barrier.wait()
            while (run_id := claim_next(db.factory, f"w{number}", 30)) is not None:
                claimed[number].append(run_id)
                if not until_empty:
                    return
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    workers = [threading.Thread(target=claim, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert not errors, errors
    return claimed


def test_concurrent_workers_never_claim_the_same_run(db: Db) -> None:
    only = db.add_run(equity_scenario())
    claimed = _claim_concurrently(db, 6, until_empty=False)
    assert sorted(run for runs in claimed for run in runs) == [only]  # exactly one of six simultaneous claims wins

    runs = {db.add_run(equity_scenario()) for _ in range(24)}
    claimed = _claim_concurrently(db, 4, until_empty=True)
    everything = [run for worker_runs in claimed for run in worker_runs]
    assert sorted(everything) == sorted(runs)  # every run claimed exactly once
    assert all(db.get(run_id).attempts == 1 for run_id in runs)


# --------------------------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------------------------


def test_queued_run_is_solved_like_the_optimiser_does(db: Db) -> None:
    run_id = db.add_run(equity_scenario())
    settings = db.settings()

    assert run_worker(settings, worker_id="w-test", once=True) == 1
    assert run_worker(settings, worker_id="w-test", once=True) == 0  # nothing left

    run = db.get(run_id)
    assert run.state == "succeeded", run.error
    assert (run.attempts, run.lease_owner, run.lease_expires_at, run.error) == (1, "w-test", None, None)
    assert run.finished_at >= run.started_at
    expected = solve(read_projects(EXAMPLE_LIST), read_scenario(equity_scenario()))
    assert set(run.result) == CLI_JSON_KEYS == set(expected.model_dump(mode="json"))
    assert run.result["status"] == expected.status == "optimal"
    assert run.result["objective_value_t"] == pytest.approx(expected.objective_value_t, rel=1e-9)
    assert {s["id"] for s in run.result["selected"]} == {s.id for s in expected.selected}
    assert (run.solver, run.solver_version) == (expected.solver.name, expected.solver.version)


def test_infeasible_scenario_is_a_successful_run(sqlite_db: Db) -> None:
    impossible = {
        "name": "transport minst 60 000 t",
        "where": {"sector": ["transport"]},
        "measure": "abatement",
        "min": 60_000,
    }
    run_id = sqlite_db.add_run(equity_scenario(constraints=[*EQUITY["constraints"], impossible]))

    assert run_worker(sqlite_db.settings(), once=True) == 1
    run = sqlite_db.get(run_id)
    assert run.state == "succeeded"
    assert run.result["status"] == "infeasible"
    assert any("transport minst 60 000 t" in c["message"] for c in run.result["conflicts"])


def test_invalid_project_list_fails_with_the_located_problem(sqlite_db: Db) -> None:
    bad = EXAMPLE_LIST.read_bytes().replace(b",9500000,2026,", b",12 000 EUR,2026,", 1)
    run_id = sqlite_db.add_run(equity_scenario(), list_id=sqlite_db.add_list(bad, name="bad.csv"))

    assert run_worker(sqlite_db.settings(), once=True) == 1
    run = sqlite_db.get(run_id)
    assert (run.state, run.result) == ("failed", None)
    assert "row 2, column cost_sek: '12 000 EUR' is not a number" in run.error
    assert "bad.csv" in run.error


# --------------------------------------------------------------------------------------------
# Long solves: lease, cancel, overrun, lost lease, a worker killed with SIGKILL
# --------------------------------------------------------------------------------------------


def test_lease_is_renewed_during_a_long_solve_and_stop_puts_the_run_back(sqlite_db: Db) -> None:
    stop = threading.Event()
    run_id, job = start_slow_job(sqlite_db, lease_s=1.5, time_limit_s=20, stop=stop.is_set)
    [child] = solve_children()
    seen = []
    for _ in range(4):
        time.sleep(0.8)
        run = sqlite_db.get(run_id)
        assert run.state == "running"
        seen.append(run.lease_expires_at)
    assert seen == sorted(seen) and seen[-1] - seen[0] >= timedelta(seconds=1.5)  # renewed, never let lapse
    assert claim_next(sqlite_db.factory, "thief", 1.5) is None

    stop.set()
    job.join(10)
    assert job.outcome == "queued"
    run = sqlite_db.get(run_id)
    assert (run.state, run.lease_owner, run.attempts, run.result) == ("queued", None, 0, None)
    assert not child.is_alive()


def test_cancel_of_a_running_job_kills_its_solve_process(sqlite_db: Db) -> None:
    run_id, job = start_slow_job(sqlite_db, lease_s=3, time_limit_s=20)
    [child] = solve_children()
    time.sleep(0.5)

    sqlite_db.set(run_id, cancel_requested=True)
    requested = time.monotonic()
    job.join(10)
    assert job.outcome == "canceled"
    assert time.monotonic() - requested < 3
    run = sqlite_db.get(run_id)
    assert (run.state, run.result, run.lease_expires_at) == ("canceled", None, None)
    assert run.finished_at is not None
    assert not child.is_alive() and not alive({child.pid})


def test_a_solve_that_overruns_its_time_limit_is_killed_and_failed(sqlite_db: Db) -> None:
    run_id = sqlite_db.add_run(equity_scenario(time_limit_s=1.0))
    assert claim_next(sqlite_db.factory, "w", 30) == run_id
    started = time.monotonic()
    settings = sqlite_db.settings()
    job = JobThread(sqlite_db, settings, run_id, "w", margin_s=0.5, child_target=_ignores_time_limit)
    job.start()
    [child] = wait_for(solve_children, 20, "the solve process")
    job.join(20)

    assert job.outcome == "failed"
    assert 1.5 <= time.monotonic() - started < 10
    run = sqlite_db.get(run_id)
    assert run.state == "failed" and run.error.startswith(OVERRUN_ERROR)
    assert not child.is_alive()


def test_a_solve_process_that_dies_fails_the_run(sqlite_db: Db) -> None:
    run_id = sqlite_db.add_run(equity_scenario())
    assert claim_next(sqlite_db.factory, "w", 30) == run_id
    job = JobThread(sqlite_db, sqlite_db.settings(), run_id, "w", child_target=_dies)
    job.start()
    job.join(20)

    assert job.outcome == "failed"
    run = sqlite_db.get(run_id)
    assert (run.state, run.error) == ("failed", "the solver process exited with code 3")


def test_a_worker_that_lost_its_lease_writes_nothing(sqlite_db: Db) -> None:
    run_id, job = start_slow_job(sqlite_db, lease_s=1.5, time_limit_s=20)
    [child] = solve_children()
    later = datetime.now(UTC) + timedelta(minutes=5)
    sqlite_db.set(run_id, lease_owner="other-worker", lease_expires_at=later, attempts=2)

    job.join(10)
    assert job.outcome == "lost"
    run = sqlite_db.get(run_id)
    assert (run.state, run.lease_owner, run.result) == ("running", "other-worker", None)
    assert run.finished_at is None
    assert not child.is_alive()


def test_a_worker_killed_mid_solve_is_replaced_and_its_run_completed(db: Db) -> None:
    content, budget = hard_knapsack()
    scenario = {"budget_sek": budget, "time_limit_s": 8.0, "mip_gap": 0}
    run_id = db.add_run(scenario, list_id=db.add_list(content, name="knapsack.csv"))
    settings = db.settings(lease_s=2.0)
    processes: list[multiprocessing.Process] = []
    leftovers: set[int] = set()
    try:
        [first] = start_workers(settings, 1)
        processes.append(first)
        wait_for(lambda: db.get(run_id).state == "running", 30, "the first worker to claim the run")
        # the worker's descendants: its solve process (under a forkserver) and helpers
        family = wait_for(lambda: _with_grandchild(first.pid), 30, "the solve process")
        leftovers |= family
        time.sleep(1.0)  # in the middle of the solve
        owner = db.get(run_id).lease_owner

        os.kill(first.pid, signal.SIGKILL)
        first.join(10)
        assert first.exitcode == -signal.SIGKILL
        # the solve process notices its worker is gone and kills itself (long before its 8 s are up)
        wait_for(lambda: not alive(family), 3, "the dead worker's processes to end")
        run = db.get(run_id)
        assert (run.state, run.lease_owner, run.attempts) == ("running", owner, 1)

        [second] = start_workers(settings, 1)
        processes.append(second)
        wait_for(lambda: db.get(run_id).state not in ("queued", "running"), 60, "the reclaimed run to finish")
        leftovers |= descendants(second.pid)
        run = db.get(run_id)
        assert run.state == "succeeded", run.error
        assert run.attempts == 2 and run.lease_owner not in (None, owner)
        assert run.result["status"] in ("optimal", "feasible")
        assert run.result["solver"]["time_limit_s"] == 8.0

        second.terminate()  # SIGTERM: a clean stop
        second.join(15)
        assert second.exitcode == 0
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join(5)
        for pid in alive(leftovers):
            os.kill(pid, signal.SIGKILL)
