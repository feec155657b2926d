"""COIN-OR CBC through PuLP: the second backend, and the one most users would have written.

PuLP reports neither the best bound nor incumbents, so the bound is read from CBC's own log.
"""

from __future__ import annotations

import functools
import re
import subprocess
import tempfile
import threading
import warnings
from pathlib import Path

import numpy as np
import pulp

from optimizer.model.backends.base import Backend, Incumbents, Outcome, Stop
from optimizer.model.build import MilpModel

# PuLP's (status, sol_status) pairs, read after a solve.
STATUS_MAP: dict[tuple[int, int], Stop] = {
    (pulp.LpStatusOptimal, pulp.LpSolutionOptimal): Stop.OPTIMAL,
    (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible): Stop.LIMIT,
    (pulp.LpStatusNotSolved, pulp.LpSolutionIntegerFeasible): Stop.LIMIT,
    (pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound): Stop.LIMIT,
    (pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible): Stop.INFEASIBLE,
    (pulp.LpStatusInfeasible, pulp.LpSolutionNoSolutionFound): Stop.INFEASIBLE,
    (pulp.LpStatusUnbounded, pulp.LpSolutionUnbounded): Stop.UNBOUNDED,
    (pulp.LpStatusUndefined, pulp.LpSolutionNoSolutionFound): Stop.ERROR,
}

_UPPER_BOUND = re.compile(r"^Upper bound:\s*(\S+)", re.MULTILINE)
_RESULT = re.compile(r"^Result - (.+)$", re.MULTILINE)


def to_pulp(model: MilpModel) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    """The model as a PuLP problem (PuLP has no matrix interface: one expression per row)."""
    problem = pulp.LpProblem("portfolio", pulp.LpMaximize)
    variables = [
        problem.add_variable(
            f"x{j}", lowBound=lo, upBound=hi, cat=pulp.LpInteger if integer else pulp.LpContinuous
        )
        for j, (lo, hi, integer) in enumerate(
            zip(model.col_lower, model.col_upper, model.integer, strict=True)
        )
    ]
    # Every variable goes into the objective, zero or not: PuLP writes only variables that appear in
    # the objective or a row, and a forced-in project with no cost and no reduction would otherwise
    # lose its bounds.
    problem += pulp.LpAffineExpression(list(zip(variables, model.objective.tolist(), strict=True)))
    matrix = model.matrix.tocsr()
    for i in range(matrix.shape[0]):
        lo, hi = model.row_lower[i], model.row_upper[i]
        if not (np.isfinite(lo) or np.isfinite(hi)):
            continue
        start, stop = matrix.indptr[i], matrix.indptr[i + 1]
        row = pulp.LpAffineExpression(
            [
                (variables[j], v)
                for j, v in zip(matrix.indices[start:stop], matrix.data[start:stop], strict=True)
            ]
        )
        if lo == hi:
            problem += row == float(hi)
            continue
        if np.isfinite(lo):
            problem += row >= float(lo)
        if np.isfinite(hi):
            problem += row <= float(hi)
    return problem, variables


def _cbc_command(**options: object) -> pulp.PULP_CBC_CMD:
    """PuLP's bundled CBC binary (deprecated for PuLP 4, hence `pulp<4` in the dependencies)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(**options)


@functools.cache
def _cbc_version() -> str:
    completed = subprocess.run(
        [_cbc_command(msg=False).path, "-quit"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    found = re.search(r"Version:\s*(\S+)", completed.stdout)
    return f"{found.group(1) if found else 'unknown'} (PuLP {pulp.__version__})"


class CbcBackend(Backend):
    name = "cbc"

    def version(self) -> str:
        return _cbc_version()

    def solve(
        self,
        model: MilpModel,
        *,
        time_limit_s: float | None,
        mip_gap: float,
        incumbents: Incumbents,
        cancel: threading.Event,
    ) -> Outcome:
        if (model.col_lower > model.col_upper).any():
            # CBC stops without a solution file on contradictory bounds; the model is plainly infeasible.
            return Outcome(
                Stop.INFEASIBLE,
                None,
                None,
                None,
                "Infeasible (a variable's lower bound is above its upper bound)",
            )
        problem, variables = to_pulp(model)
        # CBC 2.10's preprocessing (bundled with PuLP) declares some plainly feasible models with divisible
        # projects infeasible, or stops short of their optimum ("Cut generators found to be infeasible"),
        # as the exhaustive-search property tests found; so it is switched off. Without it CBC 2.10 in
        # turn fails to run on a few other models: those are solved with it, as before.
        attempts = [["preprocess off"], []] if model.integer.any() else [[]]
        for options in attempts:
            with tempfile.TemporaryDirectory(prefix="cbc-") as folder:
                log_path = Path(folder) / "cbc.log"
                command = _cbc_command(
                    msg=False,
                    timeLimit=None if time_limit_s is None else max(time_limit_s, 0.01),
                    gapRel=mip_gap,
                    logPath=str(log_path),
                    mip=bool(model.integer.any()),
                    options=options,
                )
                try:
                    problem.solve(command)
                except pulp.PulpSolverError as error:
                    failure = f"CBC failed: {error}"
                    continue
                log = log_path.read_text(errors="replace") if log_path.exists() else ""
                break
        else:
            return Outcome(Stop.ERROR, None, None, None, failure)
        stop = STATUS_MAP.get((problem.status, problem.sol_status), Stop.ERROR)
        result = _RESULT.search(log)
        native = result.group(1).strip() if result else pulp.LpStatus[problem.status]
        if stop in (Stop.INFEASIBLE, Stop.UNBOUNDED, Stop.ERROR):
            return Outcome(stop, None, None, None, native)
        if problem.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            return Outcome(stop, None, None, None, native)
        x = np.array([v.varValue or 0.0 for v in variables], dtype=float)
        objective = float(model.objective @ x)
        return Outcome(stop, x, objective, _bound(log, stop, objective, mip_gap), native)


def _bound(log: str, stop: Stop, objective: float, mip_gap: float) -> float | None:
    """CBC prints its best bound when it stops early; when it proves optimality within the relative
    gap it does not, and the bound is then at most objective * (1 + gap)."""
    found = _UPPER_BOUND.search(log)
    if found:
        try:
            return float(found.group(1))
        except ValueError:
            return None
    if stop is Stop.OPTIMAL:
        return objective + mip_gap * abs(objective)
    return None
