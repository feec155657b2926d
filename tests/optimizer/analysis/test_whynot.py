"""Why not, and the price of each rule: known answers worked out by hand, a property, and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rows import REPO, project

from models import ProjectList, Scenario, Status
from optimizer import read_projects, solve
from optimizer.analysis import whynot
from optimizer.analysis.whynot import (
    RELATIVE_TOLERANCE,
    reduced_costs,
    rule_prices,
    scaled_project,
    why_in,
    why_not,
)

ROOT = REPO
EXAMPLES = ROOT / "examples"


def setup(rows: list[dict[str, object]], **scenario: object):
    scenario.setdefault("objective", "annual")
    scenario.setdefault("mip_gap", 0)
    projects, parsed = read_projects(rows), Scenario.model_validate(scenario)
    result = solve(projects, parsed)
    assert result.status is Status.OPTIMAL
    return projects, parsed, result


def thresholds(projects: ProjectList, scenario: Scenario, result) -> dict[str, float | None]:
    return {w.id: w.max_cost_sek for w in why_not(projects, scenario, result)}


def assert_threshold(found: float | None, exact: float) -> None:
    """The threshold is exact to the solver's tolerance."""
    assert found is not None
    assert found == pytest.approx(exact, rel=RELATIVE_TOLERANCE)


# -- known answers -------------------------------------------------------------------------------


def test_knapsack_threshold_reduced_cost_and_budget_price() -> None:
    # Budget 100: B + C (100 t) beat A (70 t). A enters once A + B fits: at cost 50 (70 + 50 = 120 t).
    rows = [project("A", 60, 70), project("B", 50, 50), project("C", 50, 50)]
    projects, scenario, result = setup(rows, budget_sek=100)
    assert {s.id for s in result.selected} == {"B", "C"}
    found = thresholds(projects, scenario, result)
    assert set(found) == {"A"}
    assert_threshold(found["A"], 50)

    # LP relaxation: all of A (60) and 40 % of B: the budget is worth B's 1 t/SEK; A's reduced cost is
    # 70 - 60 * 1 = +10 t, and its LP break-even cost 70 SEK: an estimate, above the exact 50.
    estimates = {r.id: r for r in reduced_costs(projects, scenario)}
    assert estimates["A"].reduced_cost_t == pytest.approx(10)
    assert estimates["A"].estimated_max_cost_sek == pytest.approx(70)

    (budget,) = rule_prices(projects, scenario, result)
    assert budget.name == "budget" and budget.kind == "budget"
    assert budget.shadow_price == pytest.approx(1.0)  # t per SEK
    assert budget.objective_without_rule_t == pytest.approx(170)  # everything


def test_how_effective_a_project_must_be_and_how_much_worse_a_funded_one_may_be() -> None:
    rows = [project("A", 60, 70), project("B", 50, 50), project("C", 50, 50)]
    projects, scenario, result = setup(rows, budget_sek=100)
    # A at its cost of 60 leaves room for nothing else: it must reduce 100 t/yr to match B + C.
    (a,) = why_not(projects, scenario, result)
    assert a.min_abatement_t_per_year == pytest.approx(100)
    # Without B the best is A alone (70 t). B stays in up to its own cost of 50 (any dearer and B + C
    # no longer fit) and down to 20 t/yr (B + C = 70 t, a tie with A alone).
    kept = {w.id: w for w in why_in(projects, scenario, result)}
    assert set(kept) == {"B", "C"}
    assert kept["B"].max_cost_sek == pytest.approx(50)
    assert kept["B"].min_abatement_t_per_year == pytest.approx(20)
    assert (kept["B"].cost_sek, kept["B"].abatement_t_per_year) == (50, 50)


def test_why_in_for_forced_and_indispensable_projects() -> None:
    rows = [project("A", 60, 70, mandatory=True), project("B", 10, 5)]
    projects, scenario, result = setup(
        rows, budget_sek=100, constraints=[{"name": "two", "measure": "count", "min": 2}]
    )
    kept = {w.id: w for w in why_in(projects, scenario, result)}
    assert (kept["A"].max_cost_sek, kept["A"].note) == (None, "forced in (mandatory or included)")
    assert (kept["B"].max_cost_sek, kept["B"].note) == (None, "no portfolio is possible without it")


def test_a_total_time_that_runs_out_leaves_honest_notes() -> None:
    rows = [project("A", 60, 70), project("B", 50, 50), project("C", 50, 50)]
    projects, scenario, result = setup(rows, budget_sek=100)
    (a,) = why_not(projects, scenario, result, total_time_s=1e-6)
    assert (a.max_cost_sek, a.note) == (None, "not computed: the total time of 1e-06 s was used up")
    assert all(
        w.max_cost_sek is None and w.note.startswith("not computed")
        for w in why_in(projects, scenario, result, total_time_s=1e-6)
    )
    (budget,) = rule_prices(projects, scenario, result, total_time_s=1e-6)
    assert budget.objective_without_rule_t is None


def test_profile_and_grant_are_scaled_together() -> None:
    # P: 40 SEK in 2026 and 80 in 2027, grant 60 (half): municipal 20 + 40. Q: 80 in 2027, no grant.
    # 2027 holds 100: P and Q together need 120, so Q (50 t) is chosen over P (10 t). Scaled by t, P's
    # 2027 municipal cost is 40 t; it fits beside Q when 40 t <= 20: t = 1/2, a total cost of 60.
    rows = [
        {**project("P", 0, 10), "cost_sek": None, "cost_sek_2026": 40, "cost_sek_2027": 80, "grant_sek": 60},
        project("Q", 80, 50, year=2027),
    ]
    projects, scenario, result = setup(rows, budget_sek={"2026": 100, "2027": 100})
    assert {s.id for s in result.selected} == {"Q"}
    assert_threshold(thresholds(projects, scenario, result)["P"], 60)

    half = scaled_project(projects, 0, 0.5)
    assert half.total_cost[0] == pytest.approx(60)
    assert half.municipal_share[0] == pytest.approx(0.5)
    assert list(half.scheduled_cost.iloc[0]) == pytest.approx([20, 40])
    assert projects.total_cost[0] == pytest.approx(120)  # the original list is unchanged

    prices = {p.name: p for p in rule_prices(projects, scenario, result)}
    assert set(prices) == {"budget 2026", "budget 2027"}
    assert prices["budget 2026"].shadow_price == pytest.approx(0)
    assert prices["budget 2026"].objective_without_rule_t == pytest.approx(50)
    assert prices["budget 2027"].objective_without_rule_t == pytest.approx(60)
    # LP: Q whole (80) and P's 2027 share 20/40 = half of P: the 2027 budget is worth 10 t / 40 SEK.
    assert prices["budget 2027"].shadow_price == pytest.approx(0.25)


def test_no_cost_would_do() -> None:
    # X is an alternative to the mandatory M; Z is excluded; W adds nothing and the budget is full.
    rows = [
        project("M", 10, 1, mandatory=True, exclusive_group="g"),
        project("X", 10, 100, exclusive_group="g"),
        project("Y", 90, 90),
        project("Z", 1, 100),
        project("W", 5, 0),
    ]
    projects, scenario, result = setup(rows, budget_sek=100, exclude=["Z"])
    assert {s.id for s in result.selected} == {"M", "Y"}
    answers = {w.id: w for w in why_not(projects, scenario, result)}
    assert set(answers) == {"X", "Z", "W"}
    assert answers["X"].max_cost_sek is None
    assert answers["Z"].max_cost_sek is None and "excluded" in answers["Z"].note
    # W costs nothing in tonnes; it fits only where the budget is not used up: none left.
    assert answers["W"].max_cost_sek is None


def test_binding_and_non_binding_rules() -> None:
    # At most one transport project: A (70 t) and C (energy) instead of all three (170 t).
    rows = [
        project("A", 60, 70, sector="transport"),
        project("B", 50, 50, sector="transport"),
        project("C", 50, 50, sector="energy"),
    ]
    rule = {"name": "högst 1 per sektor", "for_each": "sector", "measure": "count", "max": 1}
    projects, scenario, result = setup(rows, budget_sek=200, constraints=[rule])
    assert result.objective_value_t == pytest.approx(120)
    prices = {p.name: p for p in rule_prices(projects, scenario, result)}
    assert set(prices) == {"budget", "högst 1 per sektor[transport]", "högst 1 per sektor[energy]"}
    transport = prices["högst 1 per sektor[transport]"]
    assert transport.kind == "rule"
    assert transport.objective_without_rule_t == pytest.approx(170)
    assert transport.shadow_price == pytest.approx(50)  # t per project more allowed: B
    for name in ("budget", "högst 1 per sektor[energy]"):  # not binding: removing them changes nothing
        assert prices[name].objective_without_rule_t == pytest.approx(result.objective_value_t)
        assert prices[name].shadow_price == pytest.approx(0, abs=1e-9)
    # B enters when it beats A: at any cost, A and B are both transport; never for a cost alone.
    assert thresholds(projects, scenario, result) == {"B": None}


def test_non_binding_share_rule_changes_nothing() -> None:
    rows = [project("A", 60, 70, sector="transport"), project("B", 50, 50), project("C", 50, 50)]
    rule = {"name": "högst 150 SEK per sektor", "for_each": "sector", "measure": "cost", "max": 150}
    projects, scenario, result = setup(rows, budget_sek=100, constraints=[rule])
    assert {s.id for s in result.selected} == {"B", "C"}
    prices = {p.name: p for p in rule_prices(projects, scenario, result)}
    for name in ("högst 150 SEK per sektor[transport]", "högst 150 SEK per sektor[energy]"):
        assert prices[name].objective_without_rule_t == pytest.approx(result.objective_value_t)
        assert prices[name].shadow_price == pytest.approx(0, abs=1e-9)


def test_needs_an_optimal_result() -> None:
    rows = [project("M", 200, 1, mandatory=True)]
    projects, scenario = read_projects(rows), Scenario.model_validate({"budget_sek": 100})
    result = solve(projects, scenario)
    assert result.status is Status.INFEASIBLE
    with pytest.raises(ValueError, match="optimal"):
        why_not(projects, scenario, result)
    with pytest.raises(ValueError, match="optimal"):
        rule_prices(projects, scenario, result)


# -- property: at its threshold a project enters, 1 % above it does not -----------------------------


@st.composite
def knapsacks(draw: st.DrawFn) -> tuple[list[dict[str, object]], dict[str, object]]:
    n = draw(st.integers(2, 6))
    per_year = draw(st.booleans())
    rows = []
    for i in range(n):
        cost = draw(st.integers(1, 20)) * 1000
        row = project(f"P{i}", cost, draw(st.integers(0, 20)), year=draw(st.sampled_from((2026, 2027))))
        if draw(st.booleans()):
            row["grant_sek"] = cost // 2
        if draw(st.integers(0, 3)) == 0:
            row["exclusive_group"] = "g"
        rows.append(row)
    total = sum(float(r["cost_sek"]) for r in rows)
    fraction = draw(st.sampled_from((0.3, 0.5, 0.7)))
    budget: object = {"2026": total * fraction, "2027": total * fraction} if per_year else total * fraction
    return rows, {"budget_sek": budget, "objective": "annual", "mip_gap": 0}


def optimum(projects: ProjectList, scenario: Scenario, include: list[str] | None = None) -> float | None:
    if include:
        scenario = Scenario.model_validate({**scenario.model_dump(), "include": include})
    result = solve(projects, scenario)
    return result.objective_value_t if result.status is Status.OPTIMAL else None


def enters(projects: ProjectList, scenario: Scenario, index: int, cost: float) -> bool:
    moved = scaled_project(projects, index, cost / projects.total_cost[index])
    free, forced = optimum(moved, scenario), optimum(moved, scenario, [str(projects.ids[index])])
    assert free is not None
    return forced is not None and forced >= free - 1e-6 * max(1.0, abs(free))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knapsacks())
def test_threshold_enters_and_one_percent_above_does_not(instance) -> None:
    rows, raw = instance
    projects, scenario = read_projects(rows), Scenario.model_validate(raw)
    result = solve(projects, scenario)
    assert result.status is Status.OPTIMAL
    chosen = {s.id for s in result.selected}
    ids = [str(i) for i in projects.ids]
    answers = why_not(projects, scenario, result)
    assert sorted(w.id for w in answers) == sorted(set(ids) - chosen)
    for answer in answers:
        index = ids.index(answer.id)
        if answer.max_cost_sek is None:
            assert not enters(projects, scenario, index, 1.0)
        else:
            # the threshold is exact to the solver's tolerance: just below it the project enters
            assert enters(projects, scenario, index, answer.max_cost_sek * (1 - 1e-6))
            assert not enters(projects, scenario, index, answer.max_cost_sek * 1.01)


@st.composite
def plans(draw: st.DrawFn) -> tuple[list[dict[str, object]], dict[str, object]]:
    """Small plans over three budget years with what makes thresholds hard: phased projects (the
    optimiser picks the start year), cost profiles over two years, grants, a funding pool (in all or
    per year), an alternative group, a cost-share rule, and tonnes counted to a year or over the life."""
    n = draw(st.integers(2, 5))
    rows = []
    for i in range(n):
        cost = draw(st.integers(2, 20)) * 1000
        row = project(
            f"P{i}",
            cost,
            draw(st.integers(0, 20)),
            sector=draw(st.sampled_from(("energy", "transport"))),
            lifetime_years=draw(st.integers(1, 4)),
        )
        if draw(st.booleans()):  # spread over two years
            first = draw(st.sampled_from((2026, 2027)))
            row |= {
                "cost_sek": None,
                f"cost_sek_{first}": cost // 2,
                f"cost_sek_{first + 1}": cost - cost // 2,
            }
        else:
            row["year"] = draw(st.sampled_from((2026, 2027, 2028)))
        if draw(st.integers(0, 2)) == 0:
            row["latest_start"] = 2028 if "year" in row else 2027
        if draw(st.integers(0, 3)) == 0:
            row["grant_sek"] = cost // 4
        if draw(st.integers(0, 4)) == 0:
            row["exclusive_group"] = "g"
        rows.append(row)
    total = sum(
        float(r.get("cost_sek") or 0) + sum(float(v) for k, v in r.items() if k.startswith("cost_sek_"))
        for r in rows
    )
    share = draw(st.sampled_from((0.15, 0.25, 0.4)))
    scenario: dict[str, object] = {
        "budget_sek": {str(y): total * share for y in (2026, 2027, 2028)},
        "objective": draw(st.sampled_from(("annual", "lifetime", {"cumulative_to": 2029}))),
        "mip_gap": 0,
    }
    if draw(st.booleans()):
        capacity: object = total * 0.1 if draw(st.booleans()) else {"2027": total * 0.1}
        scenario["funding"] = [
            {"name": "Fund", "capacity_sek": capacity, "where": {"sector": ["transport"]}, "max_share": 0.5}
        ]
    if draw(st.integers(0, 2)) == 0:
        scenario["constraints"] = [
            {"name": "energy share", "where": {"sector": ["energy"]}, "measure": "cost", "min_share": 0.3}
        ]
    return rows, scenario


def enters_with_abatement(projects: ProjectList, scenario: Scenario, index: int, t_per_year: float) -> bool:
    moved = whynot.with_abatement(projects, index, t_per_year)
    free, forced = optimum(moved, scenario), optimum(moved, scenario, [str(projects.ids[index])])
    assert free is not None
    return forced is not None and forced >= free - 1e-6 * max(1.0, abs(free))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(plans())
def test_thresholds_of_phased_and_pooled_projects_are_exact(instance) -> None:
    """Both thresholds of every project left out, checked against independent re-solves of the list with
    that cost or reduction: just past the threshold it enters, 1 % beyond it does not."""
    rows, raw = instance
    projects, scenario = read_projects(rows), Scenario.model_validate(raw)
    result = solve(projects, scenario)
    assume(result.status is Status.OPTIMAL)
    ids = [str(i) for i in projects.ids]
    for answer in why_not(projects, scenario, result):
        assert answer.computed, answer.note
        index = ids.index(answer.id)
        cost = float(projects.total_cost[index])
        if answer.max_cost_sek is None:
            assert answer.reason is whynot.Reason.NOT_AT_ANY_COST
            assert not enters(projects, scenario, index, 1.0)
        else:
            assert enters(projects, scenario, index, answer.max_cost_sek * (1 - 1e-6))
            assert not enters(projects, scenario, index, answer.max_cost_sek * 1.01 + 1)
        assert cost > 0
        needed = answer.min_abatement_t_per_year
        if needed is None:  # no reduction makes it enter at its cost: not even a very large one
            assert not enters_with_abatement(projects, scenario, index, 1e6)
        else:
            assert enters_with_abatement(projects, scenario, index, needed * (1 + 1e-6) + 1e-6)
            if needed > 1e-3:
                assert not enters_with_abatement(projects, scenario, index, needed * 0.99 - 1e-3)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knapsacks())
def test_a_funded_project_stays_in_up_to_its_threshold(instance) -> None:
    rows, raw = instance
    projects, scenario = read_projects(rows), Scenario.model_validate(raw)
    result = solve(projects, scenario)
    ids = [str(i) for i in projects.ids]
    for answer in why_in(projects, scenario, result):
        index = ids.index(answer.id)
        if answer.max_cost_sek is None:
            continue
        assert answer.max_cost_sek >= answer.cost_sek * (1 - 1e-9)
        assert enters(projects, scenario, index, answer.max_cost_sek * (1 - 1e-6))
        assert not enters(projects, scenario, index, answer.max_cost_sek * 1.01 + 1)


# -- command line ------------------------------------------------------------------------------------


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_cli_explain_json_on_the_example() -> None:
    done = run_cli(
        "solve",
        "--projects",
        EXAMPLES / "kristinehamn_projects.csv",
        "--scenario",
        EXAMPLES / "scenario_base.toml",
        "--explain",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # stdout is pure JSON
    assert data["status"] == "optimal"
    chosen = {s["id"] for s in data["selected"]}
    all_ids = set(read_projects(EXAMPLES / "kristinehamn_projects.csv").ids)
    ids = [w["id"] for w in data["why_not"]]
    assert len(ids) == len(set(ids)) and set(ids) == all_ids - chosen
    for w in data["why_not"]:
        assert set(w) >= {"id", "max_cost_sek"}  # the contract; more keys may follow
        assert w["max_cost_sek"] is None or w["max_cost_sek"] > 0
    assert {w["id"] for w in data["why_in"]} == chosen
    whole = {s["id"]: s["cost_sek"] for s in data["selected"] if s["fraction"] == 1}
    for w in data["why_in"]:
        if w["id"] in whole:
            assert w["max_cost_sek"] is None or w["max_cost_sek"] >= whole[w["id"]] * (1 - 1e-6)
        else:
            assert w["note"] == "partly funded: the figures are for funding it fully"
    (budget,) = data["rule_prices"]
    assert set(budget) == {"name", "shadow_price", "objective_without_rule_t"}
    assert budget["name"] == "budget" and budget["shadow_price"] > 0
    assert budget["objective_without_rule_t"] > data["objective_value_t"]


def test_cli_explain_skipped_without_an_optimal_portfolio(tmp_path: Path) -> None:
    scenario = tmp_path / "tight.toml"
    scenario.write_text("budget_sek = 1\nfirst_year = 2026\n", encoding="utf-8")
    done = run_cli(
        "solve",
        "--projects",
        EXAMPLES / "kristinehamn_projects.csv",
        "--scenario",
        scenario,
        "--explain",
        "--format",
        "json",
    )
    assert done.returncode == 3
    data = json.loads(done.stdout)
    assert "why_not" not in data and "rule_prices" not in data
    assert "--explain" in done.stderr and "infeasible" in done.stderr
