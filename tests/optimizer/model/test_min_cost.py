"""The reverse question: the least municipal cost that reaches a reduction target (`min_cost_for_t`)."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from rows import REPO, project

from models import Scenario, Status
from optimizer import read_projects, solve
from optimizer.analysis.curves import cost_frontier
from optimizer.model.check import check_portfolio

ROWS = [project("A", 100, 10), project("B", 60, 6), project("C", 50, 5)]
EXAMPLES = REPO / "examples"


@pytest.fixture(params=["highs", "cbc"])
def solver(request: pytest.FixtureRequest) -> str:
    return request.param


def cheapest(rows: list[dict[str, object]], solver: str, target: float, **scenario: object):
    objective = {"min_cost_for_t": target, "tonnes": scenario.pop("tonnes", "annual")}
    model = Scenario.model_validate({"budget_sek": 1e6, "objective": objective, "mip_gap": 0, **scenario})
    return solve(read_projects(rows), model, solver=solver)


def test_the_cheapest_portfolio_reaching_the_target(solver: str) -> None:
    # A + C reach 15 t for 150 SEK; B + C reach 11 t for 110 SEK.
    result = cheapest(ROWS, solver, 11)
    assert result.status is Status.OPTIMAL
    assert {s.id for s in result.selected} == {"B", "C"}
    assert result.cost_objective_sek == pytest.approx(110)
    assert result.cost_bound_sek == pytest.approx(110, rel=1e-6)
    assert result.objective_value_t == pytest.approx(11)
    assert result.best_bound_t is None
    assert result.mip_gap == pytest.approx(0, abs=1e-6)
    assert result.objective == "min_cost_for_t 11 (annual)"


def test_grants_and_pools_make_a_project_cheaper_for_the_municipality(solver: str) -> None:
    rows = [project("A", 100, 10, grant_sek=60), project("B", 60, 6), project("C", 50, 5)]
    assert {s.id for s in cheapest(rows, solver, 10).selected} == {"A"}  # 40 SEK after the grant
    pool = {"name": "F", "capacity_sek": 30, "where": {"id": "C"}, "max_share": 0.6}
    result = cheapest(ROWS, solver, 11, funding=[pool])
    assert {s.id for s in result.selected} == {"B", "C"}
    assert result.cost_objective_sek == pytest.approx(80)
    assert result.pool_sek == pytest.approx(30)


def test_tonnes_are_counted_as_the_target_says(solver: str) -> None:
    rows = [project("A", 100, 10, lifetime_years=1), project("B", 150, 4, lifetime_years=10)]
    assert {s.id for s in cheapest(rows, solver, 10, tonnes="annual").selected} == {"A"}
    assert {s.id for s in cheapest(rows, solver, 40, tonnes="lifetime").selected} == {"B"}


def test_a_target_out_of_reach_is_explained(solver: str) -> None:
    result = cheapest(ROWS, solver, 100)
    assert result.status is Status.INFEASIBLE
    assert result.conflicts[0].rules == ["reduction target"]
    assert "all projects not excluded together reach 21 t" in result.message


def test_budgets_still_cap_the_spending(solver: str) -> None:
    result = cheapest(ROWS, solver, 11, budget_sek=100)
    assert result.status is Status.INFEASIBLE
    assert set(result.conflicts[0].rules) == {"budget", "reduction target"}


def test_the_checker_reports_a_missed_target() -> None:
    scenario = Scenario.model_validate(
        {"budget_sek": 1e6, "objective": {"min_cost_for_t": 11, "tonnes": "annual"}}
    )
    report = check_portfolio(read_projects(ROWS), scenario, np.array([1.0, 0.0, 0.0]))
    assert report.violations == ["the reduction target of 11 t is not reached: 10 t"]
    assert report.objective_t == -100


def test_co_benefit_weights_make_no_sense_with_a_cost_objective() -> None:
    with pytest.raises(ValidationError, match="co_benefit_weights weight tonnes"):
        Scenario.model_validate(
            {"budget_sek": 1, "objective": {"min_cost_for_t": 5}, "co_benefit_weights": {"health": 1}}
        )


@st.composite
def target_cases(draw: st.DrawFn):
    n = draw(st.integers(1, 5))
    rows = [
        project(
            f"P{i}",
            draw(st.integers(1, 100)),
            draw(st.integers(0, 20)),
            grant_sek=draw(st.sampled_from([0, 0.5])),
        )
        for i in range(n)
    ]
    for row in rows:
        row["grant_sek"] = row["grant_sek"] * row["cost_sek"]
    if n > 1 and draw(st.booleans()):
        rows[1]["requires"] = "P0"
    return rows, float(draw(st.integers(1, 60)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target_cases(), st.sampled_from(["highs", "cbc"]))
def test_least_cost_equals_exhaustive_search(case, solver: str) -> None:
    rows, target = case
    result = cheapest(rows, solver, target)
    projects = read_projects(rows)
    scenario = Scenario.model_validate(
        {"budget_sek": 1e6, "objective": {"min_cost_for_t": target, "tonnes": "annual"}}
    )
    costs = [
        report.municipal_cost_sek
        for chosen in itertools.product((0.0, 1.0), repeat=len(rows))
        if (report := check_portfolio(projects, scenario, np.array(chosen))).passed
    ]
    if not costs:
        assert result.status is Status.INFEASIBLE
    else:
        assert result.status is Status.OPTIMAL
        assert result.cost_objective_sek == pytest.approx(min(costs), abs=1e-6)


def test_cost_frontier_matches_single_solves(solver: str) -> None:
    scenario = Scenario.model_validate({"budget_sek": 1e6, "objective": "annual", "mip_gap": 0})
    points = cost_frontier(read_projects(ROWS), scenario, [11, 5, 21, 22], solver=solver)
    assert [p.target_t for p in points] == [11, 5, 21, 22]
    assert [p.cost_sek for p in points[:3]] == pytest.approx([110, 50, 210])
    assert points[3].status is Status.INFEASIBLE and points[3].cost_sek is None
    assert points[0].marginal_sek_per_t == pytest.approx((110 - 50) / 6)
    assert points[1].marginal_sek_per_t is None
    assert points[2].marginal_sek_per_t == pytest.approx((210 - 110) / 10)


def test_cli_cost_frontier_json() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "optimizer", "frontier", "--projects", EXAMPLES / "kristinehamn_projects.csv",
         "--scenario", EXAMPLES / "scenario_equity.toml", "--targets", "100000,200000", "--format", "json"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    points = json.loads(done.stdout)
    assert [p["target_t"] for p in points] == [100000, 200000]
    assert set(points[0]) >= {"target_t", "cost_sek", "objective_value_t", "selected", "status"}
    assert points[0]["cost_sek"] < points[1]["cost_sek"]
    assert all(p["objective_value_t"] >= p["target_t"] * (1 - 1e-9) for p in points)
