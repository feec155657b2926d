"""Decision analysis with a run: what is stored when a run asks for it, what the solve process computes
after the solve (`analyse`), and reading the stored outputs back for charts.

A run's `analysis` (column and response field) is one object: the request (`explain`,
`frontier_budgets_sek`, `uncertainty_request`) and the outputs (`why_not`, `rule_prices`, `frontier`,
`knee_budget_sek`, `uncertainty`), null until computed, with `notes` saying why an output asked for is
still null at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from models import Status
from models.options import Deadline

if TYPE_CHECKING:
    import pandas as pd

    from models import ProjectList, Result, Scenario
    from optimizer.analysis.curves import FrontierPoint

__all__ = ["analyse", "frontier_points", "macc_rows", "merge", "request_of", "requested"]

REQUEST_KEYS = ("explain", "frontier_budgets_sek", "uncertainty_request")
MIN_ANALYSIS_S = 0.5
"""An analysis step is not started with less than this left of the run's time limit."""


def requested(
    *,
    explain: bool,
    frontier_budgets_sek: Sequence[float] | None,
    uncertainty: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The `analysis` stored with a new run: what was asked for, outputs null; None if nothing was."""
    if not explain and not frontier_budgets_sek and uncertainty is None:
        return None
    return {
        "explain": explain,
        "frontier_budgets_sek": list(frontier_budgets_sek) if frontier_budgets_sek else None,
        "uncertainty_request": None if uncertainty is None else dict(uncertainty),
        "uncertainty": None,
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


def _time_left(deadline: Deadline, step: str) -> tuple[float | None, dict[str, Any] | None]:
    left = deadline.left()
    if left is not None and left < MIN_ANALYSIS_S:
        return None, {"notes": [f"{step}: not computed, the run's time limit was used up before it"]}
    return left, None


Progress = Callable[[str, int, int], None]
"""Told (step, done, total) as a long step goes on."""


def analyse(
    projects: ProjectList,
    scenario: Scenario,
    result: Result,
    request: Mapping[str, Any],
    *,
    deadline: Deadline,
    progress: Progress | None = None,
    sweep: Mapping[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:
    """The analysis asked for, one finished part at a time (so that a run stopped at its time limit
    keeps what was done): the frontier first (a few solves), then the uncertainty study (one solve per
    draw, on the executor `sweep` names: `executor`, `workers`, `scheduler`; its progress reported to
    `progress`), then the rule prices (one re-solve per rule), `why_not` (one or two re-solves per
    project not funded) and `why_in` (two or three per funded project), with the CLI's functions.

    `deadline` is when the run's time limit is up: each step gets the time left
    (the frontier per solve, the others in all: what is not done by then is null with a note), and a
    step is not started with less than `MIN_ANALYSIS_S` left.
    """
    from optimizer.analysis.curves import frontier, knee
    from optimizer.analysis.whynot import rule_prices, why_in, why_not
    from optimizer.io.problems import InputError

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
    uncertainty = request.get("uncertainty_request")
    if uncertainty:
        _, skipped = _time_left(deadline, "uncertainty")
        if skipped is not None:
            yield skipped
        else:
            yield _uncertainty(
                projects,
                scenario,
                result,
                uncertainty,
                deadline=deadline,
                progress=progress,
                sweep=sweep or {},
            )
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


def _uncertainty(
    projects: ProjectList,
    scenario: Scenario,
    result: Result,
    request: Mapping[str, Any],
    *,
    deadline: Deadline,
    progress: Progress | None,
    sweep: Mapping[str, Any],
) -> dict[str, Any]:
    """The study as the CLI writes it; stopped (with a note) when the run's time limit is up."""
    from optimizer.analysis.sweep import SchedulerUnreachable, SweepCancelled
    from optimizer.analysis.uncertainty import study
    from optimizer.io.problems import InputError

    stop = threading.Event()
    left = deadline.left()
    timer = threading.Timer(left, stop.set) if left is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        found = study(
            projects,
            scenario,
            draws=request["draws"],
            seed=request["seed"],
            reoptimise=request["reoptimise"],
            robust=request["robust"],
            point=result,
            progress=None if progress is None else (lambda done, total: progress("uncertainty", done, total)),
            cancel=stop,
            **sweep,
        )
    except SweepCancelled:
        note = (
            f"uncertainty: stopped when the run's time limit was up ({request['draws']} draws asked for); "
            "ask for fewer draws, reoptimise false, or a longer time_limit_s"
        )
        return {"notes": [note]}
    except (InputError, SchedulerUnreachable) as error:
        return {"notes": [f"uncertainty: {error}"]}
    finally:
        if timer is not None:
            timer.cancel()
    return {"uncertainty": found.to_dict()}


def frontier_points(stored: Sequence[Mapping[str, Any]]) -> list[FrontierPoint]:
    """The stored frontier (the CLI's JSON points) as `FrontierPoint`s, for `frontier_chart`."""
    from optimizer.analysis.curves import FrontierPoint

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
    for column in frame.columns[frame.dtypes == float]:  # inf or NaN: a figure that does not exist
        values = frame[column].to_numpy(dtype=float)
        frame[column] = frame[column].astype(object).where(np.isfinite(values), None)
    return frame.to_dict(orient="records")
