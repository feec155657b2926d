"""Infeasible scenarios are explained: which rules conflict, with the figures that show it."""

from __future__ import annotations

import pytest

from models import Scenario, Status
from optimizer import read_projects, solve


def row(pid: str, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": pid,
        "name": pid,
        "sector": "energy",
        "abatement_t_per_year": 10,
        "lifetime_years": 10,
    }
    return base | fields


@pytest.fixture(params=["highs", "cbc"])
def solver(request: pytest.FixtureRequest) -> str:
    return request.param


def explain(rows: list[dict[str, object]], solver: str, **scenario: object):
    result = solve(read_projects(rows), Scenario.model_validate(scenario), solver=solver)
    assert result.status is Status.INFEASIBLE
    [conflict] = result.conflicts
    return conflict


def test_mandatory_projects_exceed_a_yearly_budget(solver: str) -> None:
    rows = [
        row("M1", cost_sek=20_000_000, year=2027, mandatory=True),
        row("M2", cost_sek=15_000_000, year=2027, mandatory=True),
        row("X", cost_sek=1_000_000, year=2026),
    ]
    conflict = explain(rows, solver, budget_sek={"2026": 40_000_000, "2027": 30_000_000})
    assert set(conflict.rules) == {"budget 2027", "mandatory"}
    assert (
        "the 2027 budget of 30.0 MSEK (the forced-in projects M1, M2 alone need 35.0 MSEK of it)"
        in conflict.message
    )
    assert "the mandatory projects M1, M2" in conflict.message


def test_equity_rule_cannot_be_met_when_priority_projects_cost_too_little(solver: str) -> None:
    rows = [
        row("P1", cost_sek=2_000_000, district="Presterud"),
        row("P2", cost_sek=3_000_000, district="Kroppkärr"),
        row("C1", cost_sek=20_000_000, district="Centrum", mandatory=True),
        row("C2", cost_sek=5_000_000, district="Centrum"),
    ]
    rule = {
        "name": "equity",
        "where": {"district": ["Presterud", "Kroppkärr"]},
        "measure": "cost",
        "min_share": 0.4,
    }
    conflict = explain(rows, solver, budget_sek=100_000_000, constraints=[rule])
    assert set(conflict.rules) == {"rule equity", "mandatory"}
    assert "at least 40% of the portfolio's cost" in conflict.message
    assert "its 2 projects amount to 5.0 MSEK in all" in conflict.message
    assert "the mandatory projects C1" in conflict.message


def test_a_minimum_beyond_what_the_group_can_give(solver: str) -> None:
    rows = [
        row("T1", sector="transport", cost_sek=1e6),
        row("T2", sector="transport", cost_sek=1e6),
        row("E1", cost_sek=1e6),
    ]
    rule = {"name": "transport 500 t", "where": {"sector": ["transport"]}, "measure": "abatement", "min": 500}
    conflict = explain(rows, solver, budget_sek=10e6, constraints=[rule])
    assert conflict.rules == ["rule transport 500 t"]
    assert "its 2 projects amount to 200 in all" in conflict.message


def test_mandatory_and_excluded(solver: str) -> None:
    rows = [row("A", cost_sek=1e6, mandatory=True), row("B", cost_sek=1e6)]
    conflict = explain(rows, solver, budget_sek=10e6, exclude=["A"])
    assert set(conflict.rules) == {"exclude", "mandatory"}
    assert "(A both forced in and excluded)" in conflict.message


def test_requirement_of_an_included_project_is_counted(solver: str) -> None:
    rows = [row("A", cost_sek=6e6, requires="B"), row("B", cost_sek=5e6), row("C", cost_sek=1e6)]
    conflict = explain(rows, solver, budget_sek=10e6, include=["A"])
    assert set(conflict.rules) == {"budget", "requires", "include"}
    assert "the forced-in projects A, B alone need 11.0 MSEK" in conflict.message


def test_conflicting_alternatives(solver: str) -> None:
    rows = [row("A", cost_sek=1e6, exclusive_group="g"), row("B", cost_sek=1e6, exclusive_group="g")]
    conflict = explain(rows, solver, budget_sek=10e6, include=["A", "B"])
    assert set(conflict.rules) == {"alternatives", "include"}
