"""The follow-up cycle over HTTP: adopt a run as the plan, record actuals (JSON and CSV), read the status,
re-plan the rest with the real worker and see the difference; every error path; the migration."""

from __future__ import annotations

import csv
import io
import json
import tomllib
import uuid
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    EXAMPLES,
    PG_URL,
    ROOT,
    SCENARIO,
    Org,
    _pg_engine,
    process_queue,
    submit_run,
    upload_list,
)
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.data import plain_json
from api.db import Plan, PlanActual, Run, make_engine
from api.settings import Settings
from models.plan import ActualEntry, Actuals, AdoptedPlan, ReplanBasis
from models.result import Result
from optimizer.planning.followup import plan_difference, plan_status

AS_OF = 2027


def _json(value: Any) -> Any:
    """As the API sends it."""
    return json.loads(json.dumps(plain_json(value)))


def _finished_run(client: TestClient, org: Org, settings: Settings, list_id: str, scenario: dict) -> dict:
    run = submit_run(client, org, list_id, scenario)
    process_queue(settings)
    done = client.get(f"/v1/runs/{run['id']}", headers=org.headers("viewer")).json()
    assert done["state"] == "succeeded", done
    return done


def _kristinehamn_run(client: TestClient, org: Org, settings: Settings) -> dict:
    data = (EXAMPLES / "kristinehamn_projects.csv").read_bytes()
    listed = client.post(
        "/v1/project-lists",
        headers=org.headers("editor"),
        files={"file": ("k.csv", data)},
        data={"name": "Kristinehamn"},
    )
    assert listed.status_code == 201, listed.text
    with open(EXAMPLES / "scenario_equity.toml", "rb") as file:
        scenario = {**tomllib.load(file), "time_limit_s": 10}
    run = _finished_run(client, org, settings, listed.json()["id"], scenario)
    assert run["result"]["status"] in ("optimal", "feasible") and run["plan_id"] is None
    return run


def _adopt(client: TestClient, org: Org, run_id: str) -> dict:
    response = client.post(f"/v1/runs/{run_id}/adopt", headers=org.headers("editor"))
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/v1/plans/{response.json()['id']}"
    return response.json()


def _small_plan(client: TestClient, org: Org, settings: Settings) -> tuple[dict, dict]:
    run = _finished_run(client, org, settings, upload_list(client, org)["id"], SCENARIO)
    return run, _adopt(client, org, run["id"])


def _stored_plan(engine: Engine, plan_id: str) -> AdoptedPlan:
    with Session(engine) as session:
        return AdoptedPlan.model_validate(session.get(Plan, plan_id).content)


def _problem(response: Any, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


# --------------------------------------------------------------------------------------------
# The whole cycle
# --------------------------------------------------------------------------------------------


def test_adopt_record_status_replan_difference(
    client: TestClient, org: Org, settings: Settings, engine: Engine
) -> None:
    run = _kristinehamn_run(client, org, settings)
    result = run["result"]

    # adopt
    plan = _adopt(client, org, run["id"])
    assert plan["run_id"] == run["id"] and plan["adopted_by"] == org.key_ids["editor"]
    assert plan["project_count"] == len(result["selected"]) and plan["source"] == "Kristinehamn v1"
    assert plan["input_sha256"] == run["input_sha256"]
    assert plan["objective_value_t"] == result["objective_value_t"]
    assert plan["municipal_cost_sek"] == result["municipal_cost_sek"]
    assert plan["abatement_t"] == result["abatement_t"]
    listed = client.get("/v1/plans", headers=org.headers("viewer")).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == plan["id"]
    detail = client.get(f"/v1/plans/{plan['id']}", headers=org.headers("viewer")).json()
    assert detail["selected"] == result["selected"] and detail["spend_plan"] == result["spend_plan"]
    assert detail["scenario"] == run["scenario"] and detail["budget"] == result["budget"]

    # actuals for the closed year 2026: the started projects overspend by 10 %, reductions recorded
    lines = [s for s in result["spend_plan"] if s["year"] == 2026 and s["municipal_sek"] > 0]
    assert len(lines) >= 3
    as_json = [
        {"id": s["id"], "year": 2026, "spend_sek": s["municipal_sek"] * 1.1} for s in lines[: len(lines) // 2]
    ]
    response = client.post(
        f"/v1/plans/{plan['id']}/actuals", headers=org.headers("editor"), json={"actuals": as_json}
    )
    assert response.status_code == 200, response.text
    assert len(response.json()["actuals"]) == len(as_json)
    rest = lines[len(lines) // 2 :]
    as_csv = "id;year;spend_sek;abatement_t\n" + "".join(
        f"{s['id']};2026;{repr(s['municipal_sek'] * 0.9).replace('.', ',')};12,5\n" for s in rest
    )
    response = client.post(
        f"/v1/plans/{plan['id']}/actuals",
        headers=org.headers("editor", **{"Content-Type": "text/csv"}),
        content=as_csv.encode("cp1252"),
    )
    assert response.status_code == 200, response.text
    # a correction as a multipart upload replaces the same project and year
    corrected = f"id,year,spend_sek,abatement_t\n{lines[0]['id']},2026,1234.5,\n"
    response = client.post(
        f"/v1/plans/{plan['id']}/actuals",
        headers=org.headers("editor"),
        files={"file": ("rättelse.csv", corrected.encode())},
    )
    assert response.status_code == 200, response.text
    stored = response.json()["actuals"]
    expected = {
        **{(a["id"], 2026): (a["spend_sek"], None) for a in as_json},
        **{(s["id"], 2026): (s["municipal_sek"] * 0.9, 12.5) for s in rest},
        (lines[0]["id"], 2026): (1234.5, None),
    }
    assert {(a["id"], a["year"]): (a["spend_sek"], a["abatement_t"]) for a in stored} == expected
    assert all(a["recorded_by"] == org.key_ids["editor"] and a["recorded_at"] for a in stored)
    got = client.get(f"/v1/plans/{plan['id']}/actuals", headers=org.headers("viewer")).json()
    assert got["actuals"] == stored and got["plan_id"] == plan["id"]
    as_text = client.get(f"/v1/plans/{plan['id']}/actuals?format=csv", headers=org.headers("viewer"))
    assert as_text.status_code == 200 and as_text.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_text.text)))
    assert list(rows[0]) == ["id", "year", "spend_sek", "abatement_t"]
    assert {
        (r["id"], int(r["year"])): (
            float(r["spend_sek"]) if r["spend_sek"] else None,
            float(r["abatement_t"]) if r["abatement_t"] else None,
        )
        for r in rows
    } == expected

    # status: as plan_status computes it
    adopted = _stored_plan(engine, plan["id"])
    actuals = Actuals(
        entries=[ActualEntry(id=i, year=y, spend_sek=s, abatement_t=t) for (i, y), (s, t) in expected.items()]
    )
    status = client.get(
        f"/v1/plans/{plan['id']}/status", params={"as_of": AS_OF}, headers=org.headers("viewer")
    )
    assert status.status_code == 200, status.text
    assert status.json() == _json(plan_status(adopted, actuals, as_of=AS_OF).to_dict())
    default = client.get(f"/v1/plans/{plan['id']}/status", headers=org.headers("viewer")).json()
    assert default["as_of"] == 2027  # the year after the latest actuals
    totals = status.json()["totals"]
    assert totals["actual_sek"] == pytest.approx(sum(s for s, _ in expected.values()))

    # re-plan as of 2027: a run like any other, queued for the worker
    response = client.post(
        f"/v1/plans/{plan['id']}/replan",
        headers=org.headers("editor"),
        json={"as_of": AS_OF, "time_limit_s": 10},
    )
    assert response.status_code == 202, response.text
    replan = response.json()
    assert response.headers["location"] == f"/v1/runs/{replan['id']}"
    assert replan["state"] == "queued" and replan["plan_id"] == plan["id"]
    assert replan["scenario"]["time_limit_s"] == 10 and replan["scenario"]["first_year"] == AS_OF
    assert set(replan["scenario"]["budget_sek"]) == {str(y) for y in range(AS_OF, 2031)}
    derived = client.get(
        f"/v1/project-lists/{replan['project_list_id']}", headers=org.headers("viewer")
    ).json()
    assert derived["name"] == f"Kristinehamn – re-plan {AS_OF}" and derived["file_type"] == ".json"
    assert process_queue(settings) == 1
    done = client.get(f"/v1/runs/{replan['id']}", headers=org.headers("viewer")).json()
    assert done["state"] == "succeeded", done
    assert done["result"]["status"] in ("optimal", "feasible")
    replans = client.get(f"/v1/plans/{plan['id']}/replans", headers=org.headers("viewer")).json()
    assert replans["total"] == 1 and replans["items"][0]["id"] == replan["id"]
    assert replans["items"][0]["plan_id"] == plan["id"]

    # started projects stay (mandatory), and the money never goes over an open year's budget
    with Session(engine) as session:
        basis = ReplanBasis.model_validate(session.get(Run, replan["id"]).replan_basis)
    assert basis.as_of == AS_OF and basis.actual_spend_sek == pytest.approx(totals["actual_sek"])
    funded = {s["id"] for s in done["result"]["selected"]}
    assert set(basis.mandatory) <= funded and basis.mandatory
    budget = run["scenario"]["budget_sek"]
    actual_by_year: dict[int, float] = {}
    for (_, year), (spend, _) in expected.items():
        actual_by_year[year] = actual_by_year.get(year, 0.0) + (spend or 0.0)
    planned_by_year = {b["year"]: b["spend_sek"] for b in done["result"]["budget"]}
    for year in range(AS_OF, 2031):
        assert planned_by_year.get(year, 0.0) + actual_by_year.get(year, 0.0) <= budget[str(year)] + 1e-6

    # the difference from the plan
    difference = client.get(
        f"/v1/plans/{plan['id']}/difference", params={"run_id": replan["id"]}, headers=org.headers("viewer")
    )
    assert difference.status_code == 200, difference.text
    body = difference.json()
    assert body["plan_id"] == plan["id"] and body["run_id"] == replan["id"]
    direct = plan_difference(adopted, Result.model_validate(done["result"]), basis=basis).to_dict()
    assert {k: v for k, v in body.items() if k not in ("plan_id", "run_id")} == _json(direct)
    plan_ids = {s["id"] for s in result["selected"]}
    assert body["added"] and body["finished"]  # the overspend and the closed year change the portfolio
    assert set(body["added"]) == funded - plan_ids
    assert set(body["removed"]) == plan_ids - funded - set(body["finished"])
    assert body["municipal_cost_sek"]["replan"] == pytest.approx(
        done["result"]["municipal_cost_sek"] + basis.actual_spend_sek
    )
    # an ordinary run is compared without a basis
    ordinary = client.get(
        f"/v1/plans/{plan['id']}/difference", params={"run_id": run["id"]}, headers=org.headers("viewer")
    ).json()
    assert ordinary["added"] == ordinary["removed"] == [] and ordinary["abatement_t"]["change"] == 0


def test_replan_without_actuals_and_idempotent_posts(
    client: TestClient, org: Org, settings: Settings
) -> None:
    run, plan = _small_plan(client, org, settings)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = client.post(f"/v1/runs/{run['id']}/adopt", headers=org.headers("editor", **key))
    again = client.post(f"/v1/runs/{run['id']}/adopt", headers=org.headers("editor", **key))
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert client.get("/v1/plans", headers=org.headers("viewer")).json()["total"] == 2

    response = client.post(f"/v1/plans/{plan['id']}/replan", headers=org.headers("editor", **key), json={})
    assert response.status_code == 202, response.text
    replayed = client.post(f"/v1/plans/{plan['id']}/replan", headers=org.headers("editor", **key), json={})
    assert replayed.json() == response.json()
    other_body = client.post(
        f"/v1/plans/{plan['id']}/replan", headers=org.headers("editor", **key), json={"as_of": 2027}
    )
    _problem(other_body, 422)
    replan = response.json()
    assert replan["scenario"]["time_limit_s"] == SCENARIO["time_limit_s"]
    listed = client.get(
        f"/v1/project-lists/{replan['project_list_id']}", headers=org.headers("viewer")
    ).json()
    assert listed["name"] == "lista – re-plan 2026"  # nothing recorded: the plan's first year
    process_queue(settings)
    done = client.get(f"/v1/runs/{replan['id']}", headers=org.headers("viewer")).json()
    assert done["state"] == "succeeded"
    # nothing happened: the same portfolio
    assert {s["id"] for s in done["result"]["selected"]} == {s["id"] for s in run["result"]["selected"]}
    ordinary = client.get("/v1/runs", headers=org.headers("viewer")).json()["items"]
    assert {r["id"]: r["plan_id"] for r in ordinary} == {run["id"]: None, replan["id"]: plan["id"]}


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


def test_adopt_needs_a_finished_run_with_a_portfolio(
    client: TestClient, org: Org, other_org: Org, settings: Settings
) -> None:
    listed = upload_list(client, org)
    queued = submit_run(client, org, listed["id"])
    assert (
        "queued"
        in _problem(client.post(f"/v1/runs/{queued['id']}/adopt", headers=org.headers("editor")), 409)[
            "detail"
        ]
    )
    client.delete(f"/v1/runs/{queued['id']}", headers=org.headers("editor"))
    infeasible = _finished_run(client, org, settings, listed["id"], {**SCENARIO, "include": ["A", "B", "C"]})
    assert infeasible["result"]["status"] == "infeasible"
    body = _problem(client.post(f"/v1/runs/{infeasible['id']}/adopt", headers=org.headers("editor")), 409)
    assert "infeasible" in body["detail"]
    run = _finished_run(client, org, settings, listed["id"], SCENARIO)
    _problem(client.post(f"/v1/runs/{run['id']}/adopt", headers=other_org.headers("editor")), 404)
    _problem(client.post("/v1/runs/nope/adopt", headers=org.headers("editor")), 404)
    _problem(client.post(f"/v1/runs/{run['id']}/adopt", headers=org.headers("viewer")), 403)
    assert client.get("/v1/plans", headers=org.headers("viewer")).json()["total"] == 0


def test_another_organisations_plan_is_404_and_viewers_cannot_post(
    client: TestClient, org: Org, other_org: Org, settings: Settings
) -> None:
    run, plan = _small_plan(client, org, settings)
    base = f"/v1/plans/{plan['id']}"
    for path in ("", "/actuals", "/status", "/replans", f"/difference?run_id={run['id']}"):
        _problem(client.get(base + path, headers=other_org.headers("viewer")), 404)
    _problem(client.get("/v1/plans/not-a-plan", headers=org.headers("viewer")), 404)
    assert client.get("/v1/plans", headers=other_org.headers("viewer")).json()["total"] == 0
    actual = {"actuals": [{"id": "A", "year": 2026, "spend_sek": 1.0}]}
    _problem(client.post(base + "/actuals", headers=other_org.headers("editor"), json=actual), 404)
    _problem(client.post(base + "/replan", headers=other_org.headers("editor"), json={}), 404)
    _problem(client.post(base + "/actuals", headers=org.headers("viewer"), json=actual), 403)
    _problem(client.post(base + "/replan", headers=org.headers("viewer"), json={}), 403)
    # a run of another organisation cannot be compared with the plan
    other_run, _ = _small_plan(client, other_org, settings)
    _problem(client.get(f"{base}/difference?run_id={other_run['id']}", headers=org.headers("viewer")), 404)


def test_bad_actuals_are_located_and_nothing_is_stored(
    client: TestClient, org: Org, settings: Settings
) -> None:
    _, plan = _small_plan(client, org, settings)
    url = f"/v1/plans/{plan['id']}/actuals"
    good = {"id": "A", "year": 2026, "spend_sek": 90.0}
    bad = [good, {"id": "Z", "year": 2026, "spend_sek": 1}, {"id": "B", "year": "tjugo", "abatement_t": -1}]
    errors = _problem(client.post(url, headers=org.headers("editor"), json={"actuals": bad}), 422)["errors"]
    assert {"row": 2, "column": "id"} in [{k: e[k] for k in ("row", "column")} for e in errors]
    assert any(e["row"] == 3 and e["column"] == "year" for e in errors)
    assert any(e["row"] == 3 and e["column"] == "abatement_t" for e in errors)
    errors = _problem(client.post(url, headers=org.headers("editor"), json={"actuals": [good, 7]}), 422)[
        "errors"
    ]
    assert [e["row"] for e in errors] == [2]
    # CSV: rows as the spreadsheet shows them (the header is row 1)
    csv_body = b"id,year,spend_sek\nA,2026,10\nA,2026,20\nB,2026,x\n"
    errors = _problem(
        client.post(url, headers=org.headers("editor", **{"Content-Type": "text/csv"}), content=csv_body), 422
    )["errors"]
    assert any(e["row"] == 3 and e["column"] == "year" for e in errors)
    assert any(e["row"] == 4 and e["column"] == "spend_sek" for e in errors)
    errors = _problem(client.post(url, headers=org.headers("editor"), files={"file": ("a.xlsx", b"x")}), 422)[
        "errors"
    ]
    assert errors[0]["column"] == "file"
    errors = _problem(client.post(url, headers=org.headers("editor"), json={"actuals": []}), 422)["errors"]
    assert errors
    _problem(client.post(url, headers=org.headers("editor"), json={"actuals": [good], "extra": 1}), 422)
    malformed = client.post(
        url, headers=org.headers("editor", **{"Content-Type": "application/json"}), content=b"{"
    )
    _problem(malformed, 400)
    _problem(
        client.post(url, headers=org.headers("editor", **{"Content-Type": "text/plain"}), content=b"x"), 415
    )
    assert client.get(url, headers=org.headers("viewer")).json()["actuals"] == []
    # a good upload after all that is stored exactly
    response = client.post(url, headers=org.headers("editor"), json={"actuals": [{**good, "spend_sek": 0.1}]})
    assert response.status_code == 200 and response.json()["actuals"][0]["spend_sek"] == 0.1


def test_status_and_replan_refuse_years_that_are_not_closed(
    client: TestClient, org: Org, settings: Settings
) -> None:
    _, plan = _small_plan(client, org, settings)
    base = f"/v1/plans/{plan['id']}"
    recorded = client.post(
        base + "/actuals",
        headers=org.headers("editor"),
        json={"actuals": [{"id": "A", "year": 2027, "abatement_t": 9.5}]},
    )
    assert recorded.status_code == 200
    errors = _problem(client.get(base + "/status?as_of=2027", headers=org.headers("viewer")), 422)["errors"]
    assert errors[0]["column"] == "query.as_of" and "2027" in errors[0]["message"]
    _problem(client.get(base + "/status?as_of=twenty", headers=org.headers("viewer")), 422)
    assert client.get(base + "/status?as_of=2028", headers=org.headers("viewer")).status_code == 200
    body = _problem(client.post(base + "/replan", headers=org.headers("editor"), json={"as_of": 2027}), 422)
    assert any(e["column"] == "year" and "not closed" in e["message"] for e in body["errors"])
    # nothing left to re-plan after the last budget year
    _problem(client.post(base + "/replan", headers=org.headers("editor"), json={"as_of": 2030}), 422)
    for bad in ({"as_of": "x"}, {"as_of": 2027, "extra": True}, {"time_limit_s": 0}, [1]):
        _problem(client.post(base + "/replan", headers=org.headers("editor"), json=bad), 422)
    assert client.get(base + "/replans", headers=org.headers("viewer")).json()["total"] == 0


def test_difference_needs_a_finished_run(client: TestClient, org: Org, settings: Settings) -> None:
    _, plan = _small_plan(client, org, settings)
    base = f"/v1/plans/{plan['id']}"
    replan = client.post(base + "/replan", headers=org.headers("editor"), json={}).json()
    body = _problem(
        client.get(f"{base}/difference?run_id={replan['id']}", headers=org.headers("viewer")), 409
    )
    assert "queued" in body["detail"]
    _problem(client.get(f"{base}/difference", headers=org.headers("viewer")), 422)
    _problem(client.get(f"{base}/difference?run_id=nope", headers=org.headers("viewer")), 404)


# --------------------------------------------------------------------------------------------
# The migration
# --------------------------------------------------------------------------------------------


def _alembic(engine: Engine, action: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "api" / "alembic.ini"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    admin = _pg_engine(PG_URL)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable: {error}")
    name = f"test_plans_migrate_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migration_0004_upgrades_a_0003_database_and_downgrades(fresh_url: str) -> None:
    engine = make_engine(fresh_url)
    try:
        _alembic(engine, "upgrade", "0003")
        ids = {k: str(uuid.uuid4()) for k in ("org", "key", "list", "run", "replan", "plan")}
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organisations (id, name, created_at) VALUES (:org, 'o', CURRENT_TIMESTAMP)"
                ),
                ids,
            )
            connection.execute(
                text(
                    "INSERT INTO api_keys (id, organisation_id, role, key_sha256, prefix, created_at) "
                    "VALUES (:key, :org, 'editor', 'sha', 'kp_', CURRENT_TIMESTAMP)"
                ),
                ids,
            )
            connection.execute(
                text(
                    "INSERT INTO project_lists (id, organisation_id, name, version, file_type, content, "
                    "content_sha256, project_count, created_by, created_at) VALUES (:list, :org, 'l', 1, "
                    "'.json', :content, 'sha', 1, :key, CURRENT_TIMESTAMP)"
                ),
                {**ids, "content": b"[]"},
            )
            for run in ("run", "replan"):
                connection.execute(
                    text(
                        "INSERT INTO runs (id, organisation_id, project_list_id, scenario, input_sha256, state, "
                        "cancel_requested, submitted_by, created_at, attempts) VALUES (:id, :org, :list, "
                        "'{}', 'sha', 'succeeded', false, :key, CURRENT_TIMESTAMP, 0)"
                    ),
                    {**ids, "id": ids[run]},
                )
        _alembic(engine, "upgrade", "head")
        with engine.begin() as connection:
            assert {"plan_id", "replan_basis"} <= {c["name"] for c in inspect(connection).get_columns("runs")}
            connection.execute(
                text(
                    "INSERT INTO plans (id, organisation_id, run_id, content, adopted_by, adopted_at) "
                    "VALUES (:plan, :org, :run, '{}', :key, CURRENT_TIMESTAMP)"
                ),
                ids,
            )
            connection.execute(
                text(
                    "INSERT INTO plan_actuals (plan_id, project_id, year, spend_sek, abatement_t, recorded_by, "
                    "recorded_at) VALUES (:plan, 'A', 2026, 0.1, NULL, :key, CURRENT_TIMESTAMP)"
                ),
                ids,
            )
            connection.execute(text("UPDATE runs SET plan_id = :plan WHERE id = :replan"), ids)
        with Session(engine) as session:
            assert session.scalars(select(PlanActual.spend_sek)).one() == 0.1
            assert session.get(Run, ids["replan"]).plan_id == ids["plan"]
        _alembic(engine, "downgrade", "0003")
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            assert "plans" not in tables and "plan_actuals" not in tables
            assert "plan_id" not in {c["name"] for c in inspect(connection).get_columns("runs")}
            assert connection.execute(text("SELECT count(*) FROM runs")).scalar() == 2
        _alembic(engine, "upgrade", "head")
    finally:
        engine.dispose()
