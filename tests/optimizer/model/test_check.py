"""The independent checker (`optimizer.model.check`): each rule it promises to check, broken by a
hand-made portfolio, gives its message; the same list with a portfolio that keeps the rule passes; and
the figures it recomputes are the ones worked out by hand. No solver is involved."""

from __future__ import annotations

import numpy as np
import pytest
from rows import project

from models import Scenario
from optimizer import read_projects
from optimizer.model.check import check_portfolio


def check(rows: list[dict[str, object]], portfolio: list[float], **scenario: object):
    scenario.setdefault("objective", "annual")
    projects = read_projects(rows)
    return check_portfolio(projects, Scenario.model_validate(scenario), np.array(portfolio, dtype=float))


# (rows, scenario, a portfolio that breaks the rule, its message, a portfolio that keeps it)
BROKEN = {
    "budget": (
        [project("A", 60, 6), project("B", 50, 5)],
        {"budget_sek": 100},
        [1, 1],
        "the budget of 100 SEK is exceeded: 110 SEK spent",
        [1, 0],
    ),
    "yearly budget": (
        [project("A", 60, 6, year=2026), project("B", 50, 5, year=2027)],
        {"budget_sek": {"2026": 50, "2027": 100}},
        [1, 1],
        "the 2026 budget of 50 SEK is exceeded: 60 SEK spent",
        [0, 1],
    ),
    "a year without a budget": (
        [project("A", 60, 6, year=2026), project("B", 50, 5, year=2028)],
        {"budget_sek": {"2026": 100, "2027": 100}},
        [1, 1],
        "50 SEK spent in 2028, a year without a budget",
        [1, 0],
    ),
    "mandatory": (
        [project("A", 60, 6, mandatory=True), project("B", 50, 5)],
        {"budget_sek": 100},
        [0, 1],
        "project A is mandatory but funded at 0",
        [1, 0],
    ),
    "included": (
        [project("A", 60, 6), project("B", 50, 5)],
        {"budget_sek": 100, "include": ["B"]},
        [1, 0],
        "project B is included by the scenario but funded at 0",
        [0, 1],
    ),
    "excluded": (
        [project("A", 60, 6), project("B", 50, 5)],
        {"budget_sek": 100, "exclude": ["A"]},
        [1, 0],
        "project A is excluded by the scenario but funded at 1",
        [0, 1],
    ),
    "requires": (
        [project("A", 60, 6), project("B", 30, 5, requires="A")],
        {"budget_sek": 100},
        [0, 1],
        "project B is funded at 1 but requires A, funded at 0",
        [1, 1],
    ),
    "alternatives": (
        [project("A", 40, 6, exclusive_group="g"), project("B", 30, 5, exclusive_group="g")],
        {"budget_sek": 100},
        [1, 1],
        "exclusive group g: 2 projects funded, at most 1 allowed",
        [0, 1],
    ),
    "whole project funded in part": (
        [project("A", 40, 6), project("B", 30, 5)],
        {"budget_sek": 100},
        [0.5, 1],
        "project A: fraction 0.5 but the project is not divisible",
        [1, 1],
    ),
    "min share of cost": (
        [project("A", 60, 6, district="X"), project("B", 30, 5, district="Y")],
        {
            "budget_sek": 100,
            "constraints": [
                {"name": "Y first", "where": {"district": ["Y"]}, "measure": "cost", "min_share": 0.4}
            ],
        },
        [1, 1],
        "rule Y first: cost 30 breaks its bound by 6",
        [0, 1],
    ),
    "max per sector": (
        [project("A", 60, 6, sector="energy"), project("B", 30, 5, sector="transport")],
        {
            "budget_sek": 100,
            "constraints": [{"name": "cap", "for_each": "sector", "measure": "cost", "max": 50}],
        },
        [1, 1],
        "rule cap[energy]: cost 60 breaks its bound by 10",
        [0, 1],
    ),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_a_broken_rule_is_named_and_a_kept_one_passes(case: str) -> None:
    rows, scenario, broken, message, kept = BROKEN[case]
    report = check(rows, broken, **scenario)
    assert not report.passed
    assert message in report.violations, report.violations
    assert check(rows, kept, **scenario).violations == []


def test_figures_are_recomputed_from_the_list() -> None:
    rows = [
        project("A", 100, 10, grant_sek=60, lifetime_years=5),
        project("B", 50, 8, lifetime_years=2, divisible=True),
        project("C", 40, 3),
    ]
    report = check(rows, [1, 0.5, 0], budget_sek=90)
    assert report.passed, report.violations
    assert [(s.id, s.fraction) for s in report.selected] == [("A", 1.0), ("B", 0.5)]
    assert report.total_cost_sek == pytest.approx(125)
    assert report.grant_sek == pytest.approx(60)
    assert report.municipal_cost_sek == pytest.approx(65)
    assert report.abatement_t_per_year == pytest.approx(14)
    assert report.objective_t == pytest.approx(14)
    [year] = report.budget
    assert (year.budget_sek, year.spend_sek, year.slack_sek) == (90, pytest.approx(65), pytest.approx(25))


def test_the_lifetime_objective_counts_each_year_of_life() -> None:
    rows = [project("A", 100, 10, lifetime_years=5), project("B", 50, 8, lifetime_years=2)]
    report = check(rows, [1, 1], budget_sek=200, objective="lifetime")
    assert report.contribution_t.tolist() == pytest.approx([50, 16])
    assert report.objective_t == pytest.approx(66)


def test_solver_noise_is_snapped_but_a_real_fraction_is_not() -> None:
    rows = [project("A", 60, 6), project("B", 30, 5)]
    report = check(rows, [1 - 1e-7, 1e-7], budget_sek=100)
    assert report.passed, report.violations
    assert report.fractions.tolist() == [1.0, 0.0]
    assert not check(rows, [1, 1e-3], budget_sek=100).passed


def test_a_rule_at_its_bound_binds_and_one_with_room_does_not() -> None:
    rows = [project("A", 60, 6, district="X"), project("B", 40, 5, district="Y")]
    rules = [
        {"name": "Y share", "where": {"district": ["Y"]}, "measure": "cost", "min_share": 0.4},
        {"name": "X cap", "where": {"district": ["X"]}, "measure": "cost", "max": 100},
    ]
    report = check(rows, [1, 1], budget_sek=100, constraints=rules)
    assert report.passed, report.violations
    share, cap = report.rules
    assert (share.name, share.value, share.share, share.binding) == ("Y share", 40, pytest.approx(0.4), True)
    assert (cap.name, cap.value, cap.slack, cap.binding) == ("X cap", 60, pytest.approx(40), False)
