"""The follow-up cycle in Python: adopt a plan, record actuals, report status, re-plan the open years."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rows import REPO, project

from models import ActualEntry, Actuals, AdoptedPlan, Result
from models.project import ProjectList
from optimizer.io.problems import InputError
from optimizer.io.readers import read_projects, read_scenario
from optimizer.model.solve import solve
from optimizer.planning.followup import (
    adopt,
    load_plan,
    plan_difference,
    plan_status,
    project_records,
    read_actuals,
    replan,
    replan_inputs,
)

EXAMPLES = REPO / "examples"
M = 1e6
PER_YEAR = {"2026": 80 * M, "2027": 100 * M, "2028": 100 * M, "2029": 60 * M}


def _rows() -> list[dict[str, object]]:
    """Eight projects whose adopted plan is known: A (two years), B (with a grant), E (divisible, half
    funded) start in 2026; C in 2027; G phased, in 2028; D, F (divisible) and H are left out."""
    return [
        project(
            "A",
            0,
            100,
            cost_sek=None,
            cost_sek_2026=40 * M,
            cost_sek_2027=40 * M,
            lifetime_years=10,
            district="North",
        ),
        project("B", 30 * M, 80, year=2026, grant_sek=10 * M, lifetime_years=10, district="South"),
        project("C", 50 * M, 60, year=2027, lifetime_years=10, district="North", sector="transport"),
        project("D", 50 * M, 10, year=2026, lifetime_years=10, district="South", sector="transport"),
        project("E", 40 * M, 40, year=2026, divisible=True, lifetime_years=10, district="South"),
        project("F", 30 * M, 1, year=2026, divisible=True, lifetime_years=10),
        project("G", 40 * M, 30, year=2027, earliest_start=2027, latest_start=2028, lifetime_years=10),
        project("H", 70 * M, 20, year=2028, lifetime_years=10, district="North"),
    ]


def _plan(budget: object = None) -> AdoptedPlan:
    projects = read_projects(_rows())
    scenario = read_scenario({"budget_sek": PER_YEAR if budget is None else budget})
    result = solve(projects, scenario)
    return adopt(projects, scenario, result, source="hand-made", adopted_at=datetime(2026, 1, 15, tzinfo=UTC))


@pytest.fixture(scope="module")
def plan() -> AdoptedPlan:
    adopted = _plan()
    chosen = {s.id: (round(s.fraction, 6), s.start_year) for s in adopted.result_model().selected}
    assert chosen == {"A": (1, 2026), "B": (1, 2026), "C": (1, 2027), "E": (0.5, 2026), "G": (1, 2028)}
    return adopted


def _entries(*rows: tuple[str, int, float | None, float | None]) -> Actuals:
    return Actuals(entries=[ActualEntry(id=i, year=y, spend_sek=s, abatement_t=t) for i, y, s, t in rows])


def _municipal_by_year(result: Result) -> dict[int, float]:
    spend: dict[int, float] = {}
    for line in result.spend_plan:
        spend[line.year] = spend.get(line.year, 0.0) + line.municipal_sek
    return spend


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


def _assert_same_list(a: ProjectList, b: ProjectList) -> None:
    columns = [c for c in a.table.columns if c != "row"]
    pd.testing.assert_frame_equal(a.table[columns], b.table[columns])
    pd.testing.assert_frame_equal(a.scheduled_cost, b.scheduled_cost)
    np.testing.assert_array_equal(a.unscheduled_cost, b.unscheduled_cost)
    pd.testing.assert_frame_equal(a.tags, b.tags)
    np.testing.assert_array_equal(a.cost_from_profile, b.cost_from_profile)


def test_records_read_back_to_the_example_list() -> None:
    projects = read_projects(EXAMPLES / "kristinehamn_projects.csv")
    assert projects.phased.any() and projects.cost_from_profile.any() and len(projects.tags.columns)
    records = project_records(projects)
    _assert_same_list(projects, read_projects(records))
    json.dumps(records)  # plain JSON values only
    assert all(v is not None for r in records[1:] for v in r.values())  # empty cells omitted


def test_records_keep_profiles_phasing_tags_and_empty_columns() -> None:
    rows = [
        project("P1", 0, 5, cost_sek=None, cost_sek_2027=3 * M, cost_sek_2029=1 * M, earliest_start=2026),
        project("P2", 2 * M, 7, latest_start=2030, priority="yes", unused_tag=None, requires="P1"),
        project(
            "P3", 0, 1, cost_sek=None, cost_sek_2028=1.5 * M, divisible=True, abatement_low_t_per_year=0.5
        ),
        project(
            "P4", 4 * M, 2, year=2026, exclusive_group="g", mandatory=True, grant_sek=1 * M, health="3,5"
        ),
    ]
    projects = read_projects(rows)
    records = project_records(projects)
    assert records[0]["unused_tag"] is None and "unused_tag" in read_projects(records).tags.columns
    assert records[2] == {
        "id": "P3",
        "name": "Project P3",
        "sector": "energy",
        "cost_sek_2028": 1_500_000,
        "abatement_t_per_year": 1,
        "lifetime_years": 1,
        "divisible": True,
        "abatement_low_t_per_year": 0.5,
        **{k: v for k, v in records[2].items() if k == "opex_sek_per_year"},
    }
    _assert_same_list(projects, read_projects(records))


def test_adopting_needs_a_portfolio() -> None:
    projects = read_projects([project("A", 10 * M, 1, mandatory=True, year=2026)])
    scenario = read_scenario({"budget_sek": 1 * M})
    result = solve(projects, scenario)
    assert not result.has_portfolio
    with pytest.raises(ValueError, match="no portfolio to adopt"):
        adopt(projects, scenario, result)


def test_a_plan_survives_json(plan: AdoptedPlan) -> None:
    again = load_plan(json.loads(plan.model_dump_json()))
    assert again == plan
    assert again.result_model().selected == plan.result_model().selected
    bad = plan.model_dump(mode="json")
    bad["projects"][1]["lifetime_years"] = 0
    with pytest.raises(InputError) as error:
        load_plan(bad)
    assert [(p.row, p.column) for p in error.value.problems] == [(2, "projects.lifetime_years")]


# --------------------------------------------------------------------------------------------
# Actuals
# --------------------------------------------------------------------------------------------


def test_actuals_are_read_from_swedish_csv_json_frames_and_records(plan: AdoptedPlan, tmp_path: Path) -> None:
    csv_file = tmp_path / "actuals.csv"
    csv_file.write_text("id;year;spend_sek;abatement_t;note\nB;2026;1 500 000,5;;x\nA;2026;;12,5;\n", "utf-8")
    expected = _entries(("A", 2026, None, 12.5), ("B", 2026, 1_500_000.5, None))
    assert read_actuals(csv_file, plan=plan) == expected
    assert read_actuals(csv_file.read_bytes(), plan=plan, file_type="csv") == expected
    records = [
        {"id": "B", "year": 2026, "spend_sek": 1_500_000.5},
        {"id": "A", "year": 2026, "abatement_t": 12.5},
    ]
    assert read_actuals(records, plan=plan) == expected
    assert read_actuals(json.dumps({"actuals": records}).encode(), plan=plan) == expected
    assert read_actuals(pd.DataFrame(records), plan=plan) == expected
    frame = expected.to_frame()
    assert list(frame.columns) == ["id", "year", "spend_sek", "abatement_t"] and expected.latest_year == 2026


def test_every_problem_in_an_actuals_file_is_located(plan: AdoptedPlan) -> None:
    text = (
        "id,year,spend_sek,abatement_t\n"
        "ZZ,2026,5,\n"  # row 2: unknown id
        "A,2026.5,5,\n"  # row 3: not a whole year
        "A,twenty,5,\n"  # row 4: not a number
        "B,2026,-1,-2\n"  # row 5: negative, twice
        "C,2026,,\n"  # row 6: neither value
        ",2026,5,\n"  # row 7: no id
        "E,2026,1,\n"
        "E,2026,2,\n"  # row 9: (id, year) again
        "G,,1,\n"  # row 10: no year
        'H,2026,"1,5",\n'  # row 11: a decimal comma in a comma-separated file
    )
    with pytest.raises(InputError) as error:
        read_actuals(text.encode(), plan=plan, file_type=".csv")
    located = [(p.row, p.column) for p in error.value.problems]
    assert located == [
        (2, "id"),
        (3, "year"),
        (4, "year"),
        (5, "spend_sek"),
        (5, "abatement_t"),
        (6, "spend_sek"),
        (7, "id"),
        (9, "year"),
        (10, "year"),
        (11, "spend_sek"),
    ]
    messages = {(p.row, p.column): p.message for p in error.value.problems}
    assert "unknown project id 'ZZ'" in messages[(2, "id")]
    assert "whole year" in messages[(3, "year")]
    assert "must be 0 or more, not -1" == messages[(5, "spend_sek")]
    assert "first at row 8" in messages[(9, "year")]


def test_missing_columns_and_bad_files(plan: AdoptedPlan) -> None:
    with pytest.raises(InputError) as error:
        read_actuals(b"project;yr;spend\nA;2026;1\n", plan=plan, file_type="csv")
    assert [(p.row, p.column) for p in error.value.problems] == [(None, "id"), (None, "year"), (None, None)]
    assert "is 'spend' meant to be it?" in error.value.problems[2].message
    with pytest.raises(InputError, match="empty"):
        read_actuals(b"", plan=plan, file_type="csv")
    with pytest.raises(InputError, match="save the actuals as .csv or .json"):
        read_actuals(b"x", plan=plan, file_type="xlsx")
    assert read_actuals(b"id,year,spend_sek\n", plan=plan) == Actuals()


def test_merged_actuals_take_the_newer_entry() -> None:
    old = _entries(("A", 2026, 1.0, None), ("B", 2026, 2.0, None))
    new = _entries(("A", 2026, 5.0, 3.0), ("A", 2027, 1.0, None))
    merged = old.merged(new)
    assert [(e.id, e.year, e.spend_sek) for e in merged.entries] == [
        ("A", 2026, 5.0),
        ("A", 2027, 1.0),
        ("B", 2026, 2.0),
    ]
    assert merged.latest_year == 2027


# --------------------------------------------------------------------------------------------
# Status
# --------------------------------------------------------------------------------------------


def test_status_sums_by_year_project_and_district(plan: AdoptedPlan) -> None:
    actuals = _entries(("A", 2026, 42 * M, None), ("B", 2026, 18 * M, 5.0), ("D", 2026, 1 * M, None))
    status = plan_status(plan, actuals).to_dict()
    assert status["as_of"] == 2027
    years = {y["year"]: y for y in status["years"]}
    assert sorted(years) == [2026, 2027, 2028, 2029]
    # 2026: A 40, B 30 − 10 grant, E half of 40 planned; 42 + 18 + 1 spent
    assert years[2026]["planned_sek"] == pytest.approx(80 * M)
    assert years[2026]["actual_sek"] == pytest.approx(61 * M)
    assert years[2026]["variance_sek"] == pytest.approx(-19 * M)
    assert years[2026]["budget_sek"] == 80 * M and years[2026]["actual_t"] == 5.0
    assert years[2027]["variance_sek"] is None and years[2027]["planned_sek"] == pytest.approx(90 * M)
    # B and E operate from 2027, A and C from 2028, G from 2029
    assert years[2027]["planned_t"] == pytest.approx(80 + 20)
    assert years[2028]["planned_t"] == pytest.approx(80 + 20 + 100 + 60)
    assert years[2029]["planned_t"] == pytest.approx(80 + 20 + 100 + 60 + 30)
    rows = {p["id"]: p for p in status["projects"]}
    assert list(rows) == ["A", "B", "C", "D", "E", "G"]
    assert {i: p["state"] for i, p in rows.items()} == {
        "A": "in_progress",
        "B": "in_operation",
        "C": "not_started",
        "D": "not_in_plan",
        "E": "in_operation",
        "G": "not_started",
    }
    assert rows["A"]["planned_to_date_sek"] == pytest.approx(40 * M)
    assert rows["A"]["planned_total_sek"] == pytest.approx(80 * M)
    assert rows["A"]["variance_sek"] == pytest.approx(2 * M)
    assert rows["B"]["actual_t_to_date"] == 5.0 and rows["B"]["planned_t_to_date"] == 0.0
    assert rows["D"]["in_plan"] is False and rows["D"]["actual_to_date_sek"] == 1 * M
    districts = {d["district"]: d for d in status["districts"]}
    assert list(districts) == ["North", "South", None]
    assert districts["North"]["planned_to_date_sek"] == pytest.approx(40 * M)
    assert districts["South"]["planned_to_date_sek"] == pytest.approx(40 * M)
    assert districts["South"]["actual_to_date_sek"] == pytest.approx(19 * M)
    assert districts["North"]["planned_total_sek"] == pytest.approx(130 * M)
    assert districts[None]["planned_total_sek"] == pytest.approx(40 * M)
    totals = status["totals"]
    assert totals["planned_to_date_sek"] == pytest.approx(80 * M)
    assert totals["actual_to_date_sek"] == pytest.approx(61 * M)
    assert totals["budget_sek"] == pytest.approx(340 * M)
    assert totals["planned_sek"] == pytest.approx(210 * M)
    # a later as_of counts 2027 to date: C and A's second year planned, 2027's reductions
    later = plan_status(plan, actuals, as_of=2028).to_dict()
    assert later["totals"]["planned_to_date_sek"] == pytest.approx(170 * M)
    assert later["totals"]["planned_t_to_date"] == pytest.approx(100)


def test_status_without_actuals_starts_at_the_first_budget_year(plan: AdoptedPlan) -> None:
    status = plan_status(plan, Actuals()).to_dict()
    assert status["as_of"] == 2026
    assert {p["state"] for p in status["projects"]} == {"not_started"}
    assert status["totals"]["actual_to_date_sek"] == 0.0 and status["totals"]["planned_to_date_sek"] == 0.0


# --------------------------------------------------------------------------------------------
# Re-planning
# --------------------------------------------------------------------------------------------


def test_replan_with_a_budget_per_year(plan: AdoptedPlan) -> None:
    actuals = _entries(("A", 2026, 42 * M, None), ("B", 2026, 18 * M, 4.0))
    inputs = replan_inputs(plan, actuals)
    basis = inputs.basis
    assert basis.as_of == 2027
    assert basis.mandatory == ["A"]
    assert basis.finished == ["B", "E"]
    assert [d["id"] for d in basis.dropped] == ["F"] and "divisible" in basis.dropped[0]["reason"]
    assert basis.moved == ["D"]
    assert basis.budget_sek == {k: v for k, v in PER_YEAR.items() if k != "2026"}
    assert basis.actual_spend_sek == 60 * M
    assert basis.actual_reductions == {}  # B's 2026 tonnes were before it was in operation
    projects = inputs.projects
    assert list(projects.ids) == ["A", "C", "D", "G", "H"]
    a = projects.table.iloc[0]
    assert a["mandatory"] and not projects.phased[0]
    assert projects.scheduled_cost.loc[0].to_dict() == {2026: 0.0, 2027: 40 * M, 2028: 0.0}
    d = projects.table.iloc[2]
    assert d["earliest_start"] == 2027 and np.isnan(d["latest_start"])
    assert inputs.scenario.first_year == 2027
    found = replan(plan, actuals)
    result = found.result
    assert result.has_portfolio
    chosen = {s.id: s.start_year for s in result.selected}
    assert chosen == {"A": 2027, "C": 2027, "D": 2028, "G": 2028}
    spend = _municipal_by_year(result)
    assert min(spend) >= 2027
    for year, amount in spend.items():
        assert amount <= PER_YEAR[str(year)] * (1 + 1e-9)
    diff = found.difference.to_dict()
    assert diff["added"] == ["D"] and diff["removed"] == [] and diff["finished"] == ["B", "E"]
    assert diff["kept"] == ["A", "C", "G"] and diff["moved"] == []
    assert diff["municipal_cost_sek"]["plan"] == pytest.approx(210 * M)
    assert diff["municipal_cost_sek"]["replan"] == pytest.approx(60 * M + 180 * M)
    assert diff["abatement_t"]["change"] == pytest.approx(100)  # D's 10 t/year for 10 years
    as_dict = found.to_dict()
    assert as_dict["as_of"] == 2027 and as_dict["result"]["status"] == "optimal"
    json.dumps(as_dict)


def test_replan_with_one_budget_takes_actual_spend_off() -> None:
    budget = 300 * M
    adopted = _plan(budget)
    planned = {s.id: s.start_year for s in adopted.result_model().selected}
    actuals = _entries(*((pid, 2026, 25 * M, None) for pid in sorted(planned) if planned[pid] == 2026))
    spent = sum(e.spend_sek or 0.0 for e in actuals.entries)
    found = replan(adopted, actuals)
    assert found.inputs.basis.budget_sek == pytest.approx(budget - spent)
    assert found.result.has_portfolio
    assert sum(_municipal_by_year(found.result).values()) + spent <= budget * (1 + 1e-9)
    assert found.inputs.scenario.first_year == 2027


def test_actual_reductions_of_operating_projects_are_used(plan: AdoptedPlan) -> None:
    actuals = _entries(
        ("A", 2026, 40 * M, None),
        ("A", 2027, 40 * M, None),
        ("B", 2026, 20 * M, 1.0),  # not yet in operation: not counted
        ("B", 2027, None, 50.0),
        ("B", 2028, None, 70.0),
        ("C", 2027, 50 * M, None),
    )
    with pytest.raises(InputError, match="year 2028 is not closed: re-plan as of 2029 or later"):
        replan_inputs(plan, actuals, as_of=2028)
    found = replan(plan, actuals)
    basis = found.inputs.basis
    assert basis.as_of == 2029
    assert basis.actual_reductions == {"B": 60.0}
    # G was adopted to start in 2028, a closed year: started, and with nothing planned after 2028 finished
    assert basis.finished == ["A", "B", "C", "E", "G"] and basis.mandatory == []
    assert basis.budget_sek == {"2029": 60 * M}
    assert basis.moved == ["D", "H"] and [d["id"] for d in basis.dropped] == ["F"]
    diff = found.difference
    assert diff.removed == [] and diff.finished == ["A", "B", "C", "E", "G"] and diff.added == ["D"]
    b = next(p for p in diff.projects if p["id"] == "B")
    assert b["replan_abatement_t"] == pytest.approx(800 * 60 / 80)


def test_difference_lists_added_removed_and_moved(plan: AdoptedPlan) -> None:
    adopted = plan.result_model()
    moved = [
        s.model_copy(update={"start_year": s.start_year + 1}) if s.id == "G" else s for s in adopted.selected
    ]
    other = adopted.model_copy(
        update={"selected": [s for s in moved if s.id != "C"], "abatement_t": adopted.abatement_t - 600}
    )
    diff = plan_difference(plan, other).to_dict()
    assert diff["removed"] == ["C"] and diff["added"] == []
    assert diff["moved"] == [{"id": "G", "from": 2028, "to": 2029}]
    assert diff["abatement_t"]["change"] == pytest.approx(-600)


def test_a_started_divisible_project_is_committed_at_its_fraction() -> None:
    rows = [
        project("X", 40 * M, 40, cost_sek=None, cost_sek_2026=20 * M, cost_sek_2027=20 * M, divisible=True),
        project("Y", 50 * M, 10, year=2027),
    ]
    projects = read_projects(rows)
    scenario = read_scenario({"budget_sek": {"2026": 10 * M, "2027": 60 * M}})
    adopted = adopt(projects, scenario, solve(projects, scenario))
    x = next(s for s in adopted.result_model().selected if s.id == "X")
    assert x.fraction == pytest.approx(0.5)
    inputs = replan_inputs(adopted, Actuals())
    assert inputs.basis.as_of == 2026 and inputs.basis.mandatory == []
    inputs = replan_inputs(adopted, _entries(("X", 2026, 10 * M, None)))
    table = inputs.projects.table.set_index("id")
    assert not table.loc["X", "divisible"] and table.loc["X", "mandatory"]
    assert table.loc["X", "abatement_t_per_year"] == pytest.approx(20)
    assert inputs.projects.total_cost[0] == pytest.approx(10 * M)


# --------------------------------------------------------------------------------------------
# Property: random actuals never let planned plus actual spend exceed a budget
# --------------------------------------------------------------------------------------------

_IDS = ["A", "B", "C", "D", "E", "G", "H"]


@st.composite
def _actuals(draw: st.DrawFn) -> Actuals:
    keys = draw(st.sets(st.tuples(st.sampled_from(_IDS), st.sampled_from([2026, 2027])), max_size=6))
    entries = []
    for pid, year in sorted(keys):
        spend = draw(st.one_of(st.none(), st.floats(0, 60 * M)))
        tonnes = (
            draw(st.one_of(st.none(), st.floats(0, 200))) if spend is not None else draw(st.floats(0, 200))
        )
        entries.append(ActualEntry(id=pid, year=year, spend_sek=spend, abatement_t=tonnes))
    return Actuals(entries=entries)


@pytest.fixture(scope="module")
def single_plan() -> AdoptedPlan:
    return _plan(260 * M)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actuals=_actuals(), single=st.booleans())
def test_replan_never_overspends(
    plan: AdoptedPlan, single_plan: AdoptedPlan, actuals: Actuals, single: bool
) -> None:
    adopted = single_plan if single else plan
    try:
        found = replan(adopted, actuals)
    except InputError as error:  # e.g. nothing left: must say why
        assert error.problems and all(p.message for p in error.problems)
        return
    result = found.result
    if not result.has_portfolio:
        assert result.message and (result.conflicts or result.status.value != "infeasible")
        return
    spend = _municipal_by_year(result)
    actual = {}
    for e in actuals.entries:
        actual[e.year] = actual.get(e.year, 0.0) + (e.spend_sek or 0.0)
    if single:
        assert sum(spend.values()) + sum(actual.values()) <= max(260 * M, sum(actual.values())) * (1 + 1e-9)
        if sum(actual.values()) <= 260 * M:
            assert sum(spend.values()) + sum(actual.values()) <= 260 * M * (1 + 1e-9)
    else:
        for year, amount in spend.items():
            assert year >= found.inputs.basis.as_of
            assert amount + actual.get(year, 0.0) <= PER_YEAR[str(year)] * (1 + 1e-9)
    assert set(found.inputs.basis.mandatory) <= {s.id for s in result.selected}


def test_projects_that_cannot_start_in_an_open_year_are_dropped_with_their_dependents() -> None:
    rows = [
        project("P", 10 * M, 50, year=2026),
        project("Q", 0, 1, cost_sek=None, cost_sek_2027=5 * M, cost_sek_2028=5 * M, earliest_start=2027),
        project("R", 1 * M, 1, year=2028, requires="Q"),
        project("S", 50 * M, 1, year=2028),
    ]
    projects = read_projects(rows)
    scenario = read_scenario({"budget_sek": {"2026": 10 * M, "2027": 1 * M, "2028": 1 * M}})
    adopted = adopt(projects, scenario, solve(projects, scenario))
    assert [s.id for s in adopted.result_model().selected] == ["P"]
    inputs = replan_inputs(adopted, _entries(("P", 2026, 10 * M, None), ("P", 2027, None, 45.0)))
    basis = inputs.basis
    assert basis.as_of == 2028 and basis.finished == ["P"] and basis.actual_reductions == {"P": 45.0}
    assert basis.dropped == [
        {"id": "Q", "reason": "no start year from 2028 keeps its spending within the open budget years"},
        {"id": "R", "reason": "requires Q, which is not in the re-plan"},
    ]
    assert list(inputs.projects.ids) == ["S"]


def test_replan_on_net_budgets_keeps_the_savings_of_finished_projects() -> None:
    """A finished measure leaves the list, but on net budgets its savings still pay for later ones."""
    rows = [
        project("SAVER", 100, 1, year=2026, lifetime_years=10, opex_sek_per_year=-60),
        project("LATER", 150, 5, year=2027, lifetime_years=10),
    ]
    projects = read_projects(rows)
    scenario = read_scenario({"budget_sek": {"2026": 100, "2027": 100}, "budget_basis": "net"})
    adopted = adopt(projects, scenario, solve(projects, scenario))
    assert {s.id for s in adopted.result_model().selected} == {"SAVER", "LATER"}
    again = replan(adopted, _entries(("SAVER", 2026, 100.0, None)), as_of=2027)
    assert again.inputs.basis.finished == ["SAVER"]
    assert again.inputs.basis.budget_sek == {"2027": pytest.approx(160.0)}
    assert [s.id for s in again.result.selected] == ["LATER"]
