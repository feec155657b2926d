"""Decision analysis with a run: what is stored when a run asks for it, what the solve process computes
after the solve (`analyse`), and reading the stored outputs back for charts.

A run's `analysis` (column and response field) is one object: the request (`explain`,
`frontier_budgets_sek`) and the outputs (`why_not`, `rule_prices`, `frontier`, `knee_budget_sek`),
null until computed, with `notes` saying why an output asked for is still null at the end.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from models import Status

if TYPE_CHECKING:
    import pandas as pd

    from models import ProjectList, Result, Scenario
    from optimizer.analysis import FrontierPoint

__all__ = ["analyse", "frontier_points", "macc_rows", "merge", "request_of", "requested"]

REQUEST_KEYS = ("explain", "frontier_budgets_sek")
MIN_ANALYSIS_S = 0.5
"""An analysis step is not started with less than this left of the run's time limit."""


def requested(*, explain: bool, frontier_budgets_sek: Sequence[float] | None) -> dict[str, Any] | None:
    """The `analysis` stored with a new run: what was asked for, outputs null; None if nothing was."""
    if not explain and not frontier_budgets_sek:
        return None
    return {
        "explain": explain,
        "frontier_budgets_sek": list(frontier_budgets_sek) if frontier_budgets_sek else None,
        "why_not": None,
        "why_in": None,
        "rule_prices": None,
        "frontier": None,
        "knee_budget_sek": None,
        "notes": [],
    }


def request_of(analysis: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The request part of a stored analysis (what the solve process is given)."""
    return None if analysis is None else {key: analysis.get(key) for key in REQUEST_KEYS}


def merge(analysis: dict[str, Any], part: Mapping[str, Any]) -> None:
    """Add a part sent by the solve process: outputs replace their null, notes are appended."""
    for key, value in part.items():
        if key == "notes":
            analysis["notes"] = [*analysis.get("notes", []), *value]
        else:
            analysis[key] = value


def _time_left(deadline: float, step: str) -> tuple[float | None, dict[str, Any] | None]:
    left = deadline - time.monotonic()
    if left < MIN_ANALYSIS_S:
        return None, {"notes": [f"{step}: not computed, the run's time limit was used up before it"]}
    return left, None


def analyse(
    projects: ProjectList,
    scenario: Scenario,
    result: Result,
    request: Mapping[str, Any],
    *,
    deadline: float,
) -> Iterator[dict[str, Any]]:
    """The analysis asked for, one finished part at a time (so that a run stopped at its time limit
    keeps what was done): the frontier first (a few solves), then the rule prices (one re-solve per
    rule), `why_not` (one or two re-solves per project not funded) and `why_in` (two or three per
    funded project), with the CLI's functions.

    `deadline` (`time.monotonic()`) is when the run's time limit is up: each step gets the time left
    (the frontier per solve, the others in all: what is not done by then is null with a note), and a
    step is not started with less than `MIN_ANALYSIS_S` left.
    """
    from optimizer.analysis import frontier, knee
    from optimizer.errors import InputError
    from optimizer.whynot import rule_prices, why_in, why_not

    budgets = request.get("frontier_budgets_sek")
    if budgets:
        left, skipped = _time_left(deadline, "frontier")
        if skipped is not None:
            yield skipped
        else:
            try:
                points = frontier(projects, scenario, budgets, time_limit_s=left)
            except InputError as error:
                yield {"notes": [f"frontier: {error}"]}
            else:
                bend = knee(points)
                yield {
                    "frontier": [p.to_dict() for p in points],
                    "knee_budget_sek": None if bend is None else bend.budget_sek,
                }
    if not request.get("explain"):
        return
    if result.status is not Status.OPTIMAL:
        yield {"notes": [f"explain: no analysis, the result is {result.status.value}, not optimal"]}
        return
    left, skipped = _time_left(deadline, "rule_prices")
    if skipped is not None:
        yield skipped
        return
    yield {"rule_prices": [p.to_dict() for p in rule_prices(projects, scenario, result, total_time_s=left)]}
    left, skipped = _time_left(deadline, "why_not")
    if skipped is not None:
        yield skipped
        return
    yield {"why_not": [w.to_dict() for w in why_not(projects, scenario, result, total_time_s=left)]}
    left, skipped = _time_left(deadline, "why_in")
    if skipped is not None:
        yield skipped
        return
    yield {"why_in": [w.to_dict() for w in why_in(projects, scenario, result, total_time_s=left)]}


def frontier_points(stored: Sequence[Mapping[str, Any]]) -> list[FrontierPoint]:
    """The stored frontier (the CLI's JSON points) as `FrontierPoint`s, for `frontier_chart`."""
    from optimizer.analysis import FrontierPoint

    return [
        FrontierPoint(
            budget_sek=p["budget_sek"],
            objective_value_t=p["objective_value_t"],
            status=Status(p["status"]),
            mip_gap=p["mip_gap"],
            selected=[(s["id"], s["fraction"]) for s in p["selected"]],
            marginal_t_per_msek=p["marginal_t_per_msek"],
        )
        for p in stored
    ]


def macc_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The MACC frame as JSON rows, as `macc --format json` writes them (no cost per tonne: null)."""
    frame = frame.copy()
    for column in ("sek_per_t", "municipal_sek_per_t"):
        values = frame[column].to_numpy(dtype=float)
        frame[column] = frame[column].astype(object).where(np.isfinite(values), None)
    return frame.to_dict(orient="records")
