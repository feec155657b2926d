"""Comparing two results: known answers on hand-made lists, lenient reading, `python -m optimizer compare`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rows import project

from models import Result
from optimizer import InputError, read_projects, read_scenario, solve
from optimizer.analysis.compare import LIST_FIELDS, TOTALS, compare, compare_lists, load_result
from optimizer.cli import commands as cli
from optimizer.cli import common

# cost per tonne: A 10, B 12.5, C 13.3, D (divisible) 20
ROWS = [
    project("A", 100, 10),
    project("B", 150, 12),
    project("C", 120, 9),
    project("D", 100, 5, divisible=True),
]


def solved(budget: float, rows: list[dict[str, object]] = ROWS[:3]) -> Result:
    result = solve(read_projects(rows), read_scenario({"budget_sek": budget}))
    assert result.status.value == "optimal"
    return result


def ids(changes: list) -> list[str]:
    return [c.id for c in changes]


def test_a_result_compared_with_itself_is_unchanged() -> None:
    result = solved(250)
    comparison = compare(result, result)
    assert comparison.unchanged
    assert (comparison.entered, comparison.left, comparison.changed) == ([], [], [])
    assert ids(comparison.kept) == ["A", "B"]
    assert set(comparison.totals) == set(TOTALS)
    assert all(t.difference == 0 for t in comparison.totals.values())
    assert [(y.year, y.spend_difference_sek) for y in comparison.budget] == [(None, 0.0)]


def test_a_bigger_budget_shows_the_project_that_entered_and_consistent_totals() -> None:
    base, other = solved(250), solved(370)
    comparison = compare(base, other)
    assert not comparison.unchanged
    assert ids(comparison.entered) == ["C"] and ids(comparison.kept) == ["A", "B"]
    assert comparison.left == [] and comparison.changed == []
    [entered] = comparison.entered
    assert (entered.base_fraction, entered.other_fraction) == (0.0, 1.0)
    assert entered.cost_difference_sek == pytest.approx(120)
    assert entered.abatement_difference_t == pytest.approx(9)
    totals = comparison.totals
    assert (totals["objective_value_t"].base, totals["objective_value_t"].other) == pytest.approx((22, 31))
    assert totals["objective_value_t"].difference == pytest.approx(9)
    assert totals["total_cost_sek"].difference == pytest.approx(120)
    assert totals["municipal_cost_sek"].difference == pytest.approx(120)
    assert totals["grant_sek"].difference == pytest.approx(0)
    assert totals["sek_per_t"].difference == pytest.approx(370 / 31 - 250 / 22)
    # the project changes add up to the change of the totals
    projects = comparison.entered + comparison.left + comparison.changed
    assert sum(p.cost_difference_sek for p in projects) == pytest.approx(totals["total_cost_sek"].difference)
    assert sum(p.abatement_difference_t for p in projects) == pytest.approx(
        totals["objective_value_t"].difference
    )
    [year] = comparison.budget
    assert (year.year, year.base_budget_sek, year.other_budget_sek) == (None, 250, 370)
    assert (year.base_spend_sek, year.other_spend_sek, year.spend_difference_sek) == pytest.approx(
        (250, 370, 120)
    )


def test_a_smaller_budget_shows_the_project_that_left() -> None:
    comparison = compare(solved(250), solved(230))  # A+B (22 t) → A+C (19 t)
    assert (ids(comparison.entered), ids(comparison.left), ids(comparison.kept)) == (["C"], ["B"], ["A"])
    [left] = comparison.left
    assert (left.base_fraction, left.other_fraction, left.cost_difference_sek) == (1.0, 0.0, -150)
    assert comparison.totals["objective_value_t"].difference == pytest.approx(-3)


def test_a_divisible_project_funded_more_is_changed() -> None:
    rows = [ROWS[0], ROWS[1], ROWS[3]]
    comparison = compare(solved(300, rows), solved(320, rows))  # D: 0.5 → 0.7
    assert ids(comparison.changed) == ["D"] and ids(comparison.kept) == ["A", "B"]
    [change] = comparison.changed
    assert (change.base_fraction, change.other_fraction) == pytest.approx((0.5, 0.7))
    assert change.cost_difference_sek == pytest.approx(20)
    assert change.abatement_difference_t == pytest.approx(1.0)


def test_an_infeasible_result_has_no_objective_difference() -> None:
    rows = [project("A", 100, 10, mandatory=True)]
    infeasible = solve(read_projects(rows), read_scenario({"budget_sek": 50}))
    assert infeasible.status.value == "infeasible"
    comparison = compare(infeasible, solved(250))
    assert comparison.base_status == "infeasible" and comparison.other_status == "optimal"
    assert comparison.totals["objective_value_t"].difference is None
    assert ids(comparison.entered) == ["A", "B"]


def test_load_result_ignores_extra_keys_and_locates_problems() -> None:
    result = solved(250)
    data = {**result.model_dump(mode="json"), "why_not": [{"id": "C", "max_cost_sek": 100.0}]}
    assert load_result(data) == result
    broken = {**result.model_dump(mode="json"), "total_cost_sek": "lots"}
    with pytest.raises(InputError) as raised:
        load_result(broken, source="x.json")
    assert [p.column for p in raised.value.problems] == ["total_cost_sek"]
    with pytest.raises(InputError):
        load_result([1, 2])


def write(path: Path, result: Result, extra: dict | None = None) -> Path:
    with path.open("w", encoding="utf-8") as out:
        cli.write_json(result, out, extra=extra)
    return path


def test_cli_compare_json_and_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = write(tmp_path / "base.json", solved(250), extra={"why_not": [], "rule_prices": []})
    other = write(tmp_path / "other.json", solved(370))
    assert cli.main(["compare", str(base), str(other), "--format", "json"]) == common.EXIT_OK
    output = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in output["entered"]] == ["C"]
    assert output["totals"]["objective_value_t"]["difference"] == pytest.approx(9)
    assert output["budget"][0]["spend_difference_sek"] == pytest.approx(120)

    assert cli.main(["compare", str(base), str(other)]) == common.EXIT_OK
    table = capsys.readouterr().out
    assert "entered" in table and "objective_value_t" in table and "2 project(s) funded in both" in table


def test_cli_compare_reports_unreadable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = write(tmp_path / "base.json", solved(250))
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    code = cli.main(["compare", str(base), str(tmp_path / "bad.json"), "--format", "json"])
    assert code == common.EXIT_INVALID_INPUT
    captured = capsys.readouterr()
    output = json.loads(captured.out)
    assert output["status"] == "invalid_input" and output["problems"][0]["source"].endswith("bad.json")
    assert cli.main(["compare", str(base), str(tmp_path / "missing.json")]) == common.EXIT_INVALID_INPUT
    assert "missing.json" in capsys.readouterr().err


# --- two versions of a list -----------------------------------------------------------------------


def test_two_versions_of_a_list_say_what_was_added_removed_and_changed() -> None:
    before = read_projects([project("A", 100, 1), project("B", 200, 2), project("C", 300, 3, requires="A")])
    after = read_projects(
        [project("C", 300, 3, requires="A"), project("A", 150, 1.0), project("D", 50, 5), project("B", 200, 2.5)]
    )
    difference = compare_lists(before, after)
    assert difference.added == ["D"] and difference.removed == []
    assert [(c.id, c.field, c.base, c.other) for c in difference.changed] == [
        ("A", "cost_sek", "100", "150"),
        ("B", "abatement_t_per_year", "2", "2.5"),
    ]
    assert difference.changed_ids == ["A", "B"] and difference.unchanged == 1  # C, in another place
    back = compare_lists(after, before)
    assert back.removed == ["D"] and back.added == [] and len(back.changed) == 2


def test_a_list_compared_with_itself_is_unchanged() -> None:
    projects = read_projects([project("A", 100, 1, divisible=True), project("B", 200, 2)])
    difference = compare_lists(projects, projects)
    assert (difference.added, difference.removed, difference.changed, difference.unchanged) == ([], [], [], 2)
    assert set(LIST_FIELDS) >= {"name", "cost_sek", "abatement_t_per_year", "lifetime_years", "requires"}
