"""The scenario form: its fields give the scenario a planner means, every wrong field says so next to
it in Swedish, a scenario the form can show comes back from it unchanged (every example, and random
ones), and saved scenarios and files open in it through the app."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import Org, upload_list
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from test_pages import HTML, person, signed_in, token_of

from api.web.i18n import Words
from api.web.scenario_form import DEFAULTS, ScenarioForm, form_scenario, form_values
from models import Scenario
from models.scenario import CumulativeObjective
from optimizer.io.readers import read_scenario

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SV = Words("sv")


def scenario_of(values: dict[str, str]) -> tuple[Scenario | None, dict[str, str]]:
    entered = ScenarioForm(values={**DEFAULTS, **values})
    scenario = form_scenario(entered, SV)
    assert entered.problems == []
    return scenario, entered.errors


def test_a_full_form_gives_the_scenario_a_planner_means() -> None:
    scenario, errors = scenario_of(
        {
            "name": "Plan 2030",
            "budget_mode": "per_year",
            "budget_2026": "25 000 000 kr",
            "budget_2027": "30 000 000",
            "first_year": "2026",
            "objective": "cumulative_2030",
            "priority_share": "40",
            "rule_1_name": "minst tre transportåtgärder",
            "rule_1_where_column": "sector",
            "rule_1_where_values": "transport",
            "rule_1_measure": "count",
            "rule_1_bound": "min",
            "rule_1_amount": "3",
            "rule_2_for_each": "district",
            "rule_2_measure": "column",
            "rule_2_measure_column": "health",
            "rule_2_bound": "max_share",
            "rule_2_amount": "50",
            "pool_1_name": "Klimatklivet",
            "pool_1_capacity": "15 000 000",
            "pool_1_where_column": "sector",
            "pool_1_where_values": "transport, energy",
            "pool_1_max_share": "45",
            "pool_2_name": "ERUF",
            "pool_2_capacity": "2027: 5 000 000; 2028: 5 000 000",
            "cob_1_column": "health",
            "cob_1_weight": "50",
            "overlap_1_ids": "B02, B03",
            "overlap_1_t": "-15",
            "path_baseline_year": "2024",
            "path_baseline_t": "125 000",
            "path_trend": "-1",
            "path_target": "reduction_rate",
            "path_rate": "11,72",
            "path_rate_from": "2024",
            "path_to_year": "2030",
            "discount_rate": "4",
            "budget_basis": "net",
            "include": "T01; E02",
            "exclude": "B09",
        }
    )
    assert errors == {}
    assert scenario is not None
    assert scenario.budget_sek == {"2026": 25e6, "2027": 30e6} and scenario.first_year == 2026
    assert scenario.objective == CumulativeObjective(cumulative_to=2030)
    priority, three, health = scenario.constraints
    assert priority.name == "minst 40 % till prioriterade områden" and priority.min_share == 0.4
    assert priority.where == {"priority_area": ["yes", "ja"]} and priority.measure == "cost"
    assert (three.name, three.measure, three.min, three.where) == ("minst tre transportåtgärder", "count", 3, {"sector": ["transport"]})
    assert (health.name, health.for_each, health.measure, health.max_share) == ("regel 2", "district", "health", 0.5)
    klimatklivet, eruf = scenario.funding
    assert klimatklivet.capacity_sek == 15e6 and klimatklivet.max_share == 0.45
    assert klimatklivet.where == {"sector": ["transport", "energy"]}
    assert eruf.capacity_sek == {"2027": 5e6, "2028": 5e6} and eruf.max_share == 1 and eruf.where == {}
    assert scenario.co_benefit_weights == {"health": 50}
    assert scenario.interactions[0].ids == ["B02", "B03"] and scenario.interactions[0].abatement_t_per_year == -15
    assert scenario.pathway is not None and scenario.pathway.to_year == 2030
    assert scenario.pathway.model_dump()["target"] == {"reduction_rate": 0.1172, "from_year": 2024}
    assert scenario.discount_rate == 0.04 and scenario.budget_basis == "net"
    assert scenario.include == ["T01", "E02"] and scenario.exclude == ["B09"]


def test_net_benefit_values_the_tonnes_at_the_carbon_value_given() -> None:
    scenario, errors = scenario_of({"budget_total": "5 000 000", "objective": "net_benefit", "carbon_value": "7 000 kr"})
    assert errors == {} and scenario is not None
    assert scenario.net_benefit is not None and scenario.net_benefit.carbon_value_sek_per_t == 7000


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"budget_total": ""}, "budget_total", "Ange ett belopp."),
        ({"budget_total": "30 miljoner"}, "budget_total", "'30 miljoner' är inte ett tal"),
        ({"budget_total": "-5"}, "budget_total", "Ange ett belopp på 0 eller mer."),
        ({"budget_mode": "per_year"}, "budget_2026", "Ange budgeten för minst ett år."),
        ({"first_year": "tjugo"}, "first_year", "Ange ett år, till exempel 2030."),
        ({"objective": "net_benefit", "carbon_value": ""}, "carbon_value", "Ange ett belopp."),
        ({"objective": "net_benefit", "carbon_value": "0"}, "carbon_value", "Ange ett koldioxidvärde över 0."),
        ({"objective": "most"}, "objective", "Välj vad som räknas som minskning."),
        ({"priority_share": "140"}, "priority_share", "Ange en andel från 0 till 100 %."),
        ({"rule_1_amount": "3", "rule_1_measure": "column"}, "rule_1_measure_column",
         "Ange namnet på den kolumn i listan som ska summeras."),
        ({"rule_1_name": "tre", "rule_1_measure": "count"}, "rule_1_amount", "Ange ett belopp."),
        ({"rule_1_amount": "3", "rule_1_bound": "exactly"}, "rule_1_bound", "Välj slags gräns."),
        ({"rule_1_amount": "3", "rule_1_where_column": "sector"}, "rule_1_where_values",
         "Ange de värden i kolumnen som gruppen har."),
        ({"rule_1_amount": "3", "rule_1_where_values": "transport"}, "rule_1_where_column",
         "Ange den kolumn som värdena finns i."),
        ({"pool_1_capacity": "100"}, "pool_1_name", "Ge finansieringskällan ett namn."),
        ({"pool_1_name": "EU"}, "pool_1_capacity", "Ange ett belopp."),
        ({"pool_1_name": "EU", "pool_1_capacity": "2027 5 000"}, "pool_1_capacity", "'2027 5 000' är inte ett tal"),
        ({"pool_1_name": "EU", "pool_1_capacity": "år 2027: 5 000"}, "pool_1_capacity",
         "Skriv ett belopp per år som 2027: 5 000 000; 2028: 5 000 000."),
        ({"pool_1_name": "EU", "pool_1_capacity": "9", "pool_1_max_share": "0"}, "pool_1_max_share",
         "Ange en andel över 0."),
        ({"cob_1_weight": "5"}, "cob_1_column", "Ange namnet på kolumnen i listan."),
        ({"cob_1_column": "health"}, "cob_1_weight", "Ange hur många ton varje enhet i kolumnen räknas som."),
        ({"overlap_1_ids": "B02", "overlap_1_t": "-1"}, "overlap_1_ids",
         "Ange två eller fler olika id, skilda med kommatecken."),
        ({"overlap_1_ids": "B02, B03"}, "overlap_1_t", "Ange förändringen i ton per år (negativ för ett överlapp)."),
        ({"path_target": "net_zero", "path_baseline_t": "1", "path_net_zero_year": "2045"}, "path_baseline_year",
         "Ange ett år, till exempel 2030."),
        ({"path_target": "reduction_rate", "path_baseline_year": "2024", "path_baseline_t": "1", "path_rate": "100"},
         "path_rate", "Ange en takt över 0 och under 100 %."),
        ({"path_target": "points", "path_baseline_year": "2024", "path_baseline_t": "1", "path_target_year": "2030"},
         "path_target_t", "Ange ett belopp."),
        ({"path_target": "somewhere"}, "path_target", "Välj slags mål."),
        ({"discount_rate": "100"}, "discount_rate", "Ange en räntesats under 100 %."),
        ({"budget_basis": "gross"}, "budget_basis", "Välj vad budgeten omfattar."),
        ({"time_limit_s": "0"}, "time_limit_s", "Ange ett antal sekunder över 0."),
        ({"include": "T01, E02", "exclude": "E02"}, "exclude",
         "De här åtgärderna finns också bland dem som måste få pengar: E02"),
        ({"rule_1_name": "tak", "rule_1_amount": "1", "rule_2_name": "tak", "rule_2_amount": "2"}, "rule_1_name",
         "Två regler har samma namn: tak"),
        ({"pool_1_name": "EU", "pool_1_capacity": "1", "pool_2_name": "EU", "pool_2_capacity": "2"}, "pool_1_name",
         "Två finansieringskällor har samma namn: EU"),
        ({"objective": "net_benefit", "carbon_value": "7000", "cob_1_column": "health", "cob_1_weight": "5"},
         "cob_1_column", "Nettonytta räknar kronor, inte ton: lämna sidonyttorna tomma eller räkna minskningen i ton."),
        ({"budget_basis": "net"}, "budget_basis",
         "En budget som omfattar driftkostnaderna behöver en budget per år: driftkostnader och besparingar faller på år."),
        ({"path_target": "net_zero", "path_baseline_year": "2024", "path_baseline_t": "1", "path_net_zero_year": "2020"},
         "path_net_zero_year", "Nettonoll måste komma efter året för de kända utsläppen, 2024."),
        ({"path_target": "points", "path_baseline_year": "2024", "path_baseline_t": "1", "path_target_year": "2020",
          "path_target_t": "0"}, "path_target_year", "Nivåns år får inte ligga före året för de kända utsläppen, 2024."),
        ({"path_target": "net_zero", "path_baseline_year": "2024", "path_baseline_t": "1", "path_net_zero_year": "2045",
          "path_to_year": "2030"}, "path_to_year", "Banan får inte sluta före målets år, 2045."),
        ({"path_target": "reduction_rate", "path_baseline_year": "2024", "path_baseline_t": "1", "path_rate": "5",
          "path_to_year": "2022"}, "path_to_year", "Banan får inte sluta före året för de kända utsläppen, 2024."),
        ({"path_target": "reduction_rate", "path_baseline_year": "2024", "path_baseline_t": "1", "path_rate": "5",
          "path_rate_from": "2020"}, "path_rate_from", "Minskningen får inte börja före året för de kända utsläppen, 2024."),
        ({"path_target": "reduction_rate", "path_baseline_year": "2024", "path_baseline_t": "1", "path_rate": "5",
          "path_rate_from": "2035"}, "path_rate_from", "Minskningen måste börja senast banans sista år, 2030."),
    ],
)
def test_a_wrong_field_says_what_is_wrong_in_swedish(values: dict[str, str], field: str, message: str) -> None:
    scenario, errors = scenario_of({"budget_total": "1 000 000", **values})
    assert scenario is None
    assert errors[field] == message


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("scenario_*.*")), ids=lambda p: p.name)
def test_every_example_scenario_opens_in_the_form_and_comes_back_unchanged(path: Path) -> None:
    scenario = read_scenario(path)
    values = form_values(scenario)
    assert values is not None
    again, errors = scenario_of(values)
    assert errors == {} and again == scenario


@pytest.mark.parametrize(
    "extra",
    [
        {"uncertainty": {"draws": 100}},
        {"min_fraction": 0.25},
        {"solver": "cbc"},
        {"mip_gap": 0.01},
        {"objective": {"cumulative_to": 2035}},
        {"objective": {"min_cost_for_t": 1000}},
        {"budget_sek": {"2040": 5}},
        {"constraints": [{"name": "två kolumner", "where": {"sector": ["a"], "district": ["b"]}, "measure": "cost",
                          "min": 1}]},
        {"constraints": [{"name": "två gränser", "measure": "cost", "min": 1, "max": 2}]},
        {"constraints": [{"name": "ett tal", "where": {"year": [2027]}, "measure": "cost", "min": 1}]},
        {"pathway": {"baseline_t": {"2024": 10, "2026": 9}, "target": {"net_zero_year": 2045}}},
        {"pathway": {"baseline_t": {"year": 2024, "emissions_t": 9}, "target": {"target_t": {"2030": 1, "2035": 0}}}},
    ],
)
def test_a_scenario_the_form_cannot_show_stays_a_file(extra: dict[str, Any]) -> None:
    assert form_values(read_scenario({"budget_sek": 1e6, **extra})) is None


AMOUNT = st.integers(min_value=0, max_value=10**9).map(lambda n: f"{n:,}".replace(",", " "))
PERCENT = st.integers(min_value=1, max_value=1000).map(lambda n: f"{n / 10:g}".replace(".", ","))
NAME = st.text(alphabet="abcdefgåäö ", min_size=1, max_size=12).map(str.strip).filter(bool)
COLUMN = st.sampled_from(["sector", "district", "priority_area"])


@st.composite
def forms(draw: st.DrawFn) -> dict[str, str]:
    """Forms as a planner fills them in: every field written the way the page asks."""
    values: dict[str, str] = {"name": draw(NAME)}
    if draw(st.booleans()):
        values["budget_mode"] = "per_year"
        for year in draw(st.sets(st.sampled_from(range(2026, 2031)), min_size=1)):
            values[f"budget_{year}"] = draw(AMOUNT)
    else:
        values["budget_total"] = draw(AMOUNT)
    values["objective"] = draw(st.sampled_from(["lifetime", "annual", "cumulative_2030", "net_benefit"]))
    values["carbon_value"] = draw(AMOUNT.filter(lambda a: a != "0"))
    for n, name in enumerate(draw(st.lists(NAME, max_size=4, unique=True)), start=1):
        bound = draw(st.sampled_from(["min", "max", "min_share", "max_share"]))
        values |= {
            f"rule_{n}_name": name,
            f"rule_{n}_measure": draw(st.sampled_from(["cost", "municipal_cost", "abatement", "count"])),
            f"rule_{n}_bound": bound,
            f"rule_{n}_amount": draw(PERCENT if bound.endswith("share") else AMOUNT),
        }
        if draw(st.booleans()):
            values |= {f"rule_{n}_where_column": draw(COLUMN), f"rule_{n}_where_values": draw(NAME)}
        else:
            values[f"rule_{n}_for_each"] = draw(COLUMN)
    for n, name in enumerate(draw(st.lists(NAME, max_size=3, unique=True)), start=1):
        values |= {f"pool_{n}_name": name, f"pool_{n}_capacity": draw(AMOUNT), f"pool_{n}_max_share": draw(PERCENT)}
    if values["objective"] != "net_benefit" and draw(st.booleans()):  # net benefit values money, not points
        values |= {"cob_1_column": "health", "cob_1_weight": draw(PERCENT)}
    if draw(st.booleans()):
        values |= {"overlap_1_ids": "B02, B03", "overlap_1_t": "-" + draw(PERCENT)}
    target = draw(st.sampled_from(["", "net_zero", "reduction_rate", "points"]))
    if target:
        values |= {"path_target": target, "path_baseline_year": "2024", "path_baseline_t": draw(AMOUNT)}
        values |= {"net_zero": {"path_net_zero_year": "2045"}, "reduction_rate": {"path_rate": "11,72"},
                   "points": {"path_target_year": "2030", "path_target_t": draw(AMOUNT)}}[target]
    values["discount_rate"] = draw(st.sampled_from(["0", "3,5", "4", "7,25"]))
    if values.get("budget_mode") == "per_year":  # running costs fall in years
        values["budget_basis"] = draw(st.sampled_from(["investment", "net"]))
    return values


@settings(max_examples=150, deadline=None)
@given(forms())
def test_a_scenario_from_the_form_comes_back_from_it_unchanged(values: dict[str, str]) -> None:
    scenario, errors = scenario_of(values)
    assert errors == {} and scenario is not None
    again, errors = scenario_of(form_values(scenario) or {})
    assert errors == {} and again == scenario


def test_a_scenario_file_opens_in_the_form_and_one_it_cannot_show_is_said(editor: TestClient) -> None:
    token = token_of(editor.get("/runs", headers=HTML).text)
    plan = (EXAMPLES / "scenario_plan_2030.toml").read_bytes()
    opened = editor.post(
        "/runs",
        data={"csrf_token": token, "action": "import"},
        files={"scenario_file": ("plan.toml", plan, "application/toml")},
        headers=HTML,
    )
    assert opened.status_code == 200
    assert "plan.toml finns nu i formuläret" in opened.text
    assert re.search(r'id="pool_2_capacity" name="pool_2_capacity"[^>]*value="2027: 5 000 000; 2028: 5 000 000; 2029', opened.text)
    assert 'id="pool_1_name" name="pool_1_name" type="text" value="Klimatklivet"' in opened.text
    assert re.search(r'<option value="reduction_rate" selected>', opened.text)
    study = b'budget_sek = 1000\n[uncertainty]\ndraws = 50\n'
    refused = editor.post(
        "/runs",
        data={"csrf_token": token, "action": "import"},
        files={"scenario_file": ("study.toml", study, "application/toml")},
        headers=HTML,
    )
    assert refused.status_code == 422 and "Filen har delar som formuläret inte kan visa" in refused.text
    assert "Körningen startades inte" not in refused.text  # nothing was started: the file stays a file
    nothing = editor.post("/runs", data={"csrf_token": token, "action": "import"}, headers=HTML)
    assert nothing.status_code == 422 and "Välj en scenariofil att öppna." in nothing.text
    misspelt = editor.post(
        "/runs",
        data={"csrf_token": token},
        files={"scenario_file": ("fel.toml", b"budgett = 5\n", "application/toml")},
        headers=HTML,
    )
    assert misspelt.status_code == 422
    assert "<li>budget_sek: saknas</li>" in misspelt.text
    assert "<li>budgett: hör inte till ett scenario: kontrollera stavningen</li>" in misspelt.text


def test_a_saved_scenario_opens_in_the_form_in_its_own_organisation_only(
    client: TestClient, engine: Engine, org: Org, other_org: Org
) -> None:
    editor = signed_in(client, person(engine, org, "editor"))
    listed = upload_list(client, org)
    token = token_of(editor.get("/runs", headers=HTML).text)
    saved = editor.post(
        "/runs",
        data={**DEFAULTS, "csrf_token": token, "project_list_id": listed["id"], "name": "Med Klimatklivet",
              "budget_total": "300", "pool_1_name": "Klimatklivet", "pool_1_capacity": "100", "save": "on",
              "path_target": "net_zero", "path_baseline_year": "2024", "path_baseline_t": "1 000",
              "path_net_zero_year": "2045"},
        headers=HTML,
        follow_redirects=False,
    )
    assert saved.status_code == 303, re.findall(r'field-error[^>]*>(.*?)<', saved.text)
    run = client.get(f"/v1/runs/{saved.headers['location'].rsplit('/', 1)[1]}", headers=org.headers()).json()
    assert run["scenario"]["funding"][0]["name"] == "Klimatklivet"
    assert run["scenario"]["pathway"]["target"] == {"net_zero_year": 2045, "residual_share": 0.0}
    runs_page = editor.get("/runs", headers=HTML).text
    scenario_id = re.search(r'href="/runs\?scenario=([0-9a-f-]+)#new-run"', runs_page)
    assert scenario_id, runs_page
    opened = editor.get(f"/runs?scenario={scenario_id.group(1)}", headers=HTML)
    assert "Med Klimatklivet finns nu i formuläret" in opened.text
    assert 'id="path_net_zero_year" name="path_net_zero_year" type="text" inputmode="numeric" value="2045"' in opened.text
    assert re.search(r"<details class=\"more\" open>\s*<summary>Extern finansiering", opened.text)
    assert re.search(r"<details class=\"more\">\s*<summary>Diskonteringsränta", opened.text)  # the default rate
    stranger = signed_in(TestClient(client.app), person(engine, other_org, "editor"))
    assert stranger.get(f"/runs?scenario={scenario_id.group(1)}", headers=HTML).status_code == 404


@pytest.fixture
def editor(client: TestClient, engine: Engine, org: Org) -> TestClient:
    return signed_in(client, person(engine, org, "editor"))
