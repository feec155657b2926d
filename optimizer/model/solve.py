"""Orchestration: validate, build, solve within the time limit, check, explain, report.

`solve` never mutates its inputs and never prints; it returns a `Result` or raises `InputError`
for input that cannot be used.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from models import Result, Scenario, SolverInfo, Status, Timings
from models.options import Deadline, RunOptions
from models.project import ProjectList
from optimizer.model.backends import Backend, Incumbents, Outcome, Stop, get_backend
from optimizer.model.backends.base import relative_gap
from optimizer.model.build import FRACTION_NOISE, MilpModel, build_model
from optimizer.model.check import CheckReport, check_portfolio
from optimizer.model.explain import explain_infeasibility
from optimizer.model.fit import check_fits
from optimizer.model.pathway import emissions_pathway

log = logging.getLogger(__name__)

HARD_STOP_MARGIN_S = 0.5
"""How long past the time limit a solver may run before it is cancelled and its last incumbent taken;
the rest of the promised second is left for the check and the result."""
CANCEL_GRACE_S = 0.2
CHECK_S_PER_COLUMN = 1.3e-5
"""Time kept back from the solver for checking the portfolio (measured for 1,000,000 projects, some
310,000 funded: 6.6 s on one 2-core machine, 9–13 s on a slower one)."""
EXPLAIN_BUDGET_S = 60.0
"""At most this long is spent explaining an infeasible scenario when no time limit is set."""


@dataclass(frozen=True, slots=True)
class _Run:
    outcome: Outcome
    overran: bool


def solve(
    projects: ProjectList,
    scenario: Scenario,
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
) -> Result:
    """The portfolio with the largest reduction that respects every rule of `scenario`.

    `solver`, `time_limit_s` and `mip_gap` override the scenario's settings. The call returns within
    `time_limit_s` + 1 s; the portfolio it returns has been checked against every rule independently
    of the solver.
    """
    options = scenario.run_options.overridden(solver=solver, time_limit_s=time_limit_s, mip_gap=mip_gap)
    deadline = options.deadline()
    check_fits(projects, scenario)
    model = build_model(projects, scenario)
    backend = get_backend(options.solver, columns=model.shape[1])
    return solve_model(projects, scenario, model, backend, options=options, deadline=deadline)


def solve_model(
    projects: ProjectList,
    scenario: Scenario,
    model: MilpModel,
    backend: Backend,
    *,
    options: RunOptions | None = None,
    deadline: Deadline | None = None,
    explain_backend: Backend | None = None,
) -> Result:
    """Solve a model already built for `scenario` (inputs checked with `check_fits`), hold the solver
    to `deadline` (default: the time limit of `options`, or of the scenario, from now), check the
    portfolio independently and say honestly what is known. `explain_backend` (default `backend`)
    explains an infeasible scenario."""
    options = options or scenario.run_options
    deadline = deadline or options.deadline()
    build_s = deadline.elapsed()
    log.info("built a model of %d rows x %d projects in %.3f s", *model.shape, build_s)

    # The independent check after the solve must fit in the promised time too: keep time for it.
    reserve = min(CHECK_S_PER_COLUMN * model.shape[1], 0.5 * (options.time_limit_s or 0.0))
    solver_deadline = deadline.shifted(-reserve)
    run = _solve_within(backend, model, options.mip_gap, solver_deadline)
    solved_s = deadline.elapsed()
    out_of_time = run.overran or (run.outcome.stop is Stop.LIMIT and solver_deadline.passed(slack_s=0.05))
    log.info("%s stopped (%s) after %.3f s", backend.name, run.outcome.native_status, solved_s - build_s)

    report = _check(projects, scenario, model, run.outcome.x) if run.outcome.x is not None else None
    if report is not None and report.passed:
        assert run.outcome.x is not None, "a report is only made of a portfolio"
        report = _leave_out_what_adds_nothing(projects, scenario, model, run.outcome.x, report)
    if report is not None and report.passed and _has_choices_beyond_projects(model):
        report = _settle_schedule_and_funding(
            projects, scenario, model, backend, report, solver_deadline.or_after(POLISH_LIMIT_S)
        )
    checked_s = deadline.elapsed()

    conflicts = []
    if run.outcome.stop is Stop.INFEASIBLE:
        conflicts = explain_infeasibility(
            projects,
            scenario,
            model,
            backend=explain_backend or backend,
            deadline=solver_deadline.shifted(HARD_STOP_MARGIN_S).or_after(EXPLAIN_BUDGET_S),
        )

    timings = Timings(
        build_s=build_s, solve_s=solved_s - build_s, check_s=checked_s - solved_s, total_s=deadline.elapsed()
    )
    info = SolverInfo(
        name=backend.name,
        version=backend.version(),
        time_limit_s=options.time_limit_s,
        mip_gap_tolerance=options.mip_gap,
        time_limit_reached=out_of_time,
        stop_reason=run.outcome.native_status,
    )
    noise_t = _noise_value(model, run.outcome.x) if run.outcome.x is not None else 0.0
    return _result(projects, scenario, run, report, conflicts, info, timings, noise_t=noise_t)


def _noise_value(model: MilpModel, solution: np.ndarray) -> float:
    """The objective value of the solution's entries below `FRACTION_NOISE`, which the portfolio reads
    as 0: the solver's objective may differ from the checked one by this much."""
    x = np.asarray(solution, dtype=float)
    tiny = np.abs(x) < FRACTION_NOISE
    return float(np.abs(model.objective[tiny] @ x[tiny]))


def _check(projects: ProjectList, scenario: Scenario, model: MilpModel, solution: np.ndarray) -> CheckReport:
    decision = model.layout.decode(solution)
    return check_portfolio(
        projects,
        scenario,
        decision.fractions,
        start_years=decision.start_years,
        pool_shares=decision.pool_shares,
    )


def _leave_out_what_adds_nothing(
    projects: ProjectList, scenario: Scenario, model: MilpModel, solution: np.ndarray, report: CheckReport
) -> CheckReport:
    """Funded projects that add nothing to the objective (e.g. reductions that start after the
    `cumulative_to` year) are left out when every rule still holds without them: the solver is
    indifferent, a finance officer is not. The first plan stands if the check says otherwise."""
    layout = model.layout
    n = layout.n_projects
    column_value = np.abs(model.objective) * (np.abs(solution) > 1e-9)
    per_project = column_value[:n].copy()
    np.add.at(per_project, layout.start_project, column_value[layout.start_columns])
    idle = (report.fractions > 0) & (per_project <= 1e-12) & (model.col_lower[:n] < 1)
    idle &= ~projects.with_requirements((report.fractions > 0) & ~idle)  # what staying projects need stays
    if not idle.any():
        return report
    trimmed = np.array(solution, dtype=float)
    trimmed[np.flatnonzero(idle)] = 0.0
    trimmed[layout.start_columns[idle[layout.start_project]]] = 0.0
    trimmed[layout.pool_columns[idle[layout.pool_project]]] = 0.0
    lighter = _check(projects, scenario, model, trimmed)
    if lighter.passed and lighter.objective_t >= report.objective_t - 1e-9 * max(
        1.0, abs(report.objective_t)
    ):
        return lighter
    return report


POLISH_LIMIT_S = 30.0
"""Without a time limit, at most this long is spent settling start years and pool money."""


def _has_choices_beyond_projects(model: MilpModel) -> bool:
    return bool(len(model.layout.start_project) or len(model.layout.pool))


def _settle_schedule_and_funding(
    projects: ProjectList,
    scenario: Scenario,
    model: MilpModel,
    backend: Backend,
    report: CheckReport,
    deadline: Deadline,
) -> CheckReport:
    """With the funded projects and the objective held, start each phased project as early as the rules
    allow, then let funding pools pay as much as they can (so the municipal budget goes furthest).

    The solver is indifferent between such plans; a planner is not. Start years dominate: the pool
    term is scaled below 1, less than one year's difference. If this second solve fails or runs out of
    time, the first plan (already checked) is kept."""
    layout = model.layout
    n = layout.n_projects
    objective = np.zeros(layout.n_columns)
    first_start = pd.Series(layout.start_year).groupby(layout.start_project).transform("min").to_numpy()
    objective[layout.start_columns] = -(layout.start_year - first_start)
    pool_sek = projects.total_cost[layout.pool_project]
    objective[layout.pool_columns] = pool_sek / (2.0 * (report.total_cost_sek + 1.0))
    held = report.objective_t - 1e-9 * max(1.0, abs(report.objective_t))
    scale = float(np.abs(model.objective).max(initial=1.0)) or 1.0
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    lower[:n] = upper[:n] = report.fractions
    second = replace(
        model,
        objective=objective,
        matrix=sp.csr_array(sp.vstack([model.matrix, sp.csr_array(model.objective[None, :] / scale)])),
        row_lower=np.append(model.row_lower, held / scale),
        row_upper=np.append(model.row_upper, np.inf),
        col_lower=lower,
        col_upper=upper,
    )
    run = _solve_within(backend, second, 0.0, deadline)
    if run.outcome.x is None or run.outcome.stop not in (Stop.OPTIMAL, Stop.LIMIT):
        log.info(
            "kept the first schedule and funding: the second solve stopped (%s)", run.outcome.native_status
        )
        return report
    settled = _check(projects, scenario, model, run.outcome.x)
    if not settled.passed or settled.objective_t < held:
        log.warning("kept the first schedule and funding: the settled plan failed its check")
        return report
    return settled


def _solve_within(backend: Backend, model: MilpModel, mip_gap: float, deadline: Deadline) -> _Run:
    """Run the backend in a worker thread and hold it to the deadline, whatever the solver does."""
    incumbents = Incumbents()
    cancel = threading.Event()
    holder: list[Outcome] = []

    def work() -> None:
        remaining = deadline.left(at_least=0.01)
        try:
            holder.append(
                backend.solve(
                    model, time_limit_s=remaining, mip_gap=mip_gap, incumbents=incumbents, cancel=cancel
                )
            )
        except Exception as error:  # a crashing solver is reported, never raised at the user
            log.exception("solver %s failed", backend.name)
            holder.append(Outcome(Stop.ERROR, None, None, None, f"{type(error).__name__}: {error}"))

    worker = threading.Thread(target=work, name=f"{backend.name}-solve", daemon=True)
    worker.start()
    worker.join(deadline.shifted(HARD_STOP_MARGIN_S).left())
    if worker.is_alive():
        cancel.set()
        worker.join(CANCEL_GRACE_S)
    if holder:
        return _Run(holder[0], overran=False)
    log.warning("%s overran its time limit; taking its last incumbent", backend.name)
    best = incumbents.best
    if best is None:
        return _Run(
            Outcome(Stop.LIMIT, None, None, None, "solver overran the time limit without a portfolio"),
            overran=True,
        )
    objective, x = best
    return _Run(
        Outcome(Stop.LIMIT, x, objective, None, "solver overran the time limit; its last incumbent"),
        overran=True,
    )


def _result(
    projects: ProjectList,
    scenario: Scenario,
    run: _Run,
    report: CheckReport | None,
    conflicts: list,
    info: SolverInfo,
    timings: Timings,
    *,
    noise_t: float = 0.0,
) -> Result:
    outcome = run.outcome
    violations = list(report.violations) if report is not None else []
    status, message = _status(info, outcome, report, conflicts, violations, noise_t=noise_t)
    portfolio = report if report is not None and status in (Status.OPTIMAL, Status.FEASIBLE) else None
    objective = portfolio.objective_t if portfolio else None
    bound = None
    if portfolio is not None and outcome.bound is not None:
        bound = max(outcome.bound, portfolio.objective_t)
    elif outcome.bound is not None and status is Status.NO_SOLUTION:
        bound = outcome.bound
    gap = relative_gap(objective, bound) if objective is not None else None
    cost = portfolio.total_cost_sek if portfolio else 0.0
    municipal = portfolio.municipal_cost_sek if portfolio else 0.0
    tonnes = portfolio.abatement_t if portfolio else None
    # Internally every objective is maximised; min_cost_for_t maximises −cost. Reported as costs.
    minimises = scenario.minimises_cost
    in_sek = scenario.net_benefit is not None  # the objective is SEK of net benefit, not tonnes
    npc = portfolio.net_present_cost_sek if portfolio else 0.0
    present_t = portfolio.present_tonnes_t if portfolio else 0.0
    return Result(
        status=status,
        message=message,
        objective=scenario.objective_label,
        objective_value_t=tonnes if minimises or in_sek else objective,
        best_bound_t=None if minimises or in_sek else bound,
        mip_gap=gap,
        cost_objective_sek=-objective if minimises and objective is not None else None,
        cost_bound_sek=-bound if minimises and bound is not None else None,
        selected=portfolio.selected if portfolio else [],
        total_cost_sek=cost,
        municipal_cost_sek=municipal,
        grant_sek=portfolio.grant_sek if portfolio else 0.0,
        abatement_t_per_year=portfolio.abatement_t_per_year if portfolio else 0.0,
        sek_per_t=cost / tonnes if tonnes else None,
        municipal_sek_per_t=municipal / tonnes if tonnes else None,
        budget=portfolio.budget if portfolio else [],
        rules=portfolio.rules if portfolio else [],
        abatement_t=tonnes or 0.0,
        pool_sek=portfolio.pool_sek if portfolio else 0.0,
        funding=portfolio.funding if portfolio else [],
        spend_plan=portfolio.spend_plan if portfolio else [],
        pathway=(
            emissions_pathway(
                projects, scenario.pathway, portfolio.selected, interactions=portfolio.interactions
            )
            if portfolio is not None and scenario.pathway is not None
            else None
        ),
        net_present_cost_sek=npc,
        equivalent_annual_cost_sek=portfolio.equivalent_annual_cost_sek if portfolio else 0.0,
        opex_sek_per_year=portfolio.opex_sek_per_year if portfolio else 0.0,
        payback_years=portfolio.payback_years if portfolio else None,
        lifecycle_sek_per_t=npc / present_t if present_t > 0 else None,
        discount_rate=scenario.discount_rate,
        budget_basis=scenario.budget_basis,
        min_fraction=scenario.min_fraction,
        net_benefit_sek=objective if in_sek else None,
        net_benefit_bound_sek=bound if in_sek else None,
        interactions=list(portfolio.interactions) if portfolio else [],
        conflicts=conflicts,
        violations=violations,
        solver=info,
        timings=timings,
    )


def _status(
    info: SolverInfo,
    outcome: Outcome,
    report: CheckReport | None,
    conflicts: list,
    violations: list[str],
    *,
    noise_t: float = 0.0,
) -> tuple[Status, str]:
    """Say honestly what is known; a portfolio that fails the independent check is never returned.

    A disagreement between the solver's and the checker's objective is added to `violations`."""
    if outcome.stop is Stop.INFEASIBLE:
        reasons = (
            "; ".join(c.message for c in conflicts) or "no explanation could be found in the time available"
        )
        return Status.INFEASIBLE, f"No portfolio satisfies every rule. {reasons}"
    if outcome.stop in (Stop.ERROR, Stop.UNBOUNDED):
        return Status.ERROR, f"The solver failed: {outcome.native_status}"
    if report is None:
        limit = f" of {info.time_limit_s:g} s" if info.time_limit_s is not None else ""
        return (
            Status.NO_SOLUTION,
            f"No portfolio was found within the time limit{limit} ({outcome.native_status}).",
        )
    if outcome.objective is not None and abs(outcome.objective - report.objective_t) > noise_t + 1e-6 * max(
        1.0, abs(report.objective_t)
    ):
        violations.append(
            f"the solver's objective {outcome.objective:.9g} t differs from the recomputed {report.objective_t:.9g} t"
        )
    if violations:
        return Status.ERROR, (
            f"The solver returned a portfolio that fails the independent check on {len(violations)} point(s) "
            f"({outcome.native_status}); it is not returned."
        )
    if outcome.stop is Stop.OPTIMAL:
        return (
            Status.OPTIMAL,
            f"Proven optimal within a relative gap of {info.mip_gap_tolerance:g}; checked against every rule.",
        )
    return (
        Status.FEASIBLE,
        f"Stopped before optimality was proven ({outcome.native_status}); the portfolio is checked against every rule.",
    )
