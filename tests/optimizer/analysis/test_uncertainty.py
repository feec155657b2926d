"""Uncertainty: range columns, seeded draws, a portfolio under the draws, re-optimisation per draw."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rows import REPO, project
from strategies import instances

from models import Scenario, UncertaintySpec
from optimizer import InputError, read_projects, read_scenario, solve
from optimizer.analysis.uncertainty import (
    NO_RANGES_NOTE,
    draw,
    evaluate,
    projects_for_draw,
    reoptimise,
    study,
)

ROOT = REPO
EXAMPLES = ROOT / "examples"
QUICK = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def problems_of(rows: list[dict[str, Any]]) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as caught:
        read_projects(rows)
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def binomial_close(observed: float, p: float, n: int) -> bool:
    """Within 4 binomial standard errors (a false alarm about once in 16,000 runs)."""
    return abs(observed - p) <= 4 * math.sqrt(p * (1 - p) / n) + 1e-12


# ----------------------------------------------------------------------------------------------
# Range columns
# ----------------------------------------------------------------------------------------------


def test_range_columns_are_read_as_floats_with_nan_where_empty() -> None:
    rows = [
        project(
            "A", 100, 10, abatement_low_t_per_year=5, abatement_high_t_per_year="12,5", cost_high_sek=150
        ),
        project("B", 100, 10),
    ]
    projects = read_projects(rows)
    table = projects.table
    assert projects.has_ranges
    assert table["abatement_low_t_per_year"].tolist()[0] == 5.0
    assert table["abatement_high_t_per_year"].tolist()[0] == 12.5
    assert table["cost_high_sek"].tolist()[0] == 150.0
    assert np.isnan(table["cost_low_sek"]).all()
    assert np.isnan(table.loc[1, ["abatement_low_t_per_year", "cost_high_sek"]].to_numpy(dtype=float)).all()
    assert "cost_high_sek" not in projects.tags.columns  # not a tag
    assert not read_projects([project("A", 100, 10)]).has_ranges


def test_every_range_error_is_located() -> None:
    rows = [
        project("A", 100, 10, abatement_low_t_per_year="tio"),
        project("B", 100, 10, abatement_low_t_per_year=11, abatement_high_t_per_year=9),
        project("C", 100, 10, cost_low_sek=-1, cost_high_sek="inf"),
        project("D", 100, 10, cost_low_sek=101, cost_high_sek=99),
        {**project("E", 0, 10, cost_sek_2026=60, cost_sek_2027=40), "cost_sek": None, "cost_high_sek": 90},
        project("F", 100, 10, abatement_high_t_per_year=-2),
    ]
    assert problems_of(rows) == [
        (1, "abatement_low_t_per_year", "'tio' is not a number"),
        (
            2,
            "abatement_low_t_per_year",
            "11 is more than abatement_t_per_year 10: the low end of a range cannot be above the point estimate",
        ),
        (
            2,
            "abatement_high_t_per_year",
            "9 is less than abatement_t_per_year 10: the high end of a range cannot be below the point estimate",
        ),
        (3, "cost_low_sek", "must be 0 or more, not -1"),
        (3, "cost_high_sek", "'inf' is not a number"),
        (
            4,
            "cost_low_sek",
            (
                "101 is more than the project's total cost 100: the low end of a range cannot be above the point "
                "estimate"
            ),
        ),
        (
            4,
            "cost_high_sek",
            (
                "99 is less than the project's total cost 100: the high end of a range cannot be below the point "
                "estimate"
            ),
        ),
        (
            5,
            "cost_high_sek",
            (
                "90 is less than the project's total cost 100: the high end of a range cannot be below the point "
                "estimate"
            ),
        ),
        (6, "abatement_high_t_per_year", "must be 0 or more, not -2"),
    ]


@pytest.mark.parametrize(
    "name", ["kristinehamn_projects.csv", "kristinehamn_projects_excel_sv.csv", "kristinehamn_projects.xlsx"]
)
def test_the_example_list_has_ranges_in_every_format(name: str) -> None:
    projects = read_projects(EXAMPLES / name)
    table = projects.table.set_index("id")
    assert projects.has_ranges
    assert table.loc["B06", "abatement_low_t_per_year"] == 165.0  # retrofits: wide
    assert table.loc["B06", "cost_high_sek"] == 45_000_000.0
    assert table.loc["T05", "cost_high_sek"] == 2_640_000.0  # charging points: narrow
    assert np.isnan(table.loc["T14", "cost_low_sek"])


def test_the_scenario_section() -> None:
    scenario = read_scenario(
        {
            "budget_sek": 10,
            "uncertainty": {"distribution": "triangular", "sector_correlation": {"energy": 0.5}, "draws": 10},
        }
    )
    spec = scenario.uncertainty
    assert spec == UncertaintySpec(distribution="triangular", sector_correlation={"energy": 0.5}, draws=10)
    assert (spec.correlation_of("energy"), spec.correlation_of("transport"), spec.seed) == (0.5, 0.0, 0)
    with pytest.raises(InputError) as caught:
        read_scenario(
            {
                "budget_sek": 10,
                "uncertainty": {"draws": 0, "cvar_alpha": 1, "sector_correlation": 2, "shape": "x"},
            }
        )
    text = [p.message for p in caught.value.problems]
    assert any(m.startswith("uncertainty.draws: Input should be greater than or equal to 1") for m in text)
    assert any(m.startswith("uncertainty.cvar_alpha: Input should be less than 1") for m in text)
    assert any(m.startswith("uncertainty.sector_correlation") for m in text)
    assert any(m.startswith("uncertainty.shape: Extra inputs are not permitted") for m in text)


# ----------------------------------------------------------------------------------------------
# Draws
# ----------------------------------------------------------------------------------------------


def ranged(distribution: str = "pert", **spec: Any) -> tuple[Any, UncertaintySpec]:
    rows = [
        project("A", 100, 10, abatement_low_t_per_year=4, abatement_high_t_per_year=13, cost_low_sek=80),
        project("B", 200, 20, cost_low_sek=150, cost_high_sek=400),
        project("C", 50, 5, sector="transport", abatement_low_t_per_year=0, abatement_high_t_per_year=6),
        project("D", 70, 7),
    ]
    return read_projects(rows), UncertaintySpec(distribution=distribution, **spec)


def test_the_same_seed_gives_the_same_draws() -> None:
    projects, spec = ranged()
    first, again = draw(projects, spec, draws=200, seed=7), draw(projects, spec, draws=200, seed=7)
    assert np.array_equal(first.abatement_t_per_year, again.abatement_t_per_year)
    assert np.array_equal(first.cost_factor, again.cost_factor)
    other = draw(projects, spec, draws=200, seed=8)
    assert not np.array_equal(first.abatement_t_per_year, other.abatement_t_per_year)
    assert (first.seed, first.distribution, first.ids) == (7, "pert", ("A", "B", "C", "D"))
    assert not first.abatement_t_per_year.flags.writeable


@pytest.mark.parametrize("distribution", ["pert", "triangular", "uniform"])
def test_draws_lie_within_the_range_and_points_without_spread_are_exact(distribution: str) -> None:
    projects, spec = ranged(distribution)
    drawn = draw(projects, spec, draws=2000, seed=1)
    a, c = drawn.abatement_t_per_year, drawn.cost_factor
    assert (a[:, 0] >= 4).all() and (a[:, 0] <= 13).all()
    assert (a[:, 2] >= 0).all() and (a[:, 2] <= 6).all()
    assert (a[:, 1] == 20).all() and (a[:, 3] == 7).all()  # no abatement range: exactly the point
    assert (c[:, 2] == 1).all() and (c[:, 3] == 1).all()  # no cost range: factor exactly 1
    assert (c[:, 0] >= 0.8).all() and (c[:, 0] <= 1).all()  # only a low side
    assert (c[:, 1] >= 0.75).all() and (c[:, 1] <= 2).all()


@given(
    low=st.floats(0, 100),
    up=st.floats(0.5, 100),
    where=st.floats(0, 1),
    distribution=st.sampled_from(["pert", "triangular", "uniform"]),
)
@settings(max_examples=25, deadline=None)
def test_draws_have_the_distributions_mean(low: float, up: float, where: float, distribution: str) -> None:
    high = low + up
    mode = low + where * up
    rows = [project("A", 100, mode, abatement_low_t_per_year=low, abatement_high_t_per_year=high)]
    drawn = draw(read_projects(rows), UncertaintySpec(distribution=distribution), draws=4000, seed=3)
    values = drawn.abatement_t_per_year[:, 0]
    mean = {
        "pert": (low + 4 * mode + high) / 6,
        "triangular": (low + mode + high) / 3,
        "uniform": (low + high) / 2,
    }[distribution]
    # the standard deviation is at most that of the uniform distribution, (high − low) / √12
    error = up / math.sqrt(12) / math.sqrt(len(values))
    assert abs(values.mean() - mean) <= 5 * error
    assert values.min() >= low and values.max() <= high


def test_sector_correlation_one_makes_a_sector_comonotone() -> None:
    rows = [
        project(
            p, 100, 10, sector=s, abatement_low_t_per_year=1, abatement_high_t_per_year=h, cost_high_sek=c
        )
        for p, s, h, c in (("A", "energy", 20, 150), ("B", "energy", 11, 400), ("C", "waste", 30, 120))
    ]
    projects = read_projects(rows)
    drawn = draw(projects, UncertaintySpec(sector_correlation={"energy": 1.0}), draws=500)
    for values in (drawn.abatement_t_per_year, drawn.cost_factor):
        ranks = np.argsort(np.argsort(values, axis=0), axis=0)
        assert np.array_equal(ranks[:, 0], ranks[:, 1])  # same sector: the same quantile in every draw
        assert not np.array_equal(ranks[:, 0], ranks[:, 2])
    independent = draw(projects, UncertaintySpec(), draws=2000)
    assert abs(np.corrcoef(independent.abatement_t_per_year[:, :2].T)[0, 1]) < 0.1
    # reductions and costs are drawn independently of each other, even when fully correlated
    assert abs(np.corrcoef(drawn.abatement_t_per_year[:, 0], drawn.cost_factor[:, 0])[0, 1]) < 0.15


def test_draw_settings_are_checked() -> None:
    projects, spec = ranged()
    with pytest.raises(InputError) as caught:
        draw(projects, spec, draws=0, seed=-1)
    assert [p.message for p in caught.value.problems] == [
        "draws must be a whole number of at least 1, not 0",
        "seed must be a whole number of at least 0, not -1",
    ]


def test_projects_for_draw_scale_costs_and_keep_grants_in_sek() -> None:
    rows = [
        project("A", 100, 10, grant_sek=60, cost_low_sek=50, cost_high_sek=150, abatement_high_t_per_year=20),
        {**project("B", 0, 5, cost_sek_2026=30, cost_sek_2027=10), "cost_sek": None, "cost_high_sek": 80},
    ]
    projects = read_projects(rows)
    drawn = draw(projects, UncertaintySpec(distribution="uniform"), draws=50, seed=2)
    k = int(np.argmin(drawn.cost_factor[:, 0]))  # a draw where A costs less than its grant
    assert drawn.cost_factor[k, 0] < 0.6
    moved = projects_for_draw(projects, drawn, k)
    assert moved.total_cost == pytest.approx(projects.total_cost * drawn.cost_factor[k])
    assert moved.table["grant_sek"].tolist()[0] == pytest.approx(moved.total_cost[0])  # capped at the cost
    big = int(np.argmax(drawn.cost_factor[:, 0]))
    assert projects_for_draw(projects, drawn, big).table["grant_sek"].tolist()[0] == 60  # fixed in SEK
    assert moved.scheduled_cost.loc[1].tolist() == pytest.approx(
        [30 * drawn.cost_factor[k, 1], 10 * drawn.cost_factor[k, 1]]
    )
    assert moved.table["abatement_t_per_year"].tolist() == list(drawn.abatement_t_per_year[k])
    assert not moved.has_ranges and projects.has_ranges  # the input is unchanged
    with pytest.raises(ValueError, match=r"draw 50 does not exist: there are 50 draws \(0 to 49\)"):
        projects_for_draw(projects, drawn, 50)
    other = read_projects([project("X", 1, 1)])
    with pytest.raises(ValueError, match="the draws are for 2 projects, the list has 1"):
        projects_for_draw(other, drawn, 0)


# ----------------------------------------------------------------------------------------------
# Evaluation: known answers
# ----------------------------------------------------------------------------------------------


def test_probability_within_budget_has_its_known_value() -> None:
    # cost uniform on [50, 150], grant 40 fixed: municipal = cost − 40 ≤ 70 iff cost ≤ 110, p = 0.6
    rows = [project("A", 100, 10, year=2026, grant_sek=40, cost_low_sek=50, cost_high_sek=150)]
    projects = read_projects(rows)
    scenario = Scenario(budget_sek={"2026": 70})
    point = solve(projects, scenario)
    assert [s.id for s in point.selected] == ["A"]
    n = 4000
    drawn = draw(projects, UncertaintySpec(distribution="uniform"), draws=n, seed=11)
    result = evaluate(projects, scenario, point, drawn)
    assert binomial_close(result.probability_within_budget, 0.6, n)
    assert result.probability_within_budget_by_year == {"2026": result.probability_within_budget}
    assert result.cost_sek["p50"] == pytest.approx(60, abs=3)  # median cost 100 − grant 40
    assert result.abatement_t == {"p10": 10.0, "p50": 10.0, "p90": 10.0}
    assert result.probability_target_met is None and result.target_t is None
    spent = np.asarray(drawn.cost_factor[:, 0]) * 100 - 40
    assert result.cost_draws_sek == pytest.approx(spent)
    # the money the budget lacks: 0 where it holds, else what is spent above 70
    lacking = np.where(spent > 70, spent - 70, 0.0)
    assert result.overrun_sek == pytest.approx(
        dict(zip(("p10", "p50", "p90"), np.quantile(lacking, [0.1, 0.5, 0.9]), strict=True))
    )
    assert result.overrun_sek["p50"] == 0 and result.overrun_sek["p90"] == pytest.approx(30, abs=2)  # P90 cost 140
    assert result.to_dict()["overrun_sek"] == result.overrun_sek


def test_probability_of_a_min_cost_target_has_its_known_value() -> None:
    # one project needed for 100 t; its tonnes are uniform on [50, 150] × 1 year: p = 0.5
    rows = [project("A", 100, 100, abatement_low_t_per_year=50, abatement_high_t_per_year=150)]
    projects = read_projects(rows)
    scenario = Scenario(budget_sek=1000, objective={"min_cost_for_t": 100})
    point = solve(projects, scenario)
    n = 4000
    result = evaluate(
        projects, scenario, point, draw(projects, UncertaintySpec(distribution="uniform"), draws=n)
    )
    assert (result.target_kind, result.target_t) == ("min_cost_for_t", 100)
    assert binomial_close(result.probability_target_met, 0.5, n)


def test_probability_of_a_pathway_target_has_its_known_value() -> None:
    # baseline 1000 t/yr, target 900 in 2030: met iff the reduction in 2030 is ≥ 100; triangular on
    # [50, 150] with mode 100 gives p = 0.5; a second project operating only until 2028 does not count
    rows = [
        project(
            "A",
            100,
            100,
            year=2026,
            lifetime_years=10,
            abatement_low_t_per_year=50,
            abatement_high_t_per_year=150,
        ),
        project("B", 100, 500, year=2026, lifetime_years=2),
    ]
    projects = read_projects(rows)
    pathway = {"baseline_t": {"2024": 1000}, "target": {"target_t": {"2030": 900}}}
    scenario = Scenario(budget_sek=1000, pathway=pathway)
    point = solve(projects, scenario)
    assert point.pathway.gap_at_target_year_t == pytest.approx(0)
    n = 4000
    result = evaluate(
        projects, scenario, point, draw(projects, UncertaintySpec(distribution="triangular"), draws=n)
    )
    assert (result.target_kind, result.target_year, result.target_t) == ("pathway", 2030, 900)
    assert binomial_close(result.probability_target_met, 0.5, n)


def test_cumulative_tonnes_follow_the_phased_start() -> None:
    # A is phased 2026–2028 but the 2026 budget is taken by mandatory M, so A starts in 2027: its
    # reduction counts from 2028 to 2030 (3 years), not 4.
    rows = [
        project("M", 100, 1, year=2026, mandatory=True),
        project(
            "A",
            100,
            10,
            year=2026,
            lifetime_years=20,
            earliest_start=2026,
            latest_start=2028,
            abatement_low_t_per_year=5,
            abatement_high_t_per_year=30,
        ),
    ]
    projects = read_projects(rows)
    scenario = Scenario(budget_sek={"2026": 100, "2027": 100, "2028": 100}, objective={"cumulative_to": 2030})
    point = solve(projects, scenario)
    start = {s.id: s.start_year for s in point.selected}
    assert start == {"M": 2026, "A": 2027}
    drawn = draw(projects, UncertaintySpec(), draws=300, seed=5)
    result = evaluate(projects, scenario, point, drawn)
    expected = drawn.abatement_t_per_year[:, 1] * 3 + drawn.abatement_t_per_year[:, 0] * 1  # M: lifetime 1
    assert result.abatement_draws_t == pytest.approx(expected)
    assert result.probability_within_budget_by_year == {"2026": 1.0, "2027": 1.0, "2028": 1.0}
    assert result.objective == "cumulative_to 2030"


def test_evaluate_refuses_what_it_cannot_evaluate() -> None:
    projects, spec = ranged()
    scenario = Scenario(budget_sek=10, include=["B"])  # B costs 200: infeasible
    point = solve(projects, scenario)
    drawn = draw(projects, spec, draws=5)
    with pytest.raises(ValueError, match="the result has no portfolio to evaluate \\(status infeasible\\)"):
        evaluate(projects, scenario, point, drawn)
    other = read_projects([project("A", 100, 10), project("B", 1, 1), project("C", 1, 1), project("Z", 1, 1)])
    with pytest.raises(ValueError, match="the draws are for another project list"):
        evaluate(other, Scenario(budget_sek=10), solve(other, Scenario(budget_sek=10)), drawn)


# ----------------------------------------------------------------------------------------------
# Zero-width ranges: everything equals the deterministic answer
# ----------------------------------------------------------------------------------------------


@st.composite
def zero_width(draw_: st.DrawFn) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    instance = draw_(instances(max_n=5, divisible="some"))
    rows = []
    for row in instance.rows:
        row = dict(row)
        if draw_(st.booleans()):
            row["abatement_low_t_per_year"] = row["abatement_high_t_per_year"] = row["abatement_t_per_year"]
        if row.get("cost_sek") is not None and draw_(st.booleans()):
            row["cost_low_sek"] = row["cost_high_sek"] = row["cost_sek"]
        rows.append(row)
    return rows, instance.scenario


@given(zero_width(), st.sampled_from(["pert", "triangular", "uniform"]))
@QUICK
def test_zero_width_ranges_give_the_deterministic_answers(case: tuple[list, dict], distribution: str) -> None:
    rows, scenario_data = case
    projects = read_projects(rows)
    scenario = read_scenario({**scenario_data, "uncertainty": {"distribution": distribution, "draws": 3}})
    point = solve(projects, scenario)
    assume(point.has_portfolio)
    found = study(projects, scenario, executor="serial", point=point)
    evaluation = found.evaluation
    for value in evaluation.abatement_t.values():
        assert value == pytest.approx(point.abatement_t, rel=1e-9, abs=1e-9)
    assert evaluation.cost_sek["p50"] == pytest.approx(point.municipal_cost_sek, rel=1e-9, abs=1e-6)
    assert evaluation.probability_within_budget == 1.0
    fractions = {s.id: s.fraction for s in point.selected}
    frequency = found.reoptimisation.selection_frequency
    assert frequency == pytest.approx({i: fractions.get(i, 0.0) for i in projects.ids})
    assert found.reoptimisation.status_counts == {str(point.status): 3}


# ----------------------------------------------------------------------------------------------
# Re-optimisation and the whole study on the example list
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> tuple[Any, Scenario]:
    return read_projects(EXAMPLES / "kristinehamn_projects.csv"), read_scenario(
        EXAMPLES / "scenario_pathway.toml"
    )


def test_study_of_the_example_list(example: tuple[Any, Scenario]) -> None:
    projects, scenario = example
    seen: list[tuple[int, int]] = []
    found = study(
        projects, scenario, draws=8, seed=4, executor="serial", progress=lambda d, t: seen.append((d, t))
    )
    out = found.to_dict()
    json.dumps(out, allow_nan=False)  # plain JSON
    assert set(out["abatement_t"]) == {"p10", "p50", "p90"}
    assert out["abatement_t"]["p10"] <= out["abatement_t"]["p50"] <= out["abatement_t"]["p90"]
    assert 0 <= out["probability_within_budget"] <= 1
    assert 0 <= out["probability_target_met"] <= 1  # the pathway's target
    assert set(out["selection_frequency"]) == set(projects.ids)
    assert out["selection_frequency"]["W01"] == 1.0  # mandatory
    assert (out["draws"], out["seed"], out["distribution"], out["executor"]) == (8, 4, "pert", "serial")
    assert out["notes"] == []
    assert seen[-1] == (8, 8)
    assert found.reoptimisation.fractions.shape == (8, len(projects))
    assert sum(found.reoptimisation.status_counts.values()) == 8


def test_every_executor_gives_the_same_numbers(example: tuple[Any, Scenario]) -> None:
    """Seeded draws, the same study: in this process, on a local pool and on a Dask cluster
    (`distributed.LocalCluster`, two worker processes, reached by its address as a remote one would be)."""
    import distributed

    projects, scenario = example
    drawn = draw(projects, UncertaintySpec(), draws=4, seed=9)
    serial = reoptimise(projects, scenario, drawn, executor="serial")
    pooled = reoptimise(projects, scenario, drawn, executor="process", workers=2, batch_size=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster:
        clustered = reoptimise(projects, scenario, drawn, scheduler=cluster.scheduler_address)
    for other in (pooled, clustered):
        assert np.array_equal(serial.fractions, other.fractions)
        assert np.array_equal(serial.objective_draws_t, other.objective_draws_t)
        assert serial.selection_frequency == other.selection_frequency


def test_a_list_without_ranges_gives_the_deterministic_study() -> None:
    projects = read_projects([project("A", 100, 10), project("B", 100, 30), project("C", 60, 12)])
    scenario = Scenario(budget_sek=160)
    found = study(projects, scenario, draws=3, executor="serial")
    assert found.notes == (NO_RANGES_NOTE,)
    out = found.to_dict()
    assert out["abatement_t"] == {"p10": 42.0, "p50": 42.0, "p90": 42.0}
    assert out["selection_frequency"] == {"A": 0.0, "B": 1.0, "C": 1.0}
    assert out["probability_target_met"] is None
    assert study(projects, scenario, draws=3, reoptimise=False).to_dict()["selection_frequency"] is None


def test_an_infeasible_point_scenario_still_gives_a_study() -> None:
    projects = read_projects([project("A", 100, 10, cost_low_sek=50)])
    found = study(projects, Scenario(budget_sek=80, include=["A"]), draws=20, executor="serial", seed=1)
    assert found.evaluation is None
    out = found.to_dict()
    assert out["abatement_t"] == {"p10": None, "p50": None, "p90": None}
    assert out["probability_within_budget"] is None
    assert 0 < out["selection_frequency"]["A"] < 1  # feasible in the draws where A costs ≤ 80
    assert set(found.reoptimisation.status_counts) == {"optimal", "infeasible"}


def test_study_settings_are_checked_all_at_once() -> None:
    projects, _ = ranged()
    scenario = Scenario(budget_sek=100, include=["Q"], uncertainty={"sector_correlation": {"enrgy": 0.5}})
    with pytest.raises(InputError) as caught:
        study(projects, scenario, draws=0, seed=-2, executor="threads")
    assert [p.message for p in caught.value.problems] == [
        "draws must be a whole number of at least 1, not 0",
        "seed must be a whole number of at least 0, not -2",
        "executor must be one of 'serial', 'process', 'dask', not 'threads'",
        "scenario uncertainty.sector_correlation: unknown sector 'enrgy' (sectors: energy, transport)",
        "scenario include: unknown project id 'Q'",
    ]


def test_study_with_a_robust_portfolio(example: tuple[Any, Scenario]) -> None:
    pytest.importorskip("optimizer.analysis.robust")
    projects, scenario = example
    found = study(projects, scenario, draws=20, reoptimise=False, robust=True)
    assert found.robust is not None
    assert json.dumps(found.to_dict()["robust"], allow_nan=False)
