"""Phasing: the optimiser chooses the start year of projects with earliest_start / latest_start."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rows import REPO, project

from models import Scenario, Status
from optimizer import read_projects, solve
from optimizer.io.problems import InputError
from optimizer.model.check import RELATIVE_TOLERANCE, check_portfolio
from optimizer.model.fit import check_fits

SOLVERS = ["highs", "cbc"]


@pytest.fixture(params=SOLVERS)
def solver(request: pytest.FixtureRequest) -> str:
    return request.param


def run(rows: list[dict[str, object]], solver: str = "highs", **scenario: object):
    scenario.setdefault("mip_gap", 0)
    result = solve(read_projects(rows), Scenario.model_validate(scenario), solver=solver)
    return result, {s.id: s.start_year for s in result.selected}


def test_a_phased_project_moves_to_a_year_with_room(solver: str) -> None:
    # Both planned for 2026, whose budget holds one; A may start up to 2027 and moves there.
    rows = [project("A", 100, 10, year=2026, latest_start=2027), project("B", 100, 10, year=2026)]
    result, starts = run(rows, solver, budget_sek={"2026": 100, "2027": 100}, objective="annual")
    assert result.status is Status.OPTIMAL
    assert starts == {"A": 2027, "B": 2026}
    assert [(b.year, b.spend_sek) for b in result.budget] == [(2026, 100), (2027, 100)]
    assert {s.id: s.operating_from for s in result.selected} == {"A": 2028, "B": 2027}
    assert [(line.id, line.year, line.cost_sek) for line in result.spend_plan] == [
        ("A", 2027, 100),
        ("B", 2026, 100),
    ]


def test_cumulative_objective_rewards_starting_early(solver: str) -> None:
    # Reductions count from the year after the spending up to 2030: A started in 2026 counts
    # 4 years (2027–2030), in 2028 only 2. B (not phased) takes 2027's money.
    rows = [
        project("A", 100, 10, year=2028, earliest_start=2026, lifetime_years=20),
        project("B", 100, 5, year=2027, lifetime_years=20),
    ]
    budgets = {"2026": 100, "2027": 100, "2028": 100}
    result, starts = run(rows, solver, budget_sek=budgets, objective={"cumulative_to": 2030})
    assert starts == {"A": 2026, "B": 2027}
    assert result.objective_value_t == pytest.approx(10 * 4 + 5 * 3)


def test_the_whole_cost_profile_moves_with_the_start(solver: str) -> None:
    rows = [
        {
            **project("A", 0, 10),
            "cost_sek": None,
            "cost_sek_2026": 60,
            "cost_sek_2027": 40,
            "latest_start": 2028,
        },
        project("B", 70, 9, year=2026),
        project("C", 70, 8, year=2027),
    ]
    budgets = {"2026": 100, "2027": 100, "2028": 100, "2029": 100}
    result, starts = run(rows, solver, budget_sek=budgets, objective="annual")
    # A as planned (60 + 40) clashes with B in 2026 and with C in 2027; from 2028 it fits.
    assert starts == {"A": 2028, "B": 2026, "C": 2027}
    assert [(b.year, b.spend_sek) for b in result.budget] == [(2026, 70), (2027, 70), (2028, 60), (2029, 40)]


def test_a_start_whose_profile_leaves_the_budget_years_is_never_taken(solver: str) -> None:
    rows = [
        {
            **project("A", 0, 10),
            "cost_sek": None,
            "cost_sek_2026": 50,
            "cost_sek_2027": 50,
            "latest_start": 2030,
        },
        project("B", 100, 10, year=2026),
        project("C", 100, 10, year=2027),
    ]
    # Starting in 2027 or 2028 would clash with C or leave the budget years; 2028 is the last possible start.
    _, starts = run(rows, solver, budget_sek={"2026": 100, "2027": 100, "2028": 60, "2029": 60})
    assert starts == {"A": 2028, "B": 2026, "C": 2027}


def test_with_one_budget_a_phased_project_starts_as_early_as_allowed(solver: str) -> None:
    rows = [project("A", 100, 10, year=2027, earliest_start=2025, latest_start=2029)]
    _, starts = run(rows, solver, budget_sek=100, objective="lifetime")
    assert starts == {"A": 2025}


def test_ties_are_settled_with_the_earliest_starts(solver: str) -> None:
    # The lifetime objective does not care when A starts; the plan starts it as early as the budgets allow.
    rows = [project("A", 50, 10, year=2026, latest_start=2029), project("B", 80, 10, year=2026)]
    _, starts = run(rows, solver, budget_sek={y: 100 for y in ("2026", "2027", "2028", "2029")})
    assert starts == {"A": 2027, "B": 2026}


def test_mandatory_phased_project_and_requirements() -> None:
    rows = [
        project("A", 100, 1, year=2026, latest_start=2027, mandatory=True),
        project("B", 100, 10, year=2026, latest_start=2027, requires="A"),
    ]
    _, starts = run(rows, budget_sek={"2026": 100, "2027": 100}, objective="annual")
    assert starts == {"A": 2026, "B": 2027}


def test_a_project_never_starts_before_a_project_it_requires(solver: str) -> None:
    # B could start in 2026 and fit the budgets, but the filling station A it needs opens in 2027.
    rows = [
        project("A", 100, 1, year=2027),
        project("B", 100, 10, year=2027, earliest_start=2026, requires="A"),
    ]
    _, starts = run(rows, solver, budget_sek={"2026": 100, "2027": 100}, objective="annual")
    assert starts == {"A": 2027}
    rows[0]["earliest_start"] = 2026  # now A can move forward and make room
    _, starts = run(rows, solver, budget_sek={"2026": 100, "2027": 100}, objective="annual")
    assert starts == {"A": 2026, "B": 2027}


def test_the_checker_rejects_a_start_before_a_required_project() -> None:
    projects = read_projects(
        [project("A", 10, 1, year=2027), project("B", 10, 1, year=2027, earliest_start=2026, requires="A")]
    )
    report = check_portfolio(
        projects, Scenario.model_validate({"budget_sek": 100}), np.ones(2), start_years=np.array([2027, 2026])
    )
    assert report.violations == ["project B starts in 2026, before project A it requires (2027)"]


# ----------------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------------


def problems(rows: list[dict[str, object]], **scenario: object) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as caught:
        check_fits(read_projects(rows), Scenario.model_validate({"budget_sek": 1e3, **scenario}))
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def read_problems(rows: list[dict[str, object]]) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as caught:
        read_projects(rows)
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def test_a_window_the_wrong_way_round() -> None:
    assert read_problems([project("A", 1, 1, earliest_start=2028, latest_start=2027)]) == [
        (1, "latest_start", "2027 is before earliest_start 2028")
    ]


def test_start_years_must_be_whole_years() -> None:
    assert read_problems([project("A", 1, 1, earliest_start=2026.5)]) == [
        (1, "earliest_start", "must be a whole year from 1900 to 2200, not 2026.5")
    ]


def test_a_divisible_project_cannot_be_phased() -> None:
    message = (
        "a divisible project cannot be phased: the optimiser chooses one start year for a whole "
        "project (split it into projects or drop earliest_start/latest_start)"
    )
    assert read_problems([project("A", 1, 1, latest_start=2028, divisible=True)]) == [
        (1, "latest_start", message)
    ]


def test_latest_start_before_the_planned_start() -> None:
    assert problems([project("A", 1, 1, year=2028, latest_start=2027)]) == [
        (
            1,
            "latest_start",
            "2027 is before the planned start 2028; give earliest_start to allow an earlier start",
        )
    ]


def test_no_start_keeps_the_spending_within_the_budget_years() -> None:
    rows = [
        {
            **project("A", 0, 1),
            "cost_sek": None,
            "cost_sek_2026": 1,
            "cost_sek_2027": 1,
            "earliest_start": 2027,
        }
    ]
    assert problems(rows, budget_sek={"2026": 5, "2027": 5}) == [
        (
            1,
            "earliest_start",
            "no start year from 2027 to 2027 keeps the project's spending within the budget years 2026–2027",
        )
    ]


def test_earliest_start_after_the_last_budget_year() -> None:
    assert problems(
        [project("A", 1, 1, year=2026, earliest_start=2031)], budget_sek={"2026": 5, "2027": 5}
    ) == [(1, "earliest_start", "2031 is after the last budget year 2027")]


def test_a_phased_projects_planned_years_may_lie_outside_the_budget_years() -> None:
    rows = [project("A", 10, 1, year=2024, earliest_start=2026)]
    check_fits(read_projects(rows), Scenario.model_validate({"budget_sek": {"2026": 5, "2027": 5}}))


# ----------------------------------------------------------------------------------------------
# The independent check
# ----------------------------------------------------------------------------------------------


def test_the_checker_rejects_a_start_outside_the_window() -> None:
    projects = read_projects(
        [project("A", 10, 1, year=2026, latest_start=2027), project("B", 10, 1, year=2026)]
    )
    scenario = Scenario.model_validate({"budget_sek": 100})
    report = check_portfolio(projects, scenario, np.ones(2), start_years=np.array([2028, 2027]))
    assert report.violations == [
        "project A starts in 2028, outside its allowed start years 2026–2027",
        "project B starts in 2027, outside its allowed start years 2026",
    ]


def test_the_checker_counts_a_moved_profile_in_its_new_years() -> None:
    projects = read_projects([project("A", 10, 1, year=2026, latest_start=2027, lifetime_years=10)])
    scenario = Scenario.model_validate(
        {"budget_sek": {"2026": 5, "2027": 20}, "objective": {"cumulative_to": 2030}}
    )
    report = check_portfolio(projects, scenario, np.ones(1), start_years=np.array([2027]))
    assert report.passed
    assert [(b.year, b.spend_sek) for b in report.budget] == [(2026, 0), (2027, 10)]
    assert report.objective_t == pytest.approx(3)  # 2028, 2029, 2030
    broken = check_portfolio(projects, scenario, np.ones(1), start_years=np.array([2026]))
    assert broken.violations == ["the 2026 budget of 5 SEK is exceeded: 10 SEK spent"]


# ----------------------------------------------------------------------------------------------
# Properties: the optimum equals exhaustive search over subsets and start years
# ----------------------------------------------------------------------------------------------

YEARS = (2026, 2027, 2028)


@st.composite
def phased_cases(draw: st.DrawFn) -> tuple[list[dict[str, object]], dict[str, float], object]:
    rows = []
    for index in range(draw(st.integers(1, 4))):
        year = draw(st.sampled_from(YEARS))
        row = project(
            f"P{index}",
            draw(st.integers(1, 50)),
            draw(st.integers(0, 20)),
            year=year,
            lifetime_years=draw(st.integers(1, 6)),
        )
        if draw(st.booleans()):
            row["earliest_start"] = draw(st.sampled_from(YEARS))
        if draw(st.booleans()):
            row["latest_start"] = draw(
                st.sampled_from([y for y in YEARS if y >= row.get("earliest_start", year)])
            )
        if index and draw(st.integers(0, 2)) == 0:
            row["requires"] = f"P{draw(st.integers(0, index - 1))}"
        rows.append(row)
    budgets = {str(y): float(draw(st.integers(0, 60))) for y in YEARS}
    objective = draw(st.sampled_from(["lifetime", "annual", {"cumulative_to": 2030}]))
    return rows, budgets, objective


def best_by_enumeration(rows: list[dict[str, object]], scenario: Scenario) -> float:
    projects = read_projects(rows)
    low, high = projects.start_window(2026, scenario.budget_years)
    best = 0.0
    for chosen in itertools.product((0.0, 1.0), repeat=len(rows)):
        windows = [range(low[i], high[i] + 1) if chosen[i] else [low[i]] for i in range(len(rows))]
        for starts in itertools.product(*windows):
            report = check_portfolio(projects, scenario, np.array(chosen), start_years=np.array(starts))
            if report.passed:
                best = max(best, report.objective_t)
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(phased_cases(), st.sampled_from(SOLVERS))
def test_optimum_equals_exhaustive_search_and_budgets_hold(case, solver: str) -> None:
    rows, budgets, objective = case
    scenario = Scenario.model_validate({"budget_sek": budgets, "objective": objective, "mip_gap": 0})
    projects = read_projects(rows)
    try:
        check_fits(projects, scenario)
    except InputError:
        return  # a window that ends before the planned start: rejected up front, tested above
    result = solve(projects, scenario, solver=solver)
    assert result.status is Status.OPTIMAL
    assert result.objective_value_t == pytest.approx(best_by_enumeration(rows, scenario), abs=1e-6)
    for year in result.budget:
        assert year.spend_sek <= year.budget_sek + 1e-6


# ----------------------------------------------------------------------------------------------
# The example plan to 2030, end to end through the command line
# ----------------------------------------------------------------------------------------------


def test_the_example_plan_phases_funds_and_reaches_a_pathway() -> None:
    import json
    import subprocess
    import sys

    examples = REPO / "examples"
    done = subprocess.run(
        [sys.executable, "-m", "optimizer", "solve", "--projects", examples / "kristinehamn_projects.csv",
         "--scenario", examples / "scenario_plan_2030.toml", "--format", "json"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "optimal"
    projects = read_projects(examples / "kristinehamn_projects.csv")
    low, high = projects.start_window(2026, (2026, 2027, 2028, 2029, 2030))
    window = dict(zip(projects.ids.tolist(), zip(low.tolist(), high.tolist(), strict=True), strict=True))
    moved = [s for s in result["selected"] if s["start_year"] != window[s["id"]][0]]
    assert all(window[s["id"]][0] <= s["start_year"] <= window[s["id"]][1] for s in result["selected"])
    assert moved, "with tight yearly budgets some phased projects should start later than their earliest year"
    for year in result["budget"]:  # within the independent checker's tolerance (1e-6: 30 SEK of 30 MSEK)
        assert year["spend_sek"] <= year["budget_sek"] * (1 + RELATIVE_TOLERANCE)
        assert year["cost_sek"] == pytest.approx(year["grant_sek"] + year["pool_sek"] + year["spend_sek"])
    plan = {(line["id"], line["year"]): line for line in result["spend_plan"]}
    assert sum(line["pool_sek"] for line in plan.values()) == pytest.approx(result["pool_sek"])
    for use in result["funding"]:
        assert use["allocated_sek"] <= use["capacity_sek"] * (1 + RELATIVE_TOLERANCE)
    pathway = result["pathway"]
    assert [y["year"] for y in pathway["years"]] == list(range(2024, 2031))
    last = pathway["years"][-1]
    assert pathway["gap_at_target_year_t"] == pytest.approx(last["emissions_t"] - last["target_t"])
