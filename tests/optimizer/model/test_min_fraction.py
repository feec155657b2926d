"""A scenario's `min_fraction`: each divisible project is funded not at all or at least that share.

Known answers worked out by hand; the model's layout and its use downstream (explanations, decision
analysis, frontier, robust mode, the core-problem backend); the independent checker on hand-made
portfolios; and, on random instances, the optimum against exhaustive search: every divisible project
out or in at a fraction in [min_fraction, 1], every whole project 0 or 1, and for each such choice the
remaining continuous problem solved exactly as a linear programme (scipy's linprog) whose rows are
read off the independent checker (`optimizer.model.check.check_portfolio`).
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rows import project
from scipy.optimize import linprog
from strategies import Instance, instances_with_min_fraction

from models import ProjectList, Result, Scenario, Status
from optimizer import read_projects, solve
from optimizer.analysis.curves import frontier
from optimizer.analysis.robust import robust_portfolio
from optimizer.analysis.whynot import rule_prices, why_in, why_not
from optimizer.model.backends import core
from optimizer.model.build import STRUCTURAL_KINDS, build_model
from optimizer.model.check import check_portfolio

SOLVERS = ("highs", "cbc")
COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
SCALE = float(os.environ.get("PROPERTY_EXAMPLES_SCALE", "1"))
"""Multiplies the property tests' number of examples, as in tests/optimizer/model/test_properties.py."""
NOISE = 1e-6
"""A divisible project's fraction may fall short of min_fraction by this much (solver tolerance)."""


def examples(count: int) -> int:
    return max(1, round(count * SCALE))


def tolerance(value: float) -> float:
    return 1e-6 * max(1.0, abs(value))


def fractions_of(result: Result, projects: ProjectList) -> np.ndarray:
    position = {pid: i for i, pid in enumerate(projects.ids)}
    x = np.zeros(len(projects))
    for chosen in result.selected:
        x[position[chosen.id]] = chosen.fraction
    return x


def assert_honours_min_fraction(result: Result, projects: ProjectList, scenario: Scenario) -> None:
    """The portfolio passes the checker and funds every divisible project at 0 or at least min_fraction."""
    x = fractions_of(result, projects)
    assert check_portfolio(projects, scenario, x).violations == []
    divisible = projects.table["divisible"].to_numpy(dtype=bool)
    funded = x[divisible]
    assert ((funded == 0) | (funded >= scenario.min_fraction - NOISE)).all(), funded


@contextmanager
def core_problem_always() -> Iterator[None]:
    """HiGHS through the core-problem backend at any size, with a first core of a single column."""
    with patch.object(core, "MIN_COLUMNS", 0), patch.object(core, "FIRST_CORE", 1):
        yield


# ----------------------------------------------------------------------------------------------
# Known answers (lifetime 1 year: the objective is the yearly reduction)
# ----------------------------------------------------------------------------------------------

# A is the best buy; the 10 SEK left after it buy 10 % of B. With min_fraction 0.25 B cannot be
# funded next to A (125 SEK > 110), and without A the best is C + 60 % of B = 9.4 t < 10 t: B is out.
SLIVER_TO_NOTHING = [
    project("A", 100, 10),
    project("B", 100, 9, divisible=True),
    project("C", 50, 4),
]
# A and C (13.3 t for 100 SEK) leave 10 SEK: 10 % of B, 14.1 t. With min_fraction 0.25: A, C and a
# quarter of B cost 125 SEK; A + 50 % of B gives 10 + 4 = 14 t, C + 70 % of B 3.3 + 5.6 = 8.9 t,
# A + C 13.3 t, all of B 8 t: the optimum drops C and funds half of B.
SLIVER_TO_HALF = [
    project("A", 60, 10),
    project("B", 100, 8, divisible=True),
    project("C", 40, 3.3),
]


def solved(
    rows: list[dict], solver: str = "highs", **scenario: object
) -> tuple[ProjectList, Scenario, Result]:
    projects = read_projects(rows)
    model = Scenario.model_validate({"budget_sek": 110, "mip_gap": 0, **scenario})
    return projects, model, solve(projects, model, solver=solver)


def portfolio(result: Result) -> dict[str, float]:
    return {s.id: pytest.approx(s.fraction, abs=NOISE) for s in result.selected}


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_sliver_becomes_nothing(solver: str) -> None:
    _, _, free = solved(SLIVER_TO_NOTHING, solver)
    assert free.objective_value_t == pytest.approx(10.9)
    assert portfolio(free) == {"A": 1.0, "B": 0.1}
    projects, scenario, result = solved(SLIVER_TO_NOTHING, solver, min_fraction=0.25)
    assert result.status is Status.OPTIMAL, result.message
    assert result.objective_value_t == pytest.approx(10.0)
    assert portfolio(result) == {"A": 1.0}
    assert result.min_fraction == 0.25 and free.min_fraction is None
    assert_honours_min_fraction(result, projects, scenario)


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_sliver_becomes_a_half(solver: str) -> None:
    _, _, free = solved(SLIVER_TO_HALF, solver)
    assert free.objective_value_t == pytest.approx(14.1)
    assert portfolio(free) == {"A": 1.0, "B": 0.1, "C": 1.0}
    projects, scenario, result = solved(SLIVER_TO_HALF, solver, min_fraction=0.25)
    assert result.status is Status.OPTIMAL, result.message
    assert result.objective_value_t == pytest.approx(14.0)
    assert portfolio(result) == {"A": 1.0, "B": 0.5}
    assert_honours_min_fraction(result, projects, scenario)


def test_the_core_problem_backend_honours_it() -> None:
    with core_problem_always():
        _, _, result = solved(SLIVER_TO_HALF, min_fraction=0.25)
    assert result.status is Status.OPTIMAL, result.message
    assert result.objective_value_t == pytest.approx(14.0)
    assert portfolio(result) == {"A": 1.0, "B": 0.5}


def test_divisible_alternatives_that_share_their_group_to_the_full_pass_the_check() -> None:
    # Found by hypothesis: the optimum funds half of each of two divisible alternatives (B requires A),
    # the core problem's LP returns halves a hair above 0.5, and the checker must read their sum, 1 within
    # the solver's tolerance, as the one allowed.
    rows = [
        project("A", 1, 1, lifetime_years=2, exclusive_group="g", divisible=True),
        project("B", 1, 2, lifetime_years=7, exclusive_group="g", divisible=True, requires="A"),
        project("C", 1, 0),
    ]
    projects = read_projects(rows)
    scenario = Scenario(budget_sek=1, objective="lifetime", min_fraction=0.5, mip_gap=0)
    assert check_portfolio(projects, scenario, np.array([0.5, 0.5 + 2e-7, 0])).violations == []
    broken = check_portfolio(projects, scenario, np.array([0.5, 0.6, 0])).violations
    assert "exclusive group g: 1.1 projects funded, at most 1 allowed" in broken
    with core_problem_always():
        result = solve(projects, scenario)
    assert result.status is Status.OPTIMAL, result.message
    assert result.objective_value_t == pytest.approx(8.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_min_fraction_one_makes_divisible_projects_whole(solver: str) -> None:
    # All of B (100 SEK, 8 t) or none: A + C = 13.3 t beats A + B (160 SEK) and B alone.
    _, _, result = solved(SLIVER_TO_HALF, solver, min_fraction=1)
    assert result.objective_value_t == pytest.approx(13.3)
    assert portfolio(result) == {"A": 1.0, "C": 1.0}


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("forced", ["mandatory", "include"])
def test_a_forced_divisible_project_is_funded_in_full(solver: str, forced: str) -> None:
    rows = [project("A", 60, 10), project("B", 100, 8, divisible=True, mandatory=forced == "mandatory")]
    include = ["B"] if forced == "include" else []
    projects, scenario, result = solved(rows, solver, min_fraction=0.25, budget_sek=120, include=include)
    assert result.status is Status.OPTIMAL, result.message
    assert portfolio(result) == {"B": 1.0}  # A does not fit next to all of B
    assert_honours_min_fraction(result, projects, scenario)


@pytest.mark.parametrize("solver", SOLVERS)
def test_phasing_and_funding_pools_alongside(solver: str) -> None:
    """Phased (whole) projects and pool columns come before the indicators; the second solve that
    settles start years and pool money keeps the divisible fractions and their minimum."""
    rows = [
        project("A", 60, 10, year=2026, earliest_start=2026, latest_start=2027),
        project("B", 100, 8, year=2026, divisible=True),
        project("C", 40, 3.3, year=2026),
    ]
    pool = {"name": "K", "capacity_sek": 10, "where": {"id": ["C"]}}
    projects, scenario, result = solved(
        rows, solver, min_fraction=0.25, budget_sek={"2026": 110, "2027": 0}, funding=[pool]
    )
    assert result.status is Status.OPTIMAL, result.message
    # The pool pays 10 SEK of C, so A, C and a fifth of B fit, but a fifth is below the minimum: A + B/2.
    assert result.objective_value_t == pytest.approx(14.0)
    assert portfolio(result) == {"A": 1.0, "B": 0.5}
    assert_honours_min_fraction(result, projects, scenario)


# ----------------------------------------------------------------------------------------------
# The model: where the indicator columns and rows are, and what uses them
# ----------------------------------------------------------------------------------------------


def test_the_indicators_come_last_and_their_rows_can_be_dropped() -> None:
    rows = [
        project("A", 60, 10, year=2026, earliest_start=2026, latest_start=2027),
        project("B", 100, 8, year=2026, divisible=True),
        project("C", 40, 3.3, year=2026),
        project("D", 40, 3, year=2026, divisible=True),
        project("E", 10, 1, year=2026),
    ]
    scenario = {
        "budget_sek": {"2026": 110, "2027": 50},
        "exclude": ["D"],
        "funding": [{"name": "K", "capacity_sek": 10}],
        "interactions": [{"ids": ["C", "E"], "abatement_t_per_year": -1}],
    }
    projects = read_projects(rows)
    plain = build_model(projects, Scenario.model_validate(scenario))
    model = build_model(projects, Scenario.model_validate({**scenario, "min_fraction": 0.3}))
    layout = model.layout
    assert plain.layout.indicator_project.size == 0
    # Only the two indicator columns (B and D, excluded too) and their four rows are added, at the end.
    assert model.shape == (plain.shape[0] + 4, plain.shape[1] + 2)
    assert layout.n_columns == model.shape[1]
    assert layout.indicator_project.tolist() == [1, 3]
    assert layout.indicator_columns.tolist() == [plain.shape[1], plain.shape[1] + 1]
    assert layout.interaction_columns.tolist() == plain.layout.interaction_columns.tolist()
    assert model.integer[layout.indicator_columns].all()
    (group,) = [g for g in model.row_groups if g.kind == "min fraction"]
    assert (group.name, group.stop - group.start) == ("min_fraction", 4)
    assert group.kind not in STRUCTURAL_KINDS and "min_fraction" in model.group_names
    rows_of = (
        model.matrix[group.start : group.stop].toarray() * model.row_scale[group.start : group.stop, None]
    )
    b, y_b = 1, layout.indicator_columns[0]
    assert rows_of[0, [b, y_b]].tolist() == [1.0, -1.0]  # x_B − y_B ≤ 0
    assert rows_of[2, [b, y_b]].tolist() == pytest.approx([1.0, -0.3])  # x_B − 0.3·y_B ≥ 0
    dropped = model.without({"min_fraction"})
    assert np.isinf(dropped.row_lower[group.start : group.stop]).all()
    assert np.isinf(dropped.row_upper[group.start : group.stop]).all()
    # The indicators say nothing of the portfolio: decode reads the project columns only.
    solution = np.zeros(model.shape[1])
    solution[[b, y_b]] = [0.4, 1.0]
    assert model.layout.decode(solution).fractions.tolist() == [0, 0.4, 0, 0, 0]


@pytest.mark.parametrize("solver", SOLVERS)
def test_an_infeasible_scenario_can_name_min_fraction(solver: str) -> None:
    # The rule needs 10 SEK of B: 10 % of it fits the budget of 20, a quarter (25 SEK) does not.
    rows = [project("A", 10, 1), project("B", 100, 8, divisible=True)]
    rule = {"name": "some B", "where": {"id": ["B"]}, "measure": "cost", "min": 10}
    _, _, fine = solved(rows, solver, budget_sek=20, constraints=[rule])
    assert fine.status is Status.OPTIMAL
    _, _, result = solved(rows, solver, budget_sek=20, constraints=[rule], min_fraction=0.25)
    assert result.status is Status.INFEASIBLE
    (conflict,) = result.conflicts
    assert sorted(conflict.rules) == ["budget", "min_fraction", "rule some B"]
    assert (
        "the scenario's min_fraction 0.25 (each divisible project, B, is funded not at all"
        in conflict.message
    )


def test_decision_analysis_under_min_fraction() -> None:
    projects, scenario, result = solved(SLIVER_TO_NOTHING, min_fraction=0.25)
    # B forced in fully at cost c leaves 110 − c: with c ≤ 60 C fits too (9 + 4 = 13 t ≥ 10 t); above
    # that B alone (9 t) is worse than A alone.
    (b,) = [w for w in why_not(projects, scenario, result) if w.id == "B"]
    assert b.max_cost_sek == pytest.approx(60, rel=1e-4)
    (a,) = why_in(projects, scenario, result)
    # Without A the optimum is C + 60 % of B = 9.4 t; A stays in while its reduction is above 9.4 t.
    assert a.min_abatement_t_per_year == pytest.approx(9.4)
    (budget,) = rule_prices(projects, scenario, result)
    assert budget.objective_without_rule_t == pytest.approx(23.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_the_frontier_honours_min_fraction(solver: str) -> None:
    projects = read_projects(SLIVER_TO_HALF)
    scenario = Scenario.model_validate({"budget_sek": 1, "mip_gap": 0, "min_fraction": 0.25})
    # 35: a third of B (2.67 t) beats C; 110: A + half of B; 130: A + C + 30 % of B (13.3 + 2.4).
    expected = {35: 8 * 0.35, 60: 10.0, 110: 14.0, 130: 15.7, 200: 21.3}
    points = frontier(projects, scenario, list(expected), solver=solver)
    assert [p.objective_value_t for p in points] == pytest.approx(list(expected.values()))
    for point in points:
        fraction = dict(point.selected).get("B", 0.0)
        assert fraction == 0 or fraction >= 0.25 - NOISE, (point.budget_sek, point.selected)


def test_the_robust_mode_honours_min_fraction() -> None:
    projects, scenario, _ = solved(SLIVER_TO_HALF, min_fraction=0.25)
    # A fails in the second draw: the worst draw is best with C + 70 % of B (8.9 t in both).
    draws = np.array([[10, 8, 3.3], [0, 8, 3.3]])
    robust = robust_portfolio(projects, scenario, abatement_draws=draws, alpha=0.5)
    assert robust.status is Status.OPTIMAL, robust.message
    assert robust.cvar_t == pytest.approx(8.9)
    assert_honours_min_fraction(robust.result, projects, scenario)
    same = robust_portfolio(projects, scenario, abatement_draws=draws[:1], alpha=1.0)
    assert same.cvar_t == pytest.approx(14.0)
    assert portfolio(same.result) == {"A": 1.0, "B": 0.5}


# ----------------------------------------------------------------------------------------------
# The independent checker
# ----------------------------------------------------------------------------------------------


def checked(fractions: list[float], min_fraction: float | None = 0.25) -> tuple[list[str], np.ndarray]:
    projects = read_projects([project("A", 100, 1), project("B", 100, 1, divisible=True)])
    scenario = Scenario.model_validate({"budget_sek": 1000, "min_fraction": min_fraction})
    report = check_portfolio(projects, scenario, np.array(fractions))
    return report.violations, report.fractions


def test_the_checker_flags_a_divisible_project_below_the_minimum() -> None:
    violations, _ = checked([1, 0.1])
    assert violations == [
        (
            "project B: funded at 0.1, below the scenario's min_fraction 0.25 (a divisible project is "
            "funded not at all or at least that share)"
        )
    ]
    assert checked([1, 0.1], min_fraction=None)[0] == []


@pytest.mark.parametrize("fraction", [0.0, 0.25, 0.6, 1.0, 0.25 - 1e-6])
def test_the_checker_accepts_none_or_at_least_the_minimum(fraction: float) -> None:
    violations, x = checked([1, fraction])
    assert violations == []
    assert x[1] == fraction


@pytest.mark.parametrize("noise", [1e-9, 1e-6, 5e-6])
def test_solver_noise_is_not_a_sliver(noise: float) -> None:
    violations, x = checked([0, noise])
    assert violations == []
    assert x[1] == 0.0  # within the tolerance of 0: not funded


# ----------------------------------------------------------------------------------------------
# The scenario file and the command line
# ----------------------------------------------------------------------------------------------


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *map(str, args)], capture_output=True, text=True, check=False
    )


def test_solve_reads_min_fraction_from_toml_and_reports_it(tmp_path: Path) -> None:
    projects = tmp_path / "projects.json"
    projects.write_text(json.dumps(SLIVER_TO_HALF))
    scenario = tmp_path / "scenario.toml"
    scenario.write_text("budget_sek = 110\nmip_gap = 0\nmin_fraction = 0.25\n")
    done = run_cli("solve", "--projects", projects, "--scenario", scenario, "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["min_fraction"] == 0.25
    assert {s["id"]: s["fraction"] for s in result["selected"]} == pytest.approx({"A": 1.0, "B": 0.5})
    table = run_cli("solve", "--projects", projects, "--scenario", scenario)
    assert "funded not at all or at least 0.25 of each (min_fraction)" in table.stdout


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "min_fraction: Input should be greater than 0"),
        ("1.5", "min_fraction: Input should be less than or equal to 1"),
        ('"x"', "min_fraction: Input should be a valid number, unable to parse string as a number"),
    ],
)
def test_a_bad_min_fraction_in_a_file_is_located(tmp_path: Path, value: str, message: str) -> None:
    projects = tmp_path / "projects.json"
    projects.write_text(json.dumps(SLIVER_TO_HALF))
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(f"budget_sek = 110\nmin_fraction = {value}\n")
    done = run_cli("solve", "--projects", projects, "--scenario", scenario, "--format", "json")
    assert done.returncode != 0
    assert json.loads(done.stdout)["problems"] == [
        {"source": "scenario.toml", "row": None, "column": None, "message": message}
    ]


# ----------------------------------------------------------------------------------------------
# Property: the optimum equals exhaustive search over {out, in at [min_fraction, 1]} per divisible
# project and {0, 1} per whole one, each choice's continuous part solved exactly by linprog
# ----------------------------------------------------------------------------------------------


def linear_rows(projects: ProjectList, scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scenario's rules as A x ≤ b and its objective c, read off the checker: with starts as planned,
    every figure it checks (spend per budget, each rule group's value, the portfolio's totals, the
    objective) is linear in the fractions and 0 at x = 0, so the checker's figures for each project
    funded alone are the columns. Requirements and alternatives come from the list."""
    free = scenario.model_copy(update={"min_fraction": None})
    n = len(projects)
    alone = [check_portfolio(projects, free, np.eye(n)[i]) for i in range(n)]
    c = np.array([r.objective_t for r in alone])
    spend = np.array([[row.spend_sek for row in r.budget] for r in alone]).T
    limits = np.array([row.budget_sek for row in alone[0].budget])
    totals = {
        "cost": np.array([r.total_cost_sek for r in alone]),
        "municipal_cost": np.array([r.municipal_cost_sek for r in alone]),
        "abatement": np.array([r.abatement_t for r in alone]),
        "count": np.ones(n),
    }
    rows, bounds = [spend], [limits]
    for k, outcome in enumerate(alone[0].rules):
        value = np.array([r.rules[k].value for r in alone])
        total = totals[outcome.measure]
        for row, bound in (
            (-value, None if outcome.min is None else -outcome.min),
            (value, outcome.max),
            (None if outcome.min_share is None else outcome.min_share * total - value, 0.0),
            (None if outcome.max_share is None else value - outcome.max_share * total, 0.0),
        ):
            if row is not None and bound is not None:
                rows.append(row[None, :])
                bounds.append(np.array([bound]))
    position = {pid: i for i, pid in enumerate(projects.ids)}
    for i, required in enumerate(projects.table["requires"]):
        for other in required:
            row = np.zeros(n)
            row[i], row[position[other]] = 1.0, -1.0
            rows.append(row[None, :])
            bounds.append(np.zeros(1))
    groups = projects.table["exclusive_group"]
    for group in groups.dropna().unique():
        rows.append((groups == group).to_numpy(dtype=float)[None, :])
        bounds.append(np.ones(1))
    return np.vstack(rows), np.concatenate(bounds), c


def best_semi_continuous(projects: ProjectList, scenario: Scenario) -> tuple[float, np.ndarray] | None:
    """The exact optimum with min_fraction and a portfolio that reaches it; None if there is none."""
    a, b, c = linear_rows(projects, scenario)
    table = projects.table
    divisible = table["divisible"].to_numpy(dtype=bool)
    ids = table["id"].astype(str)
    forced = table["mandatory"].to_numpy(dtype=bool) | ids.isin(scenario.include).to_numpy()
    excluded = ids.isin(scenario.exclude).to_numpy()
    best = None
    for chosen in itertools.product((False, True), repeat=len(projects)):
        on = np.array(chosen)
        if (forced & ~on).any() or (excluded & on).any():
            continue
        low = np.where(on, np.where(divisible & ~forced, scenario.min_fraction, 1.0), 0.0)
        high = on.astype(float)
        done = linprog(-c, A_ub=a, b_ub=b, bounds=list(zip(low, high, strict=True)), method="highs")
        if done.status == 0 and (best is None or -done.fun > best[0]):
            best = (-done.fun, np.clip(done.x, low, high))
    return best


def check_matches_semi_continuous_search(instance: Instance, solver: str) -> None:
    projects, scenario = read_projects(instance.rows), Scenario.model_validate(instance.scenario)
    best = best_semi_continuous(projects, scenario)
    result = solve(projects, scenario, solver=solver)
    if best is None:
        assert result.status is Status.INFEASIBLE, (result.status, result.objective_value_t)
        assert result.conflicts
        return
    value, reference = best
    assert check_portfolio(projects, scenario, reference).violations == [], "the reference is wrong"
    assert result.status is Status.OPTIMAL, (result.status, result.message, result.violations)
    assert result.objective_value_t == pytest.approx(value, rel=1e-6, abs=1e-6)
    assert_honours_min_fraction(result, projects, scenario)
    assert result.best_bound_t >= value - tolerance(value)


@settings(max_examples=examples(80), **COMMON)
@given(instances_with_min_fraction(), st.sampled_from(SOLVERS))
def test_optimum_equals_semi_continuous_exhaustive_search(instance: Instance, solver: str) -> None:
    check_matches_semi_continuous_search(instance, solver)


@settings(max_examples=examples(30), **COMMON)
@given(instances_with_min_fraction())
def test_core_problem_equals_semi_continuous_exhaustive_search(instance: Instance) -> None:
    with core_problem_always():
        check_matches_semi_continuous_search(instance, "highs")
