"""A target pathway: the municipality's baseline emissions, a target line, and the portfolio against it.

`PathwaySpec` is part of a scenario (`Scenario.pathway`): the emissions the municipality would have
without the portfolio (the *baseline*) and the target it has set, e.g. net zero by 2030 or a carbon
budget expressed as a yearly reduction rate (Swedish municipal carbon budgets imply 11–16 % a year;
Klimatkollen uses 11.72 %). `Pathway` is the computed outcome (`optimizer.model.pathway.emissions_pathway`):
per year the baseline, the portfolio's abatement, the resulting emissions, the target and the gap.

All amounts are tonnes CO2e per year (t), except the cumulative sums over the period (t).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

DEFAULT_TO_YEAR = 2030

Year = Annotated[int, Field(ge=1900, le=2200)]
Tonnes = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _year_mapping(amounts: dict[str, float], what: str) -> dict[str, float]:
    """Keys must be years (text, as in JSON and TOML); returned sorted, as canonical text."""
    if not amounts:
        raise ValueError(f"{what} per year needs at least one year")
    bad = [k for k in amounts if not (k.strip().isdigit() and 1900 <= int(k) <= 2200)]
    if bad:
        raise ValueError(f'{what} years must be years such as "2024", not {", ".join(map(repr, bad))}')
    return {str(int(k)): amounts[k] for k in sorted(amounts, key=int)}


# --- baseline -------------------------------------------------------------------------------


class BaselineTrend(_Strict):
    """One known year and a yearly relative trend: baseline(y) = emissions_t × (1 + trend)^(y − year).

    `{"year": 2024, "emissions_t": 120000, "trend": -0.01}`: 120 kt in 2024, falling 1 % a year
    without the portfolio (e.g. from national policy already decided)."""

    year: Year
    emissions_t: Tonnes
    trend: Annotated[float, Field(gt=-1, le=1, allow_inf_nan=False)] = 0.0


def _baseline_kind(value: object) -> str | None:
    """Which form a baseline is written in: a mapping with any key of `BaselineTrend` is a trend."""
    if isinstance(value, BaselineTrend):
        return "trend"
    if isinstance(value, dict) and set(BaselineTrend.model_fields) & value.keys():
        return "trend"
    return "per_year" if isinstance(value, dict) else None


Baseline = Annotated[
    Annotated[dict[str, Tonnes], Tag("per_year")] | Annotated[BaselineTrend, Tag("trend")],
    Discriminator(
        _baseline_kind,
        custom_error_type="baseline_kind",
        custom_error_message='baseline_t is either tonnes per year ({"2024": 120000, ...}) or one year '
        'and a trend ({"year": 2024, "emissions_t": 120000, "trend": -0.01})',
    ),
]


# --- targets --------------------------------------------------------------------------------


class NetZeroTarget(_Strict):
    """Net zero by a year: a straight line from the baseline of the pathway's first year down to
    `residual_share` × the baseline of `net_zero_year` (0: true zero; e.g. 0.15 for the residual
    emissions a municipality leaves to offsets or removals), and from then on `residual_share` × the
    baseline of each year."""

    kind: ClassVar[str] = "net_zero"
    net_zero_year: Year
    residual_share: Annotated[float, Field(ge=0, lt=1)] = 0.0

    @property
    def year(self) -> int:
        return self.net_zero_year

    @property
    def label(self) -> str:
        residual = f", {self.residual_share:.0%} residual" if self.residual_share else ""
        return f"net zero by {self.net_zero_year}{residual}"


class ReductionRateTarget(_Strict):
    """A carbon budget as a yearly reduction rate: target(y) = baseline(from_year) × (1 − rate)^(y −
    from_year) from `from_year` (default: the pathway's first year) on, and the baseline itself
    before it. E.g. `{"reduction_rate": 0.1172, "from_year": 2024}` (Klimatkollen's 11.72 % a year)."""

    kind: ClassVar[str] = "reduction_rate"
    reduction_rate: Annotated[float, Field(gt=0, lt=1)]
    from_year: Year | None = None

    @property
    def year(self) -> None:
        return None

    @property
    def label(self) -> str:
        start = f" from {self.from_year}" if self.from_year is not None else ""
        return f"−{100 * self.reduction_rate:.4g} % a year{start}"


class TargetPoints(_Strict):
    """Explicit target levels, t per year by year (`{"target_t": {"2030": 40000}}`), joined by straight
    lines. The line starts at the baseline of the pathway's first year unless that year is given, and
    stays at the last level after the last year given."""

    kind: ClassVar[str] = "points"
    target_t: dict[str, Tonnes]

    @field_validator("target_t")
    @classmethod
    def _years_are_years(cls, points: dict[str, float]) -> dict[str, float]:
        return _year_mapping(points, "target_t")

    @property
    def year(self) -> int:
        return int(next(reversed(self.target_t)))

    @property
    def label(self) -> str:
        return f"target of {self.target_t[str(self.year)]:,.0f} t in {self.year}"


_TARGET_KINDS = {"net_zero_year": "net_zero", "reduction_rate": "reduction_rate", "target_t": "points"}


def _target_kind(value: object) -> str | None:
    """Which kind of target a value is: the one whose defining key it has (None: none or several)."""
    if isinstance(value, NetZeroTarget | ReductionRateTarget | TargetPoints):
        return value.kind
    if isinstance(value, dict):
        kinds = {kind for key, kind in _TARGET_KINDS.items() if key in value}
        return kinds.pop() if len(kinds) == 1 else None
    return None


Target = Annotated[
    Annotated[NetZeroTarget, Tag("net_zero")]
    | Annotated[ReductionRateTarget, Tag("reduction_rate")]
    | Annotated[TargetPoints, Tag("points")],
    Discriminator(
        _target_kind,
        custom_error_type="target_kind",
        custom_error_message="a target needs exactly one of net_zero_year, reduction_rate or target_t",
    ),
]


# --- the specification -------------------------------------------------------------------------


class PathwaySpec(_Strict):
    """Baseline emissions and a target, to set the chosen portfolio's emissions pathway against.

    `baseline_t` is the municipality's emissions without the portfolio, t CO2e per year: either per
    year (`{"2022": 131000, "2023": 127000}`; straight lines between the years given, the last value
    kept after the last year) or one year and a trend (see `BaselineTrend`). `target` is one of
    `NetZeroTarget`, `ReductionRateTarget` or `TargetPoints`. The pathway runs from the baseline's
    first year to `to_year` (default: the target's year, or 2030 for a reduction rate)."""

    baseline_t: Baseline
    target: Target
    to_year: Year | None = None

    @field_validator("baseline_t")
    @classmethod
    def _years_are_years(cls, baseline: dict[str, float] | BaselineTrend) -> dict[str, float] | BaselineTrend:
        return _year_mapping(baseline, "baseline_t") if isinstance(baseline, dict) else baseline

    @model_validator(mode="after")
    def _years_in_order(self) -> PathwaySpec:
        first, target = self.first_year, self.target
        if isinstance(target, NetZeroTarget) and target.net_zero_year <= first:
            raise ValueError(
                f"net_zero_year {target.net_zero_year} must be after the baseline's first year {first}"
            )
        if isinstance(target, TargetPoints) and int(next(iter(target.target_t))) < first:
            raise ValueError(
                f"target_t year {next(iter(target.target_t))} is before the baseline's first year {first}"
            )
        if self.to_year is not None and self.to_year < first:
            raise ValueError(f"to_year {self.to_year} is before the baseline's first year {first}")
        if target.year is not None and self.last_year < target.year:
            raise ValueError(f"to_year {self.last_year} is before the target year {target.year}")
        if isinstance(target, ReductionRateTarget) and target.from_year is not None:
            if target.from_year < first:
                raise ValueError(f"from_year {target.from_year} is before the baseline's first year {first}")
            if target.from_year > self.last_year:
                raise ValueError(f"from_year {target.from_year} is after to_year {self.last_year}")
        return self

    @property
    def first_year(self) -> int:
        """The first year of the baseline, and of the pathway."""
        if isinstance(self.baseline_t, BaselineTrend):
            return self.baseline_t.year
        return int(next(iter(self.baseline_t)))

    @property
    def last_year(self) -> int:
        """The last year of the pathway: `to_year`, or the target's year, or 2030."""
        if self.to_year is not None:
            return self.to_year
        return self.target.year if self.target.year is not None else max(DEFAULT_TO_YEAR, self.first_year)

    @property
    def target_year(self) -> int:
        """The year the target is judged at: the target's own year, or the pathway's last year."""
        return self.target.year if self.target.year is not None else self.last_year

    @property
    def years(self) -> np.ndarray:
        """The pathway's years, first to last."""
        return np.arange(self.first_year, self.last_year + 1)

    def baseline(self, years: np.ndarray) -> np.ndarray:
        """Baseline emissions in `years`, t per year."""
        if isinstance(self.baseline_t, BaselineTrend):
            b = self.baseline_t
            return b.emissions_t * (1.0 + b.trend) ** (years - b.year).astype(float)
        given = np.array([int(y) for y in self.baseline_t], dtype=float)
        return np.interp(years, given, np.array(list(self.baseline_t.values()), dtype=float))

    def target_line(self, years: np.ndarray) -> np.ndarray:
        """The target in `years` (within the pathway's years), t per year."""
        target, first = self.target, self.first_year
        baseline = self.baseline(years)
        if isinstance(target, NetZeroTarget):
            start = float(self.baseline(np.array([first]))[0])
            end = target.residual_share * float(self.baseline(np.array([target.net_zero_year]))[0])
            line = np.interp(years, [first, target.net_zero_year], [start, end])
            return np.where(years <= target.net_zero_year, line, target.residual_share * baseline)
        if isinstance(target, ReductionRateTarget):
            start_year = first if target.from_year is None else target.from_year
            start = float(self.baseline(np.array([start_year]))[0])
            decayed = start * (1.0 - target.reduction_rate) ** (years - start_year).astype(float)
            return np.where(years < start_year, baseline, decayed)
        points = {int(y): t for y, t in target.target_t.items()}
        points.setdefault(first, float(self.baseline(np.array([first]))[0]))
        xs = sorted(points)
        return np.interp(years, xs, [points[x] for x in xs])

    @property
    def label(self) -> str:
        """The target in words, for charts and reports."""
        return self.target.label


# --- the outcome --------------------------------------------------------------------------------


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PathwayYear(_Record):
    year: int
    baseline_t: float
    """Emissions without the portfolio."""
    abatement_t: float
    """The portfolio's reduction in operation this year."""
    emissions_t: float
    """baseline_t − abatement_t (not cut at 0: below 0 says the baseline is too low for the list)."""
    target_t: float
    gap_t: float
    """emissions_t − target_t: above 0 the pathway is above the target line."""


class Pathway(_Record):
    """The chosen portfolio's emissions pathway against the target, per year and in sum."""

    target: str
    """The target in words (e.g. "net zero by 2030")."""
    target_kind: Literal["net_zero", "reduction_rate", "points"]
    years: list[PathwayYear]
    target_year: int
    """The year the target is judged at (the net-zero year, the last target point, or the last year)."""
    gap_at_target_year_t: float
    """The gap left in the target year: tonnes a year still to cut there (≤ 0: the target is met)."""
    cumulative_emissions_t: float
    """Emissions summed over all the pathway's years."""
    cumulative_target_t: float
    """The target summed over the same years: the carbon budget of the period."""
    overshoot_t: float
    """cumulative_emissions_t − cumulative_target_t: above 0 the budget of the period is exceeded."""
    meets_target_from: int | None
    """The first year from which emissions stay at or below the target every year to the end; None
    when the last year is above it."""
