"""Checks of a project list and a scenario together: ids, rule columns, budget years."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models import ProjectList, Scenario
from optimizer.io.problems import InputError
from optimizer.io.readers import read_projects
from optimizer.model.fit import check_fits, resolve_first_year

COLUMNS = "id, name, sector, district, exclusive_group, mandatory, divisible, priority_area"


def project(**cells: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": "P1",
        "name": "Solar",
        "sector": "energy",
        "abatement_t_per_year": 2,
        "lifetime_years": 20,
        "priority_area": "yes",
    }
    row.update(cells)
    return row


def projects(*rows: dict[str, object]) -> ProjectList:
    return read_projects(list(rows))


def scenario(**fields: object) -> Scenario:
    return Scenario.model_validate({"budget_sek": 1_000_000, **fields})


def problems_of(
    project_list: ProjectList, the_scenario: Scenario
) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as caught:
        check_fits(project_list, the_scenario)
    return [(p.row, p.column, p.message) for p in caught.value.problems]


UNSCHEDULED = projects(project(id="A", cost_sek=100), project(id="B", cost_sek=200))
SCHEDULED = projects(
    project(id="A", cost_sek=100, year=2028), project(id="B", cost_sek_2027=50, cost_sek_2029=50)
)
BUDGETS = {"2026": 1e6, "2027": 1e6, "2028": 1e6, "2029": 1e6, "2030": 1e6}


# ----------------------------------------------------------------------------------------------
# resolve_first_year
# ----------------------------------------------------------------------------------------------


def test_first_year_given_by_the_scenario() -> None:
    assert resolve_first_year(SCHEDULED, scenario(first_year=2025, budget_sek=BUDGETS)) == 2025


def test_first_year_is_the_first_budget_year() -> None:
    assert resolve_first_year(SCHEDULED, scenario(budget_sek={"2031": 1, "2029": 1})) == 2029


def test_first_year_is_the_earliest_cost_year_with_one_budget() -> None:
    assert resolve_first_year(SCHEDULED, scenario()) == 2027


def test_first_year_is_this_year_when_nothing_says_otherwise() -> None:
    assert resolve_first_year(UNSCHEDULED, scenario()) == dt.date.today().year


# ----------------------------------------------------------------------------------------------
# check_fits
# ----------------------------------------------------------------------------------------------


def test_a_fitting_scenario_passes() -> None:
    rules = [
        {
            "name": "equity",
            "where": {"district": ["Norr"], "priority_area": "yes"},
            "measure": "cost",
            "min_share": 0.1,
        },
        {"name": "each sector", "for_each": "sector", "measure": "count", "max": 3},
        {"name": "by id", "where": {"id": ["A"], "mandatory": [True]}, "measure": "abatement", "min": 0},
    ]
    check_fits(SCHEDULED, scenario(budget_sek=BUDGETS, constraints=rules, include=["A"], exclude=["B"]))


def test_unknown_ids_in_include_and_exclude() -> None:
    assert problems_of(UNSCHEDULED, scenario(include=["A", "X", "X"], exclude=["Y"])) == [
        (None, None, "scenario include: unknown project id 'X'"),
        (None, None, "scenario exclude: unknown project id 'Y'"),
    ]


def test_unknown_rule_columns() -> None:
    rules = [
        {"name": "ok", "where": {"sector": ["energy"]}, "measure": "cost", "min": 0},
        {"name": "typo", "where": {"sector": "energy", "distrct": "Norr"}, "measure": "cost", "min": 0},
        {"name": "equity", "where": {"cost_sek": 5}, "for_each": "distrct", "measure": "count", "max": 1},
        {"name": "twice", "where": {"owner": 1}, "for_each": "owner", "measure": "count", "max": 1},
    ]
    assert problems_of(UNSCHEDULED, scenario(constraints=rules)) == [
        (None, None, f"scenario constraints[1] 'typo': unknown column 'distrct' (columns: {COLUMNS})"),
        (None, None, f"scenario constraints[2] 'equity': unknown column 'cost_sek' (columns: {COLUMNS})"),
        (None, None, f"scenario constraints[2] 'equity': unknown column 'distrct' (columns: {COLUMNS})"),
        (None, None, f"scenario constraints[3] 'twice': unknown column 'owner' (columns: {COLUMNS})"),
    ]


def test_costs_outside_the_budget_years_are_located_at_the_cell(tmp_path: Path) -> None:
    path = tmp_path / "projects.csv"
    path.write_text(
        "id;name;sector;cost_sek;year;cost_sek_2031;cost_sek_2026;cost_sek_2025;"
        "abatement_t_per_year;lifetime_years\n"
        "A;a;energy;100;2026;;;;1;10\n"
        "B;b;energy;100;2031;;;;1;10\n"
        "C;c;energy;;;5;5;;1;10\n"
        "D;d;energy;;;7;;0;1;10\n"
        "E;e;energy;;;;;3;1;10\n",
        encoding="cp1252",
    )
    assert problems_of(read_projects(path), scenario(budget_sek=BUDGETS)) == [
        (3, "year", "2031 is outside the budget years 2026–2030"),
        (4, "cost_sek_2031", "2031 is outside the budget years 2026–2030"),
        (5, "cost_sek_2031", "2031 is outside the budget years 2026–2030"),
        (6, "cost_sek_2025", "2025 is outside the budget years 2026–2030"),
    ]


def test_budget_years_that_are_not_consecutive() -> None:
    assert problems_of(SCHEDULED, scenario(budget_sek={"2027": 1, "2029": 1, "2030": 1})) == [
        (1, "year", "2028 is outside the budget years 2027, 2029, 2030"),
    ]


def test_a_single_budget_year() -> None:
    assert problems_of(SCHEDULED, scenario(budget_sek={"2027": 1})) == [
        (1, "year", "2028 is outside the budget years 2027"),
        (2, "cost_sek_2029", "2029 is outside the budget years 2027"),
    ]


def test_first_year_outside_the_budget_years_matters_for_projects_without_a_year() -> None:
    message = (
        "scenario first_year: 2025 is outside the budget years 2026–2030, but 2 projects without a year "
        "would spend their cost_sek in it"
    )
    assert problems_of(UNSCHEDULED, scenario(budget_sek=BUDGETS, first_year=2025)) == [(None, None, message)]
    one = projects(project(id="A", cost_sek=100), project(id="B", cost_sek=100, year=2026))
    message = (
        "scenario first_year: 2031 is outside the budget years 2026–2030, but 1 project without a year "
        "would spend their cost_sek in it"
    )
    assert problems_of(one, scenario(budget_sek=BUDGETS, first_year=2031)) == [(None, None, message)]


def test_first_year_outside_the_budget_years_is_fine_when_every_project_has_years() -> None:
    check_fits(SCHEDULED, scenario(budget_sek={"2027": 1, "2028": 1, "2029": 1}, first_year=2020))


def test_a_single_budget_has_no_years_to_fall_outside() -> None:
    check_fits(SCHEDULED, scenario(first_year=1999))


def test_every_problem_at_once() -> None:
    rules = [{"name": "r", "for_each": "nope", "measure": "count", "max": 1}]
    found = problems_of(SCHEDULED, scenario(budget_sek={"2027": 1}, include=["Z"], constraints=rules))
    assert [message for _, _, message in found] == [
        "scenario include: unknown project id 'Z'",
        f"scenario constraints[0] 'r': unknown column 'nope' (columns: {COLUMNS})",
        "2028 is outside the budget years 2027",
        "2029 is outside the budget years 2027",
    ]


def test_lists_built_without_cost_form_information() -> None:
    """A ProjectList built by hand (no cost_from_profile): one year of spending is taken as `year`."""
    built = SCHEDULED
    by_hand = ProjectList(built.table, built.scheduled_cost, built.unscheduled_cost.copy(), built.tags)
    assert problems_of(by_hand, scenario(budget_sek={"2027": 1})) == [
        (1, "year", "2028 is outside the budget years 2027"),
        (2, "cost_sek_2029", "2029 is outside the budget years 2027"),
    ]
