"""Lifecycle economics (issue 8): operating costs and savings, discounting, net budgets, the
net_benefit objective and interactions (overlapping measures) — hand-computed figures, properties,
exhaustive search on small cases, and every validation message."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from models import Scenario, Status
from optimizer.analysis.curves import macc
from optimizer.io.problems import InputError
from optimizer.io.readers import read_projects, read_scenario
from optimizer.model.check import check_portfolio
from optimizer.model.lifecycle import annuity_factor, project_lifecycle
from optimizer.model.solve import solve
from tests.rows import project

YEARS = {"2026": 1000.0, "2027": 800.0, "2028": 600.0}


def _projects(rows: list[dict]) -> object:
    return read_projects(pd.DataFrame(rows))


def _savings_list() -> object:
    return _projects(
        [
            project("A", 1000, 1, year=2026, lifetime_years=10, opex_sek_per_year=-150),
            project("B", 800, 2, year=2027, lifetime_years=5),
            project("C", 500, 1.5, year=2028, lifetime_years=8, opex_sek_per_year=20),
        ]
    )


# --- hand-computed figures ------------------------------------------------------------------


def test_net_present_cost_payback_and_cost_per_tonne_by_hand() -> None:
    projects = _savings_list()
    result = solve(projects, read_scenario({"budget_sek": {"2026": 1000, "2027": 800, "2028": 500}}))
    assert result.status is Status.OPTIMAL
    by_id = {s.id: s for s in result.selected}
    r = 0.035
    # A: 1,000 SEK in 2026 (the first year: not discounted); saves 150 a year 2027–2036
    saving_pv = 150 * sum(1.035 ** -(y - 2026) for y in range(2027, 2037))
    tonnes_pv = 1 * sum(1.035 ** -(y - 2026) for y in range(2027, 2037))
    a = by_id["A"]
    assert a.net_present_cost_sek == pytest.approx(1000 - saving_pv, rel=1e-9)
    assert a.payback_years == pytest.approx(1000 / 150)
    assert a.lifecycle_sek_per_t == pytest.approx((1000 - saving_pv) / tonnes_pv, rel=1e-9)
    assert a.lifecycle_sek_per_t < 0  # it pays for itself
    assert a.opex_sek_per_year == -150
    # equivalent annual cost: the end-of-year annuity over 10 years with the same present value
    annuity = sum(1.035**-k for k in range(1, 11))
    assert a.equivalent_annual_cost_sek == pytest.approx((1000 - saving_pv) / annuity, rel=1e-9)
    assert a.equivalent_annual_cost_sek == pytest.approx((1000 - saving_pv) * r / (1 - 1.035**-10), rel=1e-9)
    # B: 800 in 2027, no operating cost, no saving: no payback
    b = by_id["B"]
    assert b.net_present_cost_sek == pytest.approx(800 / 1.035, rel=1e-9)
    assert b.payback_years is None
    # the portfolio: sums, and its cost per tonne over its discounted tonnes
    chosen = [by_id[i] for i in sorted(by_id)]
    assert result.net_present_cost_sek == pytest.approx(sum(s.net_present_cost_sek for s in chosen))
    assert result.opex_sek_per_year == pytest.approx(sum(s.opex_sek_per_year for s in chosen))
    present = tonnes_pv + 2 * sum(1.035 ** -(y - 2026) for y in range(2028, 2033))
    if "C" in by_id:
        present += 1.5 * sum(1.035 ** -(y - 2026) for y in range(2029, 2037))
    assert result.lifecycle_sek_per_t == pytest.approx(result.net_present_cost_sek / present, rel=1e-9)
    assert result.discount_rate == r


def test_fractional_lifetime_counts_its_last_year_in_part() -> None:
    assert annuity_factor(0.035, np.array([2.5]))[0] == pytest.approx(1 + 1 / 1.035 + 0.5 / 1.035**2)
    assert annuity_factor(0.0, np.array([2.5]))[0] == 2.5
    projects = _projects([project("A", 100, 1, year=2026, lifetime_years=2.5, opex_sek_per_year=10)])
    result = solve(projects, read_scenario({"budget_sek": 1000, "discount_rate": 0}))
    assert result.selected[0].net_present_cost_sek == pytest.approx(100 + 25)


def test_payback_of_a_portfolio_that_saves_overall() -> None:
    projects = _projects(
        [
            project("A", 1000, 1, year=2026, lifetime_years=10, opex_sek_per_year=-200),
            project("B", 600, 1, year=2026, lifetime_years=10, opex_sek_per_year=50),
        ]
    )
    result = solve(projects, read_scenario({"budget_sek": 5000}))
    assert {s.id for s in result.selected} == {"A", "B"}
    assert result.payback_years == pytest.approx(1600 / 150)


# --- properties -----------------------------------------------------------------------------


@st.composite
def _lists(draw: st.DrawFn, *, with_opex: bool = True) -> list[dict]:
    n = draw(st.integers(2, 6))
    rows = []
    for i in range(n):
        rows.append(
            project(
                f"P{i}",
                draw(st.integers(50, 900)),
                draw(st.integers(0, 20)),
                year=draw(st.sampled_from([2026, 2027, 2028])),
                lifetime_years=draw(st.integers(1, 12)),
                opex_sek_per_year=draw(st.integers(-120, 60)) if with_opex else 0,
                district=draw(st.sampled_from(["N", "S"])),
            )
        )
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_lists())
def test_zero_discount_rate_makes_net_present_cost_the_plain_sum(rows: list[dict]) -> None:
    projects = _projects(rows)
    life = project_lifecycle(projects, read_scenario({"budget_sek": YEARS, "discount_rate": 0}))
    plain = np.array(
        [r["cost_sek"] + r["opex_sek_per_year"] * r["lifetime_years"] for r in rows], dtype=float
    )
    np.testing.assert_allclose(life.net_present_cost_sek, plain)
    report = check_portfolio(
        projects, read_scenario({"budget_sek": 1e9, "discount_rate": 0}), np.ones(len(rows))
    )
    assert report.net_present_cost_sek == pytest.approx(plain.sum())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_lists(with_opex=False))
def test_net_budgets_without_operating_costs_equal_investment_budgets(rows: list[dict]) -> None:
    projects = _projects(rows)
    investment = solve(projects, read_scenario({"budget_sek": YEARS}))
    net = solve(projects, read_scenario({"budget_sek": YEARS, "budget_basis": "net"}))
    assert investment.status is net.status is Status.OPTIMAL
    assert net.objective_value_t == pytest.approx(investment.objective_value_t, rel=1e-6, abs=1e-6)
    assert [b.spend_sek for b in net.budget] == pytest.approx([b.spend_sek for b in investment.budget]) or (
        net.objective_value_t == pytest.approx(investment.objective_value_t)  # ties may pick another plan
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_lists(), data=st.data())
def test_an_interaction_of_zero_changes_nothing(rows: list[dict], data: st.DataObject) -> None:
    projects = _projects(rows)
    ids = data.draw(st.lists(st.sampled_from([r["id"] for r in rows]), min_size=2, max_size=3, unique=True))
    plain = solve(projects, read_scenario({"budget_sek": YEARS}))
    with_zero = solve(
        projects,
        read_scenario({"budget_sek": YEARS, "interactions": [{"ids": ids, "abatement_t_per_year": 0}]}),
    )
    assert with_zero.status is plain.status is Status.OPTIMAL
    assert with_zero.objective_value_t == pytest.approx(plain.objective_value_t, rel=1e-9, abs=1e-9)
    assert with_zero.interactions[0].abatement_t == 0  # ties may pick another plan of the same value


def _brute_force(rows: list[dict], scenario: Scenario) -> float | None:
    """The best objective over every subset, computed by hand from the rows (no model, no checker)."""
    r = scenario.discount_rate
    years = [int(y) for y in scenario.budget_sek]
    first = years[0]
    best = None
    for chosen in itertools.product([0, 1], repeat=len(rows)):
        picked = [row for row, c in zip(rows, chosen, strict=True) if c]
        spend = dict.fromkeys(years, 0.0)
        for row in picked:
            spend[row["year"]] += row["cost_sek"]
            if scenario.budget_basis == "net":
                for y in years:
                    if row["year"] + 1 <= y < row["year"] + 1 + row["lifetime_years"]:
                        spend[y] += row["opex_sek_per_year"]
        if any(spend[y] > float(scenario.budget_sek[str(y)]) + 1e-6 for y in years):
            continue
        ids = {row["id"] for row in picked}
        value = 0.0
        for row in picked:
            life = range(row["year"] + 1, row["year"] + 1 + row["lifetime_years"])
            if scenario.net_benefit is not None:
                carbon = scenario.net_benefit.carbon_value_sek_per_t
                npc = row["cost_sek"] * (1 + r) ** -(row["year"] - first) + sum(
                    row["opex_sek_per_year"] * (1 + r) ** -(y - first) for y in life
                )
                value += (
                    carbon * sum(row["abatement_t_per_year"] * (1 + r) ** -(y - first) for y in life) - npc
                )
            else:
                value += row["abatement_t_per_year"] * row["lifetime_years"]
        for interaction in scenario.interactions:
            if set(interaction.ids) <= ids:
                members = [row for row in rows if row["id"] in interaction.ids]
                shortest = min(row["lifetime_years"] for row in members)
                start = max(row["year"] for row in members) + 1
                if scenario.net_benefit is not None:
                    carbon = scenario.net_benefit.carbon_value_sek_per_t
                    value += carbon * sum(
                        interaction.abatement_t_per_year * (1 + r) ** -(y - first)
                        for y in range(start, start + shortest)
                    )
                else:
                    value += interaction.abatement_t_per_year * shortest
        best = value if best is None else max(best, value)
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=_lists(),
    basis=st.sampled_from(["investment", "net"]),
    objective=st.sampled_from(["lifetime", "net_benefit"]),
    overlap=st.integers(-10, 5),
    data=st.data(),
)
def test_exhaustive_search_agrees_with_savings_net_budgets_and_overlaps(
    rows: list[dict], basis: str, objective: str, overlap: int, data: st.DataObject
) -> None:
    ids = data.draw(st.lists(st.sampled_from([r["id"] for r in rows]), min_size=2, max_size=3, unique=True))
    together = sum(r["abatement_t_per_year"] for r in rows if r["id"] in ids)
    change = max(overlap, -together)
    spec = {
        "budget_sek": {"2026": 900, "2027": 700, "2028": 500},
        "budget_basis": basis,
        "interactions": [{"ids": ids, "abatement_t_per_year": change}],
        "mip_gap": 0,
    }
    if objective == "net_benefit":
        spec["objective"] = {"net_benefit": {"carbon_value_sek_per_t": 60}}
    scenario = read_scenario(spec)
    result = solve(_projects(rows), scenario)
    best = _brute_force(rows, scenario)
    assert best is not None  # the empty portfolio is always within the budgets here
    assert result.status is Status.OPTIMAL, result.message
    found = result.net_benefit_sek if objective == "net_benefit" else result.objective_value_t
    assert found == pytest.approx(best, rel=1e-6, abs=1e-6)
    for row in result.budget:  # the checked spending holds every budget, operating costs included
        assert row.spend_sek <= row.budget_sek + 1e-6


# --- net budgets and the cost-benefit objective ------------------------------------------------


def test_savings_from_an_early_measure_pay_for_a_later_one() -> None:
    rows = [
        project("EARLY", 1000, 1, year=2026, lifetime_years=10, opex_sek_per_year=-300),
        project("LATE", 500, 5, year=2028, lifetime_years=10),
    ]
    budgets = {"2026": 1000, "2027": 0, "2028": 300}
    investment = solve(_projects(rows), read_scenario({"budget_sek": budgets}))
    net = solve(_projects(rows), read_scenario({"budget_sek": budgets, "budget_basis": "net"}))
    assert {s.id for s in investment.selected} == {"EARLY"}
    assert {s.id for s in net.selected} == {"EARLY", "LATE"}  # 2028: 500 − 300 of savings = 200 ≤ 300
    row_2028 = next(b for b in net.budget if b.year == 2028)
    assert row_2028.opex_sek == -300
    assert row_2028.spend_sek == pytest.approx(200)
    assert net.budget_basis == "net"
    # on the investment basis the operating costs are shown but not counted
    assert next(b for b in investment.budget if b.year == 2028).opex_sek == -300
    assert next(b for b in investment.budget if b.year == 2028).spend_sek == 0


def test_checker_flags_a_net_budget_broken_by_operating_costs() -> None:
    rows = [
        project("A", 100, 1, year=2026, lifetime_years=5, opex_sek_per_year=80),
        project("B", 50, 1, year=2027, lifetime_years=5),
    ]
    scenario = read_scenario({"budget_sek": {"2026": 100, "2027": 100}, "budget_basis": "net"})
    report = check_portfolio(_projects(rows), scenario, np.array([1.0, 1.0]))
    assert report.violations == ["the 2027 budget of 100 SEK is exceeded: 130 SEK spent"]
    assert solve(_projects(rows), scenario).selected[0].id in {"A", "B"}


def test_net_benefit_funds_what_is_worth_its_carbon_value() -> None:
    rows = [
        # 10 t a year for 10 years against 1,000 SEK: about 12 SEK/t on the lifecycle basis
        project("CHEAP", 1000, 10, year=2026, lifetime_years=10),
        # pays for itself: saves more than it costs
        project("SAVER", 1000, 1, year=2026, lifetime_years=10, opex_sek_per_year=-200),
        # 1 t a year for 1,000 SEK: over 100 SEK/t, above the carbon value of 50
        project("DEAR", 1000, 1, year=2026, lifetime_years=10),
    ]
    scenario = read_scenario(
        {"budget_sek": 10_000, "objective": {"net_benefit": {"carbon_value_sek_per_t": 50}}}
    )
    result = solve(_projects(rows), scenario)
    assert result.status is Status.OPTIMAL
    assert {s.id for s in result.selected} == {"CHEAP", "SAVER"}
    present = sum(1.035 ** -(y - 2026) for y in range(2027, 2037))
    npc = sum(s.net_present_cost_sek for s in result.selected)
    assert result.net_benefit_sek == pytest.approx(50 * 11 * present - npc, rel=1e-9)
    assert result.net_benefit_bound_sek >= result.net_benefit_sek - 1e-6
    assert result.objective_value_t == pytest.approx(110)  # lifetime tonnes
    assert result.best_bound_t is None  # the bound is in SEK
    for s in result.selected:
        assert s.lifecycle_sek_per_t < 50
    assert "net_benefit at 50 SEK/t" in result.objective


# --- interactions ---------------------------------------------------------------------------


def _overlap_list() -> object:
    return _projects(
        [
            project("INSULATE", 400, 30, year=2026, lifetime_years=30, district="N"),
            project("HEATPUMP", 400, 40, year=2027, lifetime_years=15, district="N"),
            project("BUS", 500, 45, year=2026, lifetime_years=10, district="S"),
        ]
    )


def test_an_overlap_is_not_counted_twice() -> None:
    scenario = read_scenario(
        {"budget_sek": 800, "interactions": [{"ids": ["INSULATE", "HEATPUMP"], "abatement_t_per_year": -30}]}
    )
    result = solve(_overlap_list(), scenario)
    # both: 30·30 + 40·15 − 30·15 = 1,050 t; insulate + bus is over budget (900); so both beat either alone
    assert {s.id for s in result.selected} == {"INSULATE", "HEATPUMP"}
    assert result.objective_value_t == pytest.approx(1050)
    assert result.abatement_t == pytest.approx(1050)
    assert result.abatement_t_per_year == pytest.approx(40)
    (overlap,) = result.interactions
    assert overlap.active and overlap.abatement_t == pytest.approx(-450)
    assert overlap.operating_from == 2028 and overlap.lifetime_years == 15
    # a deeper overlap makes the bus (with insulation: 30·30 + 45·10 = 1,350 t at 900 SEK) worth it
    bigger = read_scenario(
        {"budget_sek": 900, "interactions": [{"ids": ["INSULATE", "HEATPUMP"], "abatement_t_per_year": -40}]}
    )
    assert {s.id for s in solve(_overlap_list(), bigger).selected} == {"INSULATE", "BUS"}


def test_a_synergy_counts_only_when_every_project_is_funded() -> None:
    scenario = read_scenario(
        {"budget_sek": 900, "interactions": [{"ids": ["INSULATE", "BUS"], "abatement_t_per_year": 100}]}
    )
    result = solve(_overlap_list(), scenario)
    assert {s.id for s in result.selected} == {"INSULATE", "BUS"}
    assert result.objective_value_t == pytest.approx(30 * 30 + 45 * 10 + 100 * 10)


def test_cumulative_objective_counts_an_overlap_from_the_latest_last_spend_year() -> None:
    scenario = read_scenario(
        {
            "budget_sek": 800,
            "objective": {"cumulative_to": 2030},
            "interactions": [{"ids": ["INSULATE", "HEATPUMP"], "abatement_t_per_year": -10}],
        }
    )
    result = solve(_overlap_list(), scenario)
    # insulate 2027–2030: 4 years · 30; heat pump 2028–2030: 3 · 40; overlap from 2028: 3 · −10
    assert {s.id for s in result.selected} == {"INSULATE", "HEATPUMP"}
    assert result.objective_value_t == pytest.approx(120 + 120 - 30)
    assert result.interactions[0].years_counted == 3


def test_rules_on_abatement_count_an_overlap_in_groups_that_hold_all_its_projects() -> None:
    scenario = read_scenario(
        {
            "budget_sek": 2000,
            "interactions": [{"ids": ["INSULATE", "HEATPUMP"], "abatement_t_per_year": -30}],
            "constraints": [
                {"name": "north", "where": {"district": "N"}, "measure": "abatement", "min_share": 0}
            ],
        }
    )
    result = solve(_overlap_list(), scenario)
    (rule,) = result.rules
    assert rule.value == pytest.approx(30 * 30 + 40 * 15 - 30 * 15)
    assert rule.share == pytest.approx(rule.value / (rule.value + 450))


def test_pathway_subtracts_an_active_overlap_in_its_years() -> None:
    scenario = read_scenario(
        {
            "budget_sek": 800,
            "interactions": [{"ids": ["INSULATE", "HEATPUMP"], "abatement_t_per_year": -30}],
            "pathway": {"baseline_t": {"2026": 1000}, "target": {"net_zero_year": 2030}},
        }
    )
    result = solve(_overlap_list(), scenario)
    by_year = {y.year: y.abatement_t for y in result.pathway.years}
    assert by_year[2027] == pytest.approx(30)  # insulation only
    assert by_year[2028] == pytest.approx(30 + 40 - 30)


def test_macc_builds_the_curve_in_sequence_without_double_counting() -> None:
    scenario = read_scenario(
        {"budget_sek": 800, "interactions": [{"ids": ["INSULATE", "HEATPUMP"], "abatement_t_per_year": -30}]}
    )
    curve = macc(_overlap_list(), scenario)
    # standalone: insulate 400/900, heat pump 400/600, bus 500/450 SEK/t → insulate first; then the heat
    # pump adds only 150 t (500 − 450 ≈ 2.67 SEK/t) and falls behind the bus (1.11 SEK/t)
    assert curve["id"].tolist() == ["INSULATE", "BUS", "HEATPUMP"]
    assert curve["abatement_t"].tolist() == pytest.approx([900, 450, 150])
    assert curve["interaction_t"].tolist() == pytest.approx([0, 0, -450])
    assert curve["cumulative_abatement_t"].iloc[-1] == pytest.approx(
        solve(_overlap_list(), read_scenario({**scenario.model_dump(), "budget_sek": 1e9})).abatement_t
    )


def test_lifecycle_macc_puts_measures_that_pay_for_themselves_first() -> None:
    curve = macc(_savings_list(), read_scenario({"budget_sek": YEARS}), basis="lifecycle")
    assert curve["id"].iloc[0] == "A"
    assert curve["lifecycle_sek_per_t"].iloc[0] < 0
    assert curve["lifecycle_sek_per_t"].is_monotonic_increasing
    investment = macc(_savings_list(), read_scenario({"budget_sek": YEARS}))
    assert investment["sek_per_t"].is_monotonic_increasing
    assert math.isnan(investment.set_index("id").loc["B", "payback_years"])
    with pytest.raises(InputError, match="basis must be one of investment, lifecycle"):
        macc(_savings_list(), read_scenario({"budget_sek": YEARS}), basis="npv")


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("interaction", "extra", "message"),
    [
        (
            {"ids": ["INSULATE", "NOPE"]},
            {},
            "scenario interactions[0] 'INSULATE + NOPE': unknown project id 'NOPE'",
        ),
        (
            {"ids": ["INSULATE", "HEATPUMP"], "abatement_t_per_year": -80},
            {},
            "removes more than its projects reduce together (70 t a year)",
        ),
        ({"ids": ["INSULATE", "BUS"]}, {"divisible": True}, "project BUS is divisible"),
        (
            {"ids": ["INSULATE", "BUS"]},
            {"earliest_start": 2026, "latest_start": 2027},
            "project BUS is phased (earliest_start/latest_start) and the objective counts tonnes by year",
        ),
    ],
)
def test_interaction_problems_are_located(interaction: dict, extra: dict, message: str) -> None:
    rows = [
        project("INSULATE", 400, 30, year=2026, lifetime_years=30),
        project("HEATPUMP", 400, 40, year=2027, lifetime_years=15),
        project("BUS", 500, 45, year=2026, lifetime_years=10, **extra),
    ]
    spec = {
        "budget_sek": {"2026": 900, "2027": 900},
        "interactions": [{"abatement_t_per_year": -5, **interaction}],
    }
    if "earliest_start" in extra:
        spec["objective"] = {"cumulative_to": 2030}
    with pytest.raises(InputError) as caught:
        solve(_projects(rows), read_scenario(spec))
    assert any(message in str(p) for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"budget_sek": 100, "budget_basis": "net"}, 'budget_basis "net" needs a budget per year'),
        ({"budget_sek": 100, "budget_basis": "gross"}, "Input should be 'investment' or 'net'"),
        ({"budget_sek": 100, "discount_rate": 1.2}, "discount_rate"),
        ({"budget_sek": 100, "discount_rate": -0.01}, "discount_rate"),
        ({"budget_sek": 100, "objective": {"net_benefit": {"carbon_value_sek_per_t": 0}}}, "greater than 0"),
        ({"budget_sek": 100, "objective": {"net_benefit": {}}}, "carbon_value_sek_per_t"),
        (
            {
                "budget_sek": 100,
                "objective": {"net_benefit": {"carbon_value_sek_per_t": 7000}},
                "co_benefit_weights": {"x": 1},
            },
            "net_benefit has none",
        ),
        (
            {"budget_sek": 100, "interactions": [{"ids": ["A"], "abatement_t_per_year": -1}]},
            "at least 2 items",
        ),
        (
            {"budget_sek": 100, "interactions": [{"ids": ["A", "A"], "abatement_t_per_year": -1}]},
            "more than once: A",
        ),
    ],
)
def test_scenario_settings_are_validated(spec: dict, message: str) -> None:
    with pytest.raises((InputError, ValidationError)) as caught:
        read_scenario(spec)
    assert message in str(caught.value)


def test_opex_column_is_read_with_located_errors(tmp_path) -> None:
    path = tmp_path / "projects.csv"
    path.write_text(
        "id,name,sector,cost_sek,abatement_t_per_year,lifetime_years,opex_sek_per_year\n"
        "A,a,energy,100,1,10,-25\n"
        "B,b,energy,100,1,10,lots\n"
        "C,c,energy,100,1,10,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_projects(path)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, "opex_sek_per_year")
    path.write_text(path.read_text().replace("lots", "-1500.5"), encoding="utf-8")
    projects = read_projects(path)
    assert projects.opex.tolist() == [-25.0, -1500.5, 0.0]


# --- the command line -------------------------------------------------------------------------


def _cli_files(tmp_path, scenario: dict) -> tuple[str, str]:
    """A saving measure and a plain one, and `scenario`, written where the command line reads them."""
    projects = tmp_path / "projects.json"
    projects.write_text(
        json.dumps(
            [
                project("A", 1000, 1, year=2026, lifetime_years=10, opex_sek_per_year=-150),
                project("B", 800, 2, year=2027, lifetime_years=5),
            ]
        )
    )
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))
    return str(projects), str(path)


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *args], capture_output=True, text=True, check=False
    )


def test_solve_json_has_net_present_cost_at_the_top_and_per_selected_project(tmp_path) -> None:
    projects, scenario = _cli_files(
        tmp_path, {"budget_sek": {"2026": 1000, "2027": 800}, "budget_basis": "net"}
    )
    done = _run_cli("solve", "--projects", projects, "--scenario", scenario, "--format", "json")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["net_present_cost_sek"] == pytest.approx(
        sum(s["net_present_cost_sek"] for s in body["selected"])
    )
    assert {s["id"]: s["payback_years"] for s in body["selected"]} == {
        "A": pytest.approx(1000 / 150),
        "B": None,
    }
    assert body["budget"][1]["opex_sek"] == -150
    table = _run_cli("solve", "--projects", projects, "--scenario", scenario)
    assert "Lifecycle: net present cost" in table.stdout
    assert "payback" in table.stdout and "operating" in table.stdout


def test_macc_lifecycle_basis_on_the_command_line(tmp_path) -> None:
    projects, scenario = _cli_files(tmp_path, {"budget_sek": {"2026": 1000, "2027": 800}})
    charts = str(tmp_path / "charts")
    done = _run_cli(
        "macc", "--projects", projects, "--scenario", scenario, "--basis", "lifecycle", "--format", "json",
        "--plot", charts,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["id"] for r in rows] == ["A", "B"]
    assert rows[0]["lifecycle_sek_per_t"] < 0 and rows[1]["payback_years"] is None
    assert (tmp_path / "charts" / "macc.svg").exists()


def test_budget_frontier_is_in_tonnes_and_refuses_net_budgets() -> None:
    from optimizer.analysis.curves import frontier

    projects = _savings_list()
    net = read_scenario({"budget_sek": YEARS, "budget_basis": "net"})
    with pytest.raises(InputError, match="cannot hold operating costs year by year"):
        frontier(projects, net, [1000, 2000])
    benefit = read_scenario(
        {"budget_sek": YEARS, "objective": {"net_benefit": {"carbon_value_sek_per_t": 50}}}
    )
    points = frontier(projects, benefit, [1000, 3000])
    assert [p.objective_value_t for p in points] == pytest.approx([12, 32])  # lifetime tonnes: C alone, all
