"""An uncertainty study with a run: requested with the run, computed by the worker on its executor,
progress shown while it runs, stored with the run's analysis, charted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import PROJECTS, Org, process_queue, upload_list
from fastapi.testclient import TestClient

from api.settings import Settings
from optimizer import read_projects, read_scenario
from optimizer.analysis.uncertainty import study

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A's cost is uniform on [100, 200]; A and B (150) fit the 300 SEK budget of 2026 only when A costs at most
# 150: P(within budget) = 0.5, and re-optimised, A is funded in half the draws (else B alone: 120 t > 100 t).
RANGED = [{**PROJECTS[0], "cost_low_sek": 100, "cost_high_sek": 200}, *PROJECTS[1:]]
SCENARIO = {
    "budget_sek": {"2026": 300, "2027": 100},
    "time_limit_s": 60,
    "uncertainty": {"distribution": "uniform"},
}
DRAWS = 200


def create(client: TestClient, org: Org, list_id: str, **body: Any) -> Any:
    return client.post(
        "/v1/runs",
        headers=org.headers("editor"),
        json={"project_list_id": list_id, "scenario": SCENARIO, **body},
    )


def test_a_study_with_a_run(client: TestClient, org: Org, settings: Settings, tmp_path: Path) -> None:
    """One study through the service (it takes seconds): requested, computed on the worker's process pool,
    progress to the end, the known probabilities, the same numbers as the Python API, both charts."""
    listed = upload_list(client, org, projects=RANGED)
    response = create(client, org, listed["id"], uncertainty={"draws": DRAWS, "seed": 7})
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["analysis"]["uncertainty_request"] == {
        "draws": DRAWS,
        "seed": 7,
        "reoptimise": True,
        "robust": False,
    }
    assert queued["analysis"]["uncertainty"] is None and queued["progress"] is None
    process_queue(settings)
    run = client.get(f"/v1/runs/{queued['id']}", headers=org.headers("viewer")).json()
    assert run["state"] == "succeeded", run
    found = run["analysis"]["uncertainty"]
    assert run["analysis"]["notes"] == []

    assert {s["id"] for s in run["result"]["selected"]} == {"A", "B"}
    error = 4 * (0.25 / DRAWS) ** 0.5  # four binomial standard errors at p = 0.5
    assert abs(found["probability_within_budget"] - 0.5) < error
    assert found["probability_target_met"] is None
    assert abs(found["selection_frequency"]["A"] - 0.5) < error
    assert found["selection_frequency"]["B"] == 1.0 and found["selection_frequency"]["C"] == 0.0
    assert found["abatement_t"] == {"p10": 220.0, "p50": 220.0, "p90": 220.0}  # reductions are certain

    # same seed, same study: the worker's process pool and a serial run in this process agree
    path = tmp_path / "ranged.json"
    path.write_text(json.dumps(RANGED))
    here = study(
        read_projects(path), read_scenario(SCENARIO), draws=DRAWS, seed=7, executor="serial"
    ).to_dict()
    for key in ("abatement_t", "probability_within_budget", "selection_frequency", "evaluation", "histogram"):
        assert found[key] == here[key], key
    assert found["executor"] == "process" and here["executor"] == "serial"

    assert run["progress"] == {"step": "uncertainty", "done": DRAWS, "total": DRAWS, "eta_s": 0.0}
    for name in ("uncertainty", "robustness"):
        chart = client.get(f"/v1/runs/{run['id']}/charts/{name}", headers=org.headers("viewer"))
        assert chart.status_code == 200, chart.text
        assert chart.content.startswith(PNG_MAGIC)


def test_a_run_without_a_study_has_no_uncertainty_chart(
    client: TestClient, org: Org, settings: Settings
) -> None:
    listed = upload_list(client, org, projects=RANGED)
    run_id = create(client, org, listed["id"]).json()["id"]
    process_queue(settings)
    response = client.get(f"/v1/runs/{run_id}/charts/uncertainty", headers=org.headers("viewer"))
    assert response.status_code == 409
    assert "none was requested" in response.json()["detail"]
    assert client.get(f"/v1/runs/{run_id}", headers=org.headers("viewer")).json()["progress"] is None


@pytest.mark.parametrize(
    ("uncertainty", "field"),
    [({"draws": 0}, "draws"), ({"draws": 100_001}, "draws"), ({"seed": -1}, "seed"), ({"draw": 5}, "draw")],
)
def test_invalid_study_requests_are_located(
    client: TestClient, org: Org, uncertainty: dict, field: str
) -> None:
    listed = upload_list(client, org, projects=RANGED)
    response = create(client, org, listed["id"], uncertainty=uncertainty)
    assert response.status_code == 422, response.text
    columns = {e["column"] for e in response.json()["errors"]}
    assert f"uncertainty.{field}" in columns, columns


def test_a_study_that_runs_past_the_time_limit_is_stopped_with_a_note(
    client: TestClient, org: Org, settings: Settings
) -> None:
    """The study shares the run's time limit: far more draws than fit end with the result kept and a note."""
    listed = upload_list(client, org, projects=RANGED)
    scenario = {**SCENARIO, "time_limit_s": 2}
    response = client.post(
        "/v1/runs",
        headers=org.headers("editor"),
        json={"project_list_id": listed["id"], "scenario": scenario, "uncertainty": {"draws": 100_000}},
    )
    run_id = response.json()["id"]
    process_queue(settings.model_copy(update={"sweep_executor": "serial"}))
    run = client.get(f"/v1/runs/{run_id}", headers=org.headers("viewer")).json()
    assert run["state"] == "succeeded" and run["result"]["status"] == "optimal"
    assert run["analysis"]["uncertainty"] is None
    [note] = run["analysis"]["notes"]
    assert note.startswith("uncertainty: stopped when the run's time limit was up (100000 draws")
    assert run["progress"]["step"] == "uncertainty"
    assert run["progress"]["done"] < run["progress"]["total"] == 100_000
