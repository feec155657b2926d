"""The readers' messages said in Swedish on Swedish pages: each pattern matches what the readers write."""

from __future__ import annotations

import pytest

from api.web.i18n import Words
from api.web.problems import said
from optimizer.io.problems import InputError
from optimizer.io.readers import read_projects

SV, EN = Words("sv"), Words("en")
GOOD = {"id": "A", "name": "Buss", "sector": "transport", "cost_sek": 100, "abatement_t_per_year": 1,
        "lifetime_years": 10}


def problems_of(rows: list[dict]) -> list[str]:
    with pytest.raises(InputError) as refused:
        read_projects(rows)
    return [p.message for p in refused.value.problems]


@pytest.mark.parametrize(
    ("rows", "swedish"),
    [
        ([{**GOOD, "cost_sek": "x"}], "'x' är inte ett tal"),
        ([{**GOOD, "divisible": "kanske"}], "'kanske' är inte ja eller nej"),
        ([{**GOOD, "name": None}], "ett värde behövs"),
        ([{**GOOD, "lifetime_years": -1}], "måste vara"),
        ([GOOD, {**GOOD, "name": "Tåg"}], "'A' används igen (först på rad"),
        ([{**GOOD, "requires": "B"}], "det finns ingen åtgärd med id 'B'"),
        ([{**GOOD, "requires": "A"}], "en åtgärd kan inte kräva sig själv"),
        ([{**GOOD, "grant_sek": 200}], "är mer än åtgärdens totala kostnad"),
        ([{k: v for k, v in GOOD.items() if k != "sector"}], "kolumnen behövs men saknas"),
    ],
)
def test_a_readers_message_is_said_in_swedish(rows: list[dict], swedish: str) -> None:
    messages = problems_of(rows)
    assert any(swedish in said(m, SV) for m in messages), [said(m, SV) for m in messages]
    assert [said(m, EN) for m in messages] == messages  # English pages show them as written


def test_a_message_without_a_pattern_is_kept_as_written() -> None:
    assert said("something new the readers say", SV) == "something new the readers say"


def test_a_scenario_that_does_not_fit_the_list_is_said_in_swedish() -> None:
    from optimizer.io.readers import read_scenario
    from optimizer.model.fit import check_fits

    projects = read_projects([{**GOOD, "year": 2027}])
    scenario = read_scenario(
        {"budget_sek": {"2026": 100}, "include": ["Z"],
         "constraints": [{"name": "minst 40 %", "measure": "cost", "where": {"priority_area": ["yes"]}, "min_share": 0.4}]}
    )
    with pytest.raises(InputError) as refused:
        check_fits(projects, scenario)
    swedish = [said(p.message, SV) for p in refused.value.problems]
    assert any(m.startswith("2027 ligger utanför budgetåren 2026") for m in swedish), swedish
    assert "scenariots include: det finns ingen åtgärd med id 'Z'" in swedish
    assert any(m.startswith("regeln constraints[0] 'minst 40 %': listan har ingen kolumn 'priority_area'") for m in swedish)
