"""A scenario: the money, the goal and the rules a portfolio must respect.

The same schema is read from JSON or TOML files by the CLI and taken as JSON by the service.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from models.amounts import PerYear
from models.options import RunOptions, SolverName
from models.pathway import PathwaySpec
from models.uncertainty import UncertaintySpec

BUILTIN_MEASURES = ("cost", "municipal_cost", "abatement", "count")
Measure = Annotated[
    str,
    Field(
        min_length=1,
        description='"cost", "municipal_cost" (after grants and funding pools), "abatement", "count", '
        "or the name of a numeric co-benefit column of the project list (e.g. health, jobs).",
    ),
]
WhereValue = str | int | float | bool


def _as_lists(where: object) -> object:
    """`where` values may be written as one value or a list of values."""
    if isinstance(where, dict):
        return {k: v if isinstance(v, list) else [v] for k, v in where.items()}
    return where


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CumulativeObjective(_Strict):
    """Count each project's reduction only up to a target year (e.g. 2030)."""

    cumulative_to: Annotated[int, Field(ge=1900, le=2200)]


def _objective_kind(value: object) -> str | None:
    """Which form an objective is written in, so that a mistake is reported for that form only."""
    if isinstance(value, str):
        return "name"
    if isinstance(value, MinCostObjective) or (isinstance(value, dict) and "min_cost_for_t" in value):
        return "min_cost"
    if isinstance(value, NetBenefitObjective) or (isinstance(value, dict) and "net_benefit" in value):
        return "net_benefit"
    if isinstance(value, CumulativeObjective | dict):
        return "cumulative"
    return None


TonnesMeasure = Annotated[
    Annotated[Literal["lifetime", "annual"], Tag("name")] | Annotated[CumulativeObjective, Tag("cumulative")],
    Discriminator(
        _objective_kind,
        custom_error_type="tonnes_kind",
        custom_error_message='tonnes is "lifetime", "annual" or {"cumulative_to": YEAR}',
    ),
]


class MinCostObjective(_Strict):
    """The reverse question: the least municipal cost (after grants and funding pools) at which the
    portfolio reduces at least `min_cost_for_t` tonnes, counted as `tonnes` says, under the same rules."""

    min_cost_for_t: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    tonnes: TonnesMeasure = "lifetime"


class CarbonValue(_Strict):
    carbon_value_sek_per_t: Annotated[float, Field(gt=0, allow_inf_nan=False)] = Field(
        description="SEK per tonne CO2e avoided; ASEK 7.0 (2022) values carbon at 7 SEK/kg = 7,000 SEK/t."
    )


class NetBenefitObjective(_Strict):
    """Cost–benefit: maximise the present value of the reductions over each measure's life at a
    carbon value, minus the net present cost (investment and operating costs, discounted at the
    scenario's `discount_rate`), under the same rules. A measure is worth it on its own when its
    lifecycle cost per tonne is below the carbon value."""

    net_benefit: CarbonValue


Objective = Annotated[
    Annotated[Literal["lifetime", "annual"], Tag("name")]
    | Annotated[CumulativeObjective, Tag("cumulative")]
    | Annotated[MinCostObjective, Tag("min_cost")]
    | Annotated[NetBenefitObjective, Tag("net_benefit")],
    Discriminator(
        _objective_kind,
        custom_error_type="objective_kind",
        custom_error_message='an objective is "lifetime", "annual", {"cumulative_to": YEAR}, '
        '{"min_cost_for_t": TONNES} or {"net_benefit": {"carbon_value_sek_per_t": SEK}}',
    ),
]


class Interaction(_Strict):
    """Measures that overlap (or reinforce each other): when every listed project is funded, the
    portfolio's yearly reduction changes by `abatement_t_per_year` (negative for an overlap, e.g.
    insulating a school and giving it a heat pump). Counted for the shortest lifetime of its members,
    from the year after the latest of their last spend years."""

    ids: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=2)]
    abatement_t_per_year: Annotated[float, Field(allow_inf_nan=False)]
    name: str | None = None

    @field_validator("ids")
    @classmethod
    def _distinct(cls, ids: list[str]) -> list[str]:
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"an interaction lists a project more than once: {', '.join(repeated)}")
        return ids

    @property
    def label(self) -> str:
        return self.name or " + ".join(self.ids)


class GroupRule(_Strict):
    """A bound on the selected portfolio's cost, reduction or count within a group of projects.

    Shares are of the same measure summed over the whole selected portfolio, so
    `{"where": {"district": ["Bergsvik"]}, "measure": "cost", "min_share": 0.4}` says that at least
    40 % of the money invested goes to Bergsvik.
    """

    name: Annotated[str, Field(min_length=1)]
    where: dict[str, list[WhereValue]] = Field(default_factory=dict)
    for_each: str | None = None
    measure: Measure
    min_share: Annotated[float, Field(ge=0, le=1)] | None = None
    max_share: Annotated[float, Field(ge=0, le=1)] | None = None
    min: Annotated[float, Field(ge=0)] | None = None
    max: Annotated[float, Field(ge=0)] | None = None

    _where_lists = field_validator("where", mode="before")(classmethod(lambda cls, where: _as_lists(where)))

    @model_validator(mode="after")
    def _has_a_bound(self) -> GroupRule:
        if all(b is None for b in (self.min_share, self.max_share, self.min, self.max)):
            raise ValueError("a rule needs at least one of min_share, max_share, min, max")
        if self.min_share is not None and self.max_share is not None and self.min_share > self.max_share:
            raise ValueError(f"min_share {self.min_share} is above max_share {self.max_share}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


def _sorted_years(amounts: float | dict[str, float], what: str) -> float | dict[str, float]:
    """Keys of a per-year mapping must be years; they are returned sorted, as canonical text."""
    if isinstance(amounts, dict):
        if not amounts:
            raise ValueError(f"a {what} per year needs at least one year")
        bad = [k for k in amounts if not (k.strip().isdigit() and 1900 <= int(k) <= 2200)]
        if bad:
            raise ValueError(f'{what} years must be years such as "2026", not {", ".join(map(repr, bad))}')
        return {str(int(k)): amounts[k] for k in sorted(amounts, key=int)}
    return amounts


class FundingPool(_Strict):
    """An external source of money the optimiser may allocate to eligible projects (e.g. Klimatklivet,
    an EU fund, a green loan).

    A pool pays at most `max_share` of a project's total cost, and together with grants and other
    pools never more than the cost. Pool money follows the project's spending over the years; with a
    capacity per year, only those years' spending can draw on the pool.
    """

    name: Annotated[str, Field(min_length=1)]
    capacity_sek: Annotated[float, Field(ge=0)] | dict[str, Annotated[float, Field(ge=0)]]
    where: dict[str, list[WhereValue]] = Field(default_factory=dict)
    max_share: Annotated[float, Field(gt=0, le=1)] = 1.0

    _where_lists = field_validator("where", mode="before")(classmethod(lambda cls, where: _as_lists(where)))

    @field_validator("capacity_sek")
    @classmethod
    def _years_are_years(cls, capacity: float | dict[str, float]) -> float | dict[str, float]:
        return _sorted_years(capacity, "capacity")

    @property
    def capacity(self) -> PerYear:
        """`capacity_sek`, typed: years as integers, one amount over all years under `ALL_YEARS`."""
        return PerYear.of(self.capacity_sek)

    @property
    def capacity_years(self) -> tuple[int, ...] | None:
        return self.capacity.years


class Scenario(_Strict):
    """Budgets, objective, rules and solver settings of one optimisation."""

    name: str | None = None
    budget_sek: Annotated[float, Field(ge=0)] | dict[str, Annotated[float, Field(ge=0)]]
    first_year: Annotated[int, Field(ge=1900, le=2200)] | None = Field(
        default=None,
        description="Year in which projects without `year` spend; default: the first budget year, "
        "or with a single budget the earliest year in the project list.",
    )
    objective: Objective = "lifetime"
    constraints: list[GroupRule] = Field(default_factory=list)
    funding: list[FundingPool] = Field(default_factory=list)
    co_benefit_weights: dict[str, float] = Field(
        default_factory=dict,
        description="Numeric co-benefit columns weighted into the objective: tonnes counted per unit of "
        'the column (e.g. {"health": 50} adds 50 t for each point of health).',
    )
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    solver: SolverName = "highs"
    time_limit_s: Annotated[float, Field(gt=0)] | None = None
    mip_gap: Annotated[float, Field(ge=0, lt=1)] = 1e-4
    min_fraction: Annotated[float, Field(gt=0, le=1)] | None = Field(
        default=None,
        description="The smallest share at which a divisible project may be funded: each is funded not at "
        "all or at a fraction from this to 1 (e.g. 0.25: no measure at less than a quarter). Default: no "
        "minimum, any fraction from 0 to 1.",
    )
    pathway: PathwaySpec | None = Field(
        default=None,
        description="Baseline emissions and a target (net zero by a year, a yearly reduction rate, or "
        "target points) to set the portfolio's emissions pathway against; see models.pathway.",
    )
    discount_rate: Annotated[float, Field(ge=0, lt=1)] = Field(
        default=0.035,
        description="Real discount rate for net present cost, equivalent annual cost and the net_benefit "
        "objective (default 3.5 %, the real rate of the Swedish transport appraisal, ASEK).",
    )
    budget_basis: Literal["investment", "net"] = Field(
        default="investment",
        description='"investment": budgets hold the municipal investment spent each year; "net": they also '
        "hold the opex_sek_per_year of every funded project in operation that year (savings lower it).",
    )
    interactions: list[Interaction] = Field(
        default_factory=list,
        description="Overlapping (or reinforcing) measures: the yearly reduction changes by the given "
        "tonnes when every listed project is funded; see Interaction.",
    )
    uncertainty: UncertaintySpec | None = Field(
        default=None,
        description="How an uncertainty study draws reductions and costs from the list's ranges "
        "(distribution, sector correlation, draws, seed, CVaR tail share); see models.uncertainty.",
    )

    @field_validator("budget_sek")
    @classmethod
    def _years_are_years(cls, budget: float | dict[str, float]) -> float | dict[str, float]:
        return _sorted_years(budget, "budget")

    @model_validator(mode="after")
    def _include_exclude_disjoint(self) -> Scenario:
        both = sorted(set(self.include) & set(self.exclude))
        if both:
            raise ValueError(f"projects both included and excluded: {', '.join(both)}")
        names = [r.name for r in self.constraints]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"rule names must be unique: {', '.join(dup)}")
        pools = [p.name for p in self.funding]
        dup = sorted({n for n in pools if pools.count(n) > 1})
        if dup:
            raise ValueError(f"funding pool names must be unique: {', '.join(dup)}")
        if self.minimises_cost and self.co_benefit_weights:
            raise ValueError(
                "co_benefit_weights weight tonnes in a reduction objective; min_cost_for_t has none"
            )
        if self.net_benefit is not None and self.co_benefit_weights:
            raise ValueError(
                "co_benefit_weights weight tonnes in a reduction objective; net_benefit has none"
            )
        if self.budget_basis == "net" and self.budget_years is None:
            raise ValueError(
                'budget_basis "net" needs a budget per year: operating costs and savings fall in years'
            )
        return self

    @property
    def run_options(self) -> RunOptions:
        """The scenario's solver, time limit and gap, which a call's keywords may override."""
        return RunOptions(solver=self.solver, time_limit_s=self.time_limit_s, mip_gap=self.mip_gap)

    def with_run_options(self, options: RunOptions) -> Scenario:
        """This scenario with `options` (validated already) as its solver settings."""
        return self.model_copy(update=options.model_dump())

    @property
    def minimises_cost(self) -> bool:
        """True for the reverse objective `min_cost_for_t`: the objective is then −municipal cost."""
        return isinstance(self.objective, MinCostObjective)

    @property
    def co_benefit_columns(self) -> list[str]:
        """The project-list columns the scenario weights or bounds as co-benefits, in order, once each."""
        named = [*self.co_benefit_weights, *(r.measure for r in self.constraints)]
        return list(dict.fromkeys(c for c in named if c not in BUILTIN_MEASURES))

    @property
    def net_benefit(self) -> CarbonValue | None:
        """The carbon value of the cost–benefit objective, or None for other objectives."""
        return self.objective.net_benefit if isinstance(self.objective, NetBenefitObjective) else None

    @property
    def tonnes_measure(self) -> TonnesMeasure:
        """How tonnes are counted: the objective itself, the target's measure with min_cost_for_t, and
        lifetime tonnes with net_benefit (its value is of the reductions over the life)."""
        if isinstance(self.objective, MinCostObjective):
            return self.objective.tonnes
        if isinstance(self.objective, NetBenefitObjective):
            return "lifetime"
        return self.objective

    @property
    def budget(self) -> PerYear:
        """`budget_sek`, typed: years as integers, one budget over all years under `ALL_YEARS`."""
        return PerYear.of(self.budget_sek)

    @property
    def budget_years(self) -> tuple[int, ...] | None:
        """The years with a budget of their own, or None for one budget over all years."""
        return self.budget.years

    @property
    def objective_label(self) -> str:
        tonnes = self.tonnes_measure
        label = f"cumulative_to {tonnes.cumulative_to}" if isinstance(tonnes, CumulativeObjective) else tonnes
        if isinstance(self.objective, MinCostObjective):
            return f"min_cost_for_t {self.objective.min_cost_for_t:g} ({label})"
        if isinstance(self.objective, NetBenefitObjective):
            value = self.objective.net_benefit.carbon_value_sek_per_t
            return f"net_benefit at {value:g} SEK/t (discount rate {self.discount_rate:g})"
        weights = " + ".join(f"{w:g}*{column}" for column, w in self.co_benefit_weights.items())
        return f"{label} + {weights}" if weights else label
