"""Charts for planners: the MACC, the budget frontier, budget use per year, spend per district,
the emissions pathway against the target, and an uncertainty study's distribution and robustness.

Matplotlib's object API only (`matplotlib.figure.Figure` with an Agg canvas, never `pyplot`): no
global figure state, no GUI backend, so the functions are safe in a server and in threads. Each
chart function returns a `Figure`; `save(figure, path)` writes it as PNG or SVG (by the suffix),
`render(figure, fmt)` gives the file's bytes. An SVG keeps its words as text (`<text>` elements), so
that a screen reader, a search and a test can read them.

Alt text: every figure carries a plain-language description of what it shows, for the `alt`
attribute of an HTML report; read it with `describe(figure)` (it is stored as the figure's label,
so `figure.get_label()` gives the same string). `save` also writes it into the file's metadata
(`Description`) with the chart's title (`Title`).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from models import Pathway, Result
from optimizer.analysis import FrontierPoint, knee

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
NO_DISTRICT = "(none)"
# A colour-blind-safe palette (Okabe–Ito), one colour per sector in order of first appearance.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
SPEND, BUDGET, GRANT, POOL = "#0072B2", "#D55E00", "#9ECAE1", "#009E73"

_thousands = FuncFormatter(lambda value, _=None: f"{value:,.0f}".replace(",", "\u2009"))


def _figure(width: float, height: float, alt: str) -> Figure:
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.set_layout_engine("constrained")
    figure.set_label(alt)
    return figure


def describe(figure: Figure) -> str:
    """The figure's alt text: what the chart shows, in a sentence or two, for a report's `alt`."""
    return figure.get_label()


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
    metadata: dict[str, str | None] = {"Title": figure.get_suptitle(), "Description": describe(figure)}
    if fmt == "svg":
        metadata["Date"] = None  # reproducible files
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata)
    return buffer.getvalue()


def _msek(value: float) -> str:
    return f"{value / 1e6:,.1f}"


def _tonnes(value: float) -> str:
    return f"{value:,.0f}"


def _empty(axes, message: str) -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes, fontsize=11)
    axes.set_xticks([])
    axes.set_yticks([])


# ------------------------------------------------------------------------------------------


def macc_chart(
    macc_frame: pd.DataFrame, *, title: str = "Marginal abatement cost curve", per_t: str = "sek_per_t"
) -> Figure:
    """The MACC of `optimizer.analysis.macc(...)`: one bar per project with abatement, in the frame's
    (cheapest tonne first) order; width = `abatement_t`, height = the `per_t` column (`sek_per_t`, or
    `lifecycle_sek_per_t` for the lifecycle curve, where measures that save money go below zero),
    coloured by sector. Projects with zero abatement have no cost per tonne and are left out."""
    frame = macc_frame[macc_frame["abatement_t"] > 0]
    frame = frame[np.isfinite(frame[per_t].to_numpy(dtype=float))]
    total = float(frame["abatement_t"].sum())
    left_out = len(macc_frame) - len(frame)
    alt = (
        f"Marginal abatement cost curve of {len(frame)} projects: bars from the cheapest tonne to the "
        f"dearest, each as wide as the project's abatement (in all {_tonnes(total)} t CO2e) and as high "
        + (
            "as its lifecycle cost per tonne (investment and operation over its life, discounted; below "
            "zero the measure pays for itself)"
            if per_t == "lifecycle_sek_per_t"
            else "as its cost per tonne"
        )
    )
    if len(frame):
        cheapest, dearest = frame.iloc[0], frame.iloc[-1]
        alt += (
            f", from {_tonnes(cheapest[per_t])} SEK/t ({cheapest['id']}) "
            f"to {_tonnes(dearest[per_t])} SEK/t ({dearest['id']})"
        )
    alt += "." + (f" {left_out} project(s) without abatement are not shown." if left_out else "")
    figure = _figure(10, 5.5, alt)
    axes = figure.add_subplot()
    figure.suptitle(title, fontsize=13)
    if frame.empty:
        _empty(axes, "No project has any abatement")
        return figure

    widths = frame["abatement_t"].to_numpy(dtype=float)
    heights = frame[per_t].to_numpy(dtype=float)
    lefts = np.concatenate([[0.0], np.cumsum(widths)[:-1]])
    sectors = list(dict.fromkeys(frame["sector"].astype(str)))
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sectors)}
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
        color=[colour[s] for s in frame["sector"].astype(str)],
        edgecolor="white",
        linewidth=0.4,
    )
    if clipped.any():
        for bar, cut in zip(bars, clipped, strict=True):
            if cut:
                bar.set_hatch("////")
                bar.set_edgecolor("black")
        dear = [
            f"{i}: {_thousands(h)} SEK/t" for i, h in zip(frame["id"][clipped], heights[clipped], strict=True)
        ]
        shown = dear[:6] + ([f"… and {len(dear) - 6} more"] if len(dear) > 6 else [])
        axes.text(
            0.99,
            0.97,
            "Off the scale (hatched):\n" + "\n".join(shown),
            transform=axes.transAxes,
            ha="right",
            va="top",
            fontsize=8,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.7"},
        )
        alt += f" The y axis stops at {_tonnes(top)} SEK/t; {len(dear)} dearer project(s) are cut there."
        figure.set_label(alt)
    for sector in sectors:  # legend handles without adding bars
        axes.scatter([], [], marker="s", s=60, color=colour[sector], label=sector)
    axes.legend(title="sector", loc="upper left", fontsize=9, title_fontsize=9, frameon=False)
    axes.set_xlim(0, total)
    axes.set_ylim(min(0.0, float(heights.min()) * 1.05), max(top, 0.0) * 1.05 or 1.0)
    axes.set_xlabel("Cumulative abatement (t CO2e)")
    lifecycle = per_t == "lifecycle_sek_per_t"
    axes.set_ylabel(f"{'Lifecycle cost' if lifecycle else 'Cost'} per tonne (SEK/t CO2e)")
    if lifecycle:
        axes.axhline(0.0, color="0.3", linewidth=0.8)
    axes.xaxis.set_major_formatter(_thousands)
    axes.yaxis.set_major_formatter(_thousands)
    axes.grid(axis="y", linewidth=0.4, alpha=0.5)
    axes.set_axisbelow(True)
    return figure


def frontier_chart(points: Sequence[FrontierPoint], *, title: str = "Budget frontier") -> Figure:
    """Best tCO2e against total budget (MSEK) for the points of `optimizer.analysis.frontier`, with the
    knee (`optimizer.analysis.knee`) marked. Points without a portfolio are left out."""
    usable = sorted(
        (p for p in points if p.has_portfolio and p.objective_value_t is not None), key=lambda p: p.budget_sek
    )
    bend = knee(points)
    alt = f"Budget frontier: the best reduction in t CO2e for {len(usable)} total budget(s)"
    if usable:
        alt += (
            f", from {_tonnes(usable[0].objective_value_t)} t at {_msek(usable[0].budget_sek)} MSEK "
            f"to {_tonnes(usable[-1].objective_value_t)} t at {_msek(usable[-1].budget_sek)} MSEK"
        )
    alt += "."
    if bend is not None:
        alt += (
            f" Knee at {_msek(bend.budget_sek)} MSEK ({_tonnes(bend.objective_value_t)} t): after it the "
            "tonnes per extra MSEK fall the most."
        )
    missing = len(points) - len(usable)
    if missing:
        alt += f" {missing} budget(s) without a portfolio are not shown."
    figure = _figure(8, 5, alt)
    axes = figure.add_subplot()
    figure.suptitle(title, fontsize=13)
    if not usable:
        _empty(axes, "No budget has a portfolio")
        return figure
    x = [p.budget_sek / 1e6 for p in usable]
    y = [p.objective_value_t for p in usable]
    axes.plot(x, y, marker="o", color=SPEND, linewidth=1.8, markersize=5, label="best portfolio")
    if bend is not None:
        axes.plot(
            [bend.budget_sek / 1e6],
            [bend.objective_value_t],
            marker="o",
            markersize=12,
            markerfacecolor="none",
            markeredgecolor=BUDGET,
            markeredgewidth=2,
            linestyle="none",
            label=f"knee: {_msek(bend.budget_sek)} MSEK",
        )
        axes.annotate(
            "knee",
            (bend.budget_sek / 1e6, bend.objective_value_t),
            xytext=(12, -18),
            textcoords="offset points",
            color=BUDGET,
            fontsize=10,
        )
    axes.set_xlabel("Total budget (MSEK)")
    axes.set_ylabel("Best reduction (t CO2e)")
    axes.yaxis.set_major_formatter(_thousands)
    axes.set_ylim(bottom=0)
    axes.grid(linewidth=0.4, alpha=0.5)
    axes.legend(loc="lower right", fontsize=9, frameon=False)
    return figure


def budget_chart(result: Result, *, title: str = "Budget use per year (municipal cost)") -> Figure:
    """Spend per budget year (bars, MSEK) against the year's budget (markers), from `result.budget`:
    one bar per budget row (one, labelled "all years", for a single total budget)."""
    rows = list(result.budget)
    labels = ["all years" if r.year is None else str(r.year) for r in rows]
    spend = np.array([r.spend_sek for r in rows], dtype=float) / 1e6
    budget = np.array([r.budget_sek for r in rows], dtype=float) / 1e6
    parts = [f"{label}: {s:,.1f} of {b:,.1f} MSEK" for label, s, b in zip(labels, spend, budget, strict=True)]
    alt = f"Budget use: municipal spend against the budget for {len(rows)} budget period(s). " + (
        "; ".join(parts) + "." if parts else "No budget."
    )
    figure = _figure(max(5.0, 1.1 * len(rows) + 3), 4.5, alt)
    axes = figure.add_subplot()
    figure.suptitle(title, fontsize=13)
    if not rows:
        _empty(axes, "No budget")
        return figure
    positions = np.arange(len(rows))
    bars = axes.bar(positions, spend, width=0.6, color=SPEND, label="spent")
    axes.scatter(
        positions,
        budget,
        marker="_",
        s=1800 / max(1, len(rows)) ** 0.5,
        linewidths=2.5,
        color=BUDGET,
        label="budget",
        zorder=3,
    )
    top = max(float(np.max(budget, initial=0)), float(np.max(spend, initial=0)), 1e-9) * 1.18
    for bar, s, b in zip(bars, spend, budget, strict=True):
        inside = s > 0.1 * top  # the share inside a tall bar, above a short one
        axes.annotate(
            f"{s / b:.0%}" if b > 0 else "",
            (bar.get_x() + bar.get_width() / 2, s),
            xytext=(0, -12 if inside else 8),
            textcoords="offset points",
            ha="center",
            va="center",
            color="white" if inside else "black",
            fontsize=8,
        )
    axes.set_xticks(positions, labels)
    axes.set_xlabel("Budget year")
    axes.set_ylabel("Municipal cost (MSEK)")
    axes.set_ylim(0, top)
    axes.grid(axis="y", linewidth=0.4, alpha=0.5)
    axes.set_axisbelow(True)
    axes.legend(loc="upper left", ncols=2, fontsize=9, frameon=False)
    return figure


def funding_chart(result: Result, *, title: str = "Who pays: the spend plan per year") -> Figure:
    """The funding plan: each budget period's investment (MSEK) stacked by who pays it — the municipal
    budget, grants in the project list, funding pools — with the municipal budget marked, from
    `result.budget`."""
    rows = list(result.budget)
    labels = ["all years" if r.year is None else str(r.year) for r in rows]
    municipal = np.array([r.spend_sek for r in rows], dtype=float) / 1e6
    grants = np.array([r.grant_sek for r in rows], dtype=float) / 1e6
    pools = np.array([r.pool_sek for r in rows], dtype=float) / 1e6
    budget = np.array([r.budget_sek for r in rows], dtype=float) / 1e6
    parts = [
        f"{label}: {m + g + p:,.1f} MSEK, of which municipal {m:,.1f} (budget {b:,.1f}), grants {g:,.1f}, "
        f"pools {p:,.1f}"
        for label, m, g, p, b in zip(labels, municipal, grants, pools, budget, strict=True)
    ]
    alt = f"Funding plan: the portfolio's investment per budget period by who pays it. {'; '.join(parts)}."
    figure = _figure(max(5.0, 1.1 * len(rows) + 3), 4.5, alt if rows else "Funding plan: no portfolio.")
    axes = figure.add_subplot()
    figure.suptitle(title, fontsize=13)
    if not rows:
        _empty(axes, "No budget")
        return figure
    positions = np.arange(len(rows))
    axes.bar(positions, municipal, width=0.6, color=SPEND, label="municipal budget")
    axes.bar(positions, grants, width=0.6, bottom=municipal, color=GRANT, label="grants")
    axes.bar(positions, pools, width=0.6, bottom=municipal + grants, color=POOL, label="funding pools")
    axes.scatter(positions, budget, marker="_", s=1800 / max(1, len(rows)) ** 0.5, linewidths=2.5,
                 color=BUDGET, label="municipal budget limit", zorder=3)  # fmt: skip
    top = max(float(np.max(municipal + grants + pools, initial=0)), float(np.max(budget, initial=0)), 1e-9)
    axes.set_xticks(positions, labels)
    axes.set_xlabel("Budget year")
    axes.set_ylabel("Investment (MSEK)")
    axes.set_ylim(0, top * 1.25)
    axes.grid(axis="y", linewidth=0.4, alpha=0.5)
    axes.set_axisbelow(True)
    axes.legend(loc="upper left", ncols=2, fontsize=9, frameon=False)
    return figure


def district_chart(result: Result, *, title: str = "Funded projects per district") -> Figure:
    """Spend (MSEK: municipal cost, plus grants stacked on it) and abatement (t CO2e, the objective's
    measure) per district of the funded projects, two panels side by side, largest spend first.
    Projects without a district are counted under "(none)"."""
    municipal: dict[str, float] = {}
    grant: dict[str, float] = {}
    tonnes: dict[str, float] = {}
    for s in result.selected:
        district = s.district if s.district not in (None, "") else NO_DISTRICT
        municipal[district] = municipal.get(district, 0.0) + s.municipal_cost_sek
        grant[district] = grant.get(district, 0.0) + (s.cost_sek - s.municipal_cost_sek)
        tonnes[district] = tonnes.get(district, 0.0) + s.abatement_t
    districts = sorted(municipal, key=lambda d: (-(municipal[d] + grant[d]), d))
    parts = [f"{d}: {_msek(municipal[d] + grant[d])} MSEK, {_tonnes(tonnes[d])} t" for d in districts]
    alt = (
        f"Spend and abatement per district for {len(result.selected)} funded project(s) in "
        f"{len(districts)} district(s), largest spend first. "
        + ("; ".join(parts) + "." if parts else "No project is funded.")
    )
    figure = _figure(10, max(3.5, 0.42 * len(districts) + 1.8), alt)
    figure.suptitle(title, fontsize=13)
    money, reduction = figure.subplots(1, 2, sharey=True)
    if not districts:
        _empty(money, "No funded projects")
        _empty(reduction, "No funded projects")
        return figure
    positions = np.arange(len(districts))
    own = np.array([municipal[d] for d in districts]) / 1e6
    extra = np.array([grant[d] for d in districts]) / 1e6
    money.barh(positions, own, height=0.65, color=SPEND, label="municipal")
    if np.any(extra > 0):
        money.barh(positions, extra, left=own, height=0.65, color=GRANT, label="grants")
    money.set_yticks(positions, districts)
    money.invert_yaxis()
    money.set_xlabel("Investment (MSEK)")
    money.set_ylabel("District")
    money.legend(loc="lower right", fontsize=9, frameon=False)
    reduction.barh(positions, [tonnes[d] for d in districts], height=0.65, color="#009E73")
    reduction.set_xlabel(f"Abatement (t CO2e, {result.objective})")
    reduction.xaxis.set_major_formatter(_thousands)
    reduction.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    reduction.tick_params(axis="y", left=False)
    for axes in (money, reduction):
        axes.grid(axis="x", linewidth=0.4, alpha=0.5)
        axes.set_axisbelow(True)
    return figure


def pathway_chart(pathway: Pathway, *, title: str | None = None) -> Figure:
    """Emissions per year (t CO2e) of `optimizer.pathway.emissions_pathway`: the baseline without the
    portfolio, the pathway with it and the target line, the years above the target shaded and the gap
    left in the target year marked."""
    rows = pathway.years
    years = np.array([r.year for r in rows])
    baseline = np.array([r.baseline_t for r in rows])
    emissions = np.array([r.emissions_t for r in rows])
    target = np.array([r.target_t for r in rows])
    at = next(r for r in rows if r.year == pathway.target_year)
    gap = pathway.gap_at_target_year_t
    verdict = (
        f"{_tonnes(gap)} t a year above the target, still to cut"
        if gap > 0
        else f"{_tonnes(-gap)} t a year below the target"
    )
    met = (
        f"It stays on or below the target from {pathway.meets_target_from} on."
        if pathway.meets_target_from is not None
        else "It ends above the target."
    )
    budget = "over" if pathway.overshoot_t > 0 else "under"
    alt = (
        f"Emissions pathway {years[0]}–{years[-1]} against the target ({pathway.target}). Baseline "
        f"{_tonnes(baseline[0])} t CO2e in {years[0]}; with the portfolio {_tonnes(at.emissions_t)} t in "
        f"{at.year} against a target of {_tonnes(at.target_t)} t: {verdict}. {met} Over the period "
        f"{_tonnes(pathway.cumulative_emissions_t)} t against a budget of "
        f"{_tonnes(pathway.cumulative_target_t)} t, {_tonnes(abs(pathway.overshoot_t))} t {budget} it."
    )
    figure = _figure(9, 5, alt)
    axes = figure.add_subplot()
    figure.suptitle(title or f"Emissions pathway against the target: {pathway.target}", fontsize=13)
    axes.plot(years, baseline, color="0.45", linestyle="--", linewidth=1.5, label="baseline (no portfolio)")
    axes.plot(
        years, emissions, color=SPEND, marker="o", markersize=4, linewidth=2, label="with the portfolio"
    )
    axes.plot(years, target, color="#009E73", linewidth=2, label=f"target: {pathway.target}")
    axes.fill_between(
        years,
        target,
        emissions,
        where=emissions > target,
        interpolate=True,
        color=BUDGET,
        alpha=0.15,
        linewidth=0,
        label="above the target",
    )
    axes.annotate(
        "",
        xy=(at.year, at.target_t),
        xytext=(at.year, at.emissions_t),
        arrowprops={"arrowstyle": "<->", "color": BUDGET, "linewidth": 1.5},
    )
    axes.annotate(
        f"gap {at.year}: {_thousands(gap)} t" if gap > 0 else f"target met in {at.year}",
        (at.year, (at.target_t + at.emissions_t) / 2),
        xytext=(-8, 0),
        textcoords="offset points",
        ha="right",
        va="center",
        color=BUDGET if gap > 0 else "#009E73",
        fontsize=10,
    )
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(_thousands)
    low = min(0.0, float(np.min([emissions, target])) * 1.05)
    axes.set_ylim(low, max(float(np.max([baseline, emissions, target])) * 1.08, low + 1.0))
    axes.set_xlabel("Year")
    axes.set_ylabel("Emissions (t CO2e per year)")
    axes.grid(linewidth=0.4, alpha=0.5)
    axes.set_axisbelow(True)
    axes.legend(loc="lower left", fontsize=9, frameon=False)
    return figure


def uncertainty_chart(study: Mapping[str, Any], *, title: str = "How sure is the reduction?") -> Figure:
    """The distribution of the point portfolio's reduction over the draws of an uncertainty study
    (`UncertaintyStudy.to_dict()` or the API's stored study), with the best achievable reduction per draw
    beside it when the study re-optimised, P10/P50/P90 marked, a reduction target (min_cost_for_t) as a line
    and a pathway target's chance in the legend (its target is emissions a year, another axis)."""
    histogram = study.get("histogram")
    evaluation = study.get("evaluation") or {}
    measure = evaluation.get("objective") or (study.get("point") or {}).get("objective") or "t"
    quantiles = study.get("abatement_t") or {}
    target = evaluation.get("target_t")
    chance = study.get("probability_target_met")
    within = study.get("probability_within_budget")
    if histogram is None or quantiles.get("p50") is None:
        figure = _figure(9, 4.5, "No uncertainty chart: the point scenario has no portfolio to evaluate.")
        figure.suptitle(title, fontsize=13)
        _empty(figure.add_subplot(), "No portfolio to evaluate")
        return figure
    edges = np.asarray(histogram["edges_t"], dtype=float)
    alt = (
        f"Distribution of the portfolio's reduction ({measure} tonnes CO2e) over {study.get('draws')} draws "
        f"of the uncertain reductions and costs: P10 {_tonnes(quantiles['p10'])} t, median "
        f"{_tonnes(quantiles['p50'])} t, P90 {_tonnes(quantiles['p90'])} t."
    )
    if within is not None:
        alt += f" It stays within every budget in {within:.0%} of the draws."
    same_axis = target is not None and evaluation.get("target_kind") != "pathway"  # a pathway's is t a year
    if target is not None and chance is not None:
        what = (
            f"The pathway's target ({_tonnes(target)} t CO2e a year in {evaluation.get('target_year')})"
            if not same_axis
            else f"The target of {_tonnes(target)} t"
        )
        alt += f" {what} is met in {chance:.0%} of the draws."
    if histogram.get("best_achievable") is not None:
        alt += " Beside it, the best reduction achievable in each draw when the portfolio is chosen afresh."
    figure = _figure(9, 5, alt)
    axes = figure.add_subplot()
    figure.suptitle(title, fontsize=13)
    widths = np.diff(edges)
    axes.bar(
        edges[:-1],
        histogram["point_portfolio"],
        width=widths,
        align="edge",
        color=SPEND,
        alpha=0.75,
        label="the chosen portfolio",
    )
    if histogram.get("best_achievable") is not None:
        axes.step(
            edges,
            [*histogram["best_achievable"], histogram["best_achievable"][-1]],
            where="post",
            color="#E69F00",
            linewidth=2,
            label="best achievable, re-optimised per draw",
        )
    for name, style in (("p10", ":"), ("p50", "-"), ("p90", ":")):
        axes.axvline(quantiles[name], color="0.2", linestyle=style, linewidth=1.2)
        axes.annotate(
            name.upper(),
            (quantiles[name], 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(2, -12),
            textcoords="offset points",
            fontsize=9,
        )
    if same_axis:
        label = "target" if chance is None else f"target (met in {chance:.0%} of draws)"
        axes.axvline(target, color=BUDGET, linewidth=2, label=label)
    elif target is not None and chance is not None:
        axes.plot(
            [], [], " ", label=f"pathway target {evaluation.get('target_year')} met in {chance:.0%} of draws"
        )
    axes.xaxis.set_major_formatter(_thousands)
    axes.set_xlabel(f"Reduction ({measure}, t CO2e)")
    axes.set_ylabel("Draws")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", linewidth=0.4, alpha=0.5)
    axes.set_axisbelow(True)
    axes.legend(loc="upper left", fontsize=9, frameon=False)
    return figure


def robustness_chart(
    study: Mapping[str, Any], *, top: int = 40, title: str = "How robust is each choice?"
) -> Figure:
    """Per project, the share of draws in which the re-optimised portfolio funds it (an uncertainty
    study's `selection_frequency`), projects of the point portfolio marked: near 100 % is a safe choice,
    near 0 % a safe omission, in between a choice that depends on the uncertain figures. Every project
    of the point portfolio, and others chosen in some draw up to `top` bars, most often chosen first."""
    frequency = study.get("selection_frequency")
    point = {s["id"] for s in (study.get("point") or {}).get("selected", [])}
    if not frequency:
        figure = _figure(9, 4.5, "No robustness chart: the study did not re-optimise per draw.")
        figure.suptitle(title, fontsize=13)
        _empty(figure.add_subplot(), "Not re-optimised per draw")
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
    alt = (
        f"Share of {study.get('draws')} draws in which each project is part of the best portfolio: "
        f"{always} project(s) are chosen in at least 99 % of the draws, {len(uncertain)} in between 10 % "
        f"and 90 % (choices that depend on the uncertain figures)."
    )
    left_out = sorted(pid for pid in point if frequency.get(pid, 0.0) < 0.5)
    if left_out:
        alt += f" Funded at the point estimates but chosen in under half of the draws: {', '.join(left_out)}."
    figure = _figure(9, max(3.0, 0.22 * len(shown) + 1.2), alt)
    axes = figure.add_subplot()
    figure.suptitle(title, fontsize=13)
    ids = [pid for pid, _ in shown]
    shares = np.array([share for _, share in shown]) * 100
    colours = [SPEND if pid in point else "0.65" for pid in ids]
    axes.barh(np.arange(len(ids)), shares, color=colours)
    axes.set_yticks(np.arange(len(ids)), ids, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("Share of draws in which it is chosen (%)")
    axes.grid(axis="x", linewidth=0.4, alpha=0.5)
    axes.set_axisbelow(True)
    axes.legend(
        handles=[Patch(color=SPEND, label="funded at the point estimates"), Patch(color="0.65", label="not")],
        loc="lower right",
        fontsize=9,
        frameon=False,
    )
    return figure
