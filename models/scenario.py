"""A scenario: the money, the goal and the rules a portfolio must respect.

The same schema is read from JSON or TOML files by the CLI and taken as JSON by the service.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Measure = Literal["cost", "municipal_cost", "abatement", "count"]
SolverName = Literal["highs", "cbc"]
WhereValue = str | int | float | bool


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CumulativeObjective(_Strict):
    """Count each project's reduction only up to a target year (e.g. 2030)."""

    cumulative_to: Annotated[int, Field(ge=1900, le=2200)]


Objective = Literal["lifetime", "annual"] | CumulativeObjective


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

    @field_validator("where", mode="before")
    @classmethod
    def _values_as_lists(cls, where: object) -> object:
        if isinstance(where, dict):
            return {k: v if isinstance(v, list) else [v] for k, v in where.items()}
        return where

    @model_validator(mode="after")
    def _has_a_bound(self) -> GroupRule:
        if all(b is None for b in (self.min_share, self.max_share, self.min, self.max)):
            raise ValueError("a rule needs at least one of min_share, max_share, min, max")
        if self.min_share is not None and self.max_share is not None and self.min_share > self.max_share:
            raise ValueError(f"min_share {self.min_share} is above max_share {self.max_share}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


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
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    solver: SolverName = "highs"
    time_limit_s: Annotated[float, Field(gt=0)] | None = None
    mip_gap: Annotated[float, Field(ge=0, lt=1)] = 1e-4

    @field_validator("budget_sek")
    @classmethod
    def _years_are_years(cls, budget: float | dict[str, float]) -> float | dict[str, float]:
        if isinstance(budget, dict):
            if not budget:
                raise ValueError("a budget per year needs at least one year")
            bad = [k for k in budget if not (k.strip().isdigit() and 1900 <= int(k) <= 2200)]
            if bad:
                raise ValueError(
                    f'budget years must be years such as "2026", not {", ".join(map(repr, bad))}'
                )
            return {str(int(k)): budget[k] for k in sorted(budget, key=int)}
        return budget

    @model_validator(mode="after")
    def _include_exclude_disjoint(self) -> Scenario:
        both = sorted(set(self.include) & set(self.exclude))
        if both:
            raise ValueError(f"projects both included and excluded: {', '.join(both)}")
        names = [r.name for r in self.constraints]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"rule names must be unique: {', '.join(dup)}")
        return self

    @property
    def budget_years(self) -> tuple[int, ...] | None:
        """The years with a budget of their own, or None for one budget over all years."""
        if isinstance(self.budget_sek, dict):
            return tuple(int(y) for y in self.budget_sek)
        return None

    @property
    def objective_label(self) -> str:
        if isinstance(self.objective, CumulativeObjective):
            return f"cumulative_to {self.objective.cumulative_to}"
        return self.objective
