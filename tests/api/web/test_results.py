"""A run's result page as a finance officer reads it: the funded measures sorted and filtered by links
and a plain form (htmx asks for the table alone), each rule's value, bound and whether it binds, and a
page per measure saying why it is funded or what it would take to fund it."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import openpyxl
import pytest
from conftest import Org, process_queue, upload_list
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from test_pages import HTML, person, signed_in

from api.settings import Settings

NBSP = "\u00a0"
# Lifetime tonnes (10 years): P1 200, P2 150, P3 120, P4 150. With 600 kr, P1 + P2 + P3 (470 t) are
# funded and P4 (500 kr) is left out. P4 would be in at 200 kr (with P1 and P2: 500 t), or at its cost
# with 32 t a year (with P2: 470 t). P2 stays in up to 600 kr: without it the 10 % for Syd needs P4, and
# P4 alone (150 t) is no better than P2 alone at 600 kr.
PROJECTS = [
    {"id": "P1", "name": "Solceller på skolan", "sector": "energy", "district": "Norr", "cost_sek": 300,
     "year": 2026, "abatement_t_per_year": 20, "lifetime_years": 10},
    {"id": "P2", "name": "Cykelbana <script>alert(1)</script>", "sector": "transport", "district": "Syd",
     "cost_sek": 100, "year": 2026, "abatement_t_per_year": 15, "lifetime_years": 10},
    {"id": "P3", "name": "Laddstolpar", "sector": "transport", "district": "Öster", "cost_sek": 200,
     "year": 2026, "abatement_t_per_year": 12, "lifetime_years": 10},
    {"id": "P4", "name": "Tilläggsisolering", "sector": "buildings", "district": "Syd", "cost_sek": 500,
     "year": 2026, "abatement_t_per_year": 15, "lifetime_years": 10},
]
RULES = [
    {"name": "högst tre åtgärder", "measure": "count", "max": 3},
    {"name": "pengar till Syd", "where": {"district": ["Syd"]}, "measure": "cost", "min_share": 0.1, "max": 1000},
]
SCENARIO = {"budget_sek": 600, "time_limit_s": 10, "constraints": RULES}


@pytest.fixture
def officer(client: TestClient, engine: Engine, org: Org) -> Iterator[TestClient]:
    yield signed_in(client, person(engine, org, "viewer"))


def finished_run(client: TestClient, org: Org, settings: Settings, *, explain: bool = True) -> str:
    """A run of PROJECTS under SCENARIO, solved by the real worker; its id."""
    listed = upload_list(client, org, projects=PROJECTS)
    queued = client.post(
        "/v1/runs",
        headers=org.headers("editor"),
        json={"project_list_id": listed["id"], "scenario": SCENARIO, "explain": explain},
    )
    assert queued.status_code == 202, queued.text
    process_queue(settings)
    run = client.get(f"/v1/runs/{queued.json()['id']}", headers=org.headers()).json()
    assert run["state"] == "succeeded", run
    return str(run["id"])


def funded_ids(html: str) -> list[str]:
    """The ids of the funded measures' table, top to bottom."""
    table = re.search(r'<table class="measures">.*?</table>', html, re.DOTALL)
    return re.findall(r"<tr><td>([^<]+)</td>", table.group(0)) if table else []


def text_of(html: str) -> str:
    """The page's main part as words, tags left out and spaces made one."""
    main = html[html.index("<main"):html.index("</main>")] if "<main" in html else html
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace(NBSP, " ")


def test_the_funded_measures_sort_by_cost_both_ways(
    client: TestClient, org: Org, settings: Settings, officer: TestClient
) -> None:
    run_id = finished_run(client, org, settings)
    page = officer.get(f"/runs/{run_id}", headers=HTML).text
    assert funded_ids(page) == ["P1", "P2", "P3"]  # the list's order
    assert "aria-sort" not in page
    cheapest = officer.get(f"/runs/{run_id}", params={"sort": "cost", "order": "asc"}, headers=HTML).text
    assert funded_ids(cheapest) == ["P2", "P3", "P1"]
    assert re.search(r'<th scope="col" class="number" aria-sort="ascending"><a id="sort-cost" '
                     rf'href="/runs/{run_id}\?sort=cost&amp;order=desc"', cheapest)  # the heading turns it round
    dearest = officer.get(f"/runs/{run_id}", params={"sort": "cost", "order": "desc"}, headers=HTML).text
    assert funded_ids(dearest) == ["P1", "P3", "P2"]
    assert 'aria-sort="descending"><a id="sort-cost"' in dearest
    by_district = officer.get(f"/runs/{run_id}", params={"sort": "district", "order": "desc"}, headers=HTML).text
    assert funded_ids(by_district) == ["P3", "P2", "P1"]  # Öster, Syd, Norr: ö after z


def test_htmx_gets_the_table_alone_and_the_count_for_its_live_region(
    client: TestClient, org: Org, settings: Settings, officer: TestClient
) -> None:
    run_id = finished_run(client, org, settings)
    part = officer.get(
        f"/runs/{run_id}",
        params={"sort": "cost", "order": "desc"},
        headers={**HTML, "HX-Request": "true", "HX-Target": "measures"},
    )
    assert part.status_code == 200 and "<html" not in part.text and "<h2" not in part.text
    assert funded_ids(part.text) == ["P1", "P3", "P2"]
    assert '<p id="measures-count" hx-swap-oob="innerHTML">Åtgärder som visas: 3 av 3.</p>' in part.text
    assert 'name="sort" value="cost" form="measure-filter"' in part.text  # the filter keeps the order
    assert "data:image/svg+xml" not in part.text  # no chart is drawn for the table
    history = officer.get(f"/runs/{run_id}", headers={**HTML, "HX-Request": "true"})  # htmx restoring a page
    assert "<html" in history.text


def test_a_district_shows_only_its_measures_and_nothing_matching_says_so(
    client: TestClient, org: Org, settings: Settings, officer: TestClient
) -> None:
    run_id = finished_run(client, org, settings)
    south = officer.get(f"/runs/{run_id}", params={"q": "syd"}, headers=HTML).text
    assert funded_ids(south) == ["P2"]  # P4 is in Syd too, but left out
    assert "Åtgärder som visas: 1 av 3." in text_of(south)
    assert '<input id="q" name="q" type="search" value="syd"' in south
    transport = officer.get(f"/runs/{run_id}", params={"q": "Transporter", "sort": "id", "order": "desc"},
                            headers=HTML).text
    assert funded_ids(transport) == ["P3", "P2"]  # the sector as the page shows it
    nothing = officer.get(f"/runs/{run_id}", params={"q": "Ingenstans"}, headers=HTML).text
    assert funded_ids(nothing) == []
    assert "Ingen av åtgärderna som får pengar passar in på ”Ingenstans”." in text_of(nothing)
    assert "Åtgärder som visas: 0 av 3." in text_of(nothing)
    assert f'<a href="/runs/{run_id}" hx-get="/runs/{run_id}"' in nothing  # show all again


def test_a_sort_or_order_the_page_does_not_know_is_ignored(
    client: TestClient, org: Org, settings: Settings, officer: TestClient
) -> None:
    run_id = finished_run(client, org, settings)
    for params in ({"sort": "drop table"}, {"sort": "__class__", "order": "desc"}, {"sort": "", "order": "x"}):
        answer = officer.get(f"/runs/{run_id}", params=params, headers=HTML)
        assert answer.status_code == 200, params
        assert funded_ids(answer.text) == ["P1", "P2", "P3"] and "aria-sort" not in answer.text
    sideways = officer.get(f"/runs/{run_id}", params={"sort": "cost", "order": "sideways"}, headers=HTML)
    assert funded_ids(sideways.text) == ["P2", "P3", "P1"]


def test_the_rules_say_their_value_their_bound_and_whether_they_bind(
    client: TestClient, org: Org, settings: Settings, officer: TestClient
) -> None:
    run_id = finished_run(client, org, settings)
    page = officer.get(f"/runs/{run_id}", headers=HTML).text
    table = re.search(r"<caption>Regler</caption>.*?</table>", page, re.DOTALL)
    assert table
    rows = [
        [re.sub(r"<[^>]+>", "", cell).replace(NBSP, " ") for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(0), re.DOTALL)
    ]
    assert rows == [
        ["Regel", "Värde", "Andel", "Gräns", "Begränsar"],
        ["högst tre åtgärder", "3", "100 %", "högst 3", "ja"],
        ["pengar till Syd", "100 kr", "16,7 %", "minst 10 %, högst 1 000 kr", "nej"],
    ]
    officer.post("/language", data={"lang": "en", "next": "/"})
    english = officer.get(f"/runs/{run_id}", headers=HTML).text
    assert "at least 10%, at most SEK\u00a01,000" in english


def test_budget_use_and_districts_are_charts_with_their_tables(
    client: TestClient, org: Org, settings: Settings, officer: TestClient
) -> None:
    run_id = finished_run(client, org, settings)
    page = officer.get(f"/runs/{run_id}", headers=HTML).text
    blocks = re.findall(r'<figure class="chart">(.*?)</figure>\s*<div class="scroll">\s*<table>(.*?)</table>', page,
                        re.DOTALL)
    captions = [re.search(r"<caption>(.*?)</caption>", table).group(1) for _, table in blocks]  # type: ignore[union-attr]
    assert captions == ["Budgetens användning", "Per område", "Listans billigaste ton"]
    for figure, _ in blocks:
        image = re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]+)">', figure)
        assert image and len(image.group(1)) > 40, figure[:300]  # the chart says what it shows
        assert "<figcaption>" in figure
    districts = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="number">([^<]+)</td>', blocks[1][1])
    assert [(d, cost.replace(NBSP, " ")) for d, cost in districts] == [
        ("Norr", "300 kr"), ("Öster", "200 kr"), ("Syd", "100 kr")  # most money first, as in the chart
    ]


def test_a_left_out_measure_says_what_it_would_take(
    client: TestClient, org: Org, settings: Settings, officer: TestClient
) -> None:
    run_id = finished_run(client, org, settings)
    page = officer.get(f"/runs/{run_id}", headers=HTML).text
    assert f'href="/runs/{run_id}/measures/P4" hx-get="/runs/{run_id}/measures/P4" hx-target="#measure-panel"' in page
    measure = officer.get(f"/runs/{run_id}/measures/P4", headers=HTML)
    assert measure.status_code == 200
    text = text_of(measure.text)
    assert re.search(r'<h1 id="measure-title"[^>]*>Tilläggsisolering', measure.text)
    assert "Kom inte med i den här körningen." in text
    assert "Kostnad 500 kr" in text and "Minskning 15,0 ton CO2e per år" in text
    assert "Område Syd" in text and "Sektor Byggnader" in text
    assert "Den skulle få pengar om den kostade högst 200 kr i stället för 500 kr, alltså 300 kr (60,0 %) mindre." in text
    assert ("Till sin kostnad skulle den få pengar om den minskade utsläppen med minst 32,0 ton CO2e per år "
            "i stället för 15,0.") in text
    assert f'<a href="/runs/{run_id}">Tillbaka till körningen' in measure.text


def test_a_funded_measure_says_how_much_dearer_it_could_be_and_opens_in_the_panel(
    client: TestClient, org: Org, settings: Settings, officer: TestClient
) -> None:
    run_id = finished_run(client, org, settings)
    roomy = text_of(officer.get(f"/runs/{run_id}/measures/P2", headers=HTML).text)
    assert "Får pengar i den här körningen." in roomy
    assert ("Den skulle få pengar även om den kostade upp till 600 kr i stället för 100 kr, alltså 500 kr mer."
            in roomy)
    tight = text_of(officer.get(f"/runs/{run_id}/measures/P3", headers=HTML).text)
    assert "Den skulle inte få pengar om den kostade mer." in tight
    panel = officer.get(
        f"/runs/{run_id}/measures/P3", headers={**HTML, "HX-Request": "true", "HX-Target": "measure-panel"}
    ).text
    assert "<html" not in panel and "Tillbaka till körningen" not in panel
    assert re.search(r'<h2 id="measure-title" tabindex="-1" data-focus>Laddstolpar', panel)
    assert '<button type="button" class="secondary" data-close-panel>Stäng</button>' in panel


def test_a_run_not_explained_says_how_to_get_the_figures(
    client: TestClient, org: Org, settings: Settings, officer: TestClient
) -> None:
    run_id = finished_run(client, org, settings, explain=False)
    for pid in ("P1", "P4"):
        text = text_of(officer.get(f"/runs/{run_id}/measures/{pid}", headers=HTML).text)
        assert "Den här körningen förklarades inte" in text
        assert "Starta en körning med ”Förklara valet” ikryssat för att få dem." in text
        assert "Den skulle" not in text


def test_another_organisations_run_and_an_unknown_measure_are_not_found(
    client: TestClient, org: Org, other_org: Org, settings: Settings, officer: TestClient
) -> None:
    theirs = finished_run(client, other_org, settings)
    for path in (f"/runs/{theirs}/measures/P1", f"/runs/{theirs}"):
        answer = officer.get(path, headers=HTML)
        assert answer.status_code == 404 and f"Det finns ingen körning {theirs}" in answer.text
    ours = finished_run(client, org, settings)
    unknown = officer.get(f"/runs/{ours}/measures/P9", headers=HTML)
    assert unknown.status_code == 404 and "Det finns ingen åtgärd P9 i körningens lista." in unknown.text
    assert "<h1>Finns inte</h1>" in unknown.text


def test_a_name_with_a_script_tag_is_shown_as_text(
    client: TestClient, org: Org, settings: Settings, officer: TestClient
) -> None:
    run_id = finished_run(client, org, settings)
    for path in (f"/runs/{run_id}", f"/runs/{run_id}/measures/P2", f"/runs/{run_id}?q=%3Cscript%3E"):
        html = officer.get(path, headers=HTML).text
        assert "Cykelbana &lt;script&gt;alert(1)&lt;/script&gt;" in html, path
        assert "<script>" not in html, path


def test_downloads_keep_an_uploaders_formula_as_text_and_the_report_comes_in_both_languages(
    client: TestClient, org: Org, settings: Settings, officer: TestClient
) -> None:
    formula = '=HYPERLINK("http://evil.example","klicka")'
    listed = upload_list(client, org, projects=[{**PROJECTS[0], "name": formula, "district": "@Norr"}])
    queued = client.post(
        "/v1/runs", headers=org.headers("editor"), json={"project_list_id": listed["id"], "scenario": {"budget_sek": 600}}
    ).json()
    process_queue(settings)
    run_id = queued["id"]
    workbook = openpyxl.load_workbook(io.BytesIO(officer.get(f"/runs/{run_id}/portfolio.xlsx").content))
    name, district = workbook["portfolio"]["B2"], workbook["portfolio"]["D2"]
    assert (name.value, name.data_type) == (formula, "s") and (district.value, district.data_type) == ("@Norr", "s")
    assert workbook["portfolio"]["F2"].value == 300  # numbers stay numbers
    table = officer.get(f"/runs/{run_id}/portfolio.csv").text
    assert "'=HYPERLINK" in table and "'@Norr" in table
    swedish = officer.get(f"/runs/{run_id}/report", headers=HTML).text
    english = officer.get(f"/runs/{run_id}/report", params={"lang": "en"}, headers=HTML).text
    assert '<html lang="sv"' in swedish and '<html lang="en"' in english
    page = officer.get(f"/runs/{run_id}", headers=HTML).text
    assert f'href="/runs/{run_id}/report?lang=en" hreflang="en" lang="en">in English</a>' in page


def test_the_totals_say_how_the_tonnes_are_counted_and_net_benefit_is_said_as_such(
    client: TestClient, org: Org, settings: Settings, officer: TestClient
) -> None:
    lifetime = text_of(officer.get(f"/runs/{finished_run(client, org, settings, explain=False)}", headers=HTML).text)
    assert "Minskning (under åtgärdernas livslängd) 470 ton CO2e" in lifetime  # P1 + P2 + P3 over 10 years
    listed = upload_list(client, org, projects=PROJECTS)
    queued = client.post(
        "/v1/runs",
        headers=org.headers("editor"),
        json={"project_list_id": listed["id"],
              "scenario": {"budget_sek": 600, "objective": {"net_benefit": {"carbon_value_sek_per_t": 7000}}}},
    ).json()
    process_queue(settings)
    benefit = text_of(officer.get(f"/runs/{queued['id']}", headers=HTML).text)
    assert "Bevisat bäst: inget urval inom reglerna ger större nettonytta" in benefit
    assert re.search(r"Nettonytta [0-9 ]+ kr", benefit), benefit[:2000]
