"""Decision analysis: the budget frontier (warm-started and cold) and the MACC table."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rows import REPO
from strategies import Instance, instances

from models import Scenario, Status
from optimizer import InputError, read_projects, solve
from optimizer.analysis.curves import FrontierPoint, frontier, knee, macc, single_budget_scenario
from optimizer.analysis.whynot import rule_prices
from optimizer.model.backends.highs import HighsBackend
from optimizer.model.check import check_portfolio

EXAMPLES = REPO / "examples"
PROJECTS = EXAMPLES / "kristinehamn_projects.csv"
EQUITY = EXAMPLES / "scenario_equity.toml"
MSEK = 1e6


def row(pid: str, cost: float, abatement: float, **extra: object) -> dict[str, object]:
    return {
        "id": pid,
        "name": f"Project {pid}",
        "sector": extra.pop("sector", "energy"),
        "cost_sek": cost * MSEK,
        "year": 2026,
        "abatement_t_per_year": abatement,
        "lifetime_years": 1,
        **extra,
    }


# Four whole projects, lifetime 1 year. By hand (cost MSEK → best set, tonnes):
#   2 → {C} 5;  5 → {B, C} 12;  7 → {A, B} 17 (or {C, D} 14, {A, C} 15);  9 → {A, B, C} 22;  14 → all 31.
HAND = [row("A", 4, 10), row("B", 3, 7), row("C", 2, 5), row("D", 5, 9)]
HAND_BUDGETS = [2, 5, 7, 9, 14]
HAND_BEST = {2: 5, 5: 12, 7: 17, 9: 22, 14: 31}
HAND_SETS = {2: {"C"}, 5: {"B", "C"}, 7: {"A", "B"}, 9: {"A", "B", "C"}, 14: {"A", "B", "C", "D"}}


def hand_scenario(**extra: object) -> Scenario:
    return Scenario.model_validate({"budget_sek": {"2026": 1 * MSEK}, "mip_gap": 0, **extra})


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_frontier_of_a_hand_made_list(solver: str) -> None:
    projects = read_projects(HAND)
    order = [9, 2, 14, 5, 7]  # returned in the caller's order
    points = frontier(projects, hand_scenario(), [b * MSEK for b in order], solver=solver)
    assert [p.budget_sek for p in points] == [b * MSEK for b in order]
    by_budget = {round(p.budget_sek / MSEK): p for p in points}
    for budget, best in HAND_BEST.items():
        point = by_budget[budget]
        assert point.status is Status.OPTIMAL
        assert point.objective_value_t == pytest.approx(best)
        assert {pid for pid, fraction in point.selected if fraction > 0} == HAND_SETS[budget]
        cold = solve(
            projects, single_budget_scenario(projects, hand_scenario(), budget * MSEK), solver=solver
        )
        assert cold.objective_value_t == pytest.approx(point.objective_value_t)
    # Marginal tonnes per MSEK, from the next smaller budget.
    expected = {2: None, 5: 7 / 3, 7: 5 / 2, 9: 5 / 2, 14: 9 / 5}
    for budget, marginal in expected.items():
        if marginal is None:
            assert by_budget[budget].marginal_t_per_msek is None
        else:
            assert by_budget[budget].marginal_t_per_msek == pytest.approx(marginal)
    # Slopes 7/3, 5/2, 5/2, 9/5: the only fall is after 9 MSEK.
    assert knee(points).budget_sek == 9 * MSEK


def test_frontier_keeps_every_other_rule_and_reports_infeasible_points_honestly() -> None:
    rows = [*HAND[:3], row("D", 5, 9, mandatory=True)]
    projects = read_projects(rows)
    scenario = hand_scenario(exclude=["C"])
    points = frontier(projects, scenario, [3 * MSEK, 5 * MSEK, 9 * MSEK, 12 * MSEK])
    assert points[0].status is Status.INFEASIBLE  # the mandatory D alone costs 5 MSEK
    assert points[0].objective_value_t is None and points[0].selected == []
    assert points[1].marginal_t_per_msek is None  # no portfolio to compare with
    # D is always in, C never: 5 → {D} 9; 9 → {D, A} 19; 12 → {D, A, B} 26.
    assert [p.objective_value_t for p in points[1:]] == pytest.approx([9, 19, 26])
    assert all("C" not in dict(p.selected) and dict(p.selected)["D"] == 1 for p in points[1:])
    assert points[3].marginal_t_per_msek == pytest.approx(7 / 3)


def test_warm_path_never_solves_cold(monkeypatch: pytest.MonkeyPatch) -> None:
    """With HiGHS, every feasible point is a re-solve of the one model (cold solves only explain)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cold HiGHS solve in the warm path")

    monkeypatch.setattr(HighsBackend, "solve", refuse)
    points = frontier(read_projects(HAND), hand_scenario(), [b * MSEK for b in HAND_BUDGETS])
    assert [p.objective_value_t for p in points] == pytest.approx([HAND_BEST[b] for b in HAND_BUDGETS])


def test_every_point_passes_the_independent_check() -> None:
    projects = read_projects(HAND)
    for point in frontier(projects, hand_scenario(), [b * MSEK for b in HAND_BUDGETS]):
        x = np.array([dict(point.selected).get(pid, 0.0) for pid in projects.ids])
        assert check_portfolio(
            projects, single_budget_scenario(projects, hand_scenario(), point.budget_sek), x
        ).passed


@pytest.mark.parametrize("budgets", [[], [0], [-1e6], [float("nan")], ["lots"], [1e6, float("inf")]])
def test_bad_budgets_are_input_errors(budgets: list) -> None:
    with pytest.raises(InputError):
        frontier(read_projects(HAND), hand_scenario(), budgets)


def test_knee_needs_a_fall() -> None:
    def point(budget: float, objective: float) -> FrontierPoint:
        return FrontierPoint(budget * MSEK, objective, Status.OPTIMAL, 0.0, [], None)

    assert knee([point(1, 1), point(2, 2)]) is None
    assert knee([point(1, 1), point(2, 2), point(3, 3)]) is None  # straight line: no diminishing returns
    assert knee([point(3, 12), point(1, 5), point(2, 10), point(4, 13)]).budget_sek == 2 * MSEK


# ------------------------------------------------------------------------------------------
# Properties: each point equals a cold `solve` with that single budget; more money never less
# ------------------------------------------------------------------------------------------


def municipal_total(projects) -> float:
    return float((projects.total_cost * projects.municipal_share).sum())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    instances(divisible="some"),
    st.lists(st.sampled_from([0.05, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5]), min_size=1, max_size=5),
)
def test_frontier_equals_cold_solves(instance: Instance, fractions: list[float]) -> None:
    projects = read_projects(instance.rows)
    scenario = Scenario.model_validate(instance.scenario)
    total = max(municipal_total(projects), 1.0)
    budgets = [f * total for f in fractions]
    points = frontier(projects, scenario, budgets)
    assert [p.budget_sek for p in points] == budgets
    for point in points:
        cold = solve(projects, single_budget_scenario(projects, scenario, point.budget_sek))
        assert point.status is cold.status, (point.budget_sek, point.message, cold.message)
        if cold.has_portfolio:
            assert point.objective_value_t == pytest.approx(cold.objective_value_t, rel=1e-6, abs=1e-6)
    with_portfolio = sorted((p for p in points if p.has_portfolio), key=lambda p: p.budget_sek)
    for smaller, larger in itertools.pairwise(with_portfolio):
        assert larger.objective_value_t >= smaller.objective_value_t - 1e-6 * max(
            1.0, smaller.objective_value_t
        )
    # Once a budget admits a portfolio, every larger budget does too.
    first = min((p.budget_sek for p in with_portfolio), default=math.inf)
    assert all(p.has_portfolio for p in points if p.budget_sek >= first)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(divisible="all"), st.lists(st.integers(1, 30), min_size=3, max_size=6, unique=True))
def test_where_the_lp_decides_the_frontier_is_concave(instance: Instance, steps: list[int]) -> None:
    # With every project divisible the programme is an LP, whose optimum is concave in the budget:
    # each extra MSEK buys no more than the one before.
    projects = read_projects(instance.rows)
    scenario = Scenario.model_validate({**instance.scenario, "mip_gap": 0})
    total = max(municipal_total(projects), 1.0)
    budgets = [total * step / 20 for step in sorted(steps)]
    points = [p for p in frontier(projects, scenario, budgets) if p.has_portfolio]
    for a, b, c in zip(points, points[1:], points[2:], strict=False):
        left = (b.objective_value_t - a.objective_value_t) / (b.budget_sek - a.budget_sek)
        right = (c.objective_value_t - b.objective_value_t) / (c.budget_sek - b.budget_sek)
        assert right <= left + 1e-6 * max(1.0, abs(left)) + 1e-9


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(divisible="all"))
def test_where_the_lp_decides_removing_a_rule_with_slack_changes_nothing(instance: Instance) -> None:
    projects = read_projects(instance.rows)
    scenario = Scenario.model_validate({**instance.scenario, "mip_gap": 0})
    result = solve(projects, scenario)
    if result.status is not Status.OPTIMAL:
        return
    slack = {r.name for r in result.rules if not r.binding}
    for price in rule_prices(projects, scenario, result):
        if price.name in slack:
            assert price.objective_without_rule_t == pytest.approx(
                result.objective_value_t, rel=1e-6, abs=1e-6
            )
            assert price.shadow_price == pytest.approx(0, abs=1e-7)


# ------------------------------------------------------------------------------------------
# MACC
# ------------------------------------------------------------------------------------------


def test_macc_by_hand() -> None:
    rows = [
        row("A", 4, 10, lifetime_years=2, grant_sek=1 * MSEK),  # 20 t, 200 000 SEK/t, municipal 150 000
        row("B", 3, 7),  # 7 t, 428 571 SEK/t
        row("Z", 1, 0),  # no abatement: last, inf
        row("C", 2, 5, lifetime_years=4, sector="transport"),  # 20 t, 100 000 SEK/t
    ]
    projects = read_projects(rows)
    curve = macc(projects, hand_scenario())
    assert list(curve.columns) == [
        "id",
        "name",
        "sector",
        "abatement_t",
        "cost_sek",
        "municipal_cost_sek",
        "sek_per_t",
        "municipal_sek_per_t",
        "cumulative_abatement_t",
        "interaction_t",
        "opex_sek_per_year",
        "net_present_cost_sek",
        "payback_years",
        "lifecycle_sek_per_t",
    ]
    assert list(curve["id"]) == ["C", "A", "B", "Z"]
    assert list(curve["abatement_t"]) == pytest.approx([20, 20, 7, 0])
    assert list(curve["sek_per_t"][:3]) == pytest.approx([100_000, 200_000, 3e6 / 7])
    assert list(curve["municipal_sek_per_t"][:3]) == pytest.approx([100_000, 150_000, 3e6 / 7])
    assert curve["sek_per_t"].iat[3] == math.inf and curve["municipal_sek_per_t"].iat[3] == math.inf
    assert list(curve["cumulative_abatement_t"]) == pytest.approx([20, 40, 47, 47])
    assert curve.loc[curve["id"] == "C", "sector"].item() == "transport"
    # The annual objective counts tonnes per year: A and C tie at 400 000 SEK/t (list order kept),
    # B costs 428 571 SEK/t.
    annual = macc(projects, hand_scenario(objective="annual"))
    assert list(annual["id"]) == ["A", "C", "B", "Z"]
    assert list(annual["sek_per_t"][:3]) == pytest.approx([400_000, 400_000, 3e6 / 7])


# ------------------------------------------------------------------------------------------
# Command line
# ------------------------------------------------------------------------------------------


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *map(str, args)], capture_output=True, text=True, check=False
    )


def test_cli_frontier_json() -> None:
    budgets = ["100e6", "50e6", "150e6"]
    done = run_cli(
        "frontier",
        "--projects",
        PROJECTS,
        "--scenario",
        EQUITY,
        "--budgets",
        ",".join(budgets),
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    points = json.loads(done.stdout)  # nothing but JSON on stdout
    assert [p["budget_sek"] for p in points] == [float(b) for b in budgets]
    for point in points:
        assert {
            "budget_sek",
            "objective_value_t",
            "selected",
            "status",
            "mip_gap",
            "marginal_t_per_msek",
        } <= set(point)
        assert point["status"] == "optimal"
        assert all(set(s) == {"id", "fraction"} for s in point["selected"])
    ordered = sorted(points, key=lambda p: p["budget_sek"])
    objectives = [p["objective_value_t"] for p in ordered]
    assert objectives == sorted(objectives)
    assert ordered[0]["marginal_t_per_msek"] is None and ordered[1]["marginal_t_per_msek"] > 0


@pytest.mark.parametrize("budgets", ["50e6,abc", "0", "-5e6,10e6", "", "nan"])
def test_cli_frontier_bad_budgets_exit_2(budgets: str) -> None:
    done = run_cli(
        "frontier", "--projects", PROJECTS, "--scenario", EQUITY, f"--budgets={budgets}", "--format", "json"
    )
    assert done.returncode == 2, done.stderr
    assert json.loads(done.stdout)["status"] == "invalid_input"
    assert "--budgets" in done.stderr


def test_cli_macc_formats() -> None:
    done = run_cli("macc", "--projects", PROJECTS, "--scenario", EQUITY, "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    costs = [r["sek_per_t"] for r in rows if r["sek_per_t"] is not None]
    assert costs == sorted(costs) and len(rows) == 88
    done = run_cli("macc", "--projects", PROJECTS, "--scenario", EQUITY, "--format", "csv")
    assert done.returncode == 0 and done.stdout.splitlines()[0].startswith("id,name,sector,abatement_t")
    done = run_cli("macc", "--projects", EXAMPLES / "missing.csv", "--scenario", EQUITY, "--format", "json")
    assert done.returncode == 2 and json.loads(done.stdout)["status"] == "invalid_input"


def test_a_warm_resolve_that_reports_a_stale_solution_is_solved_cold() -> None:
    """Found by hypothesis: HiGHS 1.16, re-solved warm at 1.8 after 0.45, reported an objective of 1.8 (the
    optimum is 1.4: P0 in full and 0.4 of P3) with the previous point's solution, worth 0.45. The checker
    caught it (the point was an error); now such a point is solved cold."""
    rows = [
        {
            "id": "P0",
            "name": "p0",
            "sector": "t",
            "cost_sek": 1,
            "abatement_t_per_year": 1,
            "lifetime_years": 1,
            "exclusive_group": "g1",
            "divisible": True,
        },
        {
            "id": "P1",
            "name": "p1",
            "sector": "t",
            "cost_sek": 1,
            "abatement_t_per_year": 0,
            "lifetime_years": 3,
            "exclusive_group": "g1",
        },
        {
            "id": "P2",
            "name": "p2",
            "sector": "t",
            "cost_sek": 1,
            "abatement_t_per_year": 1,
            "lifetime_years": 1,
            "requires": "P0;P1",
            "divisible": True,
        },
        {
            "id": "P3",
            "name": "p3",
            "sector": "t",
            "cost_sek": 2,
            "abatement_t_per_year": 1,
            "lifetime_years": 1,
            "divisible": True,
        },
        *(
            {
                "id": f"P{i}",
                "name": f"p{i}",
                "sector": "t",
                "cost_sek": 1,
                "abatement_t_per_year": 0,
                "lifetime_years": 1,
            }
            for i in range(4, 8)
        ),
    ]
    projects = read_projects(rows)
    points = frontier(projects, Scenario(budget_sek=0, mip_gap=0), [0.45, 1.8])
    assert [p.status for p in points] == [Status.OPTIMAL, Status.OPTIMAL]
    assert [p.objective_value_t for p in points] == pytest.approx([0.45, 1.4])
