"""The outcome of one optimisation: an immutable record, separate from the inputs.

Every figure in it except the solver's bound was recomputed from the project list by the
independent checker (`optimizer.model.check`), not copied from the solver.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from models.pathway import Pathway


class Status(StrEnum):
    """What the optimiser can honestly say about the portfolio it returns."""

    OPTIMAL = "optimal"
    """Proven best within the requested relative gap `mip_gap` (the achieved gap is reported)."""
    FEASIBLE = "feasible"
    """A checked portfolio, but the proof stopped (time limit or interruption): see `mip_gap`."""
    INFEASIBLE = "infeasible"
    """No portfolio satisfies every rule; `conflicts` says which rules clash."""
    NO_SOLUTION = "no_solution"
    """The time limit ran out before any portfolio was found; infeasibility was not proven either."""
    ERROR = "error"
    """The solver failed or returned a portfolio that breaks a rule; see `message` and `violations`."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Selection(_Record):
    id: str
    name: str
    sector: str
    district: str | None
    fraction: float
    cost_sek: float
    municipal_cost_sek: float
    abatement_t: float
    """Contribution to the objective, in the objective's measure."""
    start_year: int
    """First year of spending (chosen by the optimiser for a phased project)."""
    operating_from: int
    """First year the reduction counts: the year after the last year of spending."""
    pool_sek: dict[str, float] = {}
    """Money from each funding pool (pools paying nothing are left out)."""
    co_benefits: dict[str, float] = {}
    """The co-benefit columns the scenario uses, times the fraction funded."""
    opex_sek_per_year: float = 0.0
    """Yearly operating cost while in operation, times the fraction funded (negative: a saving)."""
    net_present_cost_sek: float = 0.0
    """Investment plus operating costs over the life, discounted to the first budget year (see
    optimizer.model.lifecycle), times the fraction funded."""
    equivalent_annual_cost_sek: float = 0.0
    """The net present cost as a yearly annuity over the lifetime."""
    payback_years: float | None = None
    """Investment / yearly saving, where the measure saves money."""
    lifecycle_sek_per_t: float | None = None
    """Net present cost per discounted tonne over the life (negative: the measure pays for itself)."""


class YearSpend(_Record):
    year: int | None
    """None when the scenario has one budget over all years."""
    budget_sek: float
    spend_sek: float
    """Municipal money spent: cost minus grants and funding pools."""
    slack_sek: float
    cost_sek: float = 0.0
    grant_sek: float = 0.0
    pool_sek: float = 0.0
    opex_sek: float = 0.0
    """Operating costs (negative: savings) of the funded projects in operation that year; part of
    `spend_sek` when the scenario's budget_basis is "net"."""


class InteractionOutcome(_Record):
    """An interaction of the scenario (overlapping measures) and what it changes in this portfolio."""

    name: str
    ids: list[str]
    abatement_t_per_year: float
    active: bool
    """Every one of its projects is funded: the change counts."""
    operating_from: int
    """The year after the latest last spend year of its projects: when the change starts."""
    lifetime_years: float
    """The shortest lifetime of its projects: how long the change lasts."""
    years_counted: float
    abatement_t: float
    """Tonnes it adds to the portfolio in the objective's measure (0 when not active)."""
    present_t: float = 0.0
    """Its yearly change over the years counted, discounted like money (0 when not active)."""


class SpendLine(_Record):
    """One project's spending in one calendar year, and who pays it."""

    id: str
    year: int
    cost_sek: float
    grant_sek: float
    pool_sek: float
    municipal_sek: float


class PoolUse(_Record):
    """How much of a funding pool the portfolio draws."""

    name: str
    capacity_sek: float
    """Over all years (the sum for a capacity per year)."""
    allocated_sek: float
    unused_sek: float
    projects: int


class RuleOutcome(_Record):
    name: str
    measure: str
    projects: int
    """How many projects the rule's group covers."""
    value: float
    """The measure summed over the selected projects of the group."""
    share: float | None
    """value / the measure over the whole portfolio (None when that is 0)."""
    min: float | None
    max: float | None
    min_share: float | None
    max_share: float | None
    slack: float
    """Distance to the nearest bound in the measure's unit (negative: broken)."""
    binding: bool


class Conflict(_Record):
    """One reason a scenario has no feasible portfolio."""

    rules: list[str]
    message: str


class SolverInfo(_Record):
    name: str
    version: str
    time_limit_s: float | None
    mip_gap_tolerance: float
    time_limit_reached: bool
    stop_reason: str


class Timings(_Record):
    build_s: float
    solve_s: float
    check_s: float
    total_s: float


class Result(_Record):
    status: Status
    message: str
    objective: str
    objective_value_t: float | None
    """The objective: tonnes in the objective's measure, plus weighted co-benefits if the scenario has any.
    With `min_cost_for_t`: the tonnes reached (the cost minimised is `cost_objective_sek`)."""
    best_bound_t: float | None
    """Proven upper bound on `objective_value_t` (None with `min_cost_for_t`: see `cost_bound_sek`)."""
    mip_gap: float | None
    """Relative gap between the objective and its proven bound, as achieved
    ((best_bound - objective) / objective; for min_cost_for_t (cost - cost_bound) / cost)."""
    cost_objective_sek: float | None = None
    """With `min_cost_for_t`: the municipal cost (after grants and pools) minimised."""
    cost_bound_sek: float | None = None
    """With `min_cost_for_t`: a proven lower bound on that cost."""
    selected: list[Selection]
    total_cost_sek: float
    municipal_cost_sek: float
    grant_sek: float
    abatement_t_per_year: float
    sek_per_t: float | None
    """Total investment per tonne of the objective's measure."""
    municipal_sek_per_t: float | None
    budget: list[YearSpend]
    rules: list[RuleOutcome]
    abatement_t: float = 0.0
    """Tonnes in the objective's measure (the objective without co-benefit weights)."""
    pool_sek: float = 0.0
    """Money from funding pools; `municipal_cost_sek` is what is left after grants and pools."""
    funding: list[PoolUse] = []
    spend_plan: list[SpendLine] = []
    """Per funded project and year: cost and who pays it (grants, pools, the municipal budget)."""
    pathway: Pathway | None = None
    """The portfolio's emissions pathway against the scenario's target, when the scenario sets one."""
    net_present_cost_sek: float = 0.0
    """The portfolio's investment plus operating costs over the lives, discounted to the first year."""
    equivalent_annual_cost_sek: float = 0.0
    opex_sek_per_year: float = 0.0
    """Yearly operating cost of the portfolio once every measure runs (negative: savings)."""
    payback_years: float | None = None
    """Investment / yearly savings of the portfolio, when it saves money overall."""
    lifecycle_sek_per_t: float | None = None
    """Net present cost per discounted tonne (interactions included)."""
    discount_rate: float = 0.035
    budget_basis: str = "investment"
    min_fraction: float | None = None
    """The scenario's minimum share of a divisible project (funded not at all or at least this), or None."""
    net_benefit_sek: float | None = None
    """With the net_benefit objective: the value of the reductions at the carbon value minus the net
    present cost, SEK (the objective maximised)."""
    net_benefit_bound_sek: float | None = None
    """With the net_benefit objective: a proven upper bound on net_benefit_sek."""
    interactions: list[InteractionOutcome] = []
    """The scenario's interactions (overlaps) and whether each counts in this portfolio; they are in
    `abatement_t` and `abatement_t_per_year`, not in any project's `abatement_t`."""
    conflicts: list[Conflict]
    violations: list[str]
    solver: SolverInfo
    timings: Timings

    @property
    def has_portfolio(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)
