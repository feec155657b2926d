"""Co-benefits: numeric columns a scenario weights into the objective or bounds with rules."""

from __future__ import annotations

import numpy as np
import pytest
from rows import project

from models import Scenario, Status
from optimizer import read_projects, solve
from optimizer.io.problems import InputError
from optimizer.model.check import check_portfolio
from optimizer.model.fit import check_fits

ROWS = [
    project("A", 100, 10, health=0),
    project("B", 100, 8, health="3,5"),
    project("C", 100, 1, health=None),
]


@pytest.fixture(params=["highs", "cbc"])
def solver(request: pytest.FixtureRequest) -> str:
    return request.param


def run(solver: str, rows: list[dict[str, object]] = ROWS, **scenario: object):
    scenario = {"budget_sek": 100, "objective": "annual", "mip_gap": 0, **scenario}
    return solve(read_projects(rows), Scenario.model_validate(scenario), solver=solver)


def test_without_weights_the_tonnes_decide(solver: str) -> None:
    assert [s.id for s in run(solver).selected] == ["A"]


def test_a_weight_trades_tonnes_for_a_co_benefit(solver: str) -> None:
    # B: 8 t + 3.5 × 1 = 11.5 beats A's 10 t + 0.
    result = run(solver, co_benefit_weights={"health": 1.0})
    assert result.status is Status.OPTIMAL
    assert [s.id for s in result.selected] == ["B"]
    assert result.objective == "annual + 1*health"
    assert result.objective_value_t == pytest.approx(11.5)
    assert result.abatement_t == pytest.approx(8)
    assert result.sek_per_t == pytest.approx(100 / 8)
    assert result.selected[0].co_benefits == {"health": pytest.approx(3.5)}


def test_a_rule_bounds_a_co_benefit(solver: str) -> None:
    rule = {"name": "hälsa", "measure": "health", "min": 3}
    result = run(solver, budget_sek=200, constraints=[rule])
    assert {s.id for s in result.selected} == {"A", "B"}
    result = run(solver, constraints=[rule])
    assert [s.id for s in result.selected] == ["B"]
    (outcome,) = result.rules
    assert (outcome.measure, outcome.value, outcome.binding) == ("health", pytest.approx(3.5), False)


def test_the_checker_counts_co_benefits_in_the_objective() -> None:
    projects = read_projects(ROWS)
    scenario = Scenario.model_validate(
        {"budget_sek": 300, "objective": "annual", "co_benefit_weights": {"health": 2}}
    )
    report = check_portfolio(projects, scenario, np.array([1.0, 1.0, 1.0]))
    assert (report.objective_t, report.abatement_t) == (pytest.approx(19 + 7), pytest.approx(19))


def problems(rows: list[dict[str, object]], **scenario: object) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as caught:
        check_fits(read_projects(rows), Scenario.model_validate({"budget_sek": 1, **scenario}))
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def test_a_co_benefit_must_be_a_number_in_every_cell() -> None:
    rows = [project("A", 1, 1, health="hög"), project("B", 1, 1, health="2")]
    assert problems(rows, co_benefit_weights={"health": 1}) == [
        (1, "health", "'hög' is not a number (a co-benefit must be a number)")
    ]


def test_an_unknown_co_benefit_column() -> None:
    expected = (
        "'jobs' is neither a built-in measure nor a column of the project list (built-in measures: cost, "
        "municipal_cost, abatement, count; columns of the list: health)"
    )
    assert problems(ROWS, co_benefit_weights={"jobs": 1}) == [
        (None, None, f"scenario co_benefit_weights.jobs: {expected}")
    ]
    rule = {"name": "r", "measure": "jobs", "min": 1}
    assert problems(ROWS, constraints=[rule]) == [
        (None, None, f"scenario constraints[0].measure: {expected}")
    ]


# A co-benefit column is read with the file's own number convention, once, as the core columns are.

CSV_HEADER = "id,name,sector,cost_sek,abatement_t_per_year,lifetime_years,health\n"


def csv_problems(tmp_path, body: str, **scenario: object) -> list[tuple[int | None, str | None, str]]:
    path = tmp_path / "list.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        check_fits(read_projects(path), Scenario.model_validate({"budget_sek": 1, **scenario}))
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def test_a_comma_in_a_comma_separated_file_is_not_a_decimal_comma_in_a_co_benefit_either(tmp_path) -> None:
    """Regression: a quoted "1,000" in the health column of a comma-separated file was read as 1.0,
    while the same cell in cost_sek was rejected."""
    body = CSV_HEADER + 'A,a,energy,100,1,1,"1,000"\nB,b,energy,100,1,1,2.5\n'
    comma_rule = (
        "'1,000' is not a number: the file is separated by commas, so numbers cannot contain ',' "
        "(separate the columns with ';' or write a decimal point) (a co-benefit must be a number)"
    )
    assert csv_problems(tmp_path, body, co_benefit_weights={"health": 1}) == [(2, "health", comma_rule)]
    core = CSV_HEADER + 'A,a,energy,"1,000",1,1,1\n'
    (path := tmp_path / "core.csv").write_text(core, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_projects(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "cost_sek")]
    assert caught.value.problems[0].message.startswith(
        "'1,000' is not a number: the file is separated by commas"
    )


def test_co_benefits_in_each_convention_are_the_numbers_written(tmp_path) -> None:
    comma_file = tmp_path / "comma.csv"
    comma_file.write_text(CSV_HEADER + "A,a,energy,100,1,1,1000\nB,b,energy,100,1,1,2.5\n", encoding="utf-8")
    semicolon_file = tmp_path / "semicolon.csv"
    semicolon_file.write_text(
        CSV_HEADER.replace(",", ";") + "A;a;energy;100;1;1;1 000\nB;b;energy;100;1;1;2,5\n", encoding="utf-8"
    )
    for path in (comma_file, semicolon_file):
        projects = read_projects(path)
        assert projects.tag_numbers["health"].tolist() == [1000.0, 2.5], path.name
        assert "health" in projects.tag_numbers
    scenario = Scenario.model_validate(
        {"budget_sek": 200, "objective": "annual", "co_benefit_weights": {"health": 1}, "mip_gap": 0}
    )
    result = solve(read_projects(comma_file), scenario)
    assert result.objective_value_t == pytest.approx(1 + 1 + 1000 + 2.5)


def test_a_text_column_is_not_taken_for_numbers() -> None:
    projects = read_projects([project("A", 1, 1, area="norr", code="0012"), project("B", 1, 1, area="söder")])
    assert set(projects.tag_numbers) == {"code"}
    assert list(projects.tags["code"]) == ["0012", None]  # the text is kept as written for rules
