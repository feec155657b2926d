"""Scenario + project list → a mixed-integer programme in matrix form.

The model is data: sparse matrices and bound vectors built column-wise with numpy/scipy, one
block per rule, never a Python loop per project or per term. Rows are grouped by the rule they
come from, so that an infeasible scenario can be explained rule by rule (`optimizer.explain`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from models import CumulativeObjective, GroupRule, ProjectList, Scenario, canonical_text
from optimizer.validate import resolve_first_year

FORCED_GROUPS = ("mandatory", "include", "exclude")
"""Groups that act on variable bounds rather than on rows."""


@dataclass(frozen=True, slots=True)
class RowGroup:
    """Consecutive rows that come from one rule of the scenario."""

    name: str
    kind: str  # "budget", "rule", "requires", "alternatives"
    start: int
    stop: int


@dataclass(frozen=True, slots=True)
class ExpandedRule:
    """A scenario rule applied to one group of projects (a `for_each` rule gives one per value)."""

    name: str
    rule: GroupRule
    members: np.ndarray  # bool mask over projects


@dataclass(frozen=True, slots=True)
class BudgetYears:
    """The budget rows: one per year, or one (year None) for a single budget over all years."""

    years: tuple[int | None, ...]
    limits_sek: np.ndarray


@dataclass(frozen=True, eq=False)
class MilpModel:
    """max objective @ x  s.t.  row_lower <= matrix @ x <= row_upper, col_lower <= x <= col_upper,
    x integer where `integer`.  Columns are projects, in the order of the project list."""

    objective: np.ndarray
    matrix: sp.csr_array
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    row_groups: tuple[RowGroup, ...]
    forced: dict[str, np.ndarray]
    """Which projects each bound group forces in ("mandatory", "include") or out ("exclude")."""

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    @property
    def group_names(self) -> tuple[str, ...]:
        forced = tuple(name for name in FORCED_GROUPS if self.forced[name].any())
        return tuple(g.name for g in self.row_groups) + forced

    def without(self, dropped: Iterable[str]) -> MilpModel:
        """The same model with the named groups of rules removed (used to explain infeasibility)."""
        dropped = set(dropped)
        lower, upper = self.row_lower.copy(), self.row_upper.copy()
        for group in self.row_groups:
            if group.name in dropped:
                lower[group.start : group.stop] = -np.inf
                upper[group.start : group.stop] = np.inf
        forced = {k: (v if k not in dropped else np.zeros_like(v)) for k, v in self.forced.items()}
        col_lower = (forced["mandatory"] | forced["include"]).astype(float)
        col_upper = np.where(forced["exclude"], 0.0, 1.0)
        return replace(
            self, row_lower=lower, row_upper=upper, col_lower=col_lower, col_upper=col_upper, forced=forced
        )

    def feasibility(self) -> MilpModel:
        """The same constraints with a zero objective: is there any portfolio at all?"""
        return replace(self, objective=np.zeros_like(self.objective))


def objective_coefficients(projects: ProjectList, scenario: Scenario) -> np.ndarray:
    """tCO2e each fully funded project contributes to the scenario's objective."""
    table = projects.table
    annual = table["abatement_t_per_year"].to_numpy(dtype=float)
    lifetime = table["lifetime_years"].to_numpy(dtype=float)
    if scenario.objective == "annual":
        return annual.copy()
    if isinstance(scenario.objective, CumulativeObjective):
        last = projects.last_spend_year(resolve_first_year(projects, scenario))
        years = np.clip(scenario.objective.cumulative_to - last, 0, lifetime)
        return annual * years
    return annual * lifetime


def budget_years(projects: ProjectList, scenario: Scenario) -> BudgetYears:
    """The years budgets apply to and their limits."""
    if isinstance(scenario.budget_sek, dict):
        years = tuple(int(y) for y in scenario.budget_sek)
        return BudgetYears(years, np.array(list(scenario.budget_sek.values()), dtype=float))
    return BudgetYears((None,), np.array([scenario.budget_sek], dtype=float))


def municipal_cost_by_year(projects: ProjectList, scenario: Scenario, years: BudgetYears) -> np.ndarray:
    """Municipal cost (cost minus grant, pro rata) per project and budget row, SEK."""
    share = projects.municipal_share[:, None]
    if years.years == (None,):
        return (projects.total_cost[:, None] * share).reshape(-1, 1)
    first_year = resolve_first_year(projects, scenario)
    return projects.cost_by_year([int(y) for y in years.years], first_year) * share


def expand_rules(projects: ProjectList, scenario: Scenario) -> list[ExpandedRule]:
    """Each scenario rule as the concrete group(s) of projects it constrains."""
    expanded: list[ExpandedRule] = []
    for rule in scenario.constraints:
        members = np.ones(len(projects), dtype=bool)
        for column, values in rule.where.items():
            wanted = [canonical_text(v) for v in values]
            members &= pd.Series(projects.values_of(column)).isin(wanted).to_numpy()
        if rule.for_each is None:
            expanded.append(ExpandedRule(rule.name, rule, members))
            continue
        values = projects.values_of(rule.for_each)
        for value in pd.unique(values[pd.notna(values)]):
            expanded.append(ExpandedRule(f"{rule.name}[{value}]", rule, members & (values == value)))
    return expanded


def rule_measure(projects: ProjectList, objective: np.ndarray, measure: str) -> np.ndarray:
    """Per-project amount a rule of this measure counts, for a fully funded project."""
    if measure == "cost":
        return projects.total_cost
    if measure == "municipal_cost":
        return projects.total_cost * projects.municipal_share
    if measure == "abatement":
        return objective
    return np.ones(len(projects))


def build_model(projects: ProjectList, scenario: Scenario) -> MilpModel:
    """The complete MILP of a scenario (inputs validated with `validate.check_fits` first)."""
    n = len(projects)
    objective = objective_coefficients(projects, scenario)
    blocks: list[tuple[str, str, sp.csr_array, np.ndarray, np.ndarray]] = []

    years = budget_years(projects, scenario)
    spend = municipal_cost_by_year(projects, scenario, years)
    for j, year in enumerate(years.years):
        name = "budget" if year is None else f"budget {year}"
        blocks.append(
            (
                name,
                "budget",
                _scaled_row(spend[:, j]),
                np.array([-np.inf]),
                _scale_rhs(spend[:, j], years.limits_sek[j]),
            )
        )

    requires = _requires_block(projects)
    if requires is not None:
        blocks.append(
            (
                "requires",
                "requires",
                requires,
                np.full(requires.shape[0], -np.inf),
                np.zeros(requires.shape[0]),
            )
        )
    alternatives = _alternatives_block(projects)
    if alternatives is not None:
        rows = alternatives.shape[0]
        blocks.append(("alternatives", "alternatives", alternatives, np.full(rows, -np.inf), np.ones(rows)))

    for rule in expand_rules(projects, scenario):
        matrix, lower, upper = _rule_block(rule, rule_measure(projects, objective, rule.rule.measure))
        blocks.append((f"rule {rule.name}", "rule", matrix, lower, upper))

    groups, start = [], 0
    for name, kind, matrix, _, _ in blocks:
        groups.append(RowGroup(name, kind, start, start + matrix.shape[0]))
        start += matrix.shape[0]
    matrix = sp.vstack([b[2] for b in blocks], format="csr") if blocks else sp.csr_array((0, n))
    table = projects.table
    ids = pd.Index(projects.ids)
    forced = {
        "mandatory": table["mandatory"].to_numpy(dtype=bool),
        "include": ids.isin(scenario.include),
        "exclude": ids.isin(scenario.exclude),
    }
    return MilpModel(
        objective=objective,
        matrix=sp.csr_array(matrix),
        row_lower=np.concatenate([b[3] for b in blocks]) if blocks else np.zeros(0),
        row_upper=np.concatenate([b[4] for b in blocks]) if blocks else np.zeros(0),
        col_lower=(forced["mandatory"] | forced["include"]).astype(float),
        col_upper=np.where(forced["exclude"], 0.0, 1.0),
        integer=~table["divisible"].to_numpy(dtype=bool),
        row_groups=tuple(groups),
        forced=forced,
    )


def _row_scale(coefficients: np.ndarray) -> float:
    """Rows are scaled to a largest coefficient of 1: SEK figures of 1e8 would hurt the solver."""
    largest = float(np.abs(coefficients).max(initial=0.0))
    return largest if largest > 0 else 1.0


def _scaled_row(coefficients: np.ndarray) -> sp.csr_array:
    return sp.csr_array(coefficients[None, :] / _row_scale(coefficients))


def _scale_rhs(coefficients: np.ndarray, rhs: float) -> np.ndarray:
    return np.array([rhs / _row_scale(coefficients)])


def _requires_block(projects: ProjectList) -> sp.csr_array | None:
    """x_dependent - x_required <= 0 for every (project, required project) pair."""
    pairs = projects.table["requires"].explode().dropna()
    if pairs.empty:
        return None
    dependent = pairs.index.to_numpy(dtype=int)
    required = pd.Index(projects.ids).get_indexer(pairs.to_numpy(dtype=object))
    rows = np.arange(len(pairs))
    data = np.concatenate([np.ones(len(rows)), -np.ones(len(rows))])
    coords = (np.concatenate([rows, rows]), np.concatenate([dependent, required]))
    return sp.csr_array(sp.coo_array((data, coords), shape=(len(rows), len(projects))))


def _alternatives_block(projects: ProjectList) -> sp.csr_array | None:
    """At most one project per exclusive group: sum x <= 1 per group."""
    groups = projects.table["exclusive_group"]
    codes, uniques = pd.factorize(groups, use_na_sentinel=True)
    members = np.flatnonzero(codes >= 0)
    if len(uniques) == 0:
        return None
    data = np.ones(len(members))
    return sp.csr_array(sp.coo_array((data, (codes[members], members)), shape=(len(uniques), len(projects))))


def _rule_block(rule: ExpandedRule, measure: np.ndarray) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    """Rows of one group rule: absolute bounds on the group's sum, and shares of the portfolio's sum.

    A share s of the portfolio is linear: sum_group m x >= s * sum_all m x  <=>  sum (1[group] - s) m x >= 0.
    """
    in_group = rule.members.astype(float)
    rows: list[np.ndarray] = []
    lower: list[float] = []
    upper: list[float] = []
    spec = rule.rule
    if spec.min is not None or spec.max is not None:
        coefficients = in_group * measure
        scale = _row_scale(coefficients)
        rows.append(coefficients / scale)
        lower.append(-np.inf if spec.min is None else spec.min / scale)
        upper.append(np.inf if spec.max is None else spec.max / scale)
    for share, is_min in ((spec.min_share, True), (spec.max_share, False)):
        if share is None:
            continue
        coefficients = (in_group - share) * measure
        rows.append(coefficients / _row_scale(coefficients))
        lower.append(0.0 if is_min else -np.inf)
        upper.append(np.inf if is_min else 0.0)
    return sp.csr_array(np.vstack(rows)), np.array(lower), np.array(upper)
