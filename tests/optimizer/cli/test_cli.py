"""The command line as a finance officer's scripts use it: output formats, clean stdout, exit codes."""

from __future__ import annotations

import csv
import importlib
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rows import REPO

from optimizer.cli import commands as cli
from optimizer.cli import common
from optimizer.model.backends import Outcome, Stop

EXAMPLES = REPO / "examples"
PROJECTS = EXAMPLES / "kristinehamn_projects.csv"
EQUITY = EXAMPLES / "scenario_equity.toml"
BASE = EXAMPLES / "scenario_base.toml"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """A real process, so that anything a solver prints at C level would show up on stdout."""
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *map(str, args)], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_json_is_all_that_reaches_stdout(solver: str) -> None:
    done = run_cli(
        "solve", "--projects", PROJECTS, "--scenario", EQUITY, "--format", "json", "--solver", solver
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "optimal"
    for key in (
        "objective_value_t",
        "best_bound_t",
        "mip_gap",
        "selected",
        "total_cost_sek",
        "municipal_cost_sek",
    ):
        assert key in result
    assert all(set(s) >= {"id", "fraction"} for s in result["selected"])
    assert result["solver"]["name"] == solver
    assert result["mip_gap"] <= 1e-4 * (1 + 1e-9)
    assert sum(s["cost_sek"] for s in result["selected"]) == pytest.approx(result["total_cost_sek"])


def test_swedish_excel_csv_and_xlsx_give_the_same_portfolio() -> None:
    results = []
    for name in (
        "kristinehamn_projects.csv",
        "kristinehamn_projects_excel_sv.csv",
        "kristinehamn_projects.xlsx",
    ):
        done = run_cli("solve", "--projects", EXAMPLES / name, "--scenario", BASE, "--format", "json")
        assert done.returncode == 0, done.stderr
        results.append(json.loads(done.stdout))
    assert results[0]["objective_value_t"] == pytest.approx(results[1]["objective_value_t"])
    assert results[0]["objective_value_t"] == pytest.approx(results[2]["objective_value_t"])


def test_table_is_for_people() -> None:
    done = run_cli("solve", "--projects", PROJECTS, "--scenario", EQUITY)
    assert done.returncode == 0, done.stderr
    assert "Status: optimal" in done.stdout
    assert "Funded projects" in done.stdout and "Budget use" in done.stdout
    assert "minst 40 % till prioriterade områden" in done.stdout
    assert "högst 50 % per sektor[transport]" in done.stdout


def test_csv_lists_the_funded_projects() -> None:
    as_json = json.loads(
        run_cli("solve", "--projects", PROJECTS, "--scenario", BASE, "--format", "json").stdout
    )
    done = run_cli("solve", "--projects", PROJECTS, "--scenario", BASE, "--format", "csv")
    assert done.returncode == 0
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert tuple(rows[0]) == cli.CSV_COLUMNS
    assert [r["id"] for r in rows] == [s["id"] for s in as_json["selected"]]
    for row, selected in zip(rows, as_json["selected"], strict=True):
        assert float(row["net_present_cost_sek"]) == pytest.approx(selected["net_present_cost_sek"], abs=0.01)
        payback = selected["payback_years"]
        assert row["payback_years"] == ("" if payback is None else f"{payback:.2f}")


def test_invalid_input_exit_2_with_located_messages(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id;name;sector;cost_sek;abatement_t_per_year;lifetime_years\n"
        "A;Biogas;transport;12 000 EUR;10;10\n"
        "A;Sol;energy;5000;-1;10\n",
        encoding="utf-8",
    )
    done = run_cli("solve", "--projects", bad, "--scenario", EQUITY, "--format", "json")
    assert done.returncode == 2
    assert "row 2, column cost_sek: '12 000 EUR' is not a number" in done.stderr
    report = json.loads(done.stdout)
    assert report["status"] == "invalid_input"
    located = {(p["row"], p["column"]) for p in report["problems"]}
    assert {(2, "cost_sek"), (3, "id"), (3, "abatement_t_per_year")} <= located
    assert "Traceback" not in done.stderr


def test_bad_scenario_exit_2(tmp_path: Path) -> None:
    scenario = tmp_path / "s.json"
    scenario.write_text(
        json.dumps({"budget_sek": 1e6, "constraints": [{"name": "r", "measure": "votes", "min": 1}]})
    )
    done = run_cli("solve", "--projects", PROJECTS, "--scenario", scenario)
    assert done.returncode == 2
    assert "constraints[0].measure" in done.stderr
    assert "Traceback" not in done.stderr


def test_infeasible_exit_3(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text("budget_sek = 1000\n")  # less than the mandatory projects cost
    done = run_cli("solve", "--projects", PROJECTS, "--scenario", scenario, "--format", "json")
    assert done.returncode == 3
    result = json.loads(done.stdout)
    assert result["status"] == "infeasible"
    assert "budget" in result["conflicts"][0]["rules"]


def test_time_limit_override_is_recorded() -> None:
    done = run_cli(
        "solve", "--projects", PROJECTS, "--scenario", BASE, "--format", "json", "--time-limit", "30"
    )
    assert json.loads(done.stdout)["solver"]["time_limit_s"] == 30


@pytest.mark.parametrize(
    ("outcome", "code"),
    [
        (Outcome(Stop.LIMIT, None, None, None, "Time limit reached"), common.EXIT_NO_SOLUTION),
        (Outcome(Stop.ERROR, None, None, None, "Solve error"), common.EXIT_ERROR),
    ],
)
def test_no_solution_exit_4_and_error_exit_1(
    outcome: Outcome, code: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Fixed:
        name = "fixed"

        def version(self) -> str:
            return "0"

        def solve(self, model, **_: object) -> Outcome:
            return outcome

    monkeypatch.setattr(importlib.import_module("optimizer.model.solve"), "get_backend", lambda name, **_: Fixed())
    assert (
        cli.main(["solve", "--projects", str(PROJECTS), "--scenario", str(EQUITY), "--format", "json"])
        == code
    )
    assert json.loads(capsys.readouterr().out)["selected"] == []


def test_feasible_portfolio_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Nothing:
        name = "nothing"

        def version(self) -> str:
            return "0"

        def solve(self, model, **_: object) -> Outcome:
            x = np.asarray(model.col_lower, dtype=float)  # only the mandatory projects
            return Outcome(Stop.LIMIT, x, float(model.objective @ x), None, "Time limit reached")

    monkeypatch.setattr(
        importlib.import_module("optimizer.model.solve"), "get_backend", lambda name, **_: Nothing()
    )
    assert cli.main(["solve", "--projects", str(PROJECTS), "--scenario", str(BASE), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "feasible"


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    # As with `... --format json | head -c 0`: the reader is gone before the JSON is written (closing
    # it later would race with a small output that fits in the pipe's buffer).
    process = subprocess.Popen(
        [sys.executable, "-m", "optimizer", "macc", "--projects", str(PROJECTS), "--scenario", str(BASE),
         "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert "Traceback" not in error and "BrokenPipeError" not in error
