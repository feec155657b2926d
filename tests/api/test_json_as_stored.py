"""The typed response schemas send what is stored as it is stored: a run's scenario and result, each
part of its analysis (an uncertainty study with its robust portfolio included) and an adopted plan's
parts come back with the same keys in the same order and the same numbers, an integer still an integer
and a float a float."""

from __future__ import annotations

import json
from typing import Any

from conftest import PROJECTS, Org, make_settings, process_queue, upload_list
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from api.main import create_app

RANGED = [{**PROJECTS[0], "cost_low_sek": 100, "cost_high_sek": 200, "health": 3}, *PROJECTS[1:]]
SCENARIO = {
    "budget_sek": {"2026": 300, "2027": 100},
    "time_limit_s": 30,
    "constraints": [{"name": "energi", "where": {"sector": "energy"}, "measure": "cost", "max_share": 0.9}],
    "uncertainty": {"distribution": "uniform"},
}


def exact(raw: str | bytes) -> Any:
    """JSON with its key order and the kind of every number kept: objects as lists of pairs, numbers
    tagged int or float."""
    return json.loads(
        raw,
        object_pairs_hook=list,
        parse_int=lambda s: ("int", int(s)),
        parse_float=lambda s: ("float", float(s)),
    )


def value_of(pairs: list[tuple[str, Any]], key: str) -> Any:
    return dict(pairs)[key]


def stored(engine: Engine, table: str, column: str, row_id: str) -> Any:
    with engine.connect() as connection:
        raw = connection.execute(
            text(f"SELECT CAST({column} AS TEXT) FROM {table} WHERE id = :id"), {"id": row_id}
        ).scalar_one()
    return exact(raw)


def test_a_run_and_its_plan_are_sent_as_stored(engine: Engine, database_url: str, org: Org) -> None:
    settings = make_settings(database_url, sweep_executor="serial")
    with TestClient(create_app(settings)) as client:
        listed = upload_list(client, org, projects=RANGED)
        body = {
            "project_list_id": listed["id"],
            "scenario": SCENARIO,
            "explain": True,
            "frontier_budgets_sek": [200, 400],
            "uncertainty": {"draws": 20, "seed": 1, "robust": True},
        }
        submitted = client.post("/v1/runs", headers=org.headers("editor"), json=body)
        assert submitted.status_code == 202, submitted.text
        run_id = submitted.json()["id"]
        assert process_queue(settings) == 1
        response = client.get(f"/v1/runs/{run_id}", headers=org.headers("viewer"))
        assert response.status_code == 200 and response.json()["state"] == "succeeded", response.text
        run = exact(response.content)
        for column in ("scenario", "result"):
            assert value_of(run, column) == stored(engine, "runs", column, run_id), column
        # the analysis is sent in the order of its schema (RunAnalysis), each part as stored
        analysis = dict(value_of(run, "analysis"))
        assert analysis == dict(stored(engine, "runs", "analysis", run_id))
        assert analysis["uncertainty"] is not None and dict(analysis["uncertainty"])["robust"] is not None

        adopted = client.post(f"/v1/runs/{run_id}/adopt", headers=org.headers("editor"))
        assert adopted.status_code == 201, adopted.text
        plan_id = adopted.json()["id"]
        plan = dict(exact(client.get(f"/v1/plans/{plan_id}", headers=org.headers("viewer")).content))
        content = dict(stored(engine, "plans", "content", plan_id))
        result = dict(content["result"])
        assert plan["scenario"] == content["scenario"]
        for key in ("selected", "spend_plan", "budget"):
            assert plan[key] == result[key], key
