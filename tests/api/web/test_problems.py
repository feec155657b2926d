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


@pytest.mark.parametrize(
    ("scenario", "swedish"),
    [
        ({"budget_sek": -1}, "budget_sek: ska vara minst 0 eller en tabell (till exempel ett belopp per år)"),
        ({}, "budget_sek: saknas"),
        ({"budget_sek": 1, "budgett": 2}, "budgett: hör inte till ett scenario: kontrollera stavningen"),
        ({"budget_sek": 1, "solver": "gurobi"}, "solver: ska vara 'highs' eller 'cbc'"),
        ({"budget_sek": 1, "constraints": [{"name": "x", "measure": "cost"}]},
         "constraints[0]: en regel behöver minst en av min_share, max_share, min och max"),
        ({"budget_sek": 1, "constraints": [{"name": "x", "measure": "cost", "min_share": 1.5}]},
         "constraints[0].min_share: ska vara högst 1"),
        ({"budget_sek": 1, "constraints": [{"name": "x", "measure": "cost", "min": 5, "max": 2}]},
         "constraints[0]: min 5.0 är större än max 2.0"),
        ({"budget_sek": 1, "time_limit_s": 0}, "time_limit_s: ska vara mer än 0"),
        ({"budget_sek": 1, "mip_gap": 1}, "mip_gap: ska vara mindre än 1"),
        ({"budget_sek": {"år": 5}}, "budget_sek: åren i budget måste vara år som \"2026\", inte 'år'"),
        ({"budget_sek": 1, "include": "A1"}, 'include: ska vara en lista (till exempel ["A1", "A2"])'),
        ({"budget_sek": 1, "first_year": 2026.5}, "first_year: ska vara ett heltal"),
        ({"budget_sek": 1, "pathway": {"baseline_t": {"year": 2024}, "target": {"net_zero_year": 2045}}},
         "pathway.baseline_t.emissions_t: saknas"),
        ({"budget_sek": 1, "pathway": {"baseline_t": {"year": 2024, "emissions_t": 5}, "target": {"net_zero_year": 2020}}},
         "pathway: net_zero_year 2020 måste komma efter utgångslägets första år 2024"),
        ({"budget_sek": 1, "include": ["a"], "exclude": ["a"]}, "åtgärder som både måste få pengar och inte får få det: a"),
        ({"budget_sek": 1, "budget_basis": "net"},
         'budget_basis "net" behöver en budget per år: driftkostnader och besparingar faller på år'),
        ({"budget_sek": 1, "interactions": [{"ids": ["a", "a"], "abatement_t_per_year": 1}]},
         "interactions[0].ids: ett överlapp nämner en åtgärd mer än en gång: a"),
    ],
)
def test_a_scenario_files_message_is_said_in_swedish_at_its_place(scenario: dict, swedish: str) -> None:
    from optimizer.io.readers import read_scenario

    with pytest.raises(InputError) as refused:
        read_scenario(scenario)
    messages = [p.message for p in refused.value.problems]
    assert swedish in [said(m, SV) for m in messages]
    assert [said(m, EN) for m in messages] == messages


def test_a_list_of_alternatives_with_one_unknown_kind_is_kept_as_written() -> None:
    message = "objective: Input should be a valid date or 'annual'"
    assert said(message, SV) == message
