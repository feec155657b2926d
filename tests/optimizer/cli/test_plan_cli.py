"""`python -m optimizer plan adopt|status|replan` end to end, as a finance officer's scripts use it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rows import REPO

from optimizer.planning.followup import read_actuals, read_plan

EXAMPLES = REPO / "examples"
PROJECTS = EXAMPLES / "kristinehamn_projects.csv"
EQUITY = EXAMPLES / "scenario_equity.toml"
ACTUALS = EXAMPLES / "kristinehamn_actuals_2026.csv"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", "plan", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan") / "plan.json"
    done = run_cli("adopt", "--projects", PROJECTS, "--scenario", EQUITY, "--out", out, "--format", "json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["status"] == "adopted" and summary["plan"] == str(out)
    plan = read_plan(out)
    assert summary["selected"] == [s.id for s in plan.result_model().selected]
    assert summary["input_sha256"] == plan.input_sha256
    return out


def test_the_example_actuals_are_for_funded_projects_in_2026(plan_file: Path) -> None:
    plan = read_plan(plan_file)
    actuals = read_actuals(ACTUALS, plan=plan)
    starts = {s.id: s.start_year for s in plan.result_model().selected}
    assert actuals.latest_year == 2026 and len(actuals.entries) >= 10
    assert all(starts.get(e.id) == 2026 for e in actuals.entries)
    assert sum(e.abatement_t is not None for e in actuals.entries) >= 2


def test_status_json(plan_file: Path) -> None:
    done = run_cli("status", "--plan", plan_file, "--actuals", ACTUALS, "--format", "json")
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["as_of"] == 2027
    first = status["years"][0]
    assert first["year"] == 2026 and first["closed"] and first["budget_sek"] == 25_000_000
    recorded = read_actuals(ACTUALS, plan=read_plan(plan_file)).to_frame()
    assert first["actual_sek"] == pytest.approx(recorded["spend_sek"].sum())
    assert status["totals"]["actual_to_date_sek"] == pytest.approx(recorded["spend_sek"].sum())
    assert {p["state"] for p in status["projects"]} <= {"not_started", "in_progress", "in_operation"}
    without = run_cli("status", "--plan", plan_file)
    assert without.returncode == 0 and "Plan status as of 2026" in without.stdout


def test_replan_json_keeps_within_the_budgets_and_writes_a_new_plan(plan_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan_2027.json"
    done = run_cli("replan", "--plan", plan_file, "--actuals", ACTUALS, "--format", "json", "--out", out)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert set(found) == {"as_of", "basis", "result", "difference"}
    assert found["as_of"] == 2027 and found["result"]["status"] == "optimal"
    budgets = found["basis"]["budget_sek"]
    assert sorted(budgets) == ["2027", "2028", "2029", "2030"]
    spend: dict[int, float] = {}
    for line in found["result"]["spend_plan"]:
        spend[line["year"]] = spend.get(line["year"], 0.0) + line["municipal_sek"]
    for year, amount in spend.items():
        assert amount <= budgets[str(year)] * (1 + 1e-9)
    selected = {s["id"] for s in found["result"]["selected"]}
    assert set(found["basis"]["mandatory"]) <= selected
    assert "E01" in found["basis"]["mandatory"] and "T05" in found["basis"]["finished"]
    assert set(found["difference"]["finished"]) == set(found["basis"]["finished"])
    new_plan = read_plan(out)
    assert {s.id for s in new_plan.result_model().selected} == selected


def test_replan_table(plan_file: Path) -> None:
    done = run_cli("replan", "--plan", plan_file, "--actuals", ACTUALS)
    assert done.returncode == 0, done.stderr
    assert "Re-plan as of 2027" in done.stdout and "Difference from the adopted plan" in done.stdout


def test_bad_actuals_and_plans_exit_2_with_located_problems(plan_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id;year;spend_sek\nNOPE;2026;1\nT05;2026;-5\n", encoding="utf-8")
    done = run_cli("replan", "--plan", plan_file, "--actuals", bad, "--format", "json")
    assert done.returncode == 2
    report = json.loads(done.stdout)
    assert report["status"] == "invalid_input"
    assert [(p["row"], p["column"]) for p in report["problems"]] == [(2, "id"), (3, "spend_sek")]
    assert "NOPE" in done.stderr
    open_year = run_cli(
        "replan", "--plan", plan_file, "--actuals", ACTUALS, "--as-of", "2026", "--format", "json"
    )
    assert open_year.returncode == 2
    assert "is not closed" in json.loads(open_year.stdout)["problems"][0]["message"]
    broken = tmp_path / "broken.json"
    broken.write_text('{"projects": []}', encoding="utf-8")
    done = run_cli("status", "--plan", broken, "--format", "json")
    assert done.returncode == 2 and json.loads(done.stdout)["status"] == "invalid_input"


def test_adopt_writes_no_plan_without_a_portfolio(tmp_path: Path) -> None:
    projects = tmp_path / "projects.csv"
    projects.write_text(
        "id,name,sector,cost_sek,abatement_t_per_year,lifetime_years,mandatory\nA,A,energy,5000000,10,10,true\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "scenario.json"
    scenario.write_text('{"budget_sek": 1000000}', encoding="utf-8")
    out = tmp_path / "plan.json"
    done = run_cli("adopt", "--projects", projects, "--scenario", scenario, "--out", out, "--format", "json")
    assert done.returncode == 3
    assert json.loads(done.stdout)["status"] == "infeasible"
    assert not out.exists()


def test_adopt_a_stored_result(tmp_path: Path) -> None:
    solved = subprocess.run(
        [
            sys.executable,
            "-m",
            "optimizer",
            "solve",
            "--projects",
            PROJECTS,
            "--scenario",
            EQUITY,
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert solved.returncode == 0, solved.stderr
    result = tmp_path / "result.json"
    result.write_text(solved.stdout, encoding="utf-8")
    out = tmp_path / "plan.json"
    done = run_cli("adopt", "--projects", PROJECTS, "--scenario", EQUITY, "--result", result, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "Adopted plan" in done.stdout
    adopted = read_plan(out).result_model()
    assert [s.id for s in adopted.selected] == [s["id"] for s in json.loads(solved.stdout)["selected"]]
