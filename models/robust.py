"""A robust portfolio: the one with the largest CVaR of its tonnes over drawn reductions.

Pure data, separate from the inputs: `optimizer.analysis.robust.robust_portfolio` computes it. Every tonnes
figure here was recomputed from the returned portfolios (fractions and start years) and the draws,
not copied from the solver.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from models.result import Result, Status


class RobustPortfolio(BaseModel):
    """The CVaR-optimal portfolio and its price against the point-estimate optimum.

    CVaR_alpha over N draws is the mean of the worst alpha·N draws (a fractional draw counted in
    part). Tonnes are in the scenario's tonnes measure; co-benefit weights are not part of the
    robust objective (they are in `objective_at_point_t` / `point_objective_t`, which are the
    scenario's own objective at the point estimates).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Status
    """How the CVaR MILP stopped: `optimal` proven within the scenario's `mip_gap`, `feasible` when it
    stopped at its time limit (see `mip_gap`, `best_bound_t`), `infeasible` when no portfolio
    satisfies the rules, `no_solution` / `error` otherwise."""
    message: str
    result: Result
    """The robust portfolio, checked against every rule independently of the solver."""
    alpha: float
    draws: int
    distinct_draws: int
    """Distinct rows among the draws (identical draws share one row of the MILP)."""
    cvar_t: float | None
    """CVaR_alpha of the robust portfolio's tonnes over the draws."""
    point_cvar_t: float | None
    """CVaR_alpha of the point-estimate portfolio's tonnes over the same draws."""
    p10_t: float | None
    point_p10_t: float | None
    expected_t: float | None
    """Mean over the draws."""
    point_expected_t: float | None
    objective_at_point_t: float | None
    """The robust portfolio's objective at the point estimates (the scenario's objective)."""
    point_objective_t: float | None
    """The point-estimate optimum's objective."""
    abatement_at_point_t: float | None
    """The robust portfolio's tonnes at the point estimates (no co-benefits)."""
    point_abatement_t: float | None
    price_t: float | None
    """point_objective_t − objective_at_point_t: what robustness gives up at the point estimates."""
    cvar_gain_t: float | None
    """cvar_t − point_cvar_t: what it gains in the bad draws."""
    mip_gap: float | None
    """Relative gap of `cvar_t` to `best_bound_t`."""
    best_bound_t: float | None
    """Proven upper bound on the CVaR any portfolio can reach over these draws."""
    added: list[str]
    """Ids funded by the robust portfolio and not by the point-estimate one (list order)."""
    removed: list[str]
    """Ids funded by the point-estimate portfolio and not by the robust one (list order)."""
    time_limit_reached: bool
    solve_s: float
    """Seconds spent in the CVaR MILP."""
    total_s: float

    @property
    def has_portfolio(self) -> bool:
        return self.result.has_portfolio and self.cvar_t is not None

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-able values (the result as the CLI's JSON)."""
        return self.model_dump(mode="json")
