"""A run's states: the strings of the API and of the `runs.state` column, and every state the queue
writes read back as the `RunState` it wrote, on SQLite and on PostgreSQL, and shown by the API as its
string."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from conftest import SCENARIO, Org
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import StatementError

from api.db import ProjectListRecord, Run, session_factory, transaction
from api.jobs import queue
from api.jobs.queue import MAX_ATTEMPTS, Factory, Lease, claim_next
from api.jobs.states import ACTIVE, FINISHED, RunState
from api.main import create_app
from api.schemas import RunOut, RunSummary

WORKER = "states-test"


def test_the_states_are_the_strings_of_the_api() -> None:
    assert [state.value for state in RunState] == ["queued", "running", "succeeded", "failed", "canceled"]
    assert all(isinstance(state, str) and str(state) == state.value for state in RunState)
    assert f"{RunState.CANCELED}" == "canceled"
    assert set(ACTIVE) | set(FINISHED) == set(RunState) and not set(ACTIVE) & set(FINISHED)
    assert [state for state in RunState if state.finished] == list(FINISHED)


def test_the_schemas_show_the_states_as_they_were() -> None:
    schema = create_app().openapi()["components"]["schemas"]
    assert schema["RunState"]["enum"] == ["queued", "running", "succeeded", "failed", "canceled"]
    for model in (RunOut, RunSummary):
        assert model.model_fields["state"].annotation is RunState


# --------------------------------------------------------------------------------------------
# Through the database
# --------------------------------------------------------------------------------------------


def _add_list(factory: Factory, org: Org) -> str:
    content = (
        b"id,name,sector,cost_sek,year,abatement_t_per_year,lifetime_years\nA,Alfa,energy,100,2026,10,10\n"
    )
    with transaction(factory) as session:
        record = ProjectListRecord(
            organisation_id=org.id,
            name="states",
            version=1,
            file_type=".csv",
            content=content,
            content_sha256=hashlib.sha256(content).hexdigest(),
            project_count=1,
            created_by=org.key_ids["editor"],
        )
        session.add(record)
        session.flush()
        return record.id


def _add_run(factory: Factory, org: Org, list_id: str, **values: object) -> str:
    """A run as the ORM adds it: queued unless `values` say otherwise (the column's default)."""
    with transaction(factory) as session:
        run = Run(
            organisation_id=org.id,
            project_list_id=list_id,
            scenario=SCENARIO,
            input_sha256="0" * 64,
            submitted_by=org.key_ids["editor"],
            **values,
        )
        session.add(run)
        session.flush()
        return run.id


def _claim(factory: Factory, run_id: str) -> Lease:
    assert claim_next(factory, WORKER, 30) == run_id  # every other test's runs have ended
    return Lease(factory, run_id, WORKER, 30)


class States:
    """Reads a run's state back every way there is, and keeps which states were seen."""

    def __init__(self, engine: Engine, client: TestClient, org: Org) -> None:
        self.engine, self.client, self.org = engine, client, org
        self.factory = session_factory(engine)
        self.seen: set[RunState] = set()

    def check(self, run_id: str, expected: RunState) -> None:
        with self.factory() as session:
            state = session.get(Run, run_id).state
            by_enum = session.scalars(select(Run.id).where(Run.id == run_id, Run.state == expected)).all()
            by_text = session.scalars(
                select(Run.id).where(Run.id == run_id, Run.state.in_([expected.value]))
            ).all()
        with self.engine.connect() as connection:
            stored = connection.execute(
                text("SELECT state FROM runs WHERE id = :id"), {"id": run_id}
            ).scalar()
        assert state is expected  # read back as the member, not as a plain string
        assert type(stored) is str and stored == expected.value  # stored as its text
        assert by_enum == by_text == [run_id]  # found by the member and by its text
        got = self.client.get(f"/v1/runs/{run_id}", headers=self.org.headers("viewer"))
        assert got.status_code == 200, got.text
        assert got.json()["state"] == expected.value
        listed = self.client.get(
            "/v1/runs", params={"state": expected.value, "limit": 200}, headers=self.org.headers("viewer")
        )
        assert run_id in {item["id"] for item in listed.json()["items"]}
        self.seen.add(expected)


def test_every_state_the_queue_writes_round_trips_through_the_database(
    engine: Engine, client: TestClient, org: Org
) -> None:
    states = States(engine, client, org)
    factory = states.factory
    list_id = _add_list(factory, org)

    run_id = _add_run(factory, org, list_id)
    states.check(run_id, RunState.QUEUED)
    lease = _claim(factory, run_id)
    states.check(run_id, RunState.RUNNING)
    assert lease.release()  # the worker stops: back in the queue
    states.check(run_id, RunState.QUEUED)
    lease = _claim(factory, run_id)
    assert not lease.heartbeat(renew=True)
    states.check(run_id, RunState.RUNNING)
    for end in FINISHED:  # as the worker ends a run
        assert lease.finish(end)
        states.check(run_id, end)
        assert not lease.finish(RunState.SUCCEEDED) and not lease.release()  # no longer running: not its
        states.check(run_id, end)
        run_id = _add_run(factory, org, list_id)
        lease = _claim(factory, run_id)

    # as the web process cancels: a queued run at once, a running one by asking its worker
    with transaction(factory) as session:
        assert queue.cancel(session, run_id) is RunState.RUNNING
    states.check(run_id, RunState.RUNNING)
    assert lease.heartbeat(renew=False)  # the worker sees the request
    assert lease.finish(RunState.CANCELED)
    states.check(run_id, RunState.CANCELED)
    with transaction(factory) as session:
        assert queue.cancel(session, run_id) is None
    queued = _add_run(factory, org, list_id)
    with transaction(factory) as session:
        assert queue.cancel(session, queued) is RunState.CANCELED
    states.check(queued, RunState.CANCELED)

    # as the queue settles runs that must not start: a cancel request, a worker that keeps dying
    asked = _add_run(factory, org, list_id, cancel_requested=True)
    past = datetime.now(UTC) - timedelta(seconds=10)
    dead = {"state": RunState.RUNNING, "lease_owner": "dead", "lease_expires_at": past}
    hopeless = _add_run(factory, org, list_id, attempts=MAX_ATTEMPTS, **dead)
    states.check(hopeless, RunState.RUNNING)
    assert claim_next(factory, WORKER, 30) is None
    states.check(asked, RunState.CANCELED)
    states.check(hopeless, RunState.FAILED)

    assert states.seen == set(RunState)


def test_a_state_that_is_not_one_is_never_written(engine: Engine, org: Org) -> None:
    factory = session_factory(engine)
    run_id = _add_run(factory, org, _add_list(factory, org))
    with (
        pytest.raises(StatementError, match="'done' is not a valid RunState"),
        transaction(factory) as session,
    ):
        session.execute(update(Run).where(Run.id == run_id).values(state="done"))
    with factory() as session:
        assert session.get(Run, run_id).state is RunState.QUEUED
