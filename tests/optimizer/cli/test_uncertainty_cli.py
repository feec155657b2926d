"""`python -m optimizer uncertainty`: the stable JSON contract, the table, charts, every error path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rows import REPO

EXAMPLES = REPO / "examples"
PROJECTS = EXAMPLES / "kristinehamn_projects.csv"
BASE = EXAMPLES / "scenario_base.toml"
COMMAND = ("uncertainty", "--projects", PROJECTS, "--scenario", BASE, "--executor", "serial")


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.fixture(scope="module")
def study_json() -> dict:
    done = run_cli(
        *COMMAND, "--draws", "12", "--seed", "5", "--robust", "--alpha", "0.25", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # nothing but the JSON object on stdout


def test_json_has_the_public_keys(study_json: dict) -> None:
    quantiles = study_json["abatement_t"]
    assert set(quantiles) >= {"p10", "p50", "p90"}
    assert quantiles["p10"] <= quantiles["p50"] <= quantiles["p90"]
    assert 0.0 <= study_json["probability_within_budget"] <= 1.0
    assert study_json["probability_target_met"] is None  # the base scenario has no target
    ids = [line.split(",")[0] for line in PROJECTS.read_text(encoding="utf-8").splitlines()[1:]]
    frequency = study_json["selection_frequency"]
    assert list(frequency) == ids and all(0.0 <= share <= 1.0 for share in frequency.values())
    assert study_json["draws"] == 12 and study_json["seed"] == 5 and study_json["executor"] == "serial"
    assert study_json["robust"]["alpha"] == 0.25
    assert study_json["robust"]["cvar_t"] >= study_json["robust"]["point_cvar_t"] - 1e-6


def test_the_same_seed_gives_the_same_study(study_json: dict) -> None:
    again = run_cli(
        *COMMAND, "--draws", "12", "--seed", "5", "--robust", "--alpha", "0.25", "--format", "json"
    )
    repeat = json.loads(again.stdout)
    for key in ("abatement_t", "probability_within_budget", "selection_frequency", "evaluation", "histogram"):
        assert repeat[key] == study_json[key], key


def test_table_and_charts(tmp_path: Path) -> None:
    done = run_cli(*COMMAND, "--draws", "4", "--no-reoptimise", "--plot", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "P10" in done.stdout and "Stays within every budget in" in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "robustness.png",
        "robustness.svg",
        "uncertainty.png",
        "uncertainty.svg",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--draws", "0"), "draws must be a whole number of at least 1, not 0"),
        (("--seed", "-1"), "seed must be a whole number of at least 0, not -1"),
        (
            ("--scheduler", "localhost:8786"),
            "scheduler must be a Dask scheduler address starting with tcp://",
        ),
        (("--workers", "0"), "workers must be an integer of at least 1, not 0"),
        (("--alpha", "1.5"), "cvar_alpha"),
    ],
)
def test_invalid_settings_exit_2_with_a_clear_message(args: tuple[str, ...], message: str) -> None:
    done = run_cli(*COMMAND, *args, "--format", "json")
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert json.loads(done.stdout)["status"] == "invalid_input"
    assert "Traceback" not in done.stderr


def test_an_unreachable_scheduler_is_an_error_not_a_traceback() -> None:
    done = run_cli(*COMMAND[:-2], "--draws", "2", "--scheduler", "tcp://127.0.0.1:9", "--format", "json")
    assert done.returncode == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_frontier_points_on_an_executor_equal_the_sequential_ones() -> None:
    frontier = (
        "frontier",
        "--projects",
        PROJECTS,
        "--scenario",
        BASE,
        "--budgets",
        "50e6,150e6",
        "--format",
        "json",
    )
    sequential = run_cli(*frontier)
    pooled = run_cli(*frontier, "--executor", "process", "--workers", "2")
    assert sequential.returncode == pooled.returncode == 0, pooled.stderr
    values = [[p["objective_value_t"] for p in json.loads(done.stdout)] for done in (sequential, pooled)]
    assert values[0] == pytest.approx(values[1], rel=1e-4)
    bad = run_cli(*frontier, "--executor", "process", "--workers", "0")
    assert bad.returncode == 2 and "workers must be an integer of at least 1, not 0" in bad.stderr
