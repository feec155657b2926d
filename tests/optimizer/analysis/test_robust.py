"""Robust mode: the portfolio with the largest CVaR of its tonnes over drawn reductions.

The reference is exhaustive search: every portfolio (and, for phased projects, every start year)
is judged by the independent checker, its tonnes in each draw computed here from first principles,
and its CVaR taken as the mean of the worst alpha·N draws (the boundary draw counted in part).
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from rows import project
from strategies import Instance, instances

from models import ProjectList, Result, RobustPortfolio, Scenario, Status
from optimizer import InputError, read_projects, solve
from optimizer.analysis.robust import cvar, robust_portfolio
from optimizer.model.check import check_portfolio
from optimizer.model.fit import resolve_first_year

COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
ALPHAS = (0.1, 0.25, 0.5, 0.7, 1.0)


def tolerance(value: float) -> float:
    return 1e-6 * max(1.0, abs(value))


def reference_cvar(values: np.ndarray, alpha: float) -> float:
    """The Rockafellar–Uryasev form itself: max over eta of eta − Σ (eta − v)+ / (alpha·N); the
    maximum is at one of the values (the function is concave and piecewise linear)."""
    values = np.asarray(values, dtype=float)
    etas = values[:, None]
    return float(
        (etas[:, 0] - np.clip(etas - values[None, :], 0, None).sum(axis=1) / (alpha * len(values))).max()
    )


def years_as_planned(rows: list[dict], scenario: Scenario) -> np.ndarray:
    """Years of reduction each project counts when started as planned: the checker's tonnes of the
    same list with a reduction of 1 t/yr each."""
    unit = read_projects([{**r, "abatement_t_per_year": 1} for r in rows])
    return check_portfolio(unit, scenario, np.zeros(len(rows))).contribution_t


def exhaustive_cvar(
    projects: ProjectList, scenario: Scenario, years: np.ndarray, draws: np.ndarray, alpha: float
) -> float | None:
    """The largest CVaR over all 0/1 portfolios that pass the checker; None if none passes."""
    n = len(projects)
    portfolios = np.array(list(itertools.product((0.0, 1.0), repeat=n))).reshape(-1, n)
    tonnes = portfolios @ (draws * years).T  # portfolios × draws
    values = np.array([cvar(t, alpha) for t in tonnes])
    for k in np.argsort(-values, kind="stable"):
        if check_portfolio(projects, scenario, portfolios[k]).passed:
            return float(values[k])
    return None


def tonnes_of(result: Result, projects: ProjectList, years: np.ndarray, draws: np.ndarray) -> np.ndarray:
    position = {pid: i for i, pid in enumerate(projects.ids)}
    x = np.zeros(len(projects))
    for s in result.selected:
        x[position[s.id]] = s.fraction
    return draws @ (x * years)


def assert_consistent(robust: RobustPortfolio, projects: ProjectList, scenario: Scenario) -> None:
    """What holds for every robust portfolio: checked, its figures its own, never worse than the point one."""
    assert robust.result.has_portfolio
    chosen = {s.id: s.fraction for s in robust.result.selected}
    x = np.array([chosen.get(pid, 0.0) for pid in projects.ids])
    earliest = projects.start_window(resolve_first_year(projects, scenario), scenario.budget_years)[0]
    starts = {s.id: s.start_year for s in robust.result.selected}
    start_years = np.array([starts.get(pid, e) for pid, e in zip(projects.ids, earliest, strict=True)])
    report = check_portfolio(projects, scenario, x, start_years=start_years)
    assert report.passed, report.violations
    assert robust.objective_at_point_t == pytest.approx(report.objective_t)
    assert robust.cvar_t >= robust.point_cvar_t - tolerance(robust.point_cvar_t)
    assert robust.price_t >= -tolerance(robust.point_objective_t)
    assert robust.price_t == pytest.approx(robust.point_objective_t - robust.objective_at_point_t)
    assert robust.cvar_gain_t == pytest.approx(robust.cvar_t - robust.point_cvar_t)
    assert robust.best_bound_t is None or robust.best_bound_t >= robust.cvar_t - tolerance(robust.cvar_t)
    json.dumps(robust.to_dict())


# ------------------------------------------------------------------------------------------
# The CVaR of a set of values
# ------------------------------------------------------------------------------------------


@settings(max_examples=200, **COMMON)
@given(
    arrays(np.float64, st.integers(1, 30), elements=st.integers(0, 1000).map(float)),
    st.sampled_from(ALPHAS + (0.05, 0.33, 0.99)),
)
def test_cvar_is_the_rockafellar_uryasev_optimum(values: np.ndarray, alpha: float) -> None:
    assert cvar(values, alpha) == pytest.approx(reference_cvar(values, alpha), rel=1e-9, abs=1e-9)


def test_cvar_known_values() -> None:
    values = np.array([5.0, 1.0, 3.0, 2.0, 4.0])
    assert cvar(values, 0.4) == pytest.approx(1.5)  # the worst two
    assert cvar(values, 0.3) == pytest.approx((1 + 0.5 * 2) / 1.5)  # the second worst in half
    assert cvar(values, 1.0) == pytest.approx(3.0)  # the mean
    assert cvar(values, 0.01) == pytest.approx(1.0)  # the worst


# ------------------------------------------------------------------------------------------
# Exhaustive search on random instances with every kind of rule
# ------------------------------------------------------------------------------------------


@st.composite
def robust_cases(draw: st.DrawFn) -> tuple[Instance, np.ndarray, float]:
    instance = draw(instances(max_n=6, divisible="never"))
    n = len(instance.rows)
    n_draws = draw(st.integers(1, 12))
    draws = draw(arrays(np.float64, (n_draws, n), elements=st.integers(0, 60).map(float)))
    return instance, draws, draw(st.sampled_from(ALPHAS))


@settings(max_examples=40, **COMMON)
@given(robust_cases())
def test_matches_exhaustive_search(case: tuple[Instance, np.ndarray, float]) -> None:
    instance, draws, alpha = case
    projects, scenario = read_projects(instance.rows), Scenario.model_validate(instance.scenario)
    years = years_as_planned(instance.rows, scenario)
    best = exhaustive_cvar(projects, scenario, years, draws, alpha)
    point = solve(projects, scenario)
    robust = robust_portfolio(projects, scenario, abatement_draws=draws, alpha=alpha, point=point)
    if best is None:
        assert robust.status is Status.INFEASIBLE
        assert robust.result.status is Status.INFEASIBLE and robust.result.conflicts
        assert robust.cvar_t is None and robust.price_t is None
        return
    assert robust.status is Status.OPTIMAL, robust.message
    assert robust.cvar_t == pytest.approx(best, rel=1e-6, abs=1e-6)
    assert cvar(tonnes_of(robust.result, projects, years, draws), alpha) == pytest.approx(robust.cvar_t)
    assert robust.point_cvar_t == pytest.approx(cvar(tonnes_of(point, projects, years, draws), alpha))
    assert_consistent(robust, projects, scenario)
    if alpha == 1.0:  # the mean of the draws
        assert robust.cvar_t == pytest.approx(robust.expected_t)


@settings(max_examples=40, **COMMON)
@given(instances(max_n=8, divisible="some"), st.sampled_from(ALPHAS))
def test_identical_draws_give_the_point_optimum(instance: Instance, alpha: float) -> None:
    projects, scenario = read_projects(instance.rows), Scenario.model_validate(instance.scenario)
    point = solve(projects, scenario)
    draws = np.tile(projects.table["abatement_t_per_year"].to_numpy(dtype=float), (5, 1))
    robust = robust_portfolio(projects, scenario, abatement_draws=draws, alpha=alpha, point=point)
    if not point.has_portfolio:
        assert robust.status is Status.INFEASIBLE
        return
    assert robust.status is Status.OPTIMAL
    assert robust.distinct_draws == 1
    for value in (
        robust.cvar_t,
        robust.point_cvar_t,
        robust.p10_t,
        robust.expected_t,
        robust.objective_at_point_t,
    ):
        assert value == pytest.approx(point.objective_value_t, rel=1e-6, abs=1e-6)
    assert robust.price_t == pytest.approx(0.0, abs=tolerance(point.objective_value_t))
    assert_consistent(robust, projects, scenario)


@settings(max_examples=40, **COMMON)
@given(instances(max_n=8, divisible="some"), st.data())
def test_never_worse_in_the_tail_never_better_at_the_point(instance: Instance, data: st.DataObject) -> None:
    projects, scenario = read_projects(instance.rows), Scenario.model_validate(instance.scenario)
    n_draws = data.draw(st.integers(1, 20))
    factors = data.draw(
        arrays(np.float64, (n_draws, len(projects)), elements=st.sampled_from([0.0, 0.3, 1.0, 1.5]))
    )
    draws = factors * projects.table["abatement_t_per_year"].to_numpy(dtype=float)
    robust = robust_portfolio(
        projects, scenario, abatement_draws=draws, alpha=data.draw(st.sampled_from(ALPHAS))
    )
    if robust.status is Status.INFEASIBLE:
        return
    assert robust.status is Status.OPTIMAL, (robust.message, robust.result.violations, instance)
    assert_consistent(robust, projects, scenario)


# ------------------------------------------------------------------------------------------
# Phasing with a cumulative objective: start years count in every draw
# ------------------------------------------------------------------------------------------

BUDGETS = {"2026": 100, "2027": 100}
CUMULATIVE = {"budget_sek": BUDGETS, "objective": {"cumulative_to": 2030}, "mip_gap": 0}


def phased_rows() -> list[dict]:
    """A may start in 2026 (4 years to 2030) or 2027 (3 years); B and C compete for 2026's money."""
    return [
        project("A", 100, 10, year=2027, earliest_start=2026, lifetime_years=20),
        project("B", 100, 12, year=2026, lifetime_years=20),
        project("C", 100, 11, year=2026, lifetime_years=20),
    ]


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_known_answer_with_phasing(solver: str) -> None:
    # Point: B + A from 2027 = 12·4 + 10·3 = 78 t. B delivers nothing in the first draw: the worst
    # draw of {B, A} is 30 t, of {C, A} 74 t, of A alone from 2026 40 t.
    projects = read_projects(phased_rows())
    scenario = Scenario.model_validate({**CUMULATIVE, "solver": solver})
    draws = np.array([[10.0, 0.0, 11.0], [10.0, 12.0, 11.0]])
    robust = robust_portfolio(projects, scenario, abatement_draws=draws, alpha=0.5)
    assert robust.status is Status.OPTIMAL
    assert {s.id: s.start_year for s in robust.result.selected} == {"A": 2027, "C": 2026}
    assert (robust.cvar_t, robust.point_cvar_t) == pytest.approx((74, 30))
    assert (robust.p10_t, robust.point_p10_t) == pytest.approx((74, 30 + 0.1 * 48))
    assert (robust.expected_t, robust.point_expected_t) == pytest.approx((74, 54))
    assert (robust.objective_at_point_t, robust.point_objective_t, robust.price_t) == pytest.approx(
        (74, 78, 4)
    )
    assert robust.cvar_gain_t == pytest.approx(44)
    assert (robust.added, robust.removed) == (["C"], ["B"])
    assert robust.mip_gap == pytest.approx(0, abs=1e-6)
    assert robust.result.status is Status.OPTIMAL and robust.result.violations == []
    assert robust.to_dict()["cvar_t"] == pytest.approx(74)
    assert robust.to_dict()["result"]["selected"][0]["id"] in ("A", "C")


def exhaustive_phased(rows: list[dict], scenario: Scenario, draws: np.ndarray, alpha: float) -> float:
    """Every (funded or not, start year) combination; tonnes per draw from first principles: a
    one-year cost in year s counts min(2030 − s, lifetime) years."""
    projects = read_projects(rows)
    choices = [
        [None, *range(r.get("earliest_start", r["year"]), r.get("latest_start", 2027) + 1)]
        if "earliest_start" in r
        else [None, r["year"]]
        for r in rows
    ]
    best = -math.inf
    for combo in itertools.product(*choices):
        x = np.array([0.0 if s is None else 1.0 for s in combo])
        starts = np.array([r["year"] if s is None else s for r, s in zip(rows, combo, strict=True)])
        if not check_portfolio(projects, scenario, x, start_years=starts).passed:
            continue
        years = x * np.minimum(np.clip(2030 - starts, 0, None), [r["lifetime_years"] for r in rows])
        best = max(best, cvar(draws @ years, alpha))
    return best


@settings(max_examples=20, **COMMON)
@given(
    st.lists(
        st.tuples(st.integers(2026, 2027), st.integers(2026, 2027), st.integers(40, 100), st.booleans()),
        min_size=2,
        max_size=4,
    ),
    st.data(),
)
def test_phased_matches_exhaustive_search(
    specs: list[tuple[int, int, int, bool]], data: st.DataObject
) -> None:
    rows = []
    for i, (year, other, cost, phased) in enumerate(specs):
        extra = {"earliest_start": min(year, other), "latest_start": max(year, other)} if phased else {}
        rows.append(project(f"P{i}", cost, 1, year=year, lifetime_years=3, **extra))
    scenario = Scenario.model_validate(CUMULATIVE)
    draws = data.draw(
        arrays(np.float64, (data.draw(st.integers(1, 8)), len(rows)), elements=st.integers(0, 20).map(float))
    )
    alpha = data.draw(st.sampled_from(ALPHAS))
    projects = read_projects(rows)
    robust = robust_portfolio(projects, scenario, abatement_draws=draws, alpha=alpha)
    assert robust.status is Status.OPTIMAL, robust.message
    assert robust.cvar_t == pytest.approx(exhaustive_phased(rows, scenario, draws, alpha), rel=1e-6, abs=1e-6)
    assert_consistent(robust, projects, scenario)


# ------------------------------------------------------------------------------------------
# The time limit and statuses
# ------------------------------------------------------------------------------------------


def test_time_limit_gives_an_honest_status() -> None:
    rng = np.random.default_rng(7)
    n = 80
    rows = [
        project(f"P{i}", float(c), float(a), sector=("transport", "energy")[i % 2])
        for i, (c, a) in enumerate(zip(rng.integers(50, 150, n), rng.integers(50, 150, n), strict=True))
    ]
    projects = read_projects(rows)
    scenario = Scenario.model_validate(
        {
            "budget_sek": 2500,
            "constraints": [
                {"name": "transport", "where": {"sector": ["transport"]}, "measure": "cost", "min_share": 0.4}
            ],
        }
    )
    point = solve(projects, scenario)
    draws = projects.table["abatement_t_per_year"].to_numpy(dtype=float) * rng.uniform(0.0, 2.0, (1500, n))
    robust = robust_portfolio(projects, scenario, abatement_draws=draws, point=point, time_limit_s=0.05)
    assert robust.status is Status.FEASIBLE
    assert robust.time_limit_reached
    assert robust.result.status is Status.FEASIBLE
    assert "stopped before optimality was proven" in robust.message
    assert robust.cvar_t >= robust.point_cvar_t - tolerance(robust.point_cvar_t)
    if robust.best_bound_t is not None:
        assert robust.best_bound_t >= robust.cvar_t
        assert robust.mip_gap is not None and robust.mip_gap >= 0
    assert_consistent(robust, projects, scenario)


def test_an_infeasible_scenario_has_no_robust_portfolio() -> None:
    projects = read_projects([project("A", 100, 1, mandatory=True)])
    scenario = Scenario.model_validate({"budget_sek": 50})
    robust = robust_portfolio(projects, scenario, abatement_draws=np.ones((3, 1)))
    assert robust.status is Status.INFEASIBLE
    assert robust.result.conflicts
    assert robust.cvar_t is None and robust.price_t is None and robust.added == []
    json.dumps(robust.to_dict())


# ------------------------------------------------------------------------------------------
# Input errors
# ------------------------------------------------------------------------------------------

TWO = [project("A", 10, 1), project("B", 10, 2)]


def messages(**arguments: object) -> list[str]:
    scenario = arguments.pop("scenario", Scenario.model_validate({"budget_sek": 10}))
    with pytest.raises(InputError) as raised:
        robust_portfolio(read_projects(TWO), scenario, **arguments)
    return [p.message for p in raised.value.problems]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (
            {"abatement_draws": np.ones((4, 3))},
            (
                "abatement_draws must be a matrix of N draws × 2 projects (one column per project, in list "
                "order), not of shape (4, 3)"
            ),
        ),
        (
            {"abatement_draws": np.ones(2)},
            (
                "abatement_draws must be a matrix of N draws × 2 projects (one column per project, in list "
                "order), not of shape (2,)"
            ),
        ),
        ({"abatement_draws": np.ones((0, 2))}, "abatement_draws needs at least one draw (row)"),
        ({"abatement_draws": [[1, "x"]]}, "abatement_draws must be a matrix of numbers"),
        (
            {"abatement_draws": np.array([[1.0, np.nan], [np.inf, 1.0]])},
            "abatement_draws must be finite: 2 value(s) are not",
        ),
        (
            {"abatement_draws": np.array([[1.0, -1.0]])},
            "abatement_draws must be ≥ 0 t/yr: 1 value(s) are negative",
        ),
        (
            {"abatement_draws": np.ones((1, 2)), "alpha": 0.0},
            "alpha must be a number above 0 and at most 1, not 0.0",
        ),
        (
            {"abatement_draws": np.ones((1, 2)), "alpha": 1.5},
            "alpha must be a number above 0 and at most 1, not 1.5",
        ),
        (
            {"abatement_draws": np.ones((1, 2)), "alpha": float("nan")},
            "alpha must be a number above 0 and at most 1, not nan",
        ),
        (
            {"abatement_draws": np.ones((1, 2)), "alpha": True},
            "alpha must be a number above 0 and at most 1, not True",
        ),
    ],
)
def test_each_input_error_has_its_message(arguments: dict, expected: str) -> None:
    assert messages(**arguments) == [expected]


def test_min_cost_objective_is_rejected() -> None:
    scenario = Scenario.model_validate({"budget_sek": 10, "objective": {"min_cost_for_t": 1}})
    assert messages(abatement_draws=np.ones((1, 2)), scenario=scenario) == [
        (
            "robust mode maximises tonnes: a min_cost_for_t objective cannot be made robust; "
            'use "lifetime", "annual" or {"cumulative_to": YEAR}'
        )
    ]


def test_a_point_from_another_list_is_rejected() -> None:
    other = solve(read_projects([project("Z", 1, 1)]), Scenario.model_validate({"budget_sek": 10}))
    assert messages(abatement_draws=np.ones((1, 2)), point=other) == [
        "point funds projects not in the list: Z"
    ]


def test_every_problem_is_reported_at_once() -> None:
    assert len(messages(abatement_draws=np.array([[-1.0, np.nan]]), alpha=2)) == 3


@settings(max_examples=25, **COMMON)
@given(
    st.lists(st.tuples(st.integers(1, 9), st.integers(1, 30), st.integers(1, 6)), min_size=3, max_size=6),
    st.integers(2, 12),
    st.sampled_from(ALPHAS),
    st.data(),
)
def test_an_overlap_counts_once_in_every_draw(
    specs: list[tuple[int, int, int]], n_draws: int, alpha: float, data: st.DataObject
) -> None:
    """Interactions are not drawn: with every project of one funded, each draw loses the same tonnes;
    the robust portfolio is still the exhaustive optimum."""
    rows = [
        project(f"P{i}", cost, annual, lifetime_years=life) for i, (cost, annual, life) in enumerate(specs)
    ]
    pair = data.draw(st.lists(st.sampled_from([r["id"] for r in rows]), min_size=2, max_size=2, unique=True))
    together = sum(r["abatement_t_per_year"] for r in rows if r["id"] in pair)
    change = -data.draw(st.integers(0, together))
    budget = max(1, sum(cost for cost, _, _ in specs) // 2)
    scenario = Scenario.model_validate(
        {"budget_sek": budget, "interactions": [{"ids": pair, "abatement_t_per_year": change}], "mip_gap": 0}
    )
    projects = read_projects(rows)
    draws = data.draw(arrays(np.float64, (n_draws, len(rows)), elements=st.integers(0, 40).map(float)))
    years = np.array([r["lifetime_years"] for r in rows], dtype=float)
    shortest = min(r["lifetime_years"] for r in rows if r["id"] in pair)
    members = [i for i, r in enumerate(rows) if r["id"] in pair]
    best = None
    for x in itertools.product((0.0, 1.0), repeat=len(rows)):
        x = np.array(x)
        if not check_portfolio(projects, scenario, x).passed:
            continue
        tonnes = draws @ (x * years) + (change * shortest if x[members].all() else 0.0)
        value = cvar(tonnes, alpha)
        best = value if best is None else max(best, value)
    robust = robust_portfolio(projects, scenario, abatement_draws=draws, alpha=alpha)
    assert robust.status is Status.OPTIMAL, robust.message
    assert robust.cvar_t == pytest.approx(best, rel=1e-6, abs=1e-6)
    assert_consistent(robust, projects, scenario)


def test_known_answer_with_an_overlap() -> None:
    """A and B overlap (−9 t/yr of their 20); C is a gamble (0 or 18 t/yr, 9 at the point); D a steady
    8. Two of the four fit. At the point A + C (19) is best; in the worse half of the draws A + D
    (18) is, ahead of A + B (11 with the overlap, 20 if it were counted twice) and A + C (10)."""
    rows = [project("A", 1, 10), project("B", 1, 10), project("C", 1, 9), project("D", 1, 8)]
    scenario = Scenario.model_validate(
        {"budget_sek": 2, "interactions": [{"ids": ["A", "B"], "abatement_t_per_year": -9}], "mip_gap": 0}
    )
    draws = np.array([[10.0, 10.0, 0.0, 8.0], [10.0, 10.0, 18.0, 8.0]])
    robust = robust_portfolio(read_projects(rows), scenario, abatement_draws=draws, alpha=0.5)
    assert robust.status is Status.OPTIMAL
    assert {s.id for s in robust.result.selected} == {"A", "D"}
    assert robust.cvar_t == pytest.approx(18.0)
    assert robust.point_cvar_t == pytest.approx(10.0)
