"""Request and response bodies. Requests forbid unknown fields; times are UTC (ISO 8601).

Every response has a schema of its own: the optimiser's domain models where the service sends them
as they are (`models.Result`, `models.Scenario`, a result's `Selection`, `SpendLine` and `YearSpend`,
the typed rows of an analysis in `models.thresholds` and `models.uncertainty`, under the `...Out`
names), and the `...Out` models below for the other JSON the optimiser writes as plain dicts (a
plan's status and difference) and for the project rows. Those of written JSON let keys they do not
name through, so that nothing the optimiser writes is ever dropped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.jobs.states import RunState
from models import Result, Scenario, Selection, SpendLine, YearSpend
from models.thresholds import WhyInRow, WhyNotRow
from models.uncertainty import StudySummary
from optimizer.analysis.compare import Comparison

Role = Literal["viewer", "editor", "admin"]

T = TypeVar("T")


def utc(value: datetime | None) -> datetime | None:
    """SQLite hands times back without a zone; they were stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


TEXT_PATTERN = r"^[^\x00]*$"
"""Text without NUL characters, which PostgreSQL cannot store."""


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        return utc(value) if isinstance(value, datetime) else value


class _Written(BaseModel):
    """JSON the optimiser or the service writes as a plain dict: the keys named here, and any other key
    it writes, passed through as it is."""

    model_config = ConfigDict(extra="allow")


class Page(BaseModel, Generic[T]):
    """One page of a list, newest first: `?limit=` items from `?offset=`; `total` counts them all."""

    items: list[T]
    limit: int
    offset: int
    total: int


# --- project lists ----------------------------------------------------------------------------


class ProjectListCreate(_Request):
    """A project list as JSON: one object per project, keyed by column (see the README's table)."""

    name: Annotated[str, Field(min_length=1, max_length=200, pattern=TEXT_PATTERN)]
    projects: Annotated[list[dict[str, Any]], Field(min_length=1)]


class ProjectListOut(_Response):
    id: str
    name: str
    version: int
    file_type: str
    project_count: int
    content_sha256: str
    created_at: datetime


class ProjectRow(_Written):
    """One project as read and validated (`models.ProjectList.table`, one row)."""

    row: int = Field(description="Where it stood in the source: the spreadsheet row, or 1-based in JSON")
    id: str
    name: str
    sector: str
    district: str | None
    grant_sek: float
    abatement_t_per_year: float
    lifetime_years: float
    opex_sek_per_year: float
    requires: list[str]
    exclusive_group: str | None
    mandatory: bool
    divisible: bool
    earliest_start: float | None = Field(description="A whole year; null when not given")
    latest_start: float | None = Field(description="A whole year; null when not given")
    abatement_low_t_per_year: float | None
    abatement_high_t_per_year: float | None
    cost_low_sek: float | None
    cost_high_sek: float | None
    cost_sek: float = Field(description="The total cost")
    cost_by_year: dict[str, float] = Field(
        description="Scheduled costs by year; a cost without a year falls in the scenario's first year"
    )
    tags: dict[str, str | None] = Field(description="Every other column, as text (null where empty)")


class ProjectListDetail(ProjectListOut):
    projects: list[ProjectRow] = Field(
        description="The projects as read and validated: `row` (where it stood in the source), the core "
        "columns, `cost_sek` (total), `cost_by_year` (scheduled costs; a cost without a year falls in the "
        "scenario's first year) and `tags` (every other column)."
    )


# --- runs -------------------------------------------------------------------------------------


MAX_FRONTIER_BUDGETS = 50
"""At most this many budgets in a run's `frontier_budgets_sek`."""

BudgetSek = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class RunCreate(_Request):
    project_list_id: Annotated[str, Field(min_length=1, max_length=36)]
    scenario: dict[str, Any] = Field(
        description="A scenario in the optimiser's schema (README: Scenario), e.g. "
        '`{"budget_sek": {"2026": 25000000}, "constraints": [...]}`'
    )
    explain: bool = Field(
        default=False,
        description="Also compute `why_not`, `why_in` and `rule_prices` (as `solve --explain`) after the solve, "
        "when the portfolio is optimal; the time counts against the run's time limit",
    )
    frontier_budgets_sek: (
        Annotated[list[BudgetSek], Field(min_length=1, max_length=MAX_FRONTIER_BUDGETS)] | None
    ) = Field(
        default=None,
        description="Also compute the budget frontier (as the `frontier` command) over these total "
        "budgets in SEK; the time counts against the run's time limit",
    )
    uncertainty: UncertaintyRequest | None = Field(
        default=None,
        description="Also run an uncertainty study (P10/P50/P90, probabilities of staying within budget "
        "and meeting the target, selection frequency, robust portfolio); the time counts against the "
        "run's time limit and its progress shows in the run's `progress`",
    )


MAX_DRAWS = 100_000
"""At most this many draws in a run's uncertainty study."""


class UncertaintyRequest(_Request):
    """An uncertainty study after the solve (as the `uncertainty` command); the distribution and sector
    correlation come from the scenario's `uncertainty` section, the ranges from the list's range columns."""

    draws: Annotated[int, Field(ge=1, le=MAX_DRAWS)] = 1000
    seed: Annotated[int, Field(ge=0)] = 0
    reoptimise: bool = Field(
        default=True,
        description="Also re-optimise per draw: each project's selection frequency and the best "
        "achievable reduction's distribution (one solve per draw, on the server's sweep executor)",
    )
    robust: bool = Field(
        default=False,
        description="Also compute the robust portfolio (largest CVaR of the reduction over the draws) "
        "and its price against the point-estimate portfolio",
    )


class WhyNotOut(WhyNotRow):
    """A project left out: the highest cost, or the yearly reduction, at which it would be in."""


class WhyInOut(WhyInRow):
    """A funded project: the highest cost, or the lowest yearly reduction, at which it would stay in."""


class RulePriceOut(BaseModel):
    name: str
    shadow_price: float = Field(description="Estimate from the LP relaxation")
    objective_without_rule_t: float | None = Field(description="Exact: the optimum without the rule")


class FrontierSelection(BaseModel):
    id: str
    fraction: float


class FrontierPointOut(BaseModel):
    """One budget of the frontier, as the CLI's `frontier --format json` writes it."""

    budget_sek: float
    objective_value_t: float | None
    selected: list[FrontierSelection]
    status: str
    mip_gap: float | None
    marginal_t_per_msek: float | None


class UncertaintyStudyOut(StudySummary):
    """An uncertainty study, as `python -m optimizer uncertainty --format json` writes it
    (`models.UncertaintyStudy.to_dict`)."""


class RunAnalysis(BaseModel):
    """What was asked for, and (once the run succeeded) the outputs; null outputs were not asked for,
    not possible (see `notes`) or not finished within the run's time limit (see `notes`)."""

    explain: bool
    frontier_budgets_sek: list[float] | None
    why_not: list[WhyNotOut] | None = None
    why_in: list[WhyInOut] | None = None
    rule_prices: list[RulePriceOut] | None = None
    frontier: list[FrontierPointOut] | None = None
    knee_budget_sek: float | None = Field(
        default=None, description="The frontier's knee: after it the tonnes per extra MSEK fall the most"
    )
    uncertainty_request: UncertaintyRequest | None = Field(
        default=None, description="The uncertainty study asked for (null: none)"
    )
    uncertainty: UncertaintyStudyOut | None = Field(
        default=None,
        description="The study, as `python -m optimizer uncertainty --format json` writes it",
    )
    notes: list[str] = Field(default_factory=list, description="Why an output asked for is null")


class RunProgress(BaseModel):
    """How far a long step of a running run has come (updated about once a second)."""

    step: str = Field(description='What is running, e.g. "uncertainty"')
    done: int
    total: int
    eta_s: float | None = Field(description="Estimated seconds left at the rate so far; null until known")


class RunOut(_Response):
    id: str
    state: RunState
    cancel_requested: bool
    project_list_id: str
    scenario: Scenario = Field(description="The scenario as validated, with the time limit actually applied")
    input_sha256: str
    submitted_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    solver: str | None
    solver_version: str | None
    result: Result | None = Field(
        description="The CLI's JSON result (`python -m optimizer solve --format json`) once succeeded"
    )
    analysis: RunAnalysis | None = Field(
        description="The decision analysis asked for with the run; null when none was"
    )
    progress: RunProgress | None = Field(
        default=None, description="Progress of a long step (an uncertainty study); null when there is none"
    )
    error: str | None
    plan_id: str | None = Field(default=None, description="The plan this run re-plans; null for other runs")


class RunSummary(_Response):
    id: str
    state: RunState
    project_list_id: str
    input_sha256: str
    submitted_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    plan_id: str | None = Field(default=None, description="The plan this run re-plans; null for other runs")


class MaccRow(BaseModel):
    """One project on the marginal abatement cost curve (`python -m optimizer macc --format json`)."""

    id: str
    name: str
    sector: str
    abatement_t: float = Field(description="In the objective's measure (e.g. lifetime tonnes)")
    cost_sek: float
    municipal_cost_sek: float
    sek_per_t: float | None = Field(description="null without abatement")
    municipal_sek_per_t: float | None
    interaction_t: float = Field(
        default=0.0, description="Tonnes of the scenario's interactions (overlaps) this project completes"
    )
    opex_sek_per_year: float = 0.0
    net_present_cost_sek: float = 0.0
    payback_years: float | None = Field(default=None, description="null where the measure saves nothing")
    lifecycle_sek_per_t: float | None = Field(default=None, description="null without abatement")
    cumulative_abatement_t: float


class RunComparison(Comparison):
    """How the run `other_run_id` differs from `base_run_id`; every difference is other − base."""

    base_run_id: str
    other_run_id: str


# --- plans ------------------------------------------------------------------------------------


Year = Annotated[int, Field(ge=1900, le=2200)]


class PlanOut(_Response):
    """A run adopted as the plan: who adopted it when, and what it promises."""

    id: str
    run_id: str
    adopted_at: datetime
    adopted_by: str
    source: str | None = Field(description="The project list the plan was made from, as `name vN`")
    input_sha256: str = Field(description="SHA-256 of the plan's project list and scenario")
    project_count: int = Field(description="How many projects the plan funds")
    objective: str
    objective_value_t: float | None
    abatement_t: float = Field(description="Tonnes in the objective's measure")
    abatement_t_per_year: float
    total_cost_sek: float
    municipal_cost_sek: float = Field(description="Municipal money: cost minus grants and funding pools")


class PlanDetail(PlanOut):
    scenario: Scenario = Field(description="The scenario of the adopted run")
    selected: list[Selection] = Field(description="The funded projects, as in the run's `result.selected`")
    spend_plan: list[SpendLine] = Field(
        description="Per funded project and year: cost and who pays it, as in the run's `result.spend_plan`"
    )
    budget: list[YearSpend] = Field(description="Budget and planned spend per year (`result.budget`)")


class ActualIn(_Request):
    """What happened to one project of the plan in one year; a figure left out is not known."""

    id: Annotated[str, Field(min_length=1, max_length=200, pattern=TEXT_PATTERN)]
    year: Year
    spend_sek: Annotated[float, Field(allow_inf_nan=False)] | None = Field(
        default=None, description="Municipal money spent on the project that year, SEK"
    )
    abatement_t: Annotated[float, Field(allow_inf_nan=False)] | None = Field(
        default=None, description="Tonnes CO2e the project actually reduced that year"
    )


class ActualsCreate(_Request):
    """Actuals as JSON; a project and year recorded before is replaced."""

    actuals: Annotated[list[ActualIn], Field(min_length=1)]


class ActualOut(_Response):
    id: str
    year: int
    spend_sek: float | None
    abatement_t: float | None
    recorded_by: str
    recorded_at: datetime


class ActualsOut(BaseModel):
    """Every figure recorded for a plan, by year and project."""

    plan_id: str
    actuals: list[ActualOut]


class ReplanCreate(_Request):
    as_of: Year | None = Field(
        default=None,
        description="The first year still open: years before it are closed with their actuals "
        "(default: the year after the latest year with actuals)",
    )
    time_limit_s: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = Field(
        default=None,
        description="The re-plan run's time limit (default: the plan's scenario's, else the server's "
        "default; capped at the server's maximum)",
    )


class PlanYearStatus(_Written):
    year: int
    closed: bool = Field(description="Before `as_of`: its actuals are final")
    budget_sek: float | None = Field(description="null without a budget of its own that year")
    planned_sek: float
    actual_sek: float
    variance_sek: float | None = Field(description="actual − planned, for closed years; null for open ones")
    planned_t: float
    actual_t: float


class _PlanSums(_Written):
    planned_to_date_sek: float
    actual_to_date_sek: float
    planned_total_sek: float
    planned_t_to_date: float
    actual_t_to_date: float
    variance_sek: float = Field(description="actual − planned to date")


class PlanProjectStatus(_Written):
    id: str
    name: str
    district: str | None
    in_plan: bool
    state: Literal["not_started", "in_progress", "in_operation", "not_in_plan"]
    fraction: float
    start_year: int | None
    operating_from: int | None
    planned_to_date_sek: float
    actual_to_date_sek: float
    planned_total_sek: float
    planned_t_to_date: float
    actual_t_to_date: float
    variance_sek: float = Field(description="actual − planned to date")


class PlanDistrictStatus(_PlanSums):
    district: str | None
    projects: int


class PlanStatusTotals(_PlanSums):
    projects: int
    budget_sek: float
    planned_sek: float
    actual_sek: float
    planned_t: float
    actual_t: float


class PlanStatusOut(BaseModel):
    """Planned against actual per year, per project and per district (`optimizer.planning.followup.plan_status`)."""

    model_config = ConfigDict(extra="allow")

    as_of: int = Field(description='The first open year: the years before it are closed ("to date")')
    years: list[PlanYearStatus] = Field(
        description="Per year: budget_sek, planned_sek, actual_sek, variance_sek (closed years), planned_t, "
        "actual_t, closed"
    )
    projects: list[PlanProjectStatus] = Field(
        description="Per project of the plan or with actuals: state (not_started, in_progress, in_operation, "
        "not_in_plan), planned and actual to date, variance"
    )
    districts: list[PlanDistrictStatus] = Field(description="The projects' figures summed per district")
    totals: PlanStatusTotals


class PlanMove(_Written):
    """A project kept with another start year."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str
    from_: int = Field(alias="from")
    to: int


class PlanChange(_Written):
    plan: float
    replan: float
    change: float = Field(description="replan − plan")


class PlanProjectDifference(_Written):
    id: str
    name: str
    change: Literal["added", "removed", "kept", "finished"]
    plan_fraction: float
    replan_fraction: float
    plan_start_year: int | None
    replan_start_year: int | None
    plan_municipal_cost_sek: float
    replan_municipal_cost_sek: float
    plan_abatement_t: float
    replan_abatement_t: float


class PlanDifferenceOut(BaseModel):
    """How a run (usually a re-plan) differs from the plan (`optimizer.planning.followup.plan_difference`):
    every change is run − plan."""

    model_config = ConfigDict(extra="allow")

    plan_id: str
    run_id: str
    added: list[str]
    removed: list[str]
    kept: list[str]
    finished: list[str] = Field(description="Started projects with nothing left to spend (re-plans only)")
    moved: list[PlanMove] = Field(description="Projects kept with another start year: {id, from, to}")
    abatement_t: PlanChange = Field(description="{plan, replan, change}")
    municipal_cost_sek: PlanChange = Field(description="{plan, replan, change}")
    projects: list[PlanProjectDifference]


# --- API keys ---------------------------------------------------------------------------------


class ApiKeyCreate(_Request):
    role: Role


class ApiKeyOut(_Response):
    id: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The key itself, shown only this once")


# --- health -----------------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]
    database: str | None = None
    revision: str | None = None
