"""Decision analysis through the service: explain and frontier with a run, MACC, charts, comparing runs."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from conftest import PROJECTS, SCENARIO, Org, process_queue, submit_run, upload_list
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.db import session_factory
from api.jobs.protocol import MSG_ANALYSIS, MSG_SOLVED, MSG_SOLVING
from api.jobs.queue import claim_next
from api.jobs.supervisor import run_job
from api.settings import Settings

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FRONTIER = [100, 250, 370]
# PROJECTS: A 100 SEK (2026) 100 t, B 150 SEK (2026) 120 t, C 120 SEK (2027) 90 t (lifetime tonnes).
# SCENARIO: 250 SEK in 2026, 100 in 2027: A and B are funded; C would be at a cost of 100 SEK.


def create(client: TestClient, org: Org, list_id: str, **body: Any) -> Any:
    return client.post(
        "/v1/runs",
        headers=org.headers("editor"),
        json={"project_list_id": list_id, "scenario": body.pop("scenario", SCENARIO), **body},
    )


def finished(client: TestClient, org: Org, settings: Settings, run_id: str) -> dict:
    process_queue(settings)
    run = client.get(f"/v1/runs/{run_id}", headers=org.headers("viewer")).json()
    assert run["state"] == "succeeded", run
    return run


@pytest.fixture
def plain_run(client: TestClient, org: Org, settings: Settings) -> dict:
    listed = upload_list(client, org)
    return finished(client, org, settings, submit_run(client, org, listed["id"])["id"])


@pytest.fixture
def analysed_run(client: TestClient, org: Org, settings: Settings) -> dict:
    listed = upload_list(client, org)
    response = create(client, org, listed["id"], explain=True, frontier_budgets_sek=FRONTIER)
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["analysis"] == {
        "explain": True,
        "frontier_budgets_sek": FRONTIER,
        "why_not": None,
        "why_in": None,
        "rule_prices": None,
        "frontier": None,
        "knee_budget_sek": None,
        "uncertainty_request": None,
        "uncertainty": None,
        "notes": [],
    }
    return finished(client, org, settings, queued["id"])


def assert_problem(response: Any, status: int, type_: str, *words: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == f"urn:klimatportfolj:problem:{type_}"
    assert all(word in body["detail"] for word in words), body["detail"]
    return body


# --- analysis with a run ----------------------------------------------------------------------


def test_a_run_without_analysis_has_none(plain_run: dict) -> None:
    assert plain_run["analysis"] is None


def test_explain_and_frontier_are_computed_after_the_solve(analysed_run: dict) -> None:
    assert {s["id"] for s in analysed_run["result"]["selected"]} == {"A", "B"}
    analysis = analysed_run["analysis"]
    assert analysis["notes"] == []
    [why] = analysis["why_not"]
    assert why["id"] == "C" and why["max_cost_sek"] == pytest.approx(100, rel=1e-6)
    assert {w["id"] for w in analysis["why_in"]} == {"A", "B"}
    prices = {p["name"]: p for p in analysis["rule_prices"]}
    assert set(prices) == {"budget 2026", "budget 2027"}
    assert prices["budget 2027"]["objective_without_rule_t"] == pytest.approx(310)
    frontier = analysis["frontier"]
    assert [p["budget_sek"] for p in frontier] == FRONTIER
    assert [p["objective_value_t"] for p in frontier] == pytest.approx([100, 220, 310])
    assert [{s["id"] for s in p["selected"]} for p in frontier] == [{"A"}, {"A", "B"}, {"A", "B", "C"}]
    assert frontier[0]["marginal_t_per_msek"] is None
    assert frontier[1]["marginal_t_per_msek"] == pytest.approx(120 / 150e-6)
    assert analysis["knee_budget_sek"] == 250


def test_explain_of_a_result_that_is_not_optimal_says_why(
    client: TestClient, org: Org, settings: Settings
) -> None:
    listed = upload_list(client, org, projects=[{**PROJECTS[0], "mandatory": True, "cost_sek": 400}])
    response = create(client, org, listed["id"], explain=True)
    run = finished(client, org, settings, response.json()["id"])
    assert run["result"]["status"] == "infeasible"
    assert run["analysis"]["why_not"] is None and run["analysis"]["frontier"] is None
    assert run["analysis"]["notes"] == ["explain: no analysis, the result is infeasible, not optimal"]


@pytest.mark.parametrize(
    ("body", "column"),
    [
        ({"frontier_budgets_sek": []}, "frontier_budgets_sek"),
        ({"frontier_budgets_sek": [100, -1]}, "frontier_budgets_sek.1"),
        ({"frontier_budgets_sek": [100, 0]}, "frontier_budgets_sek.1"),
        ({"frontier_budgets_sek": "100"}, "frontier_budgets_sek"),
        ({"explain": "sometimes"}, "explain"),
        ({"whynot": True}, "whynot"),
    ],
)
def test_invalid_analysis_requests_are_located(client: TestClient, org: Org, body: dict, column: str) -> None:
    listed = upload_list(client, org)
    problem = assert_problem(create(client, org, listed["id"], **body), 422, "invalid-input")
    assert column in {e["column"] for e in problem["errors"]}


def _solves_then_hangs(conn: Any, payload: dict[str, Any]) -> None:
    """A solve process whose analysis never finishes: one part done, then it hangs."""
    from api.jobs.solve import read_project_list as _read_project_list
    from optimizer import read_scenario, solve

    projects = _read_project_list(payload["content"], payload["file_type"], payload["source_name"])
    scenario = read_scenario(payload["scenario"])
    conn.send((MSG_SOLVING,))
    conn.send((MSG_SOLVED, solve(projects, scenario).model_dump(mode="json")))
    conn.send((MSG_ANALYSIS, {"rule_prices": []}))
    time.sleep(600)


def test_an_analysis_past_the_time_limit_is_stopped_and_the_run_keeps_its_result(
    client: TestClient, org: Org, settings: Settings, engine: Engine
) -> None:
    listed = upload_list(client, org)
    scenario = {**SCENARIO, "time_limit_s": 1}
    run_id = create(client, org, listed["id"], scenario=scenario, explain=True).json()["id"]
    factory = session_factory(engine)
    assert claim_next(factory, "analysis-test", 30) == run_id  # earlier tests' runs were all canceled
    outcome = run_job(
        settings, run_id, "analysis-test", factory=factory, margin_s=0.5, child_target=_solves_then_hangs
    )
    assert outcome == "succeeded"
    run = client.get(f"/v1/runs/{run_id}", headers=org.headers("viewer")).json()
    assert run["state"] == "succeeded" and run["error"] is None
    assert {s["id"] for s in run["result"]["selected"]} == {"A", "B"}
    assert run["analysis"]["rule_prices"] == [] and run["analysis"]["why_not"] is None
    [note] = run["analysis"]["notes"]
    assert "stopped" in note and "time limit of 1 s" in note


# --- MACC -------------------------------------------------------------------------------------


def test_macc_is_the_projects_cheapest_tonne_first(client: TestClient, org: Org) -> None:
    no_abatement = {**PROJECTS[0], "id": "Z", "abatement_t_per_year": 0}
    listed = upload_list(client, org, projects=[*PROJECTS, no_abatement])
    run = submit_run(client, org, listed["id"])  # still queued: the MACC needs no solve
    response = client.get(f"/v1/runs/{run['id']}/macc", headers=org.headers("viewer"))
    assert response.status_code == 200, response.text
    rows = response.json()
    assert [r["id"] for r in rows] == ["A", "B", "C", "Z"]
    assert [r["sek_per_t"] for r in rows] == pytest.approx([1.0, 1.25, 120 / 90, None])
    assert [r["cumulative_abatement_t"] for r in rows] == pytest.approx([100, 220, 310, 310])
    assert rows[3]["municipal_sek_per_t"] is None


def test_lifecycle_run_and_macc_through_the_service(client: TestClient, org: Org, settings: Settings) -> None:
    """A list with a saving and an overlap, on net budgets: the result carries the lifecycle figures and
    the overlap; the MACC ranks by lifecycle cost on request (savings first) and has its chart."""
    projects = [
        {**PROJECTS[0], "opex_sek_per_year": -30},  # A saves 30 a year from 2027
        PROJECTS[1],
        {**PROJECTS[2], "cost_sek": 120},
    ]
    listed = upload_list(client, org, projects=projects)
    scenario = {
        "budget_sek": {"2026": 250, "2027": 100},
        "budget_basis": "net",
        "interactions": [{"ids": ["A", "B"], "abatement_t_per_year": -5}],
        "time_limit_s": 10,
    }
    run = finished(client, org, settings, submit_run(client, org, listed["id"], scenario)["id"])
    result = run["result"]
    assert result["status"] == "optimal" and result["budget_basis"] == "net"
    # 2027: C's 120 fits the 100 only with A's saving of 30
    assert {s["id"] for s in result["selected"]} == {"A", "B", "C"}
    assert result["budget"][1]["opex_sek"] == -30 and result["budget"][1]["spend_sek"] == pytest.approx(90)
    assert result["interactions"][0]["active"] and result["interactions"][0]["abatement_t"] == -50
    assert result["net_present_cost_sek"] == pytest.approx(
        sum(s["net_present_cost_sek"] for s in result["selected"])
    )
    lifecycle = client.get(
        f"/v1/runs/{run['id']}/macc", params={"basis": "lifecycle"}, headers=org.headers("viewer")
    )
    assert lifecycle.status_code == 200, lifecycle.text
    rows = lifecycle.json()
    assert (
        rows[0]["id"] == "A" and rows[0]["lifecycle_sek_per_t"] < 0 and rows[0]["payback_years"] == 100 / 30
    )
    assert sum(r["interaction_t"] for r in rows) == pytest.approx(-50)
    assert rows[-1]["cumulative_abatement_t"] == pytest.approx(result["abatement_t"])
    bad = client.get(f"/v1/runs/{run['id']}/macc", params={"basis": "npv"}, headers=org.headers("viewer"))
    assert bad.status_code == 422
    chart = client.get(f"/v1/runs/{run['id']}/charts/macc_lifecycle", headers=org.headers("viewer"))
    assert chart.status_code == 200 and chart.content.startswith(PNG_MAGIC)


# --- charts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["macc", "budget", "funding", "district", "frontier"])
def test_charts_are_png_by_default_and_svg_on_request(
    client: TestClient, org: Org, analysed_run: dict, name: str
) -> None:
    url = f"/v1/runs/{analysed_run['id']}/charts/{name}"
    png = client.get(url, headers=org.headers("viewer"))
    assert png.status_code == 200, png.text
    assert png.headers["content-type"] == "image/png" and png.content.startswith(PNG_MAGIC)
    svg = client.get(url, params={"format": "svg"}, headers=org.headers("viewer"))
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert ET.fromstring(svg.content).tag == "{http://www.w3.org/2000/svg}svg"
    accepted = client.get(url, headers=org.headers("viewer", Accept="image/svg+xml"))
    assert accepted.headers["content-type"].startswith("image/svg+xml")
    assert ET.fromstring(accepted.content).tag == "{http://www.w3.org/2000/svg}svg"


def test_unknown_chart_lists_the_charts(client: TestClient, org: Org, plain_run: dict) -> None:
    response = client.get(f"/v1/runs/{plain_run['id']}/charts/pie", headers=org.headers("viewer"))
    assert_problem(response, 404, "not-found", "'pie'", "macc", "frontier", "budget", "district", "pathway")


PATHWAY = {
    "baseline_t": {"2025": 1000, "2030": 1000},
    "target": {"net_zero_year": 2030},
}


def test_pathway_of_a_run_with_a_target(client: TestClient, org: Org, settings: Settings) -> None:
    listed = upload_list(client, org)
    response = create(client, org, listed["id"], scenario={**SCENARIO, "pathway": PATHWAY})
    run = finished(client, org, settings, response.json()["id"])
    pathway = run["result"]["pathway"]
    assert [y["year"] for y in pathway["years"]] == list(range(2025, 2031))
    assert pathway["years"][-1]["target_t"] == 0
    chart = client.get(f"/v1/runs/{run['id']}/charts/pathway", headers=org.headers("viewer"))
    assert chart.status_code == 200 and chart.content.startswith(PNG_MAGIC)


def test_pathway_chart_needs_a_target(client: TestClient, org: Org, plain_run: dict) -> None:
    response = client.get(f"/v1/runs/{plain_run['id']}/charts/pathway", headers=org.headers("viewer"))
    assert_problem(response, 409, "no-pathway", "pathway")


def test_frontier_chart_needs_a_frontier(client: TestClient, org: Org, plain_run: dict) -> None:
    response = client.get(f"/v1/runs/{plain_run['id']}/charts/frontier", headers=org.headers("viewer"))
    assert_problem(response, 409, "no-frontier", "frontier_budgets_sek")


def test_bad_chart_format_is_invalid(client: TestClient, org: Org, plain_run: dict) -> None:
    response = client.get(
        f"/v1/runs/{plain_run['id']}/charts/macc", params={"format": "gif"}, headers=org.headers("viewer")
    )
    problem = assert_problem(response, 422, "invalid-input")
    assert problem["errors"][0]["column"] == "query.format"


def test_charts_of_a_run_that_has_not_succeeded(client: TestClient, org: Org) -> None:
    run = submit_run(client, org, upload_list(client, org)["id"])
    response = client.get(f"/v1/runs/{run['id']}/charts/macc", headers=org.headers("viewer"))
    assert_problem(response, 409, "not-succeeded", "queued")


def test_budget_chart_of_a_result_without_portfolio(client: TestClient, org: Org, settings: Settings) -> None:
    listed = upload_list(client, org, projects=[{**PROJECTS[0], "mandatory": True, "cost_sek": 400}])
    run = finished(client, org, settings, submit_run(client, org, listed["id"])["id"])
    response = client.get(f"/v1/runs/{run['id']}/charts/budget", headers=org.headers("viewer"))
    assert_problem(response, 409, "no-portfolio", "infeasible")
    macc = client.get(f"/v1/runs/{run['id']}/charts/macc", headers=org.headers("viewer"))
    assert macc.status_code == 200 and macc.content.startswith(PNG_MAGIC)


# --- comparing runs ---------------------------------------------------------------------------


def test_a_run_compared_with_itself_is_unchanged(client: TestClient, org: Org, plain_run: dict) -> None:
    run_id = plain_run["id"]
    response = client.get(f"/v1/runs/{run_id}/compare/{run_id}", headers=org.headers("viewer"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["base_run_id"], body["other_run_id"]) == (run_id, run_id)
    assert (body["entered"], body["left"], body["changed"]) == ([], [], [])
    assert {p["id"] for p in body["kept"]} == {"A", "B"}
    assert all(t["difference"] == 0 for t in body["totals"].values())
    assert [(y["year"], y["spend_difference_sek"]) for y in body["budget"]] == [(2026, 0), (2027, 0)]


def test_a_bigger_budget_shows_the_project_that_entered(
    client: TestClient, org: Org, settings: Settings, plain_run: dict
) -> None:
    bigger = {**SCENARIO, "budget_sek": {"2026": 250, "2027": 200}}
    submitted = submit_run(client, org, plain_run["project_list_id"], bigger)
    other = finished(client, org, settings, submitted["id"])
    url = f"/v1/runs/{plain_run['id']}/compare/{other['id']}"
    body = client.get(url, headers=org.headers("viewer")).json()
    assert [p["id"] for p in body["entered"]] == ["C"] and body["left"] == []
    assert body["totals"]["objective_value_t"] == {"base": 220, "other": 310, "difference": 90}
    assert body["totals"]["total_cost_sek"]["difference"] == pytest.approx(120)
    years = {y["year"]: y for y in body["budget"]}
    assert (years[2027]["spend_difference_sek"], years[2027]["other_budget_sek"]) == (120, 200)
    assert years[2026]["spend_difference_sek"] == 0
    assert body["totals"]["total_cost_sek"]["difference"] == pytest.approx(
        sum(p["cost_difference_sek"] for p in body["entered"] + body["left"] + body["changed"])
    )


def test_compare_with_a_run_that_has_not_succeeded(client: TestClient, org: Org, plain_run: dict) -> None:
    queued = submit_run(client, org, plain_run["project_list_id"])
    url = f"/v1/runs/{plain_run['id']}/compare/{queued['id']}"
    response = client.get(url, headers=org.headers("viewer"))
    assert_problem(response, 409, "not-succeeded", queued["id"])


# --- another organisation, keys ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["macc", "charts/macc", "charts/pie", "compare/{own}"])
def test_another_organisations_run_is_not_found(
    client: TestClient, org: Org, other_org: Org, settings: Settings, plain_run: dict, path: str
) -> None:
    their_list = upload_list(client, other_org)["id"]
    theirs = finished(client, other_org, settings, submit_run(client, other_org, their_list)["id"])
    own = plain_run["id"]
    response = client.get(f"/v1/runs/{theirs['id']}/{path.format(own=own)}", headers=org.headers("viewer"))
    assert_problem(response, 404, "not-found", theirs["id"])
    if path.startswith("compare"):
        response = client.get(f"/v1/runs/{own}/compare/{theirs['id']}", headers=org.headers("viewer"))
        assert_problem(response, 404, "not-found", theirs["id"])


@pytest.mark.parametrize("path", ["macc", "charts/macc", "compare/{id}"])
def test_a_key_is_needed(client: TestClient, plain_run: dict, path: str) -> None:
    response = client.get(f"/v1/runs/{plain_run['id']}/{path.format(id=plain_run['id'])}")
    assert_problem(response, 401, "unauthorized")
