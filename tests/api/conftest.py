"""The real app on a real database: every test runs on SQLite and on PostgreSQL.

PostgreSQL: a database `test_api_<random>` is made on the server of `DATABASE_URL_PG` (default
`postgresql://postgres@127.0.0.1:5432/test`) for the session and dropped after; if the server is not
reachable those tests are skipped. Each test gets organisations of its own, so tests share a database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text, update
from sqlalchemy.engine import make_url

from api.auth import create_api_key, create_organisation
from api.db import Run, make_engine, migrate, session_factory, transaction
from api.main import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PG_URL = os.environ.get("DATABASE_URL_PG", "postgresql://postgres@127.0.0.1:5432/test")

PROJECTS = [
    {
        "id": "A",
        "name": "Alfa",
        "sector": "transport",
        "district": "Norr",
        "cost_sek": 100,
        "year": 2026,
        "abatement_t_per_year": 10,
        "lifetime_years": 10,
    },
    {
        "id": "B",
        "name": "Beta",
        "sector": "energy",
        "district": "Syd",
        "cost_sek": 150,
        "year": 2026,
        "abatement_t_per_year": 12,
        "lifetime_years": 10,
    },
    {
        "id": "C",
        "name": "Gamma",
        "sector": "energy",
        "district": "Syd",
        "cost_sek": 120,
        "year": 2027,
        "abatement_t_per_year": 9,
        "lifetime_years": 10,
    },
]
SCENARIO = {"budget_sek": {"2026": 250, "2027": 100}, "time_limit_s": 10}


def _pg_engine(url: str) -> Engine:
    return create_engine(make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'api.db'}"
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield url
        return
    admin = _pg_engine(PG_URL)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001
        admin.dispose()
        pytest.skip(
            f"PostgreSQL not reachable at {make_url(PG_URL).render_as_string(hide_password=True)}: {error}"
        )
    name = f"test_api_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def make_settings(database_url: str, **overrides: object) -> Settings:
    values = {"database_url": database_url, "max_wait_s": 10.0, "workers": 0, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@dataclass
class Org:
    """An organisation of its own for one test, with a key of each role."""

    id: str
    name: str
    keys: dict[str, str] = field(default_factory=dict)
    key_ids: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str = "admin", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}", **extra}


def new_org(engine: Engine) -> Org:
    with transaction(session_factory(engine)) as session:
        organisation, _ = create_organisation(session, f"org-{uuid.uuid4().hex[:10]}")
        org = Org(organisation.id, organisation.name)
        for role in ("viewer", "editor", "admin"):
            record, plain = create_api_key(session, organisation.id, role)
            org.keys[role], org.key_ids[role] = plain, record.id
    return org


def _cancel_leftovers(engine: Engine, org: Org) -> None:
    """Runs a test left queued would otherwise be picked up by a later test's worker."""
    with engine.begin() as connection:
        connection.execute(
            update(Run)
            .where(Run.organisation_id == org.id, Run.state.in_(("queued", "running")))
            .values(state="canceled")
        )


@pytest.fixture
def org(engine: Engine) -> Iterator[Org]:
    made = new_org(engine)
    yield made
    _cancel_leftovers(engine, made)


@pytest.fixture
def other_org(engine: Engine) -> Iterator[Org]:
    made = new_org(engine)
    yield made
    _cancel_leftovers(engine, made)


def upload_list(client: TestClient, org: Org, name: str = "lista", projects: list | None = None) -> dict:
    response = client.post(
        "/v1/project-lists",
        headers=org.headers("editor"),
        json={"name": name, "projects": projects or PROJECTS},
    )
    assert response.status_code == 201, response.text
    return response.json()


def submit_run(
    client: TestClient, org: Org, list_id: str, scenario: dict | None = None, **params: object
) -> dict:
    response = client.post(
        "/v1/runs",
        headers=org.headers("editor"),
        params=params,
        json={"project_list_id": list_id, "scenario": scenario or SCENARIO},
    )
    assert response.status_code == 202, response.text
    return response.json()


def process_queue(settings: Settings) -> int:
    """Run queued runs with the real worker, in this process, until none is left."""
    from api.jobs.worker import run_worker

    done = 0
    while run_worker(settings, once=True, poll_s=0.05):
        done += 1
    return done
