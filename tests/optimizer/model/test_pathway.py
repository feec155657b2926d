"""The target pathway (models.pathway, optimizer.model.pathway, optimizer.reporting.charts.pathway_chart): known answers
on hand-made cases, the exact validation messages, the chart, and properties on random cases."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from pydantic import ValidationError
from rows import REPO, project

from models import Pathway, PathwaySpec, ProjectList, Scenario, Selection
from optimizer import read_projects, read_scenario, solve
from optimizer.io.problems import InputError
from optimizer.model.pathway import emissions_pathway, yearly_abatement
from optimizer.reporting.charts import describe, pathway_chart, save

ROOT = REPO
EXAMPLE = ROOT / "examples" / "scenario_pathway.toml"


def projects(*rows: dict[str, object]) -> ProjectList:
    return read_projects(list(rows))


def selection(pid: str, operating_from: int, fraction: float = 1.0) -> Selection:
    return Selection(
        id=pid,
        name=f"Project {pid}",
        sector="energy",
        district=None,
        fraction=fraction,
        cost_sek=1.0,
        municipal_cost_sek=1.0,
        abatement_t=0.0,
        start_year=operating_from - 1,
        operating_from=operating_from,
    )


def spec(**data: Any) -> PathwaySpec:
    return PathwaySpec.model_validate(data)


def column(pathway: Pathway, name: str) -> list[float]:
    return [getattr(row, name) for row in pathway.years]


# --- known answers ------------------------------------------------------------------------------


def test_lifetime_window_and_net_zero_by_hand() -> None:
    """100 t/yr from 2027 for 3 years counts in 2027, 2028 and 2029 only; the net-zero line runs
    straight from the 2025 baseline (1000 t) to 0 in 2030."""
    plist = projects(project("A", 10, 100, lifetime_years=3))
    pathway = emissions_pathway(
        plist, spec(baseline_t={"2025": 1000}, target={"net_zero_year": 2030}), [selection("A", 2027)]
    )
    assert column(pathway, "year") == [2025, 2026, 2027, 2028, 2029, 2030]
    assert column(pathway, "baseline_t") == [1000] * 6
    assert column(pathway, "abatement_t") == [0, 0, 100, 100, 100, 0]
    assert column(pathway, "emissions_t") == [1000, 1000, 900, 900, 900, 1000]
    assert column(pathway, "target_t") == pytest.approx([1000, 800, 600, 400, 200, 0])
    assert column(pathway, "gap_t") == pytest.approx([0, 200, 300, 500, 700, 1000])
    assert pathway.target_kind == "net_zero" and pathway.target == "net zero by 2030"
    assert pathway.target_year == 2030
    assert pathway.gap_at_target_year_t == pytest.approx(1000)
    assert pathway.cumulative_emissions_t == pytest.approx(5700)
    assert pathway.cumulative_target_t == pytest.approx(3000)
    assert pathway.overshoot_t == pytest.approx(2700)
    assert pathway.meets_target_from is None  # on the line in 2025, above it from 2026 to the end


def test_fraction_counts_pro_rata_and_earlier_projects_count_while_they_last() -> None:
    plist = projects(project("A", 10, 200, lifetime_years=10), project("B", 10, 40, lifetime_years=6))
    years = np.arange(2024, 2028)
    # B operates 2020..2025: only its last two years fall in the pathway.
    abatement = yearly_abatement(plist, [selection("A", 2026, fraction=0.5), selection("B", 2020)], years)
    assert abatement.tolist() == [40, 40, 100, 100]
    assert yearly_abatement(plist, [], years).tolist() == [0, 0, 0, 0]


def test_unknown_selection() -> None:
    plist = projects(project("A", 10, 100))
    with pytest.raises(ValueError, match=r"^selected projects not in the project list: X, Y$"):
        yearly_abatement(plist, [selection(pid, 2027) for pid in ("Y", "X", "A")], np.arange(3))


def test_net_zero_with_residual_share_on_a_trend() -> None:
    """Baseline 1000 t in 2024 falling 10 % a year; the line ends at 50 % of the 2026 baseline (810 t)
    and after 2026 follows 50 % of each year's baseline."""
    pathway = emissions_pathway(
        projects(project("A", 10, 1)),
        spec(
            baseline_t={"year": 2024, "emissions_t": 1000, "trend": -0.1},
            target={"net_zero_year": 2026, "residual_share": 0.5},
            to_year=2027,
        ),
        [],
    )
    assert column(pathway, "baseline_t") == pytest.approx([1000, 900, 810, 729])
    assert column(pathway, "target_t") == pytest.approx([1000, 702.5, 405, 364.5])
    assert pathway.target_year == 2026
    assert pathway.gap_at_target_year_t == pytest.approx(405)
    assert pathway.target == "net zero by 2026, 50% residual"


def test_reduction_rate_by_hand() -> None:
    """Baseline per year, interpolated between 2024 and 2026 and kept after 2026; −10 % a year from
    2025 (the baseline before it); the pathway runs to 2030 by default."""
    pathway = emissions_pathway(
        projects(project("A", 10, 50, lifetime_years=40)),
        spec(baseline_t={"2026": 800, "2024": 1000}, target={"reduction_rate": 0.1, "from_year": 2025}),
        [selection("A", 2029)],
    )
    assert column(pathway, "year") == list(range(2024, 2031))
    assert column(pathway, "baseline_t") == pytest.approx([1000, 900, 800, 800, 800, 800, 800])
    assert column(pathway, "target_t") == pytest.approx([1000, 900, 810, 729, 656.1, 590.49, 531.441])
    assert column(pathway, "emissions_t") == pytest.approx([1000, 900, 800, 800, 800, 750, 750])
    assert pathway.target_kind == "reduction_rate" and pathway.target == "−10 % a year from 2025"
    assert pathway.target_year == 2030
    assert pathway.gap_at_target_year_t == pytest.approx(750 - 531.441)
    assert pathway.cumulative_target_t == pytest.approx(1000 + 900 + 810 + 729 + 656.1 + 590.49 + 531.441)
    assert pathway.meets_target_from is None


def test_reduction_rate_from_the_first_year_by_default() -> None:
    reduction = spec(baseline_t={"2024": 1000}, target={"reduction_rate": 0.1172})
    assert reduction.target_line(np.array([2024, 2025, 2026])) == pytest.approx([1000, 882.8, 779.33584])


def test_target_points_by_hand() -> None:
    """Points joined by straight lines from the first year's baseline, the last level kept after it;
    the pathway ends at the last point by default."""
    points = {"baseline_t": {"2024": 1000}, "target": {"target_t": {"2028": 200, "2026": 600}}}
    assert spec(**points).years.tolist() == [2024, 2025, 2026, 2027, 2028]
    pathway = emissions_pathway(projects(project("A", 10, 1)), spec(**points, to_year=2030), [])
    assert column(pathway, "target_t") == pytest.approx([1000, 800, 600, 400, 200, 200, 200])
    assert pathway.target_kind == "points" and pathway.target_year == 2028
    assert pathway.gap_at_target_year_t == pytest.approx(800)
    # A point in the first year replaces the baseline as the start of the line.
    early = spec(baseline_t={"2024": 1000}, target={"target_t": {"2024": 500, "2025": 300}})
    assert early.target_line(early.years).tolist() == [500, 300]


def test_meets_target_from() -> None:
    """Above the line in 2025, on or below it from 2026 (exactly on it in 2030, the target year)."""
    plist = projects(project("A", 10, 500, lifetime_years=40))
    net_zero = spec(baseline_t={"2024": 1000}, target={"net_zero_year": 2030, "residual_share": 0.5})
    pathway = emissions_pathway(plist, net_zero, [selection("A", 2026)])
    assert column(pathway, "gap_t")[1] > 0
    assert pathway.meets_target_from == 2026
    assert pathway.gap_at_target_year_t == pytest.approx(0)
    assert emissions_pathway(plist, net_zero, [selection("A", 2024)]).meets_target_from == 2024


def test_round_trip_and_scenario_field() -> None:
    data = {
        "baseline_t": {"year": 2024, "emissions_t": 125000, "trend": -0.01},
        "target": {"reduction_rate": 0.1172, "from_year": 2024},
    }
    scenario = Scenario.model_validate({"budget_sek": 1e6, "pathway": data})
    assert scenario.pathway is not None and scenario.pathway.last_year == 2030
    assert Scenario.model_validate(scenario.model_dump()) == scenario
    assert Scenario.model_validate({"budget_sek": 1e6}).pathway is None


# --- validation -----------------------------------------------------------------------------------

BASELINE = {"2024": 1000}
NET_ZERO = {"net_zero_year": 2030}
KIND = 'baseline_t is either tonnes per year ({"2024": 120000, ...}) or one year and a trend'
TARGET_KIND = "a target needs exactly one of net_zero_year, reduction_rate or target_t"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"baseline_t": {}, "target": NET_ZERO}, "baseline_t per year needs at least one year"),
        (
            {"baseline_t": {"2024": 1, "x": 2}, "target": NET_ZERO},
            "baseline_t years must be years such as \"2024\", not 'x'",
        ),
        ({"baseline_t": 120000, "target": NET_ZERO}, KIND),
        ({"baseline_t": {"2024": -1}, "target": NET_ZERO}, "Input should be greater than or equal to 0"),
        (
            {"baseline_t": {"year": 2024, "emissions_t": 1, "trend": -1}, "target": NET_ZERO},
            "Input should be greater than -1",
        ),
        (
            {"baseline_t": {"year": 2024, "emissions_t": 1, "2025": 2}, "target": NET_ZERO},
            "Extra inputs are not permitted",
        ),
        ({"baseline_t": BASELINE, "target": {}}, TARGET_KIND),
        (
            {"baseline_t": BASELINE, "target": {"net_zero_year": 2030, "reduction_rate": 0.1}},
            TARGET_KIND,
        ),
        (
            {"baseline_t": BASELINE, "target": {"net_zero_year": 2024}},
            "net_zero_year 2024 must be after the baseline's first year 2024",
        ),
        (
            {"baseline_t": BASELINE, "target": {"net_zero_year": 2030, "residual_share": 1}},
            "Input should be less than 1",
        ),
        ({"baseline_t": BASELINE, "target": {"reduction_rate": 0}}, "Input should be greater than 0"),
        (
            {"baseline_t": BASELINE, "target": {"reduction_rate": 0.1, "from_year": 2023}},
            "from_year 2023 is before the baseline's first year 2024",
        ),
        (
            {"baseline_t": BASELINE, "target": {"reduction_rate": 0.1, "from_year": 2031}},
            "from_year 2031 is after to_year 2030",
        ),
        ({"baseline_t": BASELINE, "target": {"target_t": {}}}, "target_t per year needs at least one year"),
        (
            {"baseline_t": BASELINE, "target": {"target_t": {"2020": 5}}},
            "target_t year 2020 is before the baseline's first year 2024",
        ),
        (
            {"baseline_t": BASELINE, "target": {"reduction_rate": 0.1}, "to_year": 2023},
            "to_year 2023 is before the baseline's first year 2024",
        ),
        (
            {"baseline_t": BASELINE, "target": {"net_zero_year": 2035}, "to_year": 2030},
            "to_year 2030 is before the target year 2035",
        ),
        ({"baseline_t": BASELINE, "target": NET_ZERO, "years": 5}, "Extra inputs are not permitted"),
    ],
)
def test_validation_messages(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        PathwaySpec.model_validate(data)
    messages = [re.sub(r"^Value error, ", "", e["msg"]) for e in caught.value.errors()]
    assert any(m.startswith(message) for m in messages), messages
    assert len(messages) == 1, messages


def scenario_with(target: dict[str, Any]) -> dict[str, Any]:
    return {"budget_sek": 1, "pathway": {"baseline_t": BASELINE, "target": target}}


def test_messages_through_read_scenario() -> None:
    with pytest.raises(InputError) as caught:
        read_scenario(scenario_with({"net_zero_year": 2024}))
    assert [p.message for p in caught.value.problems] == [
        "pathway: net_zero_year 2024 must be after the baseline's first year 2024"
    ]
    with pytest.raises(InputError) as caught:
        read_scenario(scenario_with({"rate": 0.1}))
    assert [p.message for p in caught.value.problems] == [f"pathway.target: {TARGET_KIND}"]


# --- the chart ------------------------------------------------------------------------------------


@pytest.mark.parametrize("abatement", [100, 1000])
def test_pathway_chart(abatement: float, tmp_path: Path) -> None:
    plist = projects(project("A", 10, abatement, lifetime_years=40))
    pathway = emissions_pathway(
        plist, spec(baseline_t={"2025": 1000}, target={"net_zero_year": 2030}), [selection("A", 2027)]
    )
    figure = pathway_chart(pathway)
    assert isinstance(figure, Figure)
    assert figure.get_suptitle() == "Emissions pathway against the target: net zero by 2030"
    (axes,) = figure.axes
    lines = {line.get_label(): line for line in axes.get_lines()}
    assert set(lines) == {"baseline (no portfolio)", "with the portfolio", "target: net zero by 2030"}
    for label, name in [("baseline (no portfolio)", "baseline_t"), ("with the portfolio", "emissions_t")]:
        assert list(lines[label].get_xdata()) == column(pathway, "year")
        assert list(lines[label].get_ydata()) == pytest.approx(column(pathway, name))
    assert list(lines["target: net zero by 2030"].get_ydata()) == pytest.approx(column(pathway, "target_t"))
    assert "(t CO2e per year)" in axes.get_ylabel()
    texts = [t.get_text() for t in axes.texts]
    alt = describe(figure)
    if abatement == 100:
        assert "gap 2030: 900 t" in texts
        assert "900 t a year above the target, still to cut" in alt
    else:
        assert "target met in 2030" in texts
        assert "stays on or below the target from 2027 on" in alt
    assert save(figure, tmp_path / "pathway.png").stat().st_size > 0
    assert save(figure, tmp_path / "pathway.svg").read_text().lstrip().startswith("<?xml")
    assert pathway_chart(pathway, title="Kristinehamn").get_suptitle() == "Kristinehamn"


# --- the example ----------------------------------------------------------------------------------


def test_example_scenario() -> None:
    """The example's portfolio cuts emissions but leaves a gap: the whole list is ~18 kt/yr of 125 kt."""
    scenario = read_scenario(EXAMPLE)
    assert scenario.pathway is not None
    plist = read_projects(ROOT / "examples" / "kristinehamn_projects.csv")
    result = solve(plist, scenario)
    assert result.has_portfolio
    pathway = emissions_pathway(plist, scenario.pathway, result.selected)
    assert column(pathway, "year") == list(range(2024, 2031))
    assert pathway.target_year == 2030
    assert 0 < max(column(pathway, "abatement_t")) <= 17_800
    assert pathway.gap_at_target_year_t > 0 and pathway.overshoot_t > 0


# --- properties -----------------------------------------------------------------------------------

IDS = [f"P{i}" for i in range(6)]


@functools.cache
def random_list() -> ProjectList:
    return projects(*(project(pid, 10, 37 * (i + 1), lifetime_years=i + 1) for i, pid in enumerate(IDS)))


tonnes = st.integers(0, 200_000).map(float)


@st.composite
def specs(draw: st.DrawFn) -> PathwaySpec:
    first = draw(st.integers(2015, 2030))
    if draw(st.booleans()):
        later = draw(st.lists(st.integers(first + 1, first + 12), max_size=4, unique=True))
        baseline: dict[str, Any] = {str(y): draw(tonnes) for y in [first, *later]}
    else:
        trend = draw(st.sampled_from([-0.1, -0.02, 0.0, 0.03]))
        baseline = {"year": first, "emissions_t": draw(tonnes), "trend": trend}
    kind = draw(st.sampled_from(["net_zero", "reduction_rate", "points"]))
    if kind == "net_zero":
        target: dict[str, Any] = {
            "net_zero_year": draw(st.integers(first + 1, first + 15)),
            "residual_share": draw(st.sampled_from([0.0, 0.15, 0.5])),
        }
    elif kind == "reduction_rate":
        target = {"reduction_rate": draw(st.sampled_from([0.11, 0.1172, 0.16, 0.5]))}
        target["from_year"] = draw(st.none() | st.integers(first, max(first, 2030)))
    else:
        years = draw(st.lists(st.integers(first, first + 15), min_size=1, max_size=3, unique=True))
        target = {"target_t": {str(y): draw(tonnes) for y in years}}
    to_year = draw(st.none() | st.integers(first, first + 20))
    try:
        return PathwaySpec.model_validate({"baseline_t": baseline, "target": target, "to_year": to_year})
    except ValidationError:
        reject()


selections = st.lists(
    st.builds(selection, st.sampled_from(IDS), st.integers(2010, 2040), st.sampled_from([0.25, 0.5, 1.0])),
    max_size=6,
    unique_by=lambda s: s.id,
)


@given(specs(), selections)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
def test_pathway_properties(pathway_spec: PathwaySpec, chosen: list[Selection]) -> None:
    plist = random_list()
    pathway = emissions_pathway(plist, pathway_spec, chosen)
    years = column(pathway, "year")
    assert years == list(range(pathway_spec.first_year, pathway_spec.last_year + 1))
    for row in pathway.years:
        assert row.emissions_t + row.abatement_t == pytest.approx(row.baseline_t, abs=1e-6)
        assert row.gap_t == row.emissions_t - row.target_t
        # the reduction in operation, one project and one year at a time
        table = plist.table.set_index("id")
        expected = sum(
            table.at[s.id, "abatement_t_per_year"] * s.fraction
            for s in chosen
            if s.operating_from <= row.year < s.operating_from + table.at[s.id, "lifetime_years"]
        )
        assert row.abatement_t == pytest.approx(expected)
    gaps = column(pathway, "gap_t")
    assert pathway.overshoot_t == pytest.approx(sum(gaps), abs=1e-6)
    assert pathway.gap_at_target_year_t == gaps[years.index(pathway.target_year)]
    if pathway.meets_target_from is None:
        assert gaps[-1] > 0
    else:
        since = years.index(pathway.meets_target_from)
        assert all(g <= 1e-6 for g in gaps[since:])
        assert since == 0 or gaps[since - 1] > 1e-6
