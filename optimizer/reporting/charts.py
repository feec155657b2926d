"""Charts for planners: the MACC, the budget frontier, budget use per year, spend per district,
the emissions pathway against the target, and an uncertainty study's distribution and robustness.

Matplotlib's object API only (`matplotlib.figure.Figure` with an Agg canvas, never `pyplot`): no
global figure state, no GUI backend, so the functions are safe in a server and in threads. Each
chart function returns a `Figure`; `save(figure, path)` writes it as PNG or SVG (by the suffix),
`render(figure, fmt)` gives the file's bytes. An SVG keeps its words as text (`<text>` elements), so
that a screen reader, a search and a test can read them.

Language: every chart function takes `lang` ("en", the default, or "sv"); every word it draws and its
alt text are then in that language (the texts are in `optimizer.reporting.chart_texts`), numbers are written
the reader's way (`optimizer.reporting.language.format_number`: Swedish `1 234,5` and `12,5 %`, English
`1,234.5` and `12.5%`; years without a thousands separator) and sector codes by name.

Alt text: every figure carries a plain-language description of what it shows, for the `alt`
attribute of an HTML report; read it with `describe(figure)` (it is stored as the figure's label,
so `figure.get_label()` gives the same string). `save` also writes it into the file's metadata
(`Description`) with the chart's title (`Title`).
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from models import Pathway, Result
from models.uncertainty import StudySummary, UncertaintyStudy
from optimizer.analysis.curves import FrontierPoint, knee
from optimizer.reporting.chart_texts import TEXTS
from optimizer.reporting.language import check_language, format_number, sector_name

__all__ = [
    "budget_chart",
    "describe",
    "district_chart",
    "frontier_chart",
    "funding_chart",
    "macc_chart",
    "pathway_chart",
    "render",
    "robustness_chart",
    "save",
    "uncertainty_chart",
]

FORMATS = {".png": "png", ".svg": "svg"}
DPI = 150
# A colour-blind-safe palette (Okabe–Ito), one colour per sector in order of first appearance.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
SPEND, BUDGET, GRANT, POOL = "#0072B2", "#D55E00", "#9ECAE1", "#009E73"
TITLE_SIZE = 13
BAR_LABEL_CHARS = 40  # a robustness bar's label: the project's name, cut to fit beside the bars
NOTE_NAME_CHARS = 30  # a project's name in the MACC's note of the bars off the scale
# how a scenario's objective (`Scenario.objective_label`) counts its tonnes: the measure it starts with,
# also inside min_cost_for_t; net_benefit values the reductions over each measure's life
_MEASURE = re.compile(r"^(?:min_cost_for_t \S+ \()?(?:(lifetime|annual|net_benefit)|cumulative_to (\d+))")


class _Words:
    """The chart texts and number formats of one language."""

    def __init__(self, lang: str) -> None:
        check_language(lang)
        self.lang = lang
        self.texts = TEXTS[lang]

    def __call__(self, key: str, **values: object) -> str:
        return self.texts[key].format(**values)

    def number(self, value: float, decimals: int = 0) -> str:
        return format_number(value, lang=self.lang, decimals=decimals)

    def tonnes(self, value: float) -> str:
        return self.number(value)

    def msek(self, sek: float) -> str:
        """Kronor as millions with one decimal, the unit ("MSEK", "miljoner kr") left to the text."""
        return self.number(sek / 1e6, 1)

    def percent(self, share: float, decimals: int = 0) -> str:
        """A share (0.25) as a percentage: English "25%", Swedish "25 %" (a no-break space)."""
        return self("percent", value=self.number(100 * share, decimals))

    def sector(self, code: object) -> str:
        return sector_name(code, lang=self.lang)

    def measure(self, objective: str) -> str:
        """How the objective counts its tonnes (`lifetime`, `annual`, up to a year), as the reader says
        it; an objective of another form as written."""
        match = _MEASURE.match(objective)
        if match is None:
            return objective
        if match[2] is not None:
            return self("measure_cumulative", year=match[2])
        return self("measure_annual" if match[1] == "annual" else "measure_lifetime")


class _Ticks(FuncFormatter):
    """Tick labels in the reader's number format (with `percent`, as percentages of an axis in 0–100);
    all ticks of an axis get the same decimals, as few as the ticks need (0,0 2,5 5,0 7,5)."""

    def __init__(self, words: _Words, *, percent: bool = False) -> None:
        super().__init__(self._label)
        self._words = words
        self._percent = percent
        self._decimals: int | None = None

    def format_ticks(self, values: list[float]) -> list[str]:
        self._decimals = _decimals(values)
        try:
            return super().format_ticks(values)
        finally:
            self._decimals = None

    def _label(self, value: float, _position: int | None = None) -> str:
        decimals = self._decimals if self._decimals is not None else _decimals([value])
        if self._percent:
            return self._words.percent(value / 100, decimals)
        return self._words.number(value, decimals)


def _decimals(values: Sequence[float], most: int = 3) -> int:
    """The fewest decimals (up to `most`) that write every value exactly."""
    for decimals in range(most):
        if all(abs(round(float(v), decimals) - float(v)) <= 1e-9 * max(1.0, abs(float(v))) for v in values):
            return decimals
    return most


# years as years: 2030, never "2,030" or "2 030"
_years = FuncFormatter(lambda value, _position=None: f"{value:.0f}")


def _figure(width: float, height: float, alt: str) -> Figure:
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.set_layout_engine("constrained")
    figure.set_label(alt)
    return figure


def _title(figure: Figure, title: str) -> None:
    """The chart's title, wrapped to the figure's width (a Swedish title, a long scenario name)."""
    width_pt = figure.get_figwidth() * 72
    chars = max(20, int(width_pt / (0.6 * TITLE_SIZE)))  # DejaVu Sans: about 0.6 em a character
    figure.suptitle(textwrap.fill(title, chars, break_long_words=False), fontsize=TITLE_SIZE)


def _shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _name(pid: str, names: Mapping[str, str] | None) -> str:
    """A project's name where `names` gives one, else its id."""
    name = (names or {}).get(pid)
    return str(name) if name else pid


def _bar_label(pid: str, names: Mapping[str, str] | None) -> str:
    """A bar's label: the project's name, shortened to fit, with its id in parentheses when there is
    room; the id alone without a name."""
    name = _name(pid, names)
    if name == pid:
        return pid
    room = BAR_LABEL_CHARS - len(pid) - 3
    return f"{_shorten(name, room)} ({pid})" if room >= 16 else _shorten(name, BAR_LABEL_CHARS)


def describe(figure: Figure) -> str:
    """The figure's alt text: what the chart shows, in a sentence or two, for a report's `alt`."""
    return cast(str, figure.get_label())  # the alt text `_figure` sets as the label


def save(figure: Figure, path: str | Path) -> Path:
    """Write `figure` to `path` as PNG or SVG, chosen by the suffix (`.png`, `.svg`); returns the path.

    Raises ValueError for any other suffix."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"{path}: a chart is written as .png or .svg, not {path.suffix or 'no suffix'!r}")
    path.write_bytes(render(figure, fmt))
    return path


def render(figure: Figure, fmt: str) -> bytes:
    """`figure` as the bytes of a `png` or `svg` file, with the title and alt text in its metadata.

    An SVG keeps its words as `<text>` (not glyphs drawn as paths): readable by a screen reader, a
    search and a test, and selectable in a browser."""
    if fmt not in FORMATS.values():
        raise ValueError(f"a chart is rendered as png or svg, not {fmt!r}")
    title = " ".join(figure.get_suptitle().split())
    metadata: dict[str, str | None] = {"Title": title, "Description": describe(figure)}
    if fmt == "svg":
        metadata["Date"] = None  # reproducible files
        metadata["Creator"] = None  # no program name and version in what a reader is given
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata)
    return buffer.getvalue()


def _empty(axes, message: str) -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes, fontsize=11)
    axes.set_xticks([])
    axes.set_yticks([])


# ------------------------------------------------------------------------------------------


def macc_chart(
    macc_frame: pd.DataFrame,
    *,
    title: str | None = None,
    per_t: str = "sek_per_t",
    names: Mapping[str, str] | None = None,
    lang: str = "en",
) -> Figure:
    """The MACC of `optimizer.analysis.curves.macc(...)`: one bar per project with abatement, in the frame's
    (cheapest tonne first) order; width = `abatement_t`, height = the `per_t` column (`sek_per_t`, or
    `lifecycle_sek_per_t` for the lifecycle curve, where measures that save money go below zero),
    coloured by sector. Projects with zero abatement have no cost per tonne and are left out.

    `names` (id → project name) names the projects in the alt text and the note of bars off the scale;
    without it they are named by id."""
    w = _Words(lang)
    frame = macc_frame[macc_frame["abatement_t"] > 0]
    frame = frame[np.isfinite(frame[per_t].to_numpy(dtype=float))]
    total = float(frame["abatement_t"].sum())
    left_out = len(macc_frame) - len(frame)
    lifecycle = per_t == "lifecycle_sek_per_t"
    alt = w(
        "macc_alt",
        count=w.number(len(frame)),
        total=w.tonnes(total),
        height=w("macc_alt_height_lifecycle" if lifecycle else "macc_alt_height"),
    )
    if len(frame):
        cheapest, dearest = frame.iloc[0], frame.iloc[-1]
        alt += w(
            "macc_alt_range",
            low=w.number(cheapest[per_t]),
            low_name=_name(str(cheapest["id"]), names),
            high=w.number(dearest[per_t]),
            high_name=_name(str(dearest["id"]), names),
        )
    alt += "." + (w("macc_alt_left_out", count=w.number(left_out)) if left_out else "")
    figure = _figure(10, 5.5, alt)
    axes = figure.add_subplot()
    _title(figure, title or w("macc_title"))
    if frame.empty:
        _empty(axes, w("macc_empty"))
        return figure

    widths = frame["abatement_t"].to_numpy(dtype=float)
    heights = frame[per_t].to_numpy(dtype=float)
    lefts = np.concatenate([[0.0], np.cumsum(widths)[:-1]])
    sectors = [w.sector(s) for s in frame["sector"]]
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(dict.fromkeys(sectors))}
    # A few dear tonnes would flatten the curve: the y axis stops at twice the cost per tonne below
    # which 99 % of the tonnes lie; taller bars are cut there, hatched, and listed in a note.
    order = np.argsort(heights, kind="mergesort")
    reached = np.cumsum(widths[order]) / total
    cap = 2.0 * float(heights[order][min(np.searchsorted(reached, 0.99), len(order) - 1)])
    clipped = heights > cap if 0 < cap < float(heights.max()) else np.zeros(len(heights), dtype=bool)
    top = cap if clipped.any() else float(heights.max())
    bars = axes.bar(
        lefts,
        np.where(clipped, top, heights),
        width=widths,
        align="edge",
        color=[colour[s] for s in sectors],
        edgecolor="white",
        linewidth=0.4,
    )
    if clipped.any():
        for bar, cut in zip(bars, clipped, strict=True):
            if cut:
                bar.set_hatch("////")
                bar.set_edgecolor("black")
        dear = [
            w("macc_off_scale_item", name=_shorten(_name(str(i), names), NOTE_NAME_CHARS), value=w.number(h))
            for i, h in zip(frame["id"][clipped], heights[clipped], strict=True)
        ]
        shown = dear[:6] + ([w("more", count=w.number(len(dear) - 6))] if len(dear) > 6 else [])
        axes.text(
            0.99,
            0.97,
            w("macc_off_scale") + "\n" + "\n".join(shown),
            transform=axes.transAxes,
            ha="right",
            va="top",
            fontsize=8,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.7"},
        )
        alt += w("macc_alt_cut", top=w.number(top), count=w.number(len(dear)))
        figure.set_label(alt)
    for sector, shade in colour.items():  # legend handles without adding bars
        axes.scatter([], [], marker="s", s=60, color=shade, label=sector)
    axes.legend(title=w("macc_sector"), loc="upper left", fontsize=9, title_fontsize=9, frameon=False)
    axes.set_xlim(0, total)
    axes.set_ylim(min(0.0, float(heights.min()) * 1.05), max(top, 0.0) * 1.05 or 1.0)
    axes.set_xlabel(w("macc_xlabel"))
    axes.set_ylabel(w("macc_ylabel_lifecycle" if lifecycle else "macc_ylabel"))
    if lifecycle:
        axes.axhline(0.0, color="0.3", linewidth=0.8)
    axes.xaxis.set_major_formatter(_Ticks(w))
    axes.yaxis.set_major_formatter(_Ticks(w))
    axes.grid(axis="y", linewidth=0.4, alpha=0.5)
    axes.set_axisbelow(True)
    return figure


def frontier_chart(points: Sequence[FrontierPoint], *, title: str | None = None, lang: str = "en") -> Figure:
    """Best tCO2e against total budget (MSEK) for the points of `optimizer.analysis.curves.frontier`, with the
    knee (`optimizer.analysis.curves.knee`) marked. Points without a portfolio are left out."""
    w = _Words(lang)
    usable = sorted(
        (p for p in points if p.has_portfolio and p.objective_value_t is not None), key=lambda p: p.budget_sek
    )
    bend = knee(points)
    alt = w("frontier_alt", count=w.number(len(usable)))
    if usable:
        alt += w(
            "frontier_alt_range",
            low_t=w.tonnes(_objective_t(usable[0])),
            low_msek=w.msek(usable[0].budget_sek),
            high_t=w.tonnes(_objective_t(usable[-1])),
            high_msek=w.msek(usable[-1].budget_sek),
        )
    alt += "."
    if bend is not None:
        alt += w("frontier_alt_knee", msek=w.msek(bend.budget_sek), t=w.tonnes(_objective_t(bend)))
    missing = len(points) - len(usable)
    if missing:
        alt += w("frontier_alt_missing", count=w.number(missing))
    figure = _figure(8, 5, alt)
    axes = figure.add_subplot()
    _title(figure, title or w("frontier_title"))
    if not usable:
        _empty(axes, w("frontier_empty"))
        return figure
    x = [p.budget_sek / 1e6 for p in usable]
    y = [_objective_t(p) for p in usable]
    axes.plot(x, y, marker="o", color=SPEND, linewidth=1.8, markersize=5, label=w("frontier_line"))
    if bend is not None:
        axes.plot(
            [bend.budget_sek / 1e6],
            [_objective_t(bend)],
            marker="o",
            markersize=12,
            markerfacecolor="none",
            markeredgecolor=BUDGET,
            markeredgewidth=2,
            linestyle="none",
            label=w("frontier_knee_legend", msek=w.msek(bend.budget_sek)),
        )
        axes.annotate(
            w("frontier_knee"),
            (bend.budget_sek / 1e6, bend.objective_value_t),
            xytext=(12, -18),
            textcoords="offset points",
            color=BUDGET,
            fontsize=10,
        )
    axes.set_xlabel(w("frontier_xlabel"))
    axes.set_ylabel(w("frontier_ylabel"))
    axes.xaxis.set_major_formatter(_Ticks(w))
    axes.yaxis.set_major_formatter(_Ticks(w))
    axes.set_ylim(bottom=0)
    axes.grid(linewidth=0.4, alpha=0.5)
    axes.legend(loc="lower right", fontsize=9, frameon=False)
    return figure


def _objective_t(point: FrontierPoint) -> float:
    """The tonnes of a frontier point drawn: only points with a portfolio and an objective are (the knee
    is one of them)."""
    assert point.objective_value_t is not None, "only points with an objective are drawn"
    return point.objective_value_t


def budget_chart(result: Result, *, title: str | None = None, lang: str = "en") -> Figure:
    """Spend per budget year (bars, MSEK) against the year's budget (markers), from `result.budget`:
    one bar per budget row (one, labelled "all years", for a single total budget)."""
    w = _Words(lang)
    rows = list(result.budget)
    labels = [w("all_years") if r.year is None else str(r.year) for r in rows]
    spend = np.array([r.spend_sek for r in rows], dtype=float)
    budget = np.array([r.budget_sek for r in rows], dtype=float)
    parts = [
        w("budget_alt_part", period=label, spend=w.msek(s), budget=w.msek(b))
        for label, s, b in zip(labels, spend, budget, strict=True)
    ]
    alt = w("budget_alt", count=w.number(len(rows))) + (
        "; ".join(parts) + "." if parts else w("budget_alt_none")
    )
    figure = _figure(max(5.0, 1.1 * len(rows) + 3), 4.5, alt)
    axes = figure.add_subplot()
    _title(figure, title or w("budget_title"))
    if not rows:
        _empty(axes, w("no_budget"))
        return figure
    spend, budget = spend / 1e6, budget / 1e6
    positions = np.arange(len(rows))
    bars = axes.bar(positions, spend, width=0.6, color=SPEND, label=w("budget_spent"))
    axes.scatter(
        positions,
        budget,
        marker="_",
        s=1800 / max(1, len(rows)) ** 0.5,
        linewidths=2.5,
        color=BUDGET,
        label=w("budget_budget"),
        zorder=3,
    )
    top = max(float(np.max(budget, initial=0)), float(np.max(spend, initial=0)), 1e-9) * 1.18
    for bar, s, b in zip(bars, spend, budget, strict=True):
        inside = s > 0.1 * top  # the share inside a tall bar, above a short one
        axes.annotate(
            w.percent(s / b) if b > 0 else "",
            (bar.get_x() + bar.get_width() / 2, s),
            xytext=(0, -12 if inside else 8),
            textcoords="offset points",
            ha="center",
            va="center",
            color="white" if inside else "black",
            fontsize=8,
        )
    axes.set_xticks(positions, labels)
    axes.set_xlabel(w("budget_year"))
    axes.set_ylabel(w("budget_ylabel"))
    axes.yaxis.set_major_formatter(_Ticks(w))
    axes.set_ylim(0, top)
    axes.grid(axis="y", linewidth=0.4, alpha=0.5)
    axes.set_axisbelow(True)
    axes.legend(loc="upper left", ncols=2, fontsize=9, frameon=False, markerscale=0.5)
    return figure


def funding_chart(result: Result, *, title: str | None = None, lang: str = "en") -> Figure:
    """The funding plan: each budget period's investment (MSEK) stacked by who pays it — the municipal
    budget, grants in the project list, funding pools — with the municipal budget marked, from
    `result.budget`."""
    w = _Words(lang)
    rows = list(result.budget)
    labels = [w("all_years") if r.year is None else str(r.year) for r in rows]
    municipal = np.array([r.spend_sek for r in rows], dtype=float)
    grants = np.array([r.grant_sek for r in rows], dtype=float)
    pools = np.array([r.pool_sek for r in rows], dtype=float)
    budget = np.array([r.budget_sek for r in rows], dtype=float)
    parts = [
        w(
            "funding_alt_part",
            period=label,
            total=w.msek(m + g + p),
            municipal=w.msek(m),
            budget=w.msek(b),
            grants=w.msek(g),
            pools=w.msek(p),
        )
        for label, m, g, p, b in zip(labels, municipal, grants, pools, budget, strict=True)
    ]
    alt = w("funding_alt", parts="; ".join(parts)) if rows else w("funding_alt_none")
    figure = _figure(max(5.0, 1.1 * len(rows) + 3), 4.5, alt)
    axes = figure.add_subplot()
    _title(figure, title or w("funding_title"))
    if not rows:
        _empty(axes, w("no_budget"))
        return figure
    municipal, grants, pools, budget = municipal / 1e6, grants / 1e6, pools / 1e6, budget / 1e6
    positions = np.arange(len(rows))
    axes.bar(positions, municipal, width=0.6, color=SPEND, label=w("funding_municipal"))
    axes.bar(positions, grants, width=0.6, bottom=municipal, color=GRANT, label=w("grants"))
    axes.bar(positions, pools, width=0.6, bottom=municipal + grants, color=POOL, label=w("funding_pools"))
    axes.scatter(positions, budget, marker="_", s=1800 / max(1, len(rows)) ** 0.5, linewidths=2.5,
                 color=BUDGET, label=w("funding_limit"), zorder=3)  # fmt: skip
    top = max(float(np.max(municipal + grants + pools, initial=0)), float(np.max(budget, initial=0)), 1e-9)
    axes.set_xticks(positions, labels)
    axes.set_xlabel(w("budget_year"))
    axes.set_ylabel(w("investment_msek"))
    axes.yaxis.set_major_formatter(_Ticks(w))
    axes.set_ylim(0, top * 1.25)
    axes.grid(axis="y", linewidth=0.4, alpha=0.5)
    axes.set_axisbelow(True)
    axes.legend(loc="upper left", ncols=2, fontsize=9, frameon=False, markerscale=0.5)
    return figure


def district_chart(result: Result, *, title: str | None = None, lang: str = "en") -> Figure:
    """Spend (MSEK: municipal cost, plus grants stacked on it) and abatement (t CO2e, the objective's
    measure) per district of the funded projects, two panels side by side, largest spend first.
    Projects without a district are counted under "(none)" ("(inget område)" in Swedish)."""
    w = _Words(lang)
    municipal: dict[str, float] = {}
    grant: dict[str, float] = {}
    tonnes: dict[str, float] = {}
    for s in result.selected:
        district = s.district if s.district not in (None, "") else w("district_none")
        municipal[district] = municipal.get(district, 0.0) + s.municipal_cost_sek
        grant[district] = grant.get(district, 0.0) + (s.cost_sek - s.municipal_cost_sek)
        tonnes[district] = tonnes.get(district, 0.0) + s.abatement_t
    districts = sorted(municipal, key=lambda d: (-(municipal[d] + grant[d]), d))
    parts = [
        w("district_alt_part", district=d, msek=w.msek(municipal[d] + grant[d]), t=w.tonnes(tonnes[d]))
        for d in districts
    ]
    alt = w("district_alt", projects=w.number(len(result.selected)), districts=w.number(len(districts))) + (
        "; ".join(parts) + "." if parts else w("district_alt_none")
    )
    figure = _figure(10, max(3.5, 0.42 * len(districts) + 1.8), alt)
    _title(figure, title or w("district_title"))
    money, reduction = figure.subplots(1, 2, sharey=True)
    if not districts:
        _empty(money, w("district_empty"))
        _empty(reduction, w("district_empty"))
        return figure
    positions = np.arange(len(districts))
    own = np.array([municipal[d] for d in districts]) / 1e6
    extra = np.array([grant[d] for d in districts]) / 1e6
    money.barh(positions, own, height=0.65, color=SPEND, label=w("district_municipal"))
    if np.any(extra > 0):
        money.barh(positions, extra, left=own, height=0.65, color=GRANT, label=w("grants"))
    money.set_yticks(positions, districts)
    money.invert_yaxis()
    money.set_xlabel(w("investment_msek"))
    money.set_ylabel(w("district_label"))
    money.xaxis.set_major_formatter(_Ticks(w))
    money.legend(loc="lower right", fontsize=9, frameon=False)
    reduction.barh(positions, [tonnes[d] for d in districts], height=0.65, color="#009E73")
    reduction.set_xlabel(w("district_reduction_xlabel", measure=w.measure(result.objective)))
    reduction.xaxis.set_major_formatter(_Ticks(w))
    reduction.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    reduction.tick_params(axis="y", left=False)
    for axes in (money, reduction):
        axes.grid(axis="x", linewidth=0.4, alpha=0.5)
        axes.set_axisbelow(True)
    return figure


def _target(pathway: Pathway, w: _Words) -> str:
    """The pathway's target in the reader's words, read from its kind and its line (the stored
    `pathway.target` is English)."""
    rows = pathway.years
    at = next(r for r in rows if r.year == pathway.target_year)
    if pathway.target_kind == "net_zero":
        residual = at.target_t / at.baseline_t if at.baseline_t > 0 else 0.0
        if round(residual, 2) > 0:
            return w("target_net_zero_residual", year=at.year, share=w.percent(residual))
        return w("target_net_zero", year=at.year)
    if pathway.target_kind == "points":
        return w("target_points", t=w.tonnes(at.target_t), year=at.year)
    # a yearly rate: the line follows the baseline up to the year it starts from, then falls by the rate
    start = 0
    while start + 1 < len(rows) and math.isclose(
        rows[start + 1].target_t, rows[start + 1].baseline_t, rel_tol=1e-9
    ):
        start += 1
    if start + 1 == len(rows) or rows[start].target_t <= 0:
        return w("target_rate_start", year=rows[start].year)
    rate = 100 * (1 - rows[start + 1].target_t / rows[start].target_t)
    return w("target_rate", rate=w.percent(rate / 100, _decimals([rate], most=2)), year=rows[start].year)


def pathway_chart(pathway: Pathway, *, title: str | None = None, lang: str = "en") -> Figure:
    """Emissions per year (t CO2e) of `optimizer.model.pathway.emissions_pathway`: the baseline without the
    portfolio, the pathway with it and the target line, the years above the target shaded and the gap
    left in the target year marked."""
    w = _Words(lang)
    rows = pathway.years
    years = np.array([r.year for r in rows])
    baseline = np.array([r.baseline_t for r in rows])
    emissions = np.array([r.emissions_t for r in rows])
    target = np.array([r.target_t for r in rows])
    at = next(r for r in rows if r.year == pathway.target_year)
    gap = pathway.gap_at_target_year_t
    goal = _target(pathway, w)
    verdict = (
        w("pathway_verdict_gap", t=w.tonnes(gap)) if gap > 0 else w("pathway_verdict_met", t=w.tonnes(-gap))
    )
    met = (
        w("pathway_met_from", year=pathway.meets_target_from)
        if pathway.meets_target_from is not None
        else w("pathway_ends_above")
    )
    alt = w(
        "pathway_alt",
        first=years[0],
        last=years[-1],
        target=goal,
        baseline=w.tonnes(baseline[0]),
        emissions=w.tonnes(at.emissions_t),
        year=at.year,
        target_t=w.tonnes(at.target_t),
        verdict=verdict,
        met=met,
    ) + w(
        "pathway_alt_over" if pathway.overshoot_t > 0 else "pathway_alt_under",
        total=w.tonnes(pathway.cumulative_emissions_t),
        budget=w.tonnes(pathway.cumulative_target_t),
        excess=w.tonnes(abs(pathway.overshoot_t)),
    )
    figure = _figure(9, 5, alt)
    axes = figure.add_subplot()
    _title(figure, title or w("pathway_title", target=goal))
    axes.plot(years, baseline, color="0.45", linestyle="--", linewidth=1.5, label=w("pathway_baseline"))
    axes.plot(years, emissions, color=SPEND, marker="o", markersize=4, linewidth=2, label=w("pathway_with"))
    axes.plot(years, target, color="#009E73", linewidth=2, label=w("pathway_target", target=goal))
    axes.fill_between(
        years,
        target,
        emissions,
        where=emissions > target,
        interpolate=True,
        color=BUDGET,
        alpha=0.15,
        linewidth=0,
        label=w("pathway_above"),
    )
    axes.annotate(
        "",
        xy=(at.year, at.target_t),
        xytext=(at.year, at.emissions_t),
        arrowprops={"arrowstyle": "<->", "color": BUDGET, "linewidth": 1.5},
    )
    axes.annotate(
        w("pathway_gap", year=at.year, t=w.tonnes(gap)) if gap > 0 else w("pathway_target_met", year=at.year),
        (at.year, (at.target_t + at.emissions_t) / 2),
        xytext=(-8, 0),
        textcoords="offset points",
        ha="right",
        va="center",
        color=BUDGET if gap > 0 else "#009E73",
        fontsize=10,
    )
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis.set_major_formatter(_years)
    axes.yaxis.set_major_formatter(_Ticks(w))
    low = min(0.0, float(np.min([emissions, target])) * 1.05)
    axes.set_ylim(low, max(float(np.max([baseline, emissions, target])) * 1.08, low + 1.0))
    axes.set_xlabel(w("year"))
    axes.set_ylabel(w("pathway_ylabel"))
    axes.grid(linewidth=0.4, alpha=0.5)
    axes.set_axisbelow(True)
    axes.legend(loc="lower left", fontsize=9, frameon=False)
    return figure


def uncertainty_chart(
    study: UncertaintyStudy | StudySummary | Mapping[str, Any], *, title: str | None = None, lang: str = "en"
) -> Figure:
    """The distribution of the point portfolio's reduction over the draws of an uncertainty study (the
    study, its `summary()`, or its `to_dict()` as the API stores it), with the best achievable reduction per draw
    beside it when the study re-optimised, P10/P50/P90 marked, a reduction target (min_cost_for_t) as a line
    and a pathway target's chance in the legend (its target is emissions a year, another axis)."""
    w = _Words(lang)
    summary = StudySummary.of(study)
    histogram, evaluation, quantiles = summary.histogram, summary.evaluation, summary.abatement_t
    measure = w.measure(evaluation.objective if evaluation is not None else summary.point.objective)
    target = evaluation.target_t if evaluation is not None else None
    chance = summary.probability_target_met
    within = summary.probability_within_budget
    if histogram is None or quantiles.p10 is None or quantiles.p50 is None or quantiles.p90 is None:
        figure = _figure(9, 4.5, w("uncertainty_alt_none"))
        _title(figure, title or w("uncertainty_title"))
        _empty(figure.add_subplot(), w("uncertainty_empty"))
        return figure
    edges = np.asarray(histogram.edges_t, dtype=float)
    marks = {"p10": quantiles.p10, "p50": quantiles.p50, "p90": quantiles.p90}
    alt = w(
        "uncertainty_alt",
        measure=measure,
        draws=w.number(summary.draws),
        **{name: w.tonnes(value) for name, value in marks.items()},
    )
    if within is not None:
        alt += w("uncertainty_alt_within", share=w.percent(within))
    target_year = evaluation.target_year if evaluation is not None else None
    # a pathway's target is emissions a year: another axis
    same_axis = target is not None and evaluation is not None and evaluation.target_kind != "pathway"
    if target is not None and chance is not None:
        what = (
            w("uncertainty_alt_target", t=w.tonnes(target))
            if same_axis
            else w("uncertainty_alt_pathway_target", t=w.tonnes(target), year=target_year)
        )
        alt += w("uncertainty_alt_met", what=what, share=w.percent(chance))
    best = histogram.best_achievable
    if best is not None:
        alt += w("uncertainty_alt_best")
    figure = _figure(9, 5, alt)
    axes = figure.add_subplot()
    _title(figure, title or w("uncertainty_title"))
    widths = np.diff(edges)
    axes.bar(
        edges[:-1],
        histogram.point_portfolio,
        width=widths,
        align="edge",
        color=SPEND,
        alpha=0.75,
        label=w("uncertainty_point"),
    )
    if best is not None:
        axes.step(
            edges,
            [*best, best[-1]],
            where="post",
            color="#E69F00",
            linewidth=2,
            label=w("uncertainty_best"),
        )
    # P10 left of its line, the median and P90 right of theirs: close quantiles keep apart labels
    for name, style, side in (("p10", ":", -1), ("p50", "-", 1), ("p90", ":", 1)):
        axes.axvline(marks[name], color="0.2", linestyle=style, linewidth=1.2)
        axes.annotate(
            w(f"uncertainty_{name}"),
            (marks[name], 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3 * side, -12),
            textcoords="offset points",
            ha="left" if side > 0 else "right",
            fontsize=9,
        )
    if target is not None and same_axis:  # same_axis implies a target
        label = (
            w("uncertainty_target")
            if chance is None
            else w("uncertainty_target_met", share=w.percent(chance))
        )
        axes.axvline(target, color=BUDGET, linewidth=2, label=label)
    elif target is not None and chance is not None:
        label = w("uncertainty_pathway_met", year=target_year, share=w.percent(chance))
        axes.plot([], [], " ", label=label)
    axes.xaxis.set_major_formatter(_Ticks(w))
    axes.set_xlabel(w("uncertainty_xlabel", measure=measure))
    axes.set_ylabel(w("uncertainty_ylabel"))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(_Ticks(w))
    axes.grid(axis="y", linewidth=0.4, alpha=0.5)
    axes.set_axisbelow(True)
    figure.legend(loc="outside lower center", ncols=2, fontsize=9, frameon=False)  # clear of the bars
    return figure


def robustness_chart(
    study: UncertaintyStudy | StudySummary | Mapping[str, Any],
    *,
    top: int = 40,
    title: str | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "en",
) -> Figure:
    """Per project, the share of draws in which the re-optimised portfolio funds it (an uncertainty
    study's `selection_frequency`), projects of the point portfolio marked: near 100 % is a safe choice,
    near 0 % a safe omission, in between a choice that depends on the uncertain figures. Every project
    of the point portfolio, and others chosen in some draw up to `top` bars, most often chosen first.

    `names` (id → project name) labels the bars (a long name shortened with "…", the id in parentheses
    after it) and names the projects in the alt text; without it they are labelled by id."""
    w = _Words(lang)
    summary = StudySummary.of(study)
    frequency = summary.selection_frequency
    point = {s.id for s in summary.point.selected}
    if not frequency:
        figure = _figure(9, 4.5, w("robustness_alt_none"))
        _title(figure, title or w("robustness_title"))
        _empty(figure.add_subplot(), w("robustness_empty"))
        return figure
    others = sorted(
        ((pid, share) for pid, share in frequency.items() if share > 0 and pid not in point),
        key=lambda item: (-item[1], item[0]),
    )[: max(top - len(point), 0)]
    shown = sorted(
        [(pid, frequency.get(pid, 0.0)) for pid in point] + others, key=lambda item: (-item[1], item[0])
    )
    always = sum(1 for _, share in frequency.items() if share >= 0.99)
    uncertain = [pid for pid, share in frequency.items() if 0.1 < share < 0.9]
    alt = w(
        "robustness_alt",
        draws=w.number(summary.draws),
        always=w.number(always),
        high=w.percent(0.99),
        uncertain=w.number(len(uncertain)),
        p10=w.percent(0.1),
        p90=w.percent(0.9),
    )
    left_out = sorted(pid for pid in point if frequency.get(pid, 0.0) < 0.5)
    if left_out:
        alt += w("robustness_alt_left_out", projects=", ".join(_name(pid, names) for pid in left_out))
    figure = _figure(9, max(3.0, 0.22 * len(shown) + 1.2), alt)
    axes = figure.add_subplot()
    _title(figure, title or w("robustness_title"))
    ids = [pid for pid, _ in shown]
    shares = np.array([share for _, share in shown]) * 100
    colours = [SPEND if pid in point else "0.65" for pid in ids]
    axes.barh(np.arange(len(ids)), shares, color=colours)
    axes.set_yticks(np.arange(len(ids)), [_bar_label(pid, names) for pid in ids], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.xaxis.set_major_formatter(_Ticks(w, percent=True))
    axes.set_xlabel(w("robustness_xlabel"))
    axes.grid(axis="x", linewidth=0.4, alpha=0.5)
    axes.set_axisbelow(True)
    figure.legend(  # below the axes, clear of the bars
        handles=[
            Patch(color=SPEND, label=w("robustness_funded")),
            Patch(color="0.65", label=w("robustness_not")),
        ],
        loc="outside lower center",
        ncols=2,
        fontsize=9,
        frameon=False,
    )
    return figure
