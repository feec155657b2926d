"""OR-Library multidimensional knapsack benchmarks, solved through the project-list format.

Each instance becomes a project list (item = project, knapsack row = budget year) and a scenario
with the annual objective, so the optimiser's objective is the knapsack profit. Every answer is
re-checked here against the raw instance, independently of the optimiser.
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.instances import orlib
from benchmarks.instances.orlib import KnapsackInstance
from models import Result, Scenario, Status
from optimizer import solve
from optimizer.io.readers import read_projects

PETERSEN = orlib.petersen()
CB_5 = {inst.name: inst for inst in orlib.chu_beasley("mknapcb1.txt")}
CB_10 = {inst.name: inst for inst in orlib.chu_beasley("mknapcb4.txt")}
CHU_BEASLEY = {**CB_5, **CB_10}

# Chu–Beasley problems proven optimal (mip_gap 0) in a few seconds through `solve` (measured on 2 CPUs):
# HiGHS 5.100-16 / -20 / -28 about 3 s each and 10.100-20 about 7-10 s; every other 10.100 problem takes
# HiGHS over 20 s (most over 30 s), so the second 10.100 problem, 10.100-24 (> 30 s with HiGHS), is
# solved by CBC only (about 2.5 s). CBC also solves 5.100-20 (0.7 s) and 10.100-20 (1.2 s).
CB_SAMPLE_HIGHS = ("5.100-16", "5.100-20", "5.100-28", "10.100-20")
CB_SAMPLE_CBC = ("5.100-20", "10.100-20", "10.100-24")
TIME_LIMIT_S = 60.0  # a safety net only: every sampled solve takes a few seconds


def check_answer(instance: KnapsackInstance, result: Result) -> np.ndarray:
    """The selected items as a 0/1 vector, after checking the result against the raw instance."""
    fractions = {s.id: s.fraction for s in result.selected}
    assert len(fractions) == len(result.selected), "a project is selected twice"
    assert all(f == pytest.approx(1.0, abs=1e-9) for f in fractions.values()), "items are indivisible"
    x = orlib.selection_vector(instance, list(fractions))
    use = instance.weights @ x
    over = np.flatnonzero(use > instance.capacities + 1e-9)
    assert over.size == 0, f"capacity broken in rows {over}: {use[over]} > {instance.capacities[over]}"
    assert result.objective_value_t == pytest.approx(float(instance.profits @ x), rel=0, abs=1e-6)
    return x


def solve_instance(instance: KnapsackInstance, solver: str) -> Result:
    projects = read_projects(orlib.to_project_table(instance), source_name=instance.name)
    scenario = Scenario.model_validate(orlib.to_scenario(instance))
    return solve(projects, scenario, solver=solver, time_limit_s=TIME_LIMIT_S)


# --------------------------------------------------------------------------------------------
# Parser


def test_petersen_counts_and_shapes() -> None:
    assert [i.name for i in PETERSEN] == [f"mknap1-{k}" for k in range(1, 8)]
    shapes = [(6, 10), (10, 10), (15, 10), (20, 10), (28, 10), (39, 5), (50, 5)]
    assert [(i.n, i.m) for i in PETERSEN] == shapes
    for inst in PETERSEN:
        assert inst.profits.shape == (inst.n,)
        assert inst.weights.shape == (inst.m, inst.n)
        assert inst.capacities.shape == (inst.m,)
        assert inst.lp_bound is None and inst.best_known == inst.known_optimum
    assert [i.known_optimum for i in PETERSEN] == [3800, 8706.1, 4015, 6120, 12400, 10618, 16537]


def test_petersen_known_tokens() -> None:
    first = PETERSEN[0]
    np.testing.assert_array_equal(first.profits, [100, 600, 1200, 2400, 500, 2000])
    np.testing.assert_array_equal(first.weights[0], [8, 12, 13, 64, 22, 41])
    np.testing.assert_array_equal(first.weights[-1], [3, 2, 4, 8, 8, 4])
    np.testing.assert_array_equal(first.capacities, [80, 96, 20, 36, 44, 48, 10, 18, 22, 24])
    second = PETERSEN[1]
    assert second.profits[0] == 600.1 and second.profits[-1] == 327
    np.testing.assert_array_equal(second.weights[0], [20, 5, 100, 200, 2, 4, 60, 150, 80, 40])


def test_chu_beasley_counts_names_and_tables() -> None:
    assert list(CB_5) == [f"5.100-{k:02d}" for k in range(30)]
    assert list(CB_10) == [f"10.100-{k:02d}" for k in range(30)]
    for inst in CHU_BEASLEY.values():
        assert inst.weights.shape == (inst.m, 100) and inst.profits.shape == (100,)
        assert inst.known_optimum is None
        assert inst.best_known is not None and inst.lp_bound is not None
        assert inst.best_known <= inst.lp_bound
    assert CB_5["5.100-00"].best_known == 24381 and CB_5["5.100-00"].lp_bound == pytest.approx(24585.902722)
    last = CB_10["10.100-29"]
    assert last.best_known == 60633 and last.lp_bound == pytest.approx(60986.05716)


def test_chu_beasley_known_tokens() -> None:
    first = CB_5["5.100-00"]
    np.testing.assert_array_equal(first.profits[:7], [504, 803, 667, 1103, 834, 585, 811])
    np.testing.assert_array_equal(CB_5["5.100-29"].capacities, [33604, 34889, 37341, 39585, 36775])
    np.testing.assert_array_equal(CB_5["5.100-29"].weights[-1, -2:], [202, 466])
    np.testing.assert_array_equal(CB_10["10.100-00"].profits[:3], [803, 728, 743])
    np.testing.assert_array_equal(
        CB_10["10.100-29"].capacities, [32372, 38120, 33282, 34572, 37627, 39398, 35498, 38167, 38985, 34094]
    )
    np.testing.assert_array_equal(CB_10["10.100-29"].weights[-1, -2:], [434, 348])


def test_mkcbres_agrees_with_csv() -> None:
    original = orlib.read_mkcbres()
    table = orlib.chu_beasley_table()
    assert len(original) == len(table) == 270
    assert list(original.index) == list(table.index)
    np.testing.assert_array_equal(original["best_feasible"], table["best_known_chu_beasley_1998"])
    np.testing.assert_array_equal(original["lp_relaxation"], table["lp_relaxation"])


def test_parse_rejects_truncated_and_trailing_data() -> None:
    text = (orlib.DATA_DIR / "mknap1.txt").read_text()
    tokens = text.split()
    with pytest.raises(ValueError, match="ends early"):
        orlib.parse(" ".join(tokens[:-1]))
    with pytest.raises(ValueError, match="after the last"):
        orlib.parse(text + " 1")
    assert len(orlib.parse("1\n2 1 0\n5 6\n1 2\n3")) == 1


def test_missing_chu_beasley_file_is_reported(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="mknapcb2.txt"):
        orlib.chu_beasley("mknapcb2.txt", directory=tmp_path)


def test_all_nine_chu_beasley_files_are_kept_and_match_the_table() -> None:
    instances = [i for file in orlib.CHU_BEASLEY_FILES for i in orlib.chu_beasley(file)]
    assert len(instances) == 270 == len(orlib.chu_beasley_table())
    assert {(i.m, i.n) for i in instances} == {(m, n) for m in (5, 10, 30) for n in (100, 250, 500)}


# --------------------------------------------------------------------------------------------
# Converter


def test_project_table_is_the_knapsack() -> None:
    inst = PETERSEN[0]
    table = orlib.to_project_table(inst)
    years = [f"cost_sek_{y}" for y in range(2001, 2011)]
    assert list(table.columns) == ["id", "name", "sector", "abatement_t_per_year", "lifetime_years", *years]
    assert list(table["id"]) == ["x001", "x002", "x003", "x004", "x005", "x006"]
    assert set(table["sector"]) == {"knapsack"} and set(table["lifetime_years"]) == {1}
    np.testing.assert_array_equal(table["abatement_t_per_year"], inst.profits)
    np.testing.assert_array_equal(table[years].to_numpy(), inst.weights.T)
    assert table["id"].is_unique and table["name"].is_unique

    scenario = Scenario.model_validate(orlib.to_scenario(inst))
    assert scenario.budget_years == tuple(range(2001, 2011))
    assert list(scenario.budget_sek.values()) == list(inst.capacities)
    assert scenario.objective == "annual" and scenario.mip_gap == 0

    projects = read_projects(table)
    assert len(projects) == inst.n
    assert (projects.total_cost > 0).all()
    np.testing.assert_array_equal(projects.cost_by_year(scenario.budget_years, 2001), inst.weights.T)


def test_every_shipped_item_has_a_cost() -> None:
    for inst in [*PETERSEN, *CHU_BEASLEY.values()]:
        assert (inst.weights.sum(axis=0) > 0).all(), inst.name
        assert len(orlib.to_project_table(inst)) == inst.n


def test_item_without_weight_is_refused() -> None:
    inst = PETERSEN[0]
    weights = np.array(inst.weights)
    weights[:, 2] = 0
    profits, capacities = np.array(inst.profits), np.array(inst.capacities)
    free = KnapsackInstance("free", profits, weights, capacities, None, None, None)
    with pytest.raises(ValueError, match="x003"):
        orlib.to_project_table(free)


def test_ids_widen_past_999_items() -> None:
    inst = KnapsackInstance("big", np.ones(1000), np.ones((1, 1000)), np.array([5.0]), None, None, None)
    ids = orlib.to_project_table(inst)["id"]
    assert ids.iloc[0] == "x0001" and ids.iloc[-1] == "x1000"


# --------------------------------------------------------------------------------------------
# Solved through the optimiser


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize("instance", PETERSEN, ids=lambda i: i.name)
def test_petersen_reaches_the_optimum(instance: KnapsackInstance, solver: str) -> None:
    result = solve_instance(instance, solver)
    assert result.status is Status.OPTIMAL, result.message
    assert result.objective_value_t == pytest.approx(instance.known_optimum, rel=0, abs=1e-6)
    assert result.best_bound_t == pytest.approx(instance.known_optimum, rel=0, abs=1e-6)
    check_answer(instance, result)


@pytest.mark.parametrize(
    ("name", "solver"),
    [(n, "highs") for n in CB_SAMPLE_HIGHS] + [(n, "cbc") for n in CB_SAMPLE_CBC],
)
def test_chu_beasley_sample_within_known_bounds(name: str, solver: str) -> None:
    instance = CHU_BEASLEY[name]
    result = solve_instance(instance, solver)
    assert result.status is Status.OPTIMAL, result.message
    value = result.objective_value_t
    assert value >= instance.best_known - 1e-6, f"{value} below the best known {instance.best_known}"
    assert value <= instance.lp_bound + 1e-6, f"{value} above the LP bound {instance.lp_bound}"
    assert result.best_bound_t == pytest.approx(value, rel=1e-9, abs=1e-6)
    check_answer(instance, result)

