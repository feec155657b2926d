"""Charts (optimizer.reporting.charts) on the example data, and `--plot DIR` on the command line."""

from __future__ import annotations

import itertools
import json
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import pytest
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from rows import REPO

from models import Result
from optimizer import read_projects, solve
from optimizer.analysis.curves import FrontierPoint, frontier, knee, macc
from optimizer.io.readers import read_scenario
from optimizer.reporting.charts import (
    budget_chart,
    describe,
    district_chart,
    frontier_chart,
    funding_chart,
    macc_chart,
    render,
    robustness_chart,
    save,
    uncertainty_chart,
)

ROOT = REPO
PROJECTS = ROOT / "examples" / "kristinehamn_projects.csv"
EQUITY = ROOT / "examples" / "scenario_equity.toml"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
BUDGETS = [50e6, 100e6, 150e6, 200e6]


@pytest.fixture(scope="module")
def example():
    projects, scenario = read_projects(PROJECTS), read_scenario(EQUITY)
    result = solve(projects, scenario)
    assert result.has_portfolio
    return projects, scenario, result


@pytest.fixture(scope="module")
def points(example) -> list[FrontierPoint]:
    projects, scenario, _ = example
    return frontier(projects, scenario, BUDGETS)


def bars(figure: Figure) -> list[BarContainer]:
    return [c for axes in figure.axes for c in axes.containers if isinstance(c, BarContainer)]


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC)
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 0 and height > 0


def assert_svg(path: Path) -> None:
    root = ET.parse(path).getroot()
    assert root.tag.rsplit("}", 1)[-1] == "svg"


def assert_readable(figure: Figure) -> None:
    """Title, axis labels with units, alt text, and no text overlapping other text."""
    assert figure.get_suptitle()
    assert figure.get_layout_engine() is not None
    assert describe(figure) and describe(figure) == figure.get_label()
    renderer = figure.canvas.get_renderer()
    figure.draw_without_rendering()
    for axes in figure.axes:
        labels = [axes.get_xlabel(), axes.get_ylabel()]
        assert any(label.endswith(")") and "(" in label for label in labels), labels  # the unit
        texts = [t for t in (*axes.get_xticklabels(), *axes.get_yticklabels()) if t.get_text()]
        for ticks in (axes.get_xticklabels(), axes.get_yticklabels()):
            boxes = [t.get_window_extent(renderer) for t in ticks if t.get_text() and t.get_visible()]
            for a, b in itertools.pairwise(boxes):
                assert not a.overlaps(b), [t.get_text() for t in ticks]
        assert texts


def check_files(figure: Figure, directory: Path, name: str) -> None:
    assert_png(save(figure, directory / f"{name}.png"))
    assert_svg(save(figure, directory / f"{name}.svg"))


def test_macc_chart(example, tmp_path: Path) -> None:
    projects, scenario, _ = example
    frame = macc(projects, scenario)
    figure = macc_chart(frame)
    assert_readable(figure)
    (container,) = bars(figure)
    assert len(container) == int((frame["abatement_t"] > 0).sum())
    # bars in MACC order, each as wide as its abatement, side by side from 0
    shown = frame[frame["abatement_t"] > 0]
    widths = [b.get_width() for b in container]
    assert widths == pytest.approx(shown["abatement_t"].tolist())
    assert container[0].get_x() == 0
    assert container[-1].get_x() + widths[-1] == pytest.approx(shown["abatement_t"].sum())
    assert "SEK" in figure.axes[0].get_ylabel() and "CO2e" in figure.axes[0].get_xlabel()
    check_files(figure, tmp_path, "macc")


def test_frontier_chart(points, tmp_path: Path) -> None:
    figure = frontier_chart(points)
    assert_readable(figure)
    bend = knee(points)
    assert bend is not None
    assert f"{bend.budget_sek / 1e6:,.1f} MSEK" in describe(figure)
    line = figure.axes[0].get_lines()[0]
    assert list(line.get_xdata()) == pytest.approx([b / 1e6 for b in BUDGETS])
    assert "MSEK" in figure.axes[0].get_xlabel()
    check_files(figure, tmp_path, "frontier")


def test_budget_chart(example, tmp_path: Path) -> None:
    result: Result = example[2]
    figure = budget_chart(result)
    assert_readable(figure)
    (container,) = bars(figure)
    assert len(container) == len(result.budget) == 5
    assert [b.get_height() for b in container] == pytest.approx([r.spend_sek / 1e6 for r in result.budget])
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == [str(r.year) for r in result.budget]
    check_files(figure, tmp_path, "budget")


def test_funding_chart_stacks_who_pays_per_year(tmp_path: Path) -> None:
    plan = solve(read_projects(PROJECTS), read_scenario(ROOT / "examples" / "scenario_plan_2030.toml"))
    figure = funding_chart(plan)
    assert_readable(figure)
    municipal, grants, pools = bars(figure)
    assert [b.get_height() for b in municipal] == pytest.approx([r.spend_sek / 1e6 for r in plan.budget])
    assert [b.get_height() for b in grants] == pytest.approx([r.grant_sek / 1e6 for r in plan.budget])
    assert [b.get_height() for b in pools] == pytest.approx([r.pool_sek / 1e6 for r in plan.budget])
    assert sum(b.get_height() for b in pools) == pytest.approx(plan.pool_sek / 1e6) and plan.pool_sek > 0
    tops = [
        m.get_height() + g.get_height() + p.get_height()
        for m, g, p in zip(municipal, grants, pools, strict=True)
    ]
    assert tops == pytest.approx([r.cost_sek / 1e6 for r in plan.budget])
    assert "Funding plan" in describe(figure)
    check_files(figure, tmp_path, "funding")


def test_district_chart(example, tmp_path: Path) -> None:
    result: Result = example[2]
    figure = district_chart(result)
    assert_readable(figure)
    money, reduction = figure.axes
    districts = {s.district or "(none)" for s in result.selected}
    assert {t.get_text() for t in money.get_yticklabels()} == districts
    tonnes = [b.get_width() for c in reduction.containers for b in c]
    assert sum(tonnes) == pytest.approx(sum(s.abatement_t for s in result.selected))
    check_files(figure, tmp_path, "district")


def test_district_none_and_empty(example) -> None:
    result: Result = example[2]
    first = result.selected[0].model_copy(update={"district": None})
    figure = district_chart(result.model_copy(update={"selected": [first, *result.selected[1:]]}))
    assert "(none)" in {t.get_text() for t in figure.axes[0].get_yticklabels()}
    empty = district_chart(result.model_copy(update={"selected": []}))
    assert "No project is funded" in describe(empty)


def test_svg_words_are_text_and_the_setting_is_not_global(example) -> None:
    """Words as <text>, not glyphs drawn as paths: a screen reader, a search and a test read them."""
    before = matplotlib.rcParams["svg.fonttype"]
    svg = render(budget_chart(example[2]), "svg").decode("utf-8")
    assert matplotlib.rcParams["svg.fonttype"] == before
    assert 'id="DejaVuSans-' not in svg
    root = ET.fromstring(svg)
    words = {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Budget year", "Municipal cost (MSEK)", "2026"} <= words


def test_save_refuses_other_formats(example, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="png or .svg"):
        save(budget_chart(example[2]), tmp_path / "chart.pdf")


def test_no_pyplot() -> None:
    """Server- and thread-safe: the object API only, never pyplot's global state."""
    import optimizer.reporting.charts

    source = Path(optimizer.reporting.charts.__file__).read_text(encoding="utf-8").splitlines()
    assert not [line for line in source if "import" in line and "pyplot" in line]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *args],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_solve_plot_keeps_json_pure(tmp_path: Path) -> None:
    out = tmp_path / "charts" / "solve"  # created, parents too
    done = run_cli(
        "solve",
        "--projects",
        str(PROJECTS),
        "--scenario",
        str(EQUITY),
        "--format",
        "json",
        "--plot",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "optimal"
    for name in ("budget", "funding", "district", "macc"):
        assert_png(out / f"{name}.png")
        assert_svg(out / f"{name}.svg")
        assert str(out / f"{name}.png") in done.stderr


def test_frontier_plot_keeps_json_pure(tmp_path: Path) -> None:
    done = run_cli(
        "frontier",
        "--projects",
        str(PROJECTS),
        "--scenario",
        str(EQUITY),
        "--budgets",
        "50e6,100e6,150e6",
        "--format",
        "json",
        "--plot",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 3
    assert_png(tmp_path / "frontier.png")
    assert_svg(tmp_path / "frontier.svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frontier.png", "frontier.svg"]


QUANTILES = {"p10": 90.0, "p50": 100.0, "p90": 110.0}
FREQUENCY = {"A": 1.0, "B": 0.3, "C": 0.0, "D": 0.7}
STUDY = {  # an UncertaintyStudy.to_dict() of 10 draws, written out
    "abatement_t": QUANTILES,
    "probability_within_budget": 0.25,
    "probability_target_met": 0.4,
    "selection_frequency": FREQUENCY,
    "point": {
        "status": "optimal",
        "objective": "lifetime",
        "objective_value_t": 100.0,
        "abatement_t": 100.0,
        "municipal_cost_sek": 1e6,
        "selected": [{"id": "A", "fraction": 1.0}, {"id": "B", "fraction": 1.0}],
    },
    "evaluation": {
        "objective": "lifetime",
        "abatement_t": QUANTILES,
        "abatement_mean_t": 100.0,
        "cost_sek": {"p10": 0.9e6, "p50": 1e6, "p90": 1.1e6},
        "cost_mean_sek": 1e6,
        "probability_within_budget": 0.25,
        "probability_within_budget_by_year": {"total": 0.25},
        "overrun_sek": {"p10": 0.0, "p50": 0.0, "p90": 1e5},
        "probability_target_met": 0.4,
        "target_t": 104.0,
        "target_kind": "min_cost_for_t",
        "target_year": None,
        "draws": 10,
    },
    "reoptimisation": {
        "selection_frequency": FREQUENCY,
        "abatement_t": {"p10": 95.0, "p50": 104.0, "p90": 112.0},
        "status_counts": {"optimal": 10},
        "draws": 10,
    },
    "robust": None,
    "histogram": {"edges_t": [80.0, 100.0, 120.0], "point_portfolio": [3, 7], "best_achievable": [2, 8]},
    "draws": 10,
    "seed": 1,
    "distribution": "pert",
    "sector_correlation": 0.0,
    "executor": "serial",
    "timings": {},
    "notes": [],
}


def test_uncertainty_chart_says_what_the_draws_show() -> None:
    figure = uncertainty_chart(STUDY)
    alt = describe(figure)
    assert "over 10 draws" in alt and "P10 90 t, median 100 t, P90 110 t" in alt
    assert "within every budget in 25% of the draws" in alt and "target of 104 t is met in 40%" in alt
    [axes] = figure.axes
    [bars] = [c for c in axes.containers if isinstance(c, BarContainer)]
    assert [b.get_height() for b in bars] == [3, 7]
    assert any(line.get_xdata()[0] == 104.0 for line in axes.lines)  # the target line
    no_portfolio = describe(uncertainty_chart({**STUDY, "histogram": None}))
    assert no_portfolio.startswith("No uncertainty chart")


def test_robustness_chart_keeps_every_point_project_and_orders_by_frequency() -> None:
    figure = robustness_chart(STUDY)
    [axes] = figure.axes
    assert [t.get_text() for t in axes.get_yticklabels()] == ["A", "D", "B"]  # C: never chosen, not funded
    assert "Funded at the point estimates but chosen in under half of the draws: B." in describe(figure)
    assert describe(robustness_chart({**STUDY, "selection_frequency": None})).startswith(
        "No robustness chart"
    )
