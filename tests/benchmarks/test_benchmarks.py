"""The benchmark suite: seeded generators, baselines that agree with the optimiser, the JSON report.

No timing is asserted: the machine is shared.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from benchmarks import baselines, run
from benchmarks.instances import generate, orlib
from optimizer import read_projects, read_scenario, solve
from optimizer.model.fit import check_fits
from tests.rows import project

TIME_LIMIT_S = 60.0  # a safety net only


@pytest.mark.parametrize("make", [generate.municipal, generate.national])
def test_same_seed_same_list_other_seed_other_list(make) -> None:
    first, again, other = make(60, seed=3), make(60, seed=3), make(60, seed=4)
    pd.testing.assert_frame_equal(first.table, again.table)
    assert first.scenario == again.scenario
    assert not first.table.equals(other.table)


@pytest.mark.parametrize(
    ("make", "n"),
    [
        (generate.municipal, 50),
        (generate.municipal, 500),
        (generate.national, 1_000),
        (generate.national, 20_000),
    ],
)
def test_generated_lists_are_valid_and_sized(make, n: int) -> None:
    made = make(n, seed=1)
    projects, scenario = made.project_list(), made.scenario_model()
    check_fits(projects, scenario)  # raises InputError if the scenario does not fit the list
    assert len(projects) == n
    assert scenario.budget_years == generate.YEARS
    table = projects.table
    assert table["requires"].map(len).gt(0).any()
    assert table["exclusive_group"].notna().any()
    assert (projects.scheduled_cost.gt(0).sum(axis=1) > 1).any(), "some cost profiles span several years"


def test_municipal_list_uses_every_rule_kind() -> None:
    made = generate.municipal(100, seed=2)
    projects = made.project_list()
    table = projects.table
    assert table["mandatory"].any() and table["divisible"].any()
    assert (table["grant_sek"] > 0).any()
    rules = {r["name"]: r for r in made.scenario["constraints"]}
    assert rules["equity"]["min_share"] and rules["per sector"]["for_each"] == "sector"
    chained = table["requires"].explode().dropna()
    assert len(chained) > 0


def test_generated_list_reads_back_from_csv(tmp_path) -> None:
    """What the generator hands over is an ordinary project list: it survives a round trip through CSV."""
    made = generate.municipal(50, seed=5)
    path = tmp_path / "list.csv"
    table = made.table.assign(
        requires=made.table["requires"].fillna(""), exclusive_group=made.table["exclusive_group"].fillna("")
    )
    table.to_csv(path, index=False)
    from_file, direct = read_projects(path), made.project_list()
    assert list(from_file.ids) == list(direct.ids)
    np.testing.assert_allclose(from_file.total_cost, direct.total_cost)


def test_a_million_rows_generate_with_their_rules() -> None:
    made = generate.national(1_000_000, seed=0)
    assert len(made.table) == 1_000_000
    assert made.table["id"].is_unique


@pytest.mark.parametrize("seed", [11, 12])
def test_pulp_and_scipy_find_the_optimiser_optimum_on_a_small_generated_case(seed: int) -> None:
    made = generate.municipal(30, seed=seed)
    projects = made.project_list()
    scenario = read_scenario({**made.scenario, "mip_gap": 0.0})
    ours = solve(projects, scenario, time_limit_s=TIME_LIMIT_S)
    assert ours.status.value == "optimal"
    for method in (baselines.pulp_cbc, baselines.scipy_milp):
        outcome = method(projects, scenario, TIME_LIMIT_S)
        assert outcome.proven and outcome.check_passed, method.__name__
        assert outcome.objective_t == pytest.approx(ours.objective_value_t, rel=1e-6), method.__name__
    bound = baselines.lp_relaxation(projects, scenario, TIME_LIMIT_S).bound_t
    assert bound >= ours.objective_value_t - 1e-6


def test_baselines_reach_the_petersen_optimum() -> None:
    instance = orlib.petersen()[5]
    projects, scenario = run._knapsack_case(instance)
    for method in (baselines.pulp_cbc, baselines.scipy_milp):
        outcome = method(projects, scenario, TIME_LIMIT_S)
        assert outcome.objective_t == pytest.approx(instance.known_optimum), method.__name__
    assert solve(projects, scenario).objective_value_t == pytest.approx(instance.known_optimum)


def test_greedy_counts_the_rules_it_breaks() -> None:
    """Cheapest tonne first: c, d and e fit the 40 SEK (a and f do not). c requires a, unfunded; d and e
    are alternatives, both funded; transport (c) is 10 of 30 SEK, above its 20 % cap: three rules broken."""
    rows = [
        project("a", 90, 1),
        project("c", 10, 100, requires="a", sector="transport"),
        project("d", 10, 90, exclusive_group="g"),
        project("e", 10, 80, exclusive_group="g"),
        project("f", 60, 1),
    ]
    projects = read_projects(rows)
    scenario = read_scenario(
        {
            "budget_sek": 40,
            "objective": "annual",
            "constraints": [
                {"name": "cap", "where": {"sector": "transport"}, "measure": "cost", "max_share": 0.2}
            ],
        }
    )
    outcome = baselines.greedy(projects, scenario)
    assert outcome.check_passed is False
    assert outcome.violations == 3
    assert outcome.objective_t == pytest.approx(270)


def test_json_report_has_the_documented_keys(tmp_path) -> None:
    spec = run.CaseSpec(
        "mknap1-1", "petersen", 6, reference_t=3800.0, time_limit_s=30, baseline_time_limit_s=30
    )
    runs = {
        method: run.run_method(spec, method) for method in ("ours", "pulp_cbc", "greedy", "lp_relaxation")
    }
    runs["scipy_milp"] = {"status": "skipped", "reason": "test"}
    case = run.summarise_case(spec, runs)
    report = {"meta": {"quick": True}, "cases": [case], "throughput": {"ratio_vs_pulp": 25.0}}
    report["targets"] = run.targets(report, quick=True)
    path = tmp_path / "out" / "latest.json"
    run.write_report(report, path)
    data = json.loads(path.read_text())
    written = data["cases"][0]
    assert {
        "case",
        "family",
        "projects",
        "rows",
        "columns",
        "generation_s",
        "ratio_ours_to_pulp",
        "speedup_vs_pulp",
        "same_proven_result",
        "gap_to_reference",
        "runs",
    } <= set(written)
    assert (written["rows"], written["columns"]) == (10, 6)
    ours = written["runs"]["ours"]
    assert {
        "status",
        "objective_t",
        "bound_t",
        "gap",
        "build_s",
        "solve_s",
        "total_s",
        "overran",
        "solver",
        "solver_version",
        "threads",
        "time_limit_s",
        "check_passed",
    } <= set(ours)
    assert {"check_passed", "objective_t", "violations"} <= set(written["runs"]["pulp_cbc"])
    assert written["same_proven_result"] is True
    assert {t["target"] for t in data["targets"]} >= {"throughput vs PuLP+CBC", "Petersen", "time limit"}
    assert all({"target", "goal", "measured", "met"} == set(t) for t in data["targets"])


def test_child_process_reports_peak_memory_and_a_killed_child() -> None:
    spec = run.CaseSpec("mknap1-1", "petersen", 6, time_limit_s=30, baseline_time_limit_s=30)
    outcome, value, peak = run.in_child(run.run_method, spec, "greedy", timeout_s=120)
    assert outcome == "ok" and value["objective_t"] > 0 and peak > 0
    outcome, message, _ = run.in_child(_sleep, 30.0, timeout_s=0.5)
    assert outcome == "killed" and "no answer" in message


def _sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)


def test_the_reoptimisation_case_compares_executors_on_the_same_draws(capsys) -> None:
    """Three executors, 6 draws: the same frequencies (fingerprint) on each, speed-ups against serial-1,
    the documented keys; a pool started inside the case's own child process works (it is no daemon)."""
    options = run.Options(
        quick=True, time_limit_s=20.0, baseline_time_limit_s=20.0, only="reoptimisation", draws=6
    )
    result = run._reoptimisation(options)
    assert result["draws"] == 6 and result["same_results"] is True
    assert set(result["runs"]) == {"serial-1", "process-2", "dask-2"}
    for name, record in result["runs"].items():
        assert {
            "seconds",
            "draws_per_s",
            "speedup_vs_1",
            "status_counts",
            "fingerprint",
            "peak_memory_mib",
        } <= set(record), name
        assert sum(record["status_counts"].values()) == 6
    assert result["runs"]["serial-1"]["speedup_vs_1"] == 1.0
    assert "same results on every executor: True" in capsys.readouterr().out


def test_lifecycle_list_adds_operating_costs_overlaps_and_net_budgets() -> None:
    base = generate.municipal(60, seed=3)
    rich = generate.with_lifecycle(base, seed=3)
    projects, scenario = rich.project_list(), rich.scenario_model()
    check_fits(projects, scenario)
    assert scenario.budget_basis == "net" and len(scenario.interactions) == 3
    opex = projects.opex
    assert (opex < 0).mean() == pytest.approx(0.3, abs=0.15) and (opex > 0).any()
    divisible = dict(zip(projects.ids, projects.table["divisible"], strict=True))
    assert not any(divisible[i] for pair in scenario.interactions for i in pair.ids)
    assert generate.with_lifecycle(base, seed=3).table.equals(rich.table)


def test_the_lifecycle_case_solves_every_variant_checked(capsys) -> None:
    """Plain, operating costs, net budgets, overlaps and the cost–benefit objective side by side: every
    portfolio passes the independent check; overlaps add one column per pair; operating costs alone
    change nothing in the model."""
    result = run.run_lifecycle(60, 20.0)
    runs = result["runs"]
    assert set(runs) == {"plain", "opex", "net", "net+overlaps", "net_benefit"}
    for name, record in runs.items():
        assert record["status"] == "optimal" and record["violations"] == 0, name
    assert runs["opex"]["abatement_t"] == pytest.approx(runs["plain"]["abatement_t"])
    assert (runs["opex"]["rows"], runs["opex"]["columns"]) == (
        runs["plain"]["rows"],
        runs["plain"]["columns"],
    )
    pairs = result["overlapping_pairs"]
    assert runs["net+overlaps"]["columns"] == runs["plain"]["columns"] + pairs
    assert runs["net+overlaps"]["rows"] == runs["plain"]["rows"] + 3 * pairs
    assert runs["net_benefit"]["net_benefit_sek"] is not None
    assert runs["plain"]["time_vs_plain"] == 1.0


@pytest.mark.parametrize(
    ("seconds", "not_computed", "exit_code", "met"),
    [(8.5, 0, 0, True), (10.0, 0, 0, True), (10.5, 0, 0, False), (8.5, 1, 0, False), (8.5, 0, 2, False)],
)
def test_board_report_target_needs_the_time_every_threshold_and_success(
    seconds: float, not_computed: int, exit_code: int, met: bool
) -> None:
    plan = {
        "scenario": run.REPORT_SCENARIOS[0],
        "executor": "process",
        "seconds": seconds,
        "thresholds": 42,
        "not_computed": not_computed,
        "exit_code": exit_code,
    }
    serial = {**plan, "executor": "serial", "seconds": 1.0}  # only the pooled run, as users run it, counts
    report = {"meta": {"quick": True}, "cases": [], "report": {"runs": [serial, plan]}}
    (target,) = [t for t in run.targets(report, quick=True) if t["target"] == "board report of the 2030 plan"]
    assert target["met"] is met
    assert target["measured"] == f"{seconds:.1f} s, 42 thresholds, {not_computed} not computed"


def test_board_report_target_is_not_measured_without_a_run() -> None:
    report = {"meta": {"quick": True}, "cases": []}
    (target,) = [t for t in run.targets(report, quick=True) if t["target"] == "board report of the 2030 plan"]
    assert target["met"] is None
