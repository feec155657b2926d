"""The HTML report: its sections and numbers against the run, both languages, accessibility, escaping,
self-containment, the `report` command, and a headless Chromium opening it."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from chromium import CHROMIUM

from models import Result, Status
from optimizer import read_projects, read_scenario, solve
from optimizer.analysis.uncertainty import study
from optimizer.analysis.whynot import why_not
from optimizer.io.fingerprint import canonical_json, input_sha256
from optimizer.reporting.report import SECTIONS, build_report, format_number
from optimizer.reporting.report_texts import EN, SV, TEXTS

# A 100 SEK (2026) 10 t/yr, B 150 SEK (2026) 12 t/yr, C 120 SEK (2027) 9 t/yr, ten years each; budgets
# 250 SEK in 2026 and 100 in 2027: A and B are funded (220 t lifetime), C would be at a cost of 100 SEK.
# A saves 20 SEK a year in operation (payback 5 years), B costs 5 SEK a year to run: on the investment
# basis this changes nothing in the choice, only the lifecycle figures.
PROJECTS = [
    {
        "id": "A",
        "name": "Alfa",
        "sector": "transport",
        "district": "Norr",
        "cost_sek": 100,
        "year": 2026,
        "abatement_t_per_year": 10,
        "lifetime_years": 10,
        "opex_sek_per_year": -20,
    },
    {
        "id": "B",
        "name": "<script>alert('x')</script> Beta & co",
        "sector": "energy",
        "district": "Syd",
        "cost_sek": 150,
        "year": 2026,
        "abatement_t_per_year": 12,
        "lifetime_years": 10,
        "opex_sek_per_year": 5,
    },
    {
        "id": "C",
        "name": "Gamma",
        "sector": "energy",
        "district": "Syd",
        "cost_sek": 120,
        "year": 2027,
        "abatement_t_per_year": 9,
        "lifetime_years": 10,
    },
]
SCENARIO = {
    "name": "Testkommun <2030>",
    "budget_sek": {"2026": 250, "2027": 100},
    "constraints": [
        {"name": "minst ett projekt i Norr", "where": {"district": ["Norr"]}, "measure": "count", "min": 1}
    ],
    "pathway": {"baseline_t": {"2026": 1000}, "target": {"target_t": {"2030": 900}}},
}
RANGED = [{**PROJECTS[0], "cost_low_sek": 100, "cost_high_sek": 200}, *PROJECTS[1:]]
WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
SHA = "ab" * 32


def _squash(text: str) -> str:
    """Runs of ASCII white space as one space (a no-break space is part of a Swedish number)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


class Page(HTMLParser):
    """What the tests read from a report: elements with their attributes, headings, tables, text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[str, str]] = []
        self.tables: list[dict] = []
        self.text_parts: list[str] = []
        self._heading: list[str] | None = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._caption: list[str] | None = None
        self.feed(text)
        self.close()
        self.text = _squash("".join(self.text_parts))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("h1", "h2", "h3"):
            self._heading = [tag]
        elif tag == "table":
            self.tables.append({"caption": None, "rows": [], "scopes": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "th":
                self.tables[-1]["scopes"].append(dict(attrs).get("scope"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append((self._heading[0], _squash("".join(self._heading[1:]))))
            self._heading = None
        elif tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = "".join(self._caption).strip()
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(_squash("".join(self._cell)))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)
        for part in (self._heading, self._cell, self._caption):
            if part is not None:
                part.append(data)

    def section_ids(self) -> list[str]:
        return [a["id"] for tag, a in self.elements if tag == "section"]

    def table(self, caption_start: str) -> dict:
        [found] = [t for t in self.tables if t["caption"].startswith(caption_start)]
        return found


@pytest.fixture(scope="module")
def run() -> tuple:
    projects, scenario = read_projects(PROJECTS), read_scenario(SCENARIO)
    result = solve(projects, scenario)
    assert result.status is Status.OPTIMAL
    thresholds = [w.to_dict() for w in why_not(projects, scenario, result)]
    return projects, scenario, result, thresholds


@pytest.fixture(scope="module")
def swedish(run: tuple) -> str:
    projects, scenario, result, thresholds = run
    return build_report(
        projects,
        scenario,
        result,
        why_not=thresholds,
        input_sha256=SHA,
        source_name="lista.csv",
        generated_at=WHEN,
    )


@pytest.fixture(scope="module")
def english(run: tuple) -> str:
    projects, scenario, result, thresholds = run
    return build_report(projects, scenario, result, lang="en", why_not=thresholds, generated_at=WHEN)


def test_both_languages_have_the_same_sentences() -> None:
    assert SV.keys() == EN.keys() and set(TEXTS) == {"sv", "en"}


def test_numbers_are_written_as_each_language_writes_them() -> None:
    assert format_number(1234567.849, decimals=1) == "1\u00a0234\u00a0567,8"
    assert format_number(-2246484) == "\u22122\u00a0246\u00a0484"  # the true minus sign
    assert format_number(1234567.849, lang="en", decimals=1) == "1,234,567.8"
    assert format_number(-1e-9) == "0"
    with pytest.raises(ValueError, match="lang must be one of sv, en, not 'de'"):
        format_number(1, lang="de")


def test_sections_in_order_with_one_h1_and_ordered_headings(swedish: str, english: str) -> None:
    for text, lang, summary in ((swedish, "sv", "Sammanfattning"), (english, "en", "Summary")):
        page = Page(text)
        assert page.section_ids() == list(SECTIONS)
        [(_, html_attrs)] = [(t, a) for t, a in page.elements if t == "html"]
        assert html_attrs["lang"] == lang
        levels = [int(tag[1]) for tag, _ in page.headings]
        assert levels.count(1) == 1 and levels[0] == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
        assert next(h for tag, h in page.headings if tag == "h2") == summary
        skip = [a for t, a in page.elements if t == "a" and a.get("class") == "skip"]
        assert skip and skip[0]["href"] == "#summary"


def test_swedish_by_default_english_on_request_never_mixed(swedish: str, english: str) -> None:
    sv_headings = {SV[k] for k in SV if k.startswith("h_")}
    en_headings = {EN[k] for k in EN if k.startswith("h_")}
    assert {h for tag, h in Page(swedish).headings if tag == "h2"} == sv_headings
    assert {h for tag, h in Page(english).headings if tag == "h2"} == en_headings
    assert not any(h in Page(english).text for h in sv_headings)
    assert not any(h in Page(swedish).text for h in en_headings - {"Summary"})


def test_the_funded_table_is_the_results(run: tuple, swedish: str, english: str) -> None:
    result: Result = run[2]
    table = Page(swedish).table("Åtgärder som får pengar")
    header, *rows, total = table["rows"]
    assert header == [
        "Åtgärd",
        "Område",
        "Start",
        "Kostnad (kr)",
        "Kommunens kostnad (kr)",
        "Minskning per år (ton)",
        "Minskning som räknas (ton)",
        "Att notera",
    ]
    # largest reduction first; a name with its id; costs in kronor (in millions from a million up)
    assert [r[0].rsplit(" ", 1)[-1] for r in rows] == ["(B)", "(A)"]
    assert rows[0][1:7] == ["Syd", "2026", "150", "150", "12", "120"]
    assert rows[1][1:7] == ["Norr", "2026", "100", "100", "10", "100"]
    assert total[0] == "Totalt" and total[5:7] == ["22", "220"]
    assert result.total_cost_sek == 250 and result.abatement_t == pytest.approx(220)
    english_rows = Page(english).table("Measures funded")["rows"]
    assert english_rows[-1][5:7] == ["22", "220"]


def _lifecycle_cells(
    lang: str, npc: float, per_t: float | None, opex: float, payback: float | None
) -> list[str]:
    none = SV["none_value"]
    return [
        format_number(npc, lang=lang),
        none if per_t is None else format_number(per_t, lang=lang),
        format_number(opex, lang=lang),
        none if payback is None else format_number(payback, lang=lang, decimals=1),
    ]


def test_the_funded_table_has_the_lifecycle_figures_of_the_result(
    run: tuple, swedish: str, english: str
) -> None:
    """The lifecycle figures are a second table, so that the first fits the page."""
    result: Result = run[2]
    by_id = {s.id: s for s in result.selected}
    # A by hand: 100 SEK in 2026, then -20 SEK a year for ten years from 2027, discounted at 3.5 %
    operating = sum(1.035**-k for k in range(1, 11))
    assert by_id["A"].net_present_cost_sek == pytest.approx(100 - 20 * operating)
    assert by_id["A"].payback_years == pytest.approx(5.0) and by_id["B"].payback_years is None
    for text, lang, caption, total_word in (
        (swedish, "sv", "Samma åtgärder över hela livslängden", "Totalt"),
        (english, "en", "The same measures over their whole lives", "Total"),
    ):
        header, *rows, total = Page(text).table(caption)["rows"]
        assert header[2].startswith(TEXTS[lang]["col_npc"]) and header[5].startswith(
            TEXTS[lang]["col_payback"]
        )
        for row in rows:
            s = by_id[row[0].rsplit("(", 1)[-1].rstrip(")")]
            assert row[1] == ("Transporter" if s.id == "A" else "Energi") or lang == "en"
            assert row[2:] == _lifecycle_cells(
                lang, s.net_present_cost_sek, s.lifecycle_sek_per_t, s.opex_sek_per_year, s.payback_years
            )
        assert total[0] == total_word
        assert total[2:] == _lifecycle_cells(
            lang,
            result.net_present_cost_sek,
            result.lifecycle_sek_per_t,
            result.opex_sek_per_year,
            result.payback_years,
        )
    [row_a] = [r for r in Page(swedish).table("Samma åtgärder")["rows"] if r[0].endswith("(A)")]
    assert row_a[5] == "5,0"  # 100 SEK / 20 SEK a year


def test_the_summary_gives_the_portfolios_life_and_the_budget_per_year(
    run: tuple, swedish: str, english: str
) -> None:
    result: Result = run[2]
    assert result.opex_sek_per_year == pytest.approx(-15)  # A saves 20, B costs 5
    text = Page(swedish).text
    npc = format_number(result.net_present_cost_sek / 1e6, decimals=1)
    assert f"Över åtgärdernas hela livslängd kostar de {npc} miljoner kr i dagens pengar" in text
    assert "med 3,5 % diskonteringsränta per år" in text
    assert f"Livscykelkostnaden per ton är {format_number(result.lifecycle_sek_per_t)} kr per ton" in text
    payback = format_number(result.payback_years, decimals=1)
    assert f"återbetald efter {payback} år (enkel återbetalningstid)" in text
    assert "nettobudgetar" not in text
    assert "Diskonteringsränta (real) 3,5 %" in text and "Vad budgeten bär investeringar" in text
    en = Page(english)
    assert (
        f"they cost SEK {format_number(result.net_present_cost_sek / 1e6, lang='en', decimals=1)} million"
        in en.text
    )
    budget = Page(swedish).table("Budget per år")["rows"]
    assert budget[0] == [
        "År",
        "Budget",
        "Kommunens investering",
        "Driftkostnad (− besparing)",
        "Räknas mot budgeten",
        "Kvar",
    ]
    for row, year in zip(budget[1:-1], result.budget, strict=True):
        assert row == [
            str(year.year),
            *(
                f"{format_number(v)} kr"
                for v in (year.budget_sek, year.spend_sek, year.opex_sek, year.spend_sek, year.slack_sek)
            ),
        ]
    english_budget = en.table("Budget per year")["rows"]
    assert english_budget[-1][0] == "Total" and english_budget[-1][3] == (
        f"SEK {format_number(sum(y.opex_sek for y in result.budget), lang='en')}"
    )


def test_a_result_stored_before_lifecycle_figures_says_nothing_about_them(run: tuple) -> None:
    """A run stored by an older version has every lifecycle field at its default (0, None): the report
    must not claim a net present cost of 0 kr."""
    projects, scenario, result, _ = run
    old = result.model_copy(
        update={
            "net_present_cost_sek": 0.0,
            "equivalent_annual_cost_sek": 0.0,
            "opex_sek_per_year": 0.0,
            "payback_years": None,
            "lifecycle_sek_per_t": None,
            "selected": [
                s.model_copy(
                    update={
                        "net_present_cost_sek": 0.0,
                        "equivalent_annual_cost_sek": 0.0,
                        "payback_years": None,
                        "lifecycle_sek_per_t": None,
                    }
                )
                for s in result.selected
            ],
        }
    )
    page = Page(build_report(projects, scenario, old))
    assert "livslängd kostar de" not in page.text and "återbetald" not in page.text
    assert "Livscykelkostnaden är investeringen" not in page.text
    assert not [t for t in page.tables if t["caption"].startswith("Samma åtgärder över hela livslängden")]
    [per_t] = [t for t in page.tables if t["caption"].startswith("Kostnad per ton")]
    assert [row[0] for row in per_t["rows"][1:]] == ["Investering per ton", "Kommunens kostnad per ton"]


def test_the_lifecycle_macc_is_drawn_and_explained(swedish: str, english: str) -> None:
    for text, caption in (
        (swedish, "Staplar under noll är åtgärder som betalar sig själva"),
        (english, "Bars below zero are measures that pay for themselves"),
    ):
        page = Page(text)
        assert caption in page.text
        assert len([1 for t, a in page.elements if t == "img"]) == 4
    [per_t] = [t for t in Page(swedish).tables if t["caption"].startswith("Kostnad per ton")]
    lifecycle = per_t["rows"][3]
    assert lifecycle[0] == "Livscykelkostnad per ton"
    assert "delade med minskningen under livslängden" in lifecycle[2]


def test_net_budgets_overlaps_and_the_net_benefit_are_said_in_words() -> None:
    """A net budget: A's and B's net saving of 15 SEK a year lets C (120 SEK in 2028) fit a budget of 106
    SEK, which on the investment basis it does not.
    An overlap of A and B takes 2 t a year off; the net-benefit objective states its value and bound."""
    projects = read_projects([*PROJECTS[:2], {**PROJECTS[2], "year": 2028}])
    scenario = read_scenario(
        {
            **SCENARIO,
            "budget_sek": {"2026": 250, "2027": 0, "2028": 106},
            "budget_basis": "net",
            "interactions": [{"ids": ["A", "B"], "abatement_t_per_year": -2, "name": "A och B <samma hus>"}],
        }
    )
    result = solve(projects, scenario)
    assert result.status is Status.OPTIMAL and {s.id for s in result.selected} == {"A", "B", "C"}
    investment = solve(projects, scenario.model_copy(update={"budget_basis": "investment"}))
    assert {s.id for s in investment.selected} == {"A", "B"}
    [overlap] = result.interactions
    assert overlap.active and overlap.abatement_t == pytest.approx(-20)
    for lang, net_words, overlap_words, caption in (
        ("sv", "Budgetarna är nettobudgetar", "räknas alltså inte dubbelt", "Överlappande åtgärder"),
        ("en", "The budgets are net budgets", "so nothing is counted twice", "Overlapping measures"),
    ):
        page = Page(build_report(projects, scenario, result, lang=lang))
        assert net_words in page.text and overlap_words in page.text
        assert page.table("Nettobudget per år" if lang == "sv" else "Net budget per year")
        [row] = page.table(caption)["rows"][1:]
        minus = "\u2212" if lang == "sv" else "-"
        assert row == ["A och B <samma hus>", "A, B", f"{minus}2", TEXTS[lang]["yes"], f"{minus}20"]
        funded = page.table("Åtgärder som får pengar" if lang == "sv" else "Measures funded")["rows"]
        assert funded[-2][0] == TEXTS[lang]["row_interactions"]
        assert funded[-2][5:7] == [f"{minus}2", f"{minus}20"]
        assert funded[-1][5:7] == [
            format_number(result.abatement_t_per_year, lang=lang),
            format_number(result.abatement_t, lang=lang),
        ]
        budget = page.table("Nettobudget per år" if lang == "sv" else "Net budget per year")["rows"]
        # on a net basis the budget holds the investment and the operating costs of the year
        for row, year in zip(budget[1:-1], result.budget, strict=True):
            assert row[2:5] == [
                TEXTS[lang]["currency"].format(value=format_number(v, lang=lang))
                for v in (year.spend_sek - year.opex_sek, year.opex_sek, year.spend_sek)
            ]
    assert "A och B &lt;samma hus&gt;" in build_report(projects, scenario, result)

    valued = read_scenario({**SCENARIO, "objective": {"net_benefit": {"carbon_value_sek_per_t": 7000}}})
    result = solve(read_projects(PROJECTS), valued)
    assert result.net_benefit_sek is not None and result.net_benefit_bound_sek is not None
    text = Page(build_report(read_projects(PROJECTS), valued, result)).text
    benefit = format_number(result.net_benefit_sek / 1e6, decimals=1)
    assert (
        "värderad till 7\u00a0000 kr per ton" in text and f"Nettonyttan blir {benefit} miljoner kr." in text
    )
    assert "Inget annat urval inom budgeten och reglerna ger mer." in text


def test_summary_effect_cost_and_districts_carry_the_runs_figures(swedish: str) -> None:
    text = Page(swedish).text
    assert "Bevisat bästa urval." in text
    assert "2 av 3 åtgärder får pengar." in text
    assert "När alla åtgärder är i drift minskar utsläppen med 22 ton per år" in text
    assert "blir det 220 ton" in text
    assert "År 2030 minskar åtgärderna utsläppen med 22 ton per år." in text
    # 1000 t/yr baseline, 22 t/yr cut, target 900 t in 2030: 78 t/yr still missing
    assert "Utsläppsmålet för 2030 nås inte: det saknas 78 ton per år." in text
    effect = Page(swedish).table("Utsläpp per år")["rows"]
    assert effect[-1][:6] == ["2030", "1\u00a0000", "22", "978", "900", "+78"]
    per_t = Page(swedish).table("Kostnad per ton")["rows"]  # 250 SEK / 220 t; each named with its basis
    assert [row[:2] for row in per_t[1:3]] == [
        ["Investering per ton", "1 kr per ton"],
        ["Kommunens kostnad per ton", "1 kr per ton"],
    ]
    assert per_t[1][2].startswith("Hela investeringen, vem som än betalar, delad med minskningen")
    districts = Page(swedish).table("Investering och utsläppsminskning per område")["rows"]
    assert districts[1:] == [
        ["Syd", "1", "150", "150", "120", "55 %"],
        ["Norr", "1", "100", "100", "100", "45 %"],
    ]
    [rule] = Page(swedish).table("Regler för fördelning")["rows"][1:]
    assert rule == [
        "minst ett projekt i Norr",
        "minst 1 åtgärder (antalet åtgärder)",
        "1 åtgärder",
        "Ja, precis (regeln styr urvalet)",
    ]


def test_left_out_says_why_and_what_it_would_take(run: tuple, swedish: str, english: str) -> None:
    [row] = Page(swedish).table("Åtgärder som inte får pengar")["rows"][1:]
    assert row[:4] == ["Gamma (C)", "120", "9", "1 kr per ton"]
    assert (
        row[4] == "Budgeten räcker inte 2027: 100 kr finns kvar det året, åtgärden kostar kommunen 120 kr då."
    )
    assert row[5].startswith("Skulle få pengar om den kostade högst 100 kr (i dag 120 kr).")
    [row] = Page(english).table("Measures not funded")["rows"][1:]
    assert row[5].startswith("Would be funded at a cost of at most SEK 100 (now SEK 120).")
    projects, scenario, result, _ = run
    without = Page(build_report(projects, scenario, result, lang="en"))
    assert "What it would take is not computed in this report" in without.text
    [row] = without.table("Measures not funded")["rows"][1:]
    assert row[5] == "Not computed."


def test_every_chart_has_alt_text_and_every_table_a_caption_and_scopes(swedish: str) -> None:
    page = Page(swedish)
    images = [a for tag, a in page.elements if tag == "img"]
    assert len(images) == 4  # pathway, MACC, lifecycle MACC, districts
    assert all(a.get("alt") and len(a["alt"]) > 20 for a in images)
    assert not any("lang" in a for a in images)  # the alt text is in the page's language
    # budget, funded, lifecycle, effect, cost per tonne, the MACCs' figures, districts, rules, left out
    assert len(page.tables) == 9
    for table in page.tables:
        assert table["caption"]
        assert table["scopes"] and set(table["scopes"]) <= {"col", "row"}
        assert "row" in table["scopes"] and "col" in table["scopes"]
    assert not [tag for tag, _ in page.elements if tag == "script"]


def test_self_contained_no_external_url(swedish: str) -> None:
    page = Page(swedish)
    for tag, attrs in page.elements:
        for name in ("src", "href"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith(("data:", "#")), (tag, value[:60])
    assert "Content-Security-Policy" in swedish and "default-src 'none'" in swedish
    assert "@import" not in swedish and "url(" not in swedish


def test_user_strings_are_escaped(swedish: str) -> None:
    assert "<script>" not in swedish
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Beta &amp; co" in swedish
    assert "Testkommun &lt;2030&gt;" in swedish
    assert "Klimatinvesteringar: Testkommun <2030>" in Page(swedish).text


def test_method_names_the_data_and_the_solver(run: tuple, swedish: str) -> None:
    result: Result = run[2]
    text = Page(swedish).text
    assert f"Kontrollsumma för indata {SHA}" in text
    assert f"Beräkningsprogram HiGHS {result.solver.version}" in text
    assert "Projektlista lista.csv" in text and "Antal åtgärder i listan 3" in text
    assert "Vad som maximeras minskningen av utsläppen, räknad under åtgärdernas hela livslängd" in text
    assert "Rapporten skapad 1 mars 2026 kl. 09:30 (UTC)" in text
    assert '<time datetime="2026-03-01T09:30:00+00:00">' in swedish
    assert "Delbara åtgärder får pengar till valfri andel" in text


def test_input_hash_is_the_services() -> None:
    """The file's bytes, then the validated scenario as compact JSON with sorted keys (as the service stores
    a run's `input_sha256`; tests/api/test_runs.py checks the service's side)."""
    scenario = read_scenario(SCENARIO)
    content = json.dumps(PROJECTS).encode()
    compact = json.dumps(
        scenario.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    expected = hashlib.sha256(content + compact.encode()).hexdigest()
    assert input_sha256(project_bytes=content, scenario=scenario) == expected
    assert canonical_json({"b": 1, "a": "å"}) == '{"a":"å","b":1}'.encode()


def test_uncertainty_without_ranges_and_with_ranges_but_no_study(run: tuple) -> None:
    projects, scenario, result, _ = run
    assert "punktskattningar" in Page(build_report(projects, scenario, result)).text
    ranged = read_projects(RANGED)
    text = Page(build_report(ranged, scenario, solve(ranged, scenario), lang="en")).text
    assert "gives ranges for reductions or costs, but no uncertainty study was made" in text


def test_a_study_shows_its_quantiles_and_probabilities() -> None:
    projects = read_projects(RANGED)
    scenario = read_scenario({**SCENARIO, "uncertainty": {"distribution": "uniform"}})
    result = solve(projects, scenario)
    found = study(projects, scenario, draws=30, seed=3, executor="serial", point=result).to_dict()
    page = Page(build_report(projects, scenario, result, lang="en", study=found))
    rows = page.table("The choice's outcome over 30 draws")["rows"]
    assert rows[0] == ["Quantity", "P10", "P50", "P90"]
    quantiles = found["abatement_t"]
    assert rows[1][1:] == [format_number(quantiles[q], lang="en") for q in ("p10", "p50", "p90")]
    within = found["probability_within_budget"]
    assert f"stays within the budget in {format_number(100 * within, lang='en')}% of the draws" in page.text
    images = [a for t, a in page.elements if t == "img"]
    assert len(images) == 6  # + the uncertainty chart and the robustness chart (re-optimised per draw)
    assert [t["caption"] for t in page.tables][-2:] == [
        "Draws per interval of the reduction (tonnes).",
        "Share of draws in which each measure is part of the best choice.",
    ]


def test_the_analysis_reads_the_same_typed_or_as_written_and_stored() -> None:
    """The CLI hands the report the study and the why-not figures themselves; the service their JSON."""
    projects = read_projects(RANGED)
    scenario = read_scenario(SCENARIO)
    result = solve(projects, scenario)
    found = study(projects, scenario, draws=20, seed=5, executor="serial", point=result)
    figures = why_not(projects, scenario, result)
    stored = json.loads(json.dumps({"study": found.to_dict(), "why_not": [w.to_dict() for w in figures]}))

    def page(**analysis: object) -> str:  # the charts' SVG carries random ids; their alt text is compared
        html = build_report(projects, scenario, result, generated_at=WHEN, **analysis)  # type: ignore[arg-type]
        return re.sub(r'src="data:image/svg\+xml;base64,[^"]*"', 'src=""', html)

    typed = page(study=found, why_not=figures)
    assert "Inte beräknat" not in typed and typed.count("<img") == 6
    assert typed == page(study=stored["study"], why_not=stored["why_not"])
    assert typed == page(study=found.summary(), why_not=figures)


def test_an_infeasible_scenario_says_no_portfolio_satisfies_the_rules_and_why() -> None:
    projects = read_projects(PROJECTS)
    scenario = read_scenario({**SCENARIO, "include": ["A", "B", "C"]})
    result = solve(projects, scenario)
    assert result.status is Status.INFEASIBLE
    for lang, words in (("sv", "Inget urval uppfyller reglerna."), ("en", "No choice satisfies the rules.")):
        page = Page(build_report(projects, scenario, result, lang=lang))
        assert page.section_ids() == list(SECTIONS)
        assert words in page.text
        assert result.conflicts and all(c.rules[0] in page.text for c in result.conflicts)
        alts = [a["alt"] for t, a in page.elements if t == "img"]
        assert len(alts) == 2  # only the two MACCs: no portfolio to chart


def test_a_krona_over_a_budget_met_exactly_is_rounding_not_an_overrun(run: tuple) -> None:
    projects, scenario, result, _ = run
    first, second = result.budget
    over = result.model_copy(
        update={
            "budget": [
                first.model_copy(update={"spend_sek": first.budget_sek + 1, "slack_sek": -1.0}),
                second,
            ]
        }
    )
    rows = Page(build_report(projects, scenario, over)).table("Budget per år")["rows"]
    assert rows[1][1] == rows[1][4] == f"{format_number(first.budget_sek)} kr"  # used = the budget
    assert rows[1][5] == "0 kr" and "\u2212" not in rows[1][5]


def test_a_part_funded_measure_says_in_words_what_the_part_is() -> None:
    rows = [
        {**PROJECTS[0], "cost_sek": 9_957_000},
        {**PROJECTS[2], "cost_sek": 10_000_000, "divisible": True, "abatement_t_per_year": 1},
    ]
    projects = read_projects(rows)
    scenario = read_scenario({"budget_sek": 10_000_000, "first_year": 2026})
    result = solve(projects, scenario)
    [part] = [s for s in result.selected if s.fraction < 1]
    assert part.cost_sek == pytest.approx(43_000)
    page = Page(build_report(projects, scenario, result))
    [row] = [r for r in page.table("Åtgärder som får pengar")["rows"] if r[0].startswith("Gamma")]
    assert row[-1] == "Får 43\u00a0000 kr av 10,0 miljoner kr (0,43 %): en första etapp."
    assert "1 av åtgärderna får pengar till en del, som en första etapp" in page.text


def test_a_minimum_share_for_divisible_measures_is_said_and_kept() -> None:
    rows = [
        {**PROJECTS[0], "cost_sek": 9_957_000},
        {**PROJECTS[2], "cost_sek": 10_000_000, "divisible": True, "abatement_t_per_year": 1},
    ]
    projects = read_projects(rows)
    scenario = read_scenario({"budget_sek": 12_000_000, "first_year": 2026, "min_fraction": 0.25})
    result = solve(projects, scenario)
    assert all(s.fraction >= 0.25 for s in result.selected)  # 2 043 000 kr (20 %) would be a sliver
    text = Page(build_report(projects, scenario, result)).text
    assert "En åtgärd som kan delas får pengar bara till minst 25 % av kostnaden, eller inte alls." in text
    assert "Delbara åtgärder får pengar inte alls eller till minst 25 %" in text


def test_a_measure_in_operation_after_the_year_counted_says_why_it_counts_nothing() -> None:
    rows = [{**PROJECTS[0], "year": 2030, "mandatory": True}, PROJECTS[1]]
    projects = read_projects(rows)
    scenario = read_scenario({"budget_sek": {"2026": 250, "2030": 250}, "objective": {"cumulative_to": 2030}})
    result = solve(projects, scenario)
    page = Page(build_report(projects, scenario, result))
    [row] = [r for r in page.table("Åtgärder som får pengar")["rows"] if r[0].startswith("Alfa")]
    assert row[6] == "0" and row[7] == "I drift först 2031: minskningen räknas efter 2030."


def test_a_threshold_not_computed_makes_no_claim(run: tuple) -> None:
    projects, scenario, result, thresholds = run
    for reason, words in (
        ("out_of_time", "Inte beräknat i tid."),
        ("undecided", "Inte beräknat: beräkningen"),
    ):
        rows = [
            {**t, "max_cost_sek": None, "min_abatement_t_per_year": None, "reason": reason, "computed": False}
            for t in thresholds
        ]
        [row] = Page(build_report(projects, scenario, result, why_not=rows)).table("Åtgärder som inte")[
            "rows"
        ][1:]
        assert row[5].startswith(words) and "Skulle" not in row[5]
    # rows stored before reasons were codes: the English note says it
    old = [{"id": "C", "max_cost_sek": None, "note": "not computed: the total time of 1 s was used up"}]
    [row] = Page(build_report(projects, scenario, result, why_not=old)).table("Åtgärder som inte")["rows"][1:]
    assert row[5] == "Inte beräknat i tid."


def test_a_plan_that_fills_its_budget_says_why_draws_break_it_and_by_how_much() -> None:
    # A is the whole 2026 budget; its cost can only rise (low = point): almost every draw breaks the budget
    rows = [{**PROJECTS[0], "cost_low_sek": 100, "cost_high_sek": 200}]
    projects = read_projects(rows)
    scenario = read_scenario({**SCENARIO, "budget_sek": {"2026": 100}, "constraints": []})
    result = solve(projects, scenario)
    found = study(projects, scenario, draws=50, seed=1, executor="serial", point=result).to_dict()
    assert found["probability_within_budget"] < 0.1
    text = Page(build_report(projects, scenario, result, study=found)).text
    assert "Det beror på att urvalet använder hela budgeten 2026" in text
    assert "blir kostnaderna högre än skattningen det året, räcker budgeten inte." in text
    p50 = format_number(found["evaluation"]["overrun_sek"]["p50"])
    assert f"Då saknas i mittenfallet (P50) {p50} kr" in text
    # 1000 t baseline − 10 t/yr = 990 t in 2030 against a target of 900
    assert "Målet för 2030 nås inte ens med punktskattningarna: där saknas 90 ton per år." in text


def test_invalid_arguments_are_refused(run: tuple) -> None:
    projects, scenario, result, _ = run
    with pytest.raises(ValueError, match="lang must be one of sv, en, not 'fi'"):
        build_report(projects, scenario, result, lang="fi")
    with pytest.raises(ValueError, match="study must be an UncertaintyStudy.to_dict"):
        build_report(projects, scenario, result, study=[1])  # type: ignore[arg-type]


# --- the command ----------------------------------------------------------------------------


def _files(tmp_path: Path, projects: list[dict] = PROJECTS, scenario: dict = SCENARIO) -> tuple[Path, Path]:
    listed, scenario_file = tmp_path / "lista.json", tmp_path / "scenario.json"
    listed.write_text(json.dumps(projects), encoding="utf-8")
    scenario_file.write_text(json.dumps(scenario), encoding="utf-8")
    return listed, scenario_file


def _report(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", "report", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_command_writes_the_report(tmp_path: Path) -> None:
    listed, scenario_file = _files(tmp_path, RANGED, {**SCENARIO, "uncertainty": {"distribution": "uniform"}})
    out = tmp_path / "rapport.html"
    done = _report(
        "--projects",
        listed,
        "--scenario",
        scenario_file,
        "--out",
        out,
        "--draws",
        "20",
        "--executor",
        "serial",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and f"wrote {out}" in done.stderr
    page = Page(out.read_text(encoding="utf-8"))
    assert page.section_ids() == list(SECTIONS)
    scenario = read_scenario(SCENARIO | {"uncertainty": {"distribution": "uniform"}})
    assert input_sha256(project_bytes=listed.read_bytes(), scenario=scenario) in page.text
    assert "Skulle få pengar om den kostade högst 100 kr" in page.text  # why-not was run
    assert page.table("Urvalets utfall över 20 dragningar")  # the study was run
    assert "Urvalet räknades inte om för varje dragning" in page.text  # not without --reoptimise


def test_the_command_refuses_bad_input_and_an_unwritable_out(tmp_path: Path) -> None:
    listed, scenario_file = _files(tmp_path)
    missing = tmp_path / "nowhere" / "r.html"
    done = _report("--projects", listed, "--scenario", scenario_file, "--out", missing)
    assert done.returncode == 2 and "--out: cannot write the report" in done.stderr
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr
    done = _report("--projects", listed, "--scenario", scenario_file, "--out", tmp_path)
    assert done.returncode == 2 and "it is a directory" in done.stderr
    bad, _ = _files(tmp_path, [{**PROJECTS[0], "cost_sek": "12 000 EUR"}])
    done = _report("--projects", bad, "--scenario", scenario_file, "--out", tmp_path / "r.html")
    assert done.returncode == 2 and "cost_sek" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "r.html").exists()


# --- a real browser -------------------------------------------------------------------------


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium")
def test_headless_chromium_opens_it_without_errors(swedish: str, tmp_path: Path) -> None:
    path = tmp_path / "rapport.html"
    path.write_text(swedish, encoding="utf-8")
    done = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<h1>Klimatinvesteringar: Testkommun &lt;2030&gt;</h1>" in done.stdout
    assert "Uncaught" not in done.stderr and "ERROR:CONSOLE" not in done.stderr
    assert "Content Security Policy" not in done.stderr
