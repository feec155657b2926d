"""Runs: submit, validate the scenario against the list, wait, the real worker, cancel, limits."""

from __future__ import annotations

import threading
import time
import tomllib

import pytest
from conftest import EXAMPLES, SCENARIO, Org, make_settings, process_queue, submit_run, upload_list
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from api.db import Run
from api.main import create_app
from api.settings import Settings


def test_run_is_queued_then_solved_by_the_worker(client: TestClient, org: Org, settings: Settings) -> None:
    listed = upload_list(client, org)
    response = client.post(
        "/v1/runs",
        headers=org.headers("editor"),
        json={"project_list_id": listed["id"], "scenario": SCENARIO},
    )
    assert response.status_code == 202
    run = response.json()
    assert response.headers["location"] == f"/v1/runs/{run['id']}"
    assert run["state"] == "queued" and run["result"] is None and run["submitted_by"] == org.key_ids["editor"]
    assert run["scenario"]["time_limit_s"] == 10 and len(run["input_sha256"]) == 64
    assert process_queue(settings) == 1
    done = client.get(f"/v1/runs/{run['id']}", headers=org.headers("viewer")).json()
    assert done["state"] == "succeeded", done
    assert done["result"]["status"] == "optimal"
    assert {s["id"] for s in done["result"]["selected"]} == {"A", "B"}
    assert done["solver"] == "highs" and done["solver_version"]
    assert done["started_at"] <= done["finished_at"]


def test_wait_returns_the_finished_run(client: TestClient, org: Org, settings: Settings) -> None:
    listed = upload_list(client, org)
    stop = threading.Event()
    from api.jobs.worker import run_worker

    worker = threading.Thread(target=run_worker, args=(settings,), kwargs={"stop": stop, "poll_s": 0.05})
    worker.start()
    try:
        response = client.post(
            "/v1/runs",
            headers=org.headers("editor"),
            params={"wait": 30},
            json={"project_list_id": listed["id"], "scenario": SCENARIO},
        )
    finally:
        stop.set()
        worker.join(30)
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "succeeded" and response.json()["result"]["status"] == "optimal"
    assert response.headers["location"] == f"/v1/runs/{response.json()['id']}"


def test_wait_times_out_with_202(client: TestClient, org: Org) -> None:
    listed = upload_list(client, org)
    started = time.monotonic()
    run = submit_run(client, org, listed["id"], wait=0.3)
    assert run["state"] == "queued" and time.monotonic() - started < 5


def test_equity_scenario_on_the_example(client: TestClient, org: Org, settings: Settings) -> None:
    data = (EXAMPLES / "kristinehamn_projects.csv").read_bytes()
    created = client.post(
        "/v1/project-lists", headers=org.headers("editor"), files={"file": ("k.csv", data)}
    ).json()
    with open(EXAMPLES / "scenario_equity.toml", "rb") as file:
        scenario = tomllib.load(file)
    run = submit_run(client, org, created["id"], scenario)
    process_queue(settings)
    done = client.get(f"/v1/runs/{run['id']}", headers=org.headers("viewer")).json()
    assert done["state"] == "succeeded" and done["result"]["status"] in ("optimal", "feasible")
    assert {r["name"] for r in done["result"]["rules"]} >= {"minst 40 % till prioriterade områden"}


def test_time_limit_default_and_cap(database_url: str, org: Org) -> None:
    settings = make_settings(database_url, default_time_limit_s=7, max_time_limit_s=20)
    with TestClient(create_app(settings)) as client:
        listed = upload_list(client, org)
        no_limit = {k: v for k, v in SCENARIO.items() if k != "time_limit_s"}
        assert submit_run(client, org, listed["id"], no_limit)["scenario"]["time_limit_s"] == 7
        assert (
            submit_run(client, org, listed["id"], {**SCENARIO, "time_limit_s": 999})["scenario"][
                "time_limit_s"
            ]
            == 20
        )


def test_scenario_problems_are_located(client: TestClient, org: Org) -> None:
    listed = upload_list(client, org)
    bad = {"budget_sek": {"20x6": 5}, "objective": "most", "constraints": [{"name": "r", "measure": "cost"}]}
    response = client.post(
        "/v1/runs", headers=org.headers("editor"), json={"project_list_id": listed["id"], "scenario": bad}
    )
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    messages = [e["message"] for e in response.json()["errors"]]
    assert any(m.startswith("budget_sek") for m in messages)
    assert any(m.startswith("objective") for m in messages)
    assert any(m.startswith("constraints[0]") for m in messages)


def test_scenario_must_fit_the_list(client: TestClient, org: Org) -> None:
    listed = upload_list(client, org)
    scenario = {
        "budget_sek": {"2026": 100},
        "include": ["Z"],
        "constraints": [{"name": "r", "where": {"färg": ["röd"]}, "measure": "cost", "max_share": 0.5}],
    }
    response = client.post(
        "/v1/runs",
        headers=org.headers("editor"),
        json={"project_list_id": listed["id"], "scenario": scenario},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "unknown project id 'Z'" in errors[0]["message"]
    assert any("unknown column 'färg'" in e["message"] for e in errors)
    assert {"row": 3, "column": "year", "message": "2027 is outside the budget years 2026"} in errors


def test_unknown_list_is_404(client: TestClient, org: Org) -> None:
    response = client.post(
        "/v1/runs", headers=org.headers("editor"), json={"project_list_id": "nope", "scenario": SCENARIO}
    )
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"


def test_runs_in_flight_limit(database_url: str, org: Org, other_org: Org) -> None:
    with TestClient(create_app(make_settings(database_url, max_runs_in_flight=2))) as client:
        listed = upload_list(client, org)
        first = submit_run(client, org, listed["id"])
        submit_run(client, org, listed["id"])
        response = client.post(
            "/v1/runs",
            headers=org.headers("editor"),
            json={"project_list_id": listed["id"], "scenario": SCENARIO},
        )
        assert response.status_code == 429 and int(response.headers["retry-after"]) > 0
        assert response.headers["content-type"] == "application/problem+json"
        # other organisations are not held up, and a finished run frees a place
        submit_run(client, other_org, upload_list(client, other_org)["id"])
        assert client.delete(f"/v1/runs/{first['id']}", headers=org.headers("editor")).status_code == 200
        submit_run(client, org, listed["id"])


def test_cancel(client: TestClient, org: Org, engine: Engine, settings: Settings) -> None:
    listed = upload_list(client, org)
    queued = submit_run(client, org, listed["id"])
    response = client.delete(f"/v1/runs/{queued['id']}", headers=org.headers("editor"))
    assert response.status_code == 200 and response.json()["state"] == "canceled"
    assert response.json()["finished_at"] is not None
    again = client.delete(f"/v1/runs/{queued['id']}", headers=org.headers("editor"))
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"

    running = submit_run(client, org, listed["id"])
    with engine.begin() as connection:  # as a worker would have claimed it
        connection.execute(update(Run).where(Run.id == running["id"]).values(state="running"))
    response = client.delete(f"/v1/runs/{running['id']}", headers=org.headers("editor"))
    assert response.status_code == 202
    assert response.json()["state"] == "running" and response.json()["cancel_requested"] is True

    finished = submit_run(client, org, listed["id"])
    with engine.begin() as connection:
        connection.execute(update(Run).where(Run.id == running["id"]).values(state="canceled"))
    process_queue(settings)
    response = client.delete(f"/v1/runs/{finished['id']}", headers=org.headers("editor"))
    assert response.status_code == 409 and "succeeded" in response.json()["detail"]


def test_list_runs(client: TestClient, org: Org) -> None:
    listed = upload_list(client, org)
    ids = [submit_run(client, org, listed["id"])["id"] for _ in range(3)]
    client.delete(f"/v1/runs/{ids[0]}", headers=org.headers("editor"))
    page = client.get("/v1/runs", headers=org.headers("viewer"), params={"limit": 2}).json()
    assert page["total"] == 3 and [r["id"] for r in page["items"]] == ids[::-1][:2]
    canceled = client.get("/v1/runs", headers=org.headers("viewer"), params={"state": "canceled"}).json()
    assert [r["id"] for r in canceled["items"]] == [ids[0]]


def test_a_stored_run_is_an_audit_record_that_reproduces_its_portfolio(
    client: TestClient, org: Org, settings: Settings, engine: Engine
) -> None:
    """Who, when, the SHA-256 of the exact inputs, the scenario and the solver are stored; solving the
    stored inputs again gives the same portfolio."""
    import hashlib

    from sqlalchemy.orm import Session

    from api.db import ProjectListRecord
    from api.idempotency import canonical_json
    from optimizer import read_scenario, solve
    from optimizer.io.readers import read_projects_bytes

    listed = upload_list(client, org)
    run = submit_run(client, org, listed["id"])
    assert process_queue(settings) == 1
    done = client.get(f"/v1/runs/{run['id']}", headers=org.headers("viewer")).json()
    assert done["state"] == "succeeded"
    assert done["submitted_by"] == org.key_ids["editor"] and done["created_at"]

    with Session(engine) as session:
        stored = session.get(Run, run["id"])
        record = session.get(ProjectListRecord, stored.project_list_id)
        content, file_type, scenario = record.content, record.file_type, stored.scenario
    assert done["input_sha256"] == hashlib.sha256(content + canonical_json(scenario)).hexdigest()
    again = solve(read_projects_bytes(content, file_type=file_type, source_name="audit"), read_scenario(scenario))
    assert again.objective_value_t == done["result"]["objective_value_t"]
    assert [(s.id, s.fraction) for s in again.selected] == [
        (s["id"], s["fraction"]) for s in done["result"]["selected"]
    ]
    assert (done["solver"], done["solver_version"]) == (again.solver.name, again.solver.version)


SLIVERS = [  # lifetime 1 year: tonnes are the yearly reduction
    {
        "id": "A",
        "name": "Alfa",
        "sector": "energy",
        "cost_sek": 60,
        "abatement_t_per_year": 10,
        "lifetime_years": 1,
    },
    {
        "id": "B",
        "name": "Beta",
        "sector": "energy",
        "cost_sek": 100,
        "abatement_t_per_year": 8,
        "lifetime_years": 1,
        "divisible": True,
    },
    {
        "id": "C",
        "name": "Gamma",
        "sector": "energy",
        "cost_sek": 40,
        "abatement_t_per_year": 3.3,
        "lifetime_years": 1,
    },
]


def test_a_run_with_min_fraction_funds_no_slivers(client: TestClient, org: Org, settings: Settings) -> None:
    """Without a minimum A, C and 10 % of B are best (14.1 t); with min_fraction 0.25, A and half of B (14 t)."""
    listed = upload_list(client, org, projects=SLIVERS)
    runs = {
        minimum: submit_run(
            client, org, listed["id"], {"budget_sek": 110, "mip_gap": 0, "min_fraction": minimum}
        )
        for minimum in (None, 0.25)
    }
    assert runs[0.25]["scenario"]["min_fraction"] == 0.25
    assert process_queue(settings) == 2
    done = {
        m: client.get(f"/v1/runs/{r['id']}", headers=org.headers("viewer")).json() for m, r in runs.items()
    }
    assert all(d["state"] == "succeeded" and d["result"]["status"] == "optimal" for d in done.values())
    free, limited = done[None]["result"], done[0.25]["result"]
    assert free["objective_value_t"] == pytest.approx(14.1) and free["min_fraction"] is None
    assert {s["id"]: s["fraction"] for s in free["selected"]}["B"] == pytest.approx(0.1)
    assert limited["objective_value_t"] == pytest.approx(14.0) and limited["min_fraction"] == 0.25
    divisible = {p["id"] for p in SLIVERS if p.get("divisible")}
    fractions = {s["id"]: s["fraction"] for s in limited["selected"]}
    assert fractions == pytest.approx({"A": 1.0, "B": 0.5})
    assert all(f == 0 or f >= 0.25 - 1e-6 for pid, f in fractions.items() if pid in divisible)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "min_fraction: Input should be greater than 0"),
        (1.5, "min_fraction: Input should be less than or equal to 1"),
        ("x", "min_fraction: Input should be a valid number, unable to parse string as a number"),
    ],
)
def test_a_bad_min_fraction_is_a_located_422(
    client: TestClient, org: Org, value: object, message: str
) -> None:
    listed = upload_list(client, org, projects=SLIVERS)
    response = client.post(
        "/v1/runs",
        headers=org.headers("editor"),
        json={"project_list_id": listed["id"], "scenario": {"budget_sek": 110, "min_fraction": value}},
    )
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert [e["message"] for e in response.json()["errors"]] == [message]
