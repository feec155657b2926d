"""Uncertain reductions and costs: the study's settings and its results, as pure data.

A project list may give ranges around its point estimates (`abatement_low_t_per_year`,
`abatement_high_t_per_year`, `cost_low_sek`, `cost_high_sek`). An uncertainty study draws reductions
and costs from those ranges, evaluates the point portfolio under every draw, re-optimises per draw
and, if asked, chooses a robust portfolio. The computation is in `optimizer.analysis.uncertainty`; this module
holds only what it is told and what it returns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from models.result import Result, Status
from models.robust import RobustPortfolio

Distribution = Literal["pert", "triangular", "uniform"]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
QUANTILES = {"p10": 0.1, "p50": 0.5, "p90": 0.9}
"""The quantiles reported, by name."""
HISTOGRAM_BINS = 30
"""Bins of the study's histogram: enough to show the shape of the distribution in a chart."""


class UncertaintySpec(BaseModel):
    """How an uncertainty study draws reductions and costs (the scenario's `[uncertainty]` section).

    `distribution` is the shape between a project's low and high value around its point estimate:
    `pert` (default) is a Beta distribution with the point as its mode and shape 4 — mean
    (low + 4·point + high) / 6, the usual choice in cost estimation, as it weights the point estimate
    and still has the tails; `triangular` has the point as its mode (mean (low + point + high) / 3);
    `uniform` ignores the point and spreads evenly from low to high. A side left empty has no spread.

    `sector_correlation` is the share of each project's variance that is common to its sector (a
    Gaussian copula: z = √ρ·z_sector + √(1−ρ)·e), one value for every sector or one per sector (sectors
    not named have 0). Reductions and costs are drawn independently of each other, each with its own
    sector factors. `draws` and `seed` make a study repeatable: the same seed gives the same numbers on
    every machine and executor. `cvar_alpha` is the tail share the robust mode maximises the mean of.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    distribution: Distribution = "pert"
    sector_correlation: Share | dict[str, Share] = 0.0
    draws: Annotated[int, Field(ge=1)] = 1000
    seed: Annotated[int, Field(ge=0)] = 0
    cvar_alpha: Annotated[float, Field(gt=0, lt=1)] = 0.1

    def correlation_of(self, sector: str) -> float:
        """ρ of one sector."""
        if isinstance(self.sector_correlation, Mapping):
            return float(self.sector_correlation.get(sector, 0.0))
        return float(self.sector_correlation)


def _plain(value: Any) -> Any:
    """numpy scalars and non-finite floats as JSON values."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    return value


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array)
    array.flags.writeable = False
    return array


def quantiles(values: np.ndarray) -> dict[str, float | None]:
    """P10, P50 and P90 of `values` (NaN ignored; None when there is none)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if not len(values):
        return dict.fromkeys(QUANTILES)
    found = np.quantile(values, list(QUANTILES.values()))
    return {name: float(v) for name, v in zip(QUANTILES, found, strict=True)}


@dataclass(frozen=True, eq=False)
class Draws:
    """N draws of every project's yearly reduction and cost, in list order (columns) per draw (rows)."""

    ids: tuple[str, ...]
    abatement_t_per_year: np.ndarray
    """N×n drawn yearly reductions, t/yr."""
    cost_factor: np.ndarray
    """N×n drawn total cost / point cost (1 where the cost has no spread or its point is 0)."""
    seed: int
    distribution: Distribution
    sector_correlation: float | dict[str, float] = 0.0

    def __post_init__(self) -> None:
        _frozen(self.abatement_t_per_year)
        _frozen(self.cost_factor)

    def __len__(self) -> int:
        return int(self.abatement_t_per_year.shape[0])

    def to_dict(self, *, include_draws: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "draws": len(self),
            "seed": self.seed,
            "distribution": self.distribution,
            "sector_correlation": _plain(self.sector_correlation),
            "ids": list(self.ids),
        }
        if include_draws:
            out["abatement_t_per_year"] = self.abatement_t_per_year.tolist()
            out["cost_factor"] = self.cost_factor.tolist()
        return out


@dataclass(frozen=True, eq=False)
class Evaluation:
    """One portfolio (its fractions and start years fixed) under every draw.

    Tonnes are in the scenario's tonnes measure (`objective`); costs are municipal, after grants and
    funding pools, whose SEK amounts stay as decided while the cost varies (never above the cost).
    """

    objective: str
    abatement_t: dict[str, float | None]
    abatement_mean_t: float
    cost_sek: dict[str, float | None]
    """Municipal cost after grants and pools."""
    cost_mean_sek: float
    probability_within_budget: float
    """Share of draws in which every budget row holds."""
    overrun_sek: dict[str, float | None]
    """Quantiles of the money the budgets lack per draw: the sum over budget rows of the spending above
    each row's limit (0 in a draw within every budget)."""
    probability_within_budget_by_year: dict[str, float]
    """Per budget row ("2026", …, or "total" for one budget over all years): share of draws it holds."""
    probability_target_met: float | None
    target_t: float | None
    """The tonnes of `min_cost_for_t`, or the pathway's target emissions in its target year."""
    target_kind: Literal["min_cost_for_t", "pathway"] | None
    target_year: int | None
    draws: int
    abatement_draws_t: np.ndarray = field(repr=False)
    """Per draw: the portfolio's tonnes."""
    cost_draws_sek: np.ndarray = field(repr=False)
    """Per draw: the portfolio's municipal cost."""
    spend_draws_sek: np.ndarray = field(repr=False)
    """Per draw (rows) and budget row (columns): municipal spending."""
    target_draws_met: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for array in (
            self.abatement_draws_t,
            self.cost_draws_sek,
            self.spend_draws_sek,
            self.target_draws_met,
        ):
            if array is not None:
                _frozen(array)

    def to_dict(self, *, include_draws: bool = False) -> dict[str, Any]:
        out = {
            "objective": self.objective,
            "abatement_t": _plain(self.abatement_t),
            "abatement_mean_t": _plain(self.abatement_mean_t),
            "cost_sek": _plain(self.cost_sek),
            "cost_mean_sek": _plain(self.cost_mean_sek),
            "probability_within_budget": self.probability_within_budget,
            "probability_within_budget_by_year": dict(self.probability_within_budget_by_year),
            "overrun_sek": _plain(self.overrun_sek),
            "probability_target_met": self.probability_target_met,
            "target_t": _plain(self.target_t),
            "target_kind": self.target_kind,
            "target_year": self.target_year,
            "draws": self.draws,
        }
        if include_draws:
            out["abatement_draws_t"] = _plain(self.abatement_draws_t)
            out["cost_draws_sek"] = _plain(self.cost_draws_sek)
        return out


@dataclass(frozen=True, eq=False)
class Reoptimisation:
    """The best portfolio of every draw, solved afresh: how robust each project's choice is."""

    selection_frequency: dict[str, float]
    """Per project id: share of all draws whose best portfolio funds it (a divisible one by its fraction)."""
    abatement_t: dict[str, float | None]
    """Quantiles of the best achievable tonnes, over the draws with a portfolio."""
    status_counts: dict[str, int]
    objective_draws_t: np.ndarray = field(repr=False)
    """Per draw: the best objective (NaN without a portfolio)."""
    abatement_draws_t: np.ndarray = field(repr=False)
    """Per draw: the best portfolio's tonnes (NaN without a portfolio)."""
    fractions: np.ndarray = field(repr=False)
    """Per draw (rows) and project (columns): the share funded."""

    def __post_init__(self) -> None:
        for array in (self.objective_draws_t, self.abatement_draws_t, self.fractions):
            _frozen(array)

    @property
    def draws(self) -> int:
        return len(self.objective_draws_t)

    def to_dict(self, *, include_draws: bool = False) -> dict[str, Any]:
        out = {
            "selection_frequency": dict(self.selection_frequency),
            "abatement_t": _plain(self.abatement_t),
            "status_counts": dict(self.status_counts),
            "draws": self.draws,
        }
        if include_draws:
            out["objective_draws_t"] = _plain(self.objective_draws_t)
            out["abatement_draws_t"] = _plain(self.abatement_draws_t)
        return out


@dataclass(frozen=True, eq=False)
class UncertaintyStudy:
    """A whole study: the point portfolio, how it fares under the draws, the re-optimised choices and
    the robust portfolio.

    `to_dict()` holds the public contract scripts rely on: `abatement_t` {p10, p50, p90} (the point
    portfolio's tonnes in the objective's measure), `probability_within_budget`,
    `probability_target_met` (None without a target) and `selection_frequency` {id: share} (None
    without re-optimisation); these names never change.
    """

    point: Result
    evaluation: Evaluation | None
    """None when the point scenario has no portfolio to evaluate."""
    reoptimisation: Reoptimisation | None
    robust: Any | None
    """A `models.robust.RobustPortfolio` (anything with `to_dict()`), or None."""
    draws: Draws
    executor: str | None
    timings: dict[str, float]
    notes: tuple[str, ...] = ()

    @property
    def seed(self) -> int:
        return self.draws.seed

    @property
    def distribution(self) -> str:
        return self.draws.distribution

    def summary(self) -> StudySummary:
        """The study as it is written (`to_dict()`), typed, for the report and the charts."""
        return StudySummary.model_validate(self.to_dict())

    def to_dict(self, *, include_draws: bool = False) -> dict[str, Any]:
        evaluation = self.evaluation
        reopt = self.reoptimisation
        out: dict[str, Any] = {
            "abatement_t": evaluation.to_dict()["abatement_t"] if evaluation else dict.fromkeys(QUANTILES),
            "probability_within_budget": evaluation.probability_within_budget if evaluation else None,
            "probability_target_met": evaluation.probability_target_met if evaluation else None,
            "selection_frequency": dict(reopt.selection_frequency) if reopt else None,
            "point": {
                "status": str(self.point.status),
                "objective": self.point.objective,
                "objective_value_t": self.point.objective_value_t,
                "abatement_t": self.point.abatement_t,
                "municipal_cost_sek": self.point.municipal_cost_sek,
                "selected": [{"id": s.id, "fraction": s.fraction} for s in self.point.selected],
            },
            "evaluation": evaluation.to_dict(include_draws=include_draws) if evaluation else None,
            "reoptimisation": reopt.to_dict(include_draws=include_draws) if reopt else None,
            "robust": self.robust.to_dict() if self.robust is not None else None,
            "histogram": _histogram(evaluation, reopt),
            "draws": len(self.draws),
            "seed": self.seed,
            "distribution": self.distribution,
            "sector_correlation": _plain(self.draws.sector_correlation),
            "executor": self.executor,
            "timings": {k: float(v) for k, v in self.timings.items()},
            "notes": list(self.notes),
        }
        return out


def _histogram(evaluation: Evaluation | None, reopt: Reoptimisation | None) -> dict[str, Any] | None:
    """Counts of the point portfolio's tonnes and the best achievable tonnes over the draws, on shared
    bin edges: what a chart needs, in a few hundred bytes rather than one number per draw."""
    if evaluation is None:
        return None
    point = np.asarray(evaluation.abatement_draws_t, dtype=float)
    best = None if reopt is None else np.asarray(reopt.abatement_draws_t, dtype=float)
    best = None if best is None else best[np.isfinite(best)]
    pooled = point if best is None else np.concatenate([point, best])
    low, high = float(pooled.min()), float(pooled.max())
    if high <= low:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, HISTOGRAM_BINS + 1)
    return {
        "edges_t": edges.tolist(),
        "point_portfolio": np.histogram(point, bins=edges)[0].tolist(),
        "best_achievable": None if best is None else np.histogram(best, bins=edges)[0].tolist(),
    }


# --------------------------------------------------------------------------------------------------
# The study as written (`UncertaintyStudy.to_dict`), typed: what the report, the charts and the
# service read. Each lets keys it does not name through, so that nothing the study writes is dropped.


class _Written(BaseModel):
    model_config = ConfigDict(extra="allow")


class Quantiles(_Written):
    """P10, P50 and P90; null when there is nothing to take them of."""

    p10: float | None
    p50: float | None
    p90: float | None


class PortfolioShare(BaseModel):
    """A funded project and the share of it funded."""

    id: str
    fraction: float


class StudyPoint(_Written):
    """The point-estimate portfolio the study evaluates."""

    status: Status
    objective: str
    objective_value_t: float | None
    abatement_t: float
    municipal_cost_sek: float
    selected: list[PortfolioShare]


class StudyEvaluation(_Written):
    """The point portfolio under every draw (tonnes in the objective's measure, municipal costs)."""

    objective: str
    abatement_t: Quantiles
    abatement_mean_t: float | None
    cost_sek: Quantiles
    cost_mean_sek: float | None
    probability_within_budget: float
    probability_within_budget_by_year: dict[str, float] = Field(
        description='Per budget row ("2026", …, or "total" for one budget over all years)'
    )
    overrun_sek: Quantiles = Field(description="The money the budgets lack per draw")
    probability_target_met: float | None
    target_t: float | None
    target_kind: Literal["min_cost_for_t", "pathway"] | None
    target_year: int | None
    draws: int


class StudyReoptimisation(_Written):
    """The best portfolio of every draw, solved afresh."""

    selection_frequency: dict[str, float] = Field(description="Per project: share of draws funding it")
    abatement_t: Quantiles = Field(description="The best achievable tonnes")
    status_counts: dict[str, int]
    draws: int


class StudyHistogram(_Written):
    """Counts of the point portfolio's and of the best achievable tonnes over the draws, on shared bins."""

    edges_t: list[float]
    point_portfolio: list[int]
    best_achievable: list[int] | None


class StudySummary(_Written):
    """An uncertainty study, as `python -m optimizer uncertainty --format json` writes it
    (`UncertaintyStudy.to_dict`)."""

    abatement_t: Quantiles = Field(description="The point portfolio's tonnes in the objective's measure")
    probability_within_budget: float | None
    probability_target_met: float | None = Field(description="null without a target")
    selection_frequency: dict[str, float] | None = Field(description="null without re-optimisation")
    point: StudyPoint
    evaluation: StudyEvaluation | None = Field(description="null when the point scenario has no portfolio")
    reoptimisation: StudyReoptimisation | None
    robust: RobustPortfolio | None
    histogram: StudyHistogram | None
    draws: int
    seed: int
    distribution: Distribution
    sector_correlation: float | dict[str, float]
    executor: str | None
    timings: dict[str, float]
    notes: list[str]

    @classmethod
    def of(cls, study: UncertaintyStudy | StudySummary | Mapping[str, Any]) -> StudySummary:
        """The typed summary of a study, of its summary, or of its `to_dict()` (as stored or read)."""
        if isinstance(study, StudySummary):
            return study
        if isinstance(study, UncertaintyStudy):
            return study.summary()
        if isinstance(study, Mapping):
            return cls.model_validate(study)
        raise ValueError("a study is an UncertaintyStudy, its summary() or its to_dict()")
