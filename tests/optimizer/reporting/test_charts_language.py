"""Charts in the reader's language (optimizer.reporting.charts with `lang`, the texts in optimizer.reporting.chart_texts):
every word a chart draws in its SVG and its alt text is Swedish in a Swedish chart and English in an
English one, numbers are written the reader's way, and the words stay text in the SVG.

The charts are built from the example list and scenarios as the report builds them. The vocabulary
of a language is every word of its texts (`TEXTS`) and sector names; a Swedish chart may use no word
of the English vocabulary except the few both languages share (`SHARED`), an English chart no word of
the Swedish vocabulary that English does not share. Words the input puts on a chart (project names,
districts) are the input's, not the chart's, and are not looked for.
"""

from __future__ import annotations

import itertools
import re
import string
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from rows import REPO, project

from models import PathwaySpec, Result
from optimizer import read_projects, read_scenario, solve
from optimizer.analysis.curves import frontier, macc
from optimizer.analysis.uncertainty import study
from optimizer.model.pathway import emissions_pathway
from optimizer.reporting.chart_texts import TEXTS
from optimizer.reporting.charts import (
    budget_chart,
    describe,
    district_chart,
    frontier_chart,
    funding_chart,
    macc_chart,
    pathway_chart,
    render,
    robustness_chart,
    uncertainty_chart,
)
from optimizer.reporting.language import MINUS, NBSP, SECTORS, check_language

ROOT = REPO
EXAMPLES = ROOT / "examples"
SVG = "{http://www.w3.org/2000/svg}"
BUDGETS = [50e6, 100e6, 150e6, 200e6]
# Words of the English texts that Swedish uses as well: the same word ("budget", "per", "total",
# "extra", "under", "median") or a unit and symbol (CO2e; P10 and P90, explained in the alt text).
SHARED = {"budget", "co2e", "extra", "median", "p10", "p90", "per", "total", "under"}
CHARTS = (
    "macc",
    "macc_lifecycle",
    "frontier",
    "budget",
    "funding",
    "district",
    "pathway",
    "uncertainty",
    "robustness",
)


def words(text: str) -> set[str]:
    """The words of `text`, lower case; numbers are not words, nor is a word cut short ("re…" of a
    shortened project name)."""
    return {w for w in re.findall(r"\w+", re.sub(r"\w+…", " ", text.lower())) if not w.isdigit()}


def vocabulary(lang: str) -> set[str]:
    """Every word a chart can write in `lang`: its texts without their {placeholders}, and sector names."""
    found: set[str] = set()
    for text in [*TEXTS[lang].values(), *SECTORS[lang].values()]:
        found |= words(re.sub(r"\{[^}]*\}", " ", text))
    return found


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    projects = read_projects(EXAMPLES / "kristinehamn_projects.csv")
    plan = read_scenario(EXAMPLES / "scenario_plan_2030.toml")
    equity = read_scenario(EXAMPLES / "scenario_equity.toml")
    pathway = read_scenario(EXAMPLES / "scenario_pathway.toml")
    table = projects.table
    names = dict(zip(table["id"].astype(str), table["name"].astype(str), strict=True))
    input_words: set[str] = set()
    for text in [*names.values(), *table["district"].dropna().astype(str)]:
        input_words |= words(text)
    return {
        "names": names,
        "input_words": input_words,
        "plan": solve(projects, plan),
        "equity": solve(projects, equity),
        "pathway": solve(projects, pathway).pathway,
        "macc": macc(projects, equity),
        "macc_lifecycle": macc(projects, equity, basis="lifecycle"),
        "frontier": frontier(projects, equity, BUDGETS),
        "study": study(projects, pathway, draws=60, seed=1, executor="serial").to_dict(),
    }


def build(data: dict[str, Any], name: str, lang: str) -> Figure:
    """Chart `name` of the example data in `lang`, projects named as the report names them."""
    names = data["names"]
    makers: dict[str, Callable[[], Figure]] = {
        "macc": lambda: macc_chart(data["macc"], names=names, lang=lang),
        "macc_lifecycle": lambda: macc_chart(
            data["macc_lifecycle"], per_t="lifecycle_sek_per_t", names=names, lang=lang
        ),
        "frontier": lambda: frontier_chart(data["frontier"], lang=lang),
        "budget": lambda: budget_chart(data["plan"], lang=lang),
        "funding": lambda: funding_chart(data["plan"], lang=lang),
        "district": lambda: district_chart(data["equity"], lang=lang),
        "pathway": lambda: pathway_chart(data["pathway"], lang=lang),
        "uncertainty": lambda: uncertainty_chart(data["study"], lang=lang),
        "robustness": lambda: robustness_chart(data["study"], names=names, lang=lang),
    }
    return makers[name]()


def build_empty(data: dict[str, Any], name: str, lang: str) -> Figure:
    """Chart `name` with nothing to show: its message instead of the chart."""
    result: Result = data["equity"]
    makers: dict[str, Callable[[], Figure]] = {
        "macc": lambda: macc_chart(data["macc"].assign(abatement_t=0.0), lang=lang),
        "macc_lifecycle": lambda: macc_chart(
            data["macc_lifecycle"].assign(abatement_t=0.0), per_t="lifecycle_sek_per_t", lang=lang
        ),
        "frontier": lambda: frontier_chart([], lang=lang),
        "budget": lambda: budget_chart(result.model_copy(update={"budget": []}), lang=lang),
        "funding": lambda: funding_chart(result.model_copy(update={"budget": []}), lang=lang),
        "district": lambda: district_chart(result.model_copy(update={"selected": []}), lang=lang),
        "pathway": lambda: pathway_chart(data["pathway"], lang=lang),  # always has a line
        "uncertainty": lambda: uncertainty_chart({**data["study"], "histogram": None}, lang=lang),
        "robustness": lambda: robustness_chart({**data["study"], "selection_frequency": None}, lang=lang),
    }
    return makers[name]()


def texts(figure: Figure) -> list[str]:
    """Every word the chart's SVG shows, as its `<text>` elements, then its alt text."""
    svg = render(figure, "svg")
    root = ET.fromstring(svg)
    shown = ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]
    assert [t for t in shown if t.strip()], "no <text> in the SVG"
    return [*shown, describe(figure)]


def assert_swedish(lines: list[str], input_words: set[str]) -> None:
    english = vocabulary("en") - SHARED - input_words
    for line in lines:
        assert not words(line) & english, (sorted(words(line) & english), line)
        assert not re.search(r"\d\.\d", line), line  # a decimal comma
        assert not re.search(r"\d%", line), line  # a space before %
        assert not re.search(r"(?<![\w−])-\d", line), line  # the true minus sign
    assert words(" ".join(lines)) & (vocabulary("sv") - vocabulary("en")), "no Swedish word at all"


def assert_english(lines: list[str], input_words: set[str]) -> None:
    swedish = vocabulary("sv") - vocabulary("en") - input_words
    for line in lines:
        assert not words(line) & swedish, (sorted(words(line) & swedish), line)
        assert f"{NBSP}%" not in line, line
    assert words(" ".join(lines)) & (vocabulary("en") - SHARED), "no English word at all"


# --- the texts ------------------------------------------------------------------------------------


def test_both_languages_have_the_same_texts_and_placeholders() -> None:
    assert set(TEXTS) == {"en", "sv"}
    assert set(TEXTS["en"]) == set(TEXTS["sv"])
    fields = {
        lang: {k: {f for _, f, _, _ in string.Formatter().parse(v) if f} for k, v in t.items()}
        for lang, t in TEXTS.items()
    }
    assert fields["en"] == fields["sv"]


def test_the_shared_words_are_exactly_the_words_both_languages_use() -> None:
    """The allow-list stays small and honest: a word in both vocabularies must be listed, and a listed
    word must be in both (an English word slipped into the Swedish texts fails here)."""
    assert vocabulary("en") & vocabulary("sv") == SHARED


# --- every chart, both languages ------------------------------------------------------------------


@pytest.mark.parametrize("name", CHARTS)
def test_a_swedish_chart_is_swedish(data: dict[str, Any], name: str) -> None:
    for figure in (build(data, name, "sv"), build_empty(data, name, "sv")):
        assert_swedish(texts(figure), data["input_words"])
        assert_swedish([describe(figure)], data["input_words"])  # the alt text on its own


@pytest.mark.parametrize("name", CHARTS)
def test_an_english_chart_is_english(data: dict[str, Any], name: str) -> None:
    for figure in (build(data, name, "en"), build_empty(data, name, "en")):
        assert_english(texts(figure), data["input_words"])
        assert_english([describe(figure)], data["input_words"])


@pytest.mark.parametrize("name", CHARTS)
def test_an_unknown_language_is_refused(data: dict[str, Any], name: str) -> None:
    with pytest.raises(ValueError) as expected:
        check_language("de")
    with pytest.raises(ValueError, match=re.escape(str(expected.value))):
        build(data, name, "de")


def test_the_default_is_english(data: dict[str, Any]) -> None:
    assert describe(budget_chart(data["plan"])) == describe(budget_chart(data["plan"], lang="en"))


# --- numbers --------------------------------------------------------------------------------------


def test_swedish_tick_labels(data: dict[str, Any]) -> None:
    pathway = build(data, "pathway", "sv").axes[0]
    assert pathway.yaxis.get_major_formatter().format_ticks([0, 10000, 20000, 30000]) == [
        "0",
        "10\u00a0000",
        "20\u00a0000",
        f"30{NBSP}000",
    ]
    assert pathway.xaxis.get_major_formatter().format_ticks([2024.0, 2030.0]) == ["2024", "2030"]
    lifecycle = build(data, "macc_lifecycle", "sv").axes[0]
    assert lifecycle.yaxis.get_major_formatter().format_ticks([-5000, -2500, 0, 2500]) == [
        f"{MINUS}5{NBSP}000",
        f"{MINUS}2{NBSP}500",
        "0",
        f"2{NBSP}500",
    ]
    budget = build(data, "budget", "sv").axes[0]  # the ticks of an axis share their decimals
    assert budget.yaxis.get_major_formatter().format_ticks([0, 2.5, 5]) == ["0,0", "2,5", "5,0"]
    robustness = build(data, "robustness", "sv").axes[0]
    assert robustness.xaxis.get_major_formatter().format_ticks([0, 12.5, 100]) == [
        f"0,0{NBSP}%",
        f"12,5{NBSP}%",
        f"100,0{NBSP}%",
    ]
    assert robustness.xaxis.get_major_formatter().format_ticks([0, 50, 100]) == [
        f"0{NBSP}%",
        f"50{NBSP}%",
        f"100{NBSP}%",
    ]


def test_english_tick_labels(data: dict[str, Any]) -> None:
    pathway = build(data, "pathway", "en").axes[0]
    assert pathway.yaxis.get_major_formatter().format_ticks([0, 30000]) == ["0", "30,000"]
    assert pathway.xaxis.get_major_formatter().format_ticks([2024.0, 2030.0]) == ["2024", "2030"]
    robustness = build(data, "robustness", "en").axes[0]
    assert robustness.xaxis.get_major_formatter().format_ticks([0, 12.5]) == ["0.0%", "12.5%"]


def test_numbers_in_the_drawn_words(data: dict[str, Any]) -> None:
    sv = texts(build(data, "pathway", "sv"))
    assert f"120{NBSP}000" in sv and "2030" in sv  # ticks as drawn; a year without a separator
    assert any(re.fullmatch(rf"kvar till målet 2030: \d+{NBSP}\d{{3}} ton", t) for t in sv), sv
    assert "mål: minskning med 11,72\u00a0% per år från 2024" in sv
    assert "target: −11.72% a year from 2024" in texts(build(data, "pathway", "en"))
    budget = texts(build(data, "budget", "sv"))
    assert f"100{NBSP}%" in budget and "2026" in budget
    assert "100%" in texts(build(data, "budget", "en"))


# --- words ----------------------------------------------------------------------------------------


def test_sectors_by_name(data: dict[str, Any]) -> None:
    sv = texts(build(data, "macc", "sv"))
    en = texts(build(data, "macc", "en"))
    assert {"Transporter", "Byggnader", "Energi", "Sektor"} <= set(sv)
    assert {"Transport", "Buildings", "Energy", "Sector"} <= set(en)
    assert not {"transport", "buildings", "energy"} & set(sv + en)  # no codes


def test_swedish_alt_texts(data: dict[str, Any]) -> None:
    alt = describe(build(data, "macc", "sv"))
    assert alt.startswith("Kostnadskurva för 87 projekt")
    cheapest = data["macc"][data["macc"]["abatement_t"] > 0].iloc[0]
    assert f"från 183 kr per ton ({data['names'][cheapest['id']]})" in alt  # named, not by id
    assert f"({cheapest['id']})" not in alt
    assert f"({cheapest['id']})" in describe(macc_chart(data["macc"], lang="sv"))  # without names
    assert describe(build(data, "frontier", "sv")).startswith("Största möjliga utsläppsminskning")
    assert "miljoner kr" in describe(build(data, "budget", "sv"))
    assert "dragningar" in describe(build(data, "uncertainty", "sv"))


def test_district_words(data: dict[str, Any]) -> None:
    result: Result = data["equity"]
    first = result.selected[0].model_copy(update={"district": None})
    unnamed = result.model_copy(update={"selected": [first, *result.selected[1:]]})
    money, reduction = district_chart(unnamed, lang="sv").axes
    assert "(inget område)" in {t.get_text() for t in money.get_yticklabels()}
    assert reduction.get_xlabel() == "Utsläppsminskning (ton CO2e, under livslängden)"
    counted = result.model_copy(update={"objective": "min_cost_for_t 5000 (cumulative_to 2030)"})
    assert district_chart(counted, lang="sv").axes[1].get_xlabel().endswith("till och med 2030)")
    assert district_chart(counted, lang="en").axes[1].get_xlabel().endswith("counted to 2030)")


def test_robustness_bars_are_named(data: dict[str, Any]) -> None:
    names = data["names"]
    figure = build(data, "robustness", "sv")
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels and all(len(label) <= 40 for label in labels)
    ids = [re.fullmatch(r".+ \((\w+)\)", label)[1] for label in labels]  # the id after the name
    for pid, label in zip(ids, labels, strict=True):
        name = names[pid]
        assert label == f"{name} ({pid})" or (label.startswith(name[:20]) and "… (" in label), label
    assert robustness_chart(data["study"], lang="sv").axes[0].get_yticklabels()[0].get_text() in names
    point = {s["id"] for s in data["study"]["point"]["selected"]}
    rarely = sorted(p for p in point if data["study"]["selection_frequency"].get(p, 0.0) < 0.5)
    assert rarely
    assert all(names[pid] in describe(figure) for pid in rarely)


# --- layout ---------------------------------------------------------------------------------------


def drawn_texts(figure: Figure) -> list[Text]:
    """The texts the figure draws: not empty, and no tick label of a tick outside its axis's view."""
    figure.draw_without_rendering()
    hidden: set[int] = set()
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            pad = 1e-9 * max(1.0, high - low)
            for tick, where in zip(axis.get_major_ticks(), axis.get_majorticklocs(), strict=False):
                if not low - pad <= where <= high + pad:
                    hidden |= {id(tick.label1), id(tick.label2)}
    return [
        t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip() and id(t) not in hidden
    ]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("name", CHARTS)
def test_no_words_overlap_or_leave_the_figure(data: dict[str, Any], name: str, lang: str) -> None:
    """The longer Swedish words too: every text inside the figure, none on top of another."""
    for figure in (build(data, name, lang), build_empty(data, name, lang)):
        renderer = figure.canvas.get_renderer()
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in drawn_texts(figure)]
        for text, box in boxes:
            assert figure.bbox.x0 <= box.x0 and box.x1 <= figure.bbox.x1, text
            assert figure.bbox.y0 <= box.y0 and box.y1 <= figure.bbox.y1, text
        for (one, a), (other, b) in itertools.combinations(boxes, 2):
            assert not a.overlaps(b), (one, other)


def test_a_long_title_is_wrapped(data: dict[str, Any]) -> None:
    title = "Hur säker är minskningen? Kristinehamn – grundscenario med utsläppsbana, 150 MSEK 2026–2030"
    figure = uncertainty_chart(data["study"], title=title, lang="sv")
    assert "\n" in figure.get_suptitle() and " ".join(figure.get_suptitle().split()) == title
    root = ET.fromstring(render(figure, "svg"))
    assert root.find(f"{SVG}title").text == title  # one line in the metadata


@pytest.mark.parametrize(
    ("target", "en", "sv"),
    [
        ({"net_zero_year": 2030}, "net zero by 2030", "nettonoll senast 2030"),
        (
            {"net_zero_year": 2030, "residual_share": 0.15},
            "net zero by 2030, 15% residual",
            f"nettonoll senast 2030, 15{NBSP}% kvar",
        ),
        (
            {"reduction_rate": 0.1172, "from_year": 2026},
            "−11.72% a year from 2026",
            f"minskning med 11,72{NBSP}% per år från 2026",
        ),
        ({"reduction_rate": 0.1}, "−10% a year from 2024", f"minskning med 10{NBSP}% per år från 2024"),
        ({"target_t": {"2030": 40000}}, "target of 40,000 t in 2030", f"40{NBSP}000 ton år 2030"),
    ],
)
def test_the_target_in_words(target: dict[str, Any], en: str, sv: str) -> None:
    """The stored target is English words; the chart reads the target from its kind and its line."""
    spec = PathwaySpec.model_validate(
        {
            "baseline_t": {"year": 2024, "emissions_t": 125000, "trend": -0.01},
            "target": target,
            "to_year": 2030,
        }
    )
    pathway = emissions_pathway(read_projects([project("A", 10, 100)]), spec, [])
    labels = {lang: {line.get_label() for line in pathway_chart(pathway, lang=lang).axes[0].get_lines()}
              for lang in ("en", "sv")}  # fmt: skip
    assert f"target: {en}" in labels["en"]
    assert f"mål: {sv}" in labels["sv"]
    assert f"({sv})" in describe(pathway_chart(pathway, lang="sv"))


def test_the_checks_tell_the_languages_apart(data: dict[str, Any]) -> None:
    for name in CHARTS:
        with pytest.raises(AssertionError):
            assert_swedish(texts(build(data, name, "en")), data["input_words"])
        with pytest.raises(AssertionError):
            assert_english(texts(build(data, name, "sv")), data["input_words"])
