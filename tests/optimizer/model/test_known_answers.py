"""Small scenarios whose best portfolio was worked out by hand, solved with both backends."""

from __future__ import annotations

import pytest
from rows import project

from models import Scenario, Status
from optimizer import read_projects, solve

SOLVERS = ["highs", "cbc"]


def run(rows: list[dict[str, object]], solver: str, **scenario: object):
    scenario.setdefault("objective", "annual")
    scenario.setdefault("mip_gap", 0)
    result = solve(read_projects(rows), Scenario.model_validate(scenario), solver=solver)
    return result, {s.id: s.fraction for s in result.selected}


@pytest.fixture(params=SOLVERS)
def solver(request: pytest.FixtureRequest) -> str:
    return request.param


def test_beats_sorting_by_cost_per_tonne(solver: str) -> None:
    # Sorting on SEK per tonne takes A (0.86 SEK/t) and then nothing fits; B + C fill the budget.
    rows = [project("A", 60, 70), project("B", 50, 50), project("C", 50, 50)]
    result, chosen = run(rows, solver, budget_sek=100)
    assert result.status is Status.OPTIMAL
    assert chosen == {"B": 1.0, "C": 1.0}
    assert result.objective_value_t == pytest.approx(100)
    assert result.best_bound_t == pytest.approx(100)
    assert result.mip_gap == pytest.approx(0, abs=1e-9)
    assert result.total_cost_sek == pytest.approx(100)
    assert result.sek_per_t == pytest.approx(1.0)


def test_yearly_budgets_change_the_answer(solver: str) -> None:
    rows = [
        project("A", 80, 10, year=2026),
        {**project("B", 0, 9), "cost_sek": None, "cost_sek_2026": 30, "cost_sek_2027": 50},
        project("C", 60, 8, year=2027),
        project("D", 20, 3, year=2026),
    ]
    one_budget, chosen = run(rows, solver, budget_sek=200)
    assert (one_budget.objective_value_t, chosen) == (pytest.approx(22), {"A": 1.0, "B": 1.0, "D": 1.0})
    per_year, chosen = run(rows, solver, budget_sek={"2026": 100, "2027": 100})
    assert (per_year.objective_value_t, chosen) == (pytest.approx(21), {"A": 1.0, "C": 1.0, "D": 1.0})
    assert [(b.year, b.spend_sek, b.budget_sek) for b in per_year.budget] == [
        (2026, 100, 100),
        (2027, 60, 100),
    ]


def test_grants_lower_the_municipal_cost_counted_in_the_budget(solver: str) -> None:
    rows = [project("A", 100, 10, grant_sek=60), project("B", 50, 8)]
    result, chosen = run(rows, solver, budget_sek=90)
    assert chosen == {"A": 1.0, "B": 1.0}
    assert (result.total_cost_sek, result.municipal_cost_sek, result.grant_sek) == (
        150,
        pytest.approx(90),
        60,
    )


def test_grant_is_spread_pro_rata_over_a_cost_profile(solver: str) -> None:
    # 100 SEK over two years with a 50 % grant: 30 + 20 municipal; the 2027 budget of 19 is 1 SEK short.
    rows = [{**project("A", 0, 5, grant_sek=50), "cost_sek": None, "cost_sek_2026": 60, "cost_sek_2027": 40}]
    fits, chosen = run(rows, solver, budget_sek={"2026": 30, "2027": 20})
    assert chosen == {"A": 1.0}
    assert [b.spend_sek for b in fits.budget] == [pytest.approx(30), pytest.approx(20)]
    short, chosen = run(rows, solver, budget_sek={"2026": 30, "2027": 19})
    assert short.status is Status.OPTIMAL and chosen == {}


def test_a_project_needs_what_it_requires(solver: str) -> None:
    rows = [project("A", 30, 50, requires="B"), project("B", 30, 0), project("C", 50, 45)]
    _, chosen = run(rows, solver, budget_sek=60)
    assert chosen == {"A": 1.0, "B": 1.0}
    _, chosen = run(rows, solver, budget_sek=59)
    assert chosen == {"C": 1.0}


def test_at_most_one_alternative(solver: str) -> None:
    rows = [
        project("A", 10, 10, exclusive_group="g"),
        project("B", 10, 12, exclusive_group="g"),
        project("C", 10, 1),
    ]
    _, chosen = run(rows, solver, budget_sek=100)
    assert chosen == {"B": 1.0, "C": 1.0}


def test_mandatory_projects_are_funded_first(solver: str) -> None:
    rows = [project("M", 50, 1, mandatory=True), project("X", 60, 100)]
    result, chosen = run(rows, solver, budget_sek=100)
    assert result.status is Status.OPTIMAL
    assert chosen == {"M": 1.0}


def test_divisible_projects_are_funded_in_part(solver: str) -> None:
    rows = [project("A", 100, 100, divisible=True), project("B", 60, 70)]
    result, chosen = run(rows, solver, budget_sek=100)
    assert chosen == {"B": 1.0, "A": pytest.approx(0.4)}
    assert result.objective_value_t == pytest.approx(110)
    assert result.total_cost_sek == pytest.approx(100)


@pytest.mark.parametrize(
    ("objective", "winner", "value"),
    [("lifetime", "A", 200), ("annual", "B", 30), ({"cumulative_to": 2030}, "B", 60)],
)
def test_objectives(solver: str, objective: object, winner: str, value: float) -> None:
    # A: 10 t/yr for 20 years from 2028; B: 30 t/yr for 5 years from 2029 (profile ends in 2028).
    rows = [
        {**project("A", 100, 10), "lifetime_years": 20, "year": 2027},
        {
            **project("B", 0, 30),
            "cost_sek": None,
            "lifetime_years": 5,
            "cost_sek_2026": 50,
            "cost_sek_2028": 50,
        },
    ]
    result, chosen = run(rows, solver, budget_sek=100, objective=objective)
    assert chosen == {winner: 1.0}
    assert result.objective_value_t == pytest.approx(value)


def test_cumulative_objective_counts_nothing_after_the_target_year(solver: str) -> None:
    rows = [
        {**project("A", 10, 10), "lifetime_years": 20, "year": 2030},
        {**project("B", 10, 1), "year": 2026},
    ]
    result, chosen = run(rows, solver, budget_sek=20, objective={"cumulative_to": 2030})
    assert result.objective_value_t == pytest.approx(1)
    assert chosen == {"B": 1.0}


def test_equity_share_rule(solver: str) -> None:
    rows = [
        project("A", 50, 100, district="X"),
        project("B", 50, 90, district="Y"),
        project("C", 50, 80, district="Y"),
    ]
    _, free = run(rows, solver, budget_sek=100)
    assert free == {"A": 1.0, "B": 1.0}
    rule = {"name": "equity", "where": {"district": ["Y"]}, "measure": "cost", "min_share": 0.6}
    result, chosen = run(rows, solver, budget_sek=100, constraints=[rule])
    assert chosen == {"B": 1.0, "C": 1.0}
    [outcome] = result.rules
    assert (outcome.name, outcome.value, outcome.share, outcome.projects) == ("equity", 100, 1.0, 2)
    assert outcome.slack == pytest.approx(40)


def test_share_rule_for_each_sector(solver: str) -> None:
    rows = [
        project("A", 50, 100, sector="s1"),
        project("B", 50, 90, sector="s1"),
        project("C", 50, 10, sector="s2"),
    ]
    rule = {"name": "spread", "for_each": "sector", "measure": "cost", "max_share": 0.5}
    result, chosen = run(rows, solver, budget_sek=100, constraints=[rule])
    assert chosen == {"A": 1.0, "C": 1.0}
    assert {r.name: r.binding for r in result.rules} == {"spread[s1]": True, "spread[s2]": True}


def test_absolute_rules_on_count_abatement_and_tags(solver: str) -> None:
    rows = [
        project("A", 10, 100, kind="big"),
        project("B", 10, 90, kind="big"),
        project("C", 10, 5, kind="small"),
        project("D", 10, 4, kind="small"),
    ]
    rules = [
        {"name": "few big", "where": {"kind": ["big"]}, "measure": "count", "max": 1},
        {"name": "small t", "where": {"kind": "small"}, "measure": "abatement", "min": 9},
    ]
    result, chosen = run(rows, solver, budget_sek=100, constraints=rules)
    assert chosen == {"A": 1.0, "C": 1.0, "D": 1.0}
    assert [(r.name, r.value) for r in result.rules] == [("few big", 1), ("small t", 9)]


def test_municipal_cost_rule_counts_cost_after_grants(solver: str) -> None:
    rows = [project("A", 100, 10, grant_sek=90, district="X"), project("B", 20, 10, district="Y")]
    rule = {"name": "X municipal", "where": {"district": ["X"]}, "measure": "municipal_cost", "max": 15}
    result, chosen = run(rows, solver, budget_sek=1000, constraints=[rule])
    assert chosen == {"A": 1.0, "B": 1.0}
    assert result.rules[0].value == pytest.approx(10)


def test_include_and_exclude(solver: str) -> None:
    rows = [project("A", 60, 70), project("B", 50, 50), project("C", 50, 50)]
    _, chosen = run(rows, solver, budget_sek=100, exclude=["B"])
    assert chosen == {"A": 1.0}
    _, chosen = run(rows, solver, budget_sek=100, include=["A"])
    assert chosen == {"A": 1.0}


def test_an_empty_portfolio_is_a_valid_answer(solver: str) -> None:
    result, chosen = run([project("A", 60, 70)], solver, budget_sek=10)
    assert result.status is Status.OPTIMAL
    assert chosen == {}
    assert result.objective_value_t == 0
    assert result.sek_per_t is None


def test_a_project_that_adds_nothing_is_left_out_unless_another_needs_it(solver: str) -> None:
    # A counts nothing towards 2030 but B, which does, requires it; C counts nothing and is not needed.
    rows = [
        {**project("A", 10, 10), "lifetime_years": 20, "year": 2030},
        {**project("B", 10, 5), "lifetime_years": 20, "year": 2026, "requires": "A"},
        {**project("C", 10, 10), "lifetime_years": 20, "year": 2030},
    ]
    result, chosen = run(rows, solver, budget_sek=30, objective={"cumulative_to": 2030})
    assert chosen == {"A": 1.0, "B": 1.0}
    assert result.objective_value_t == pytest.approx(5 * 4)
