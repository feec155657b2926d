"""Scenario + project list → a mixed-integer programme in matrix form.

The model is data: sparse matrices and bound vectors built column-wise with numpy/scipy, one
block per rule, never a Python loop per project or per term. Rows are grouped by the rule they
come from, so that an infeasible scenario can be explained rule by rule (`optimizer.model.explain`).

Columns (see `ColumnLayout`): first one per project (how much of it is funded); then one per
possible start year of each phased project; then one per (funding pool, funded option) for the
share of that project's cost the pool pays; then one per scenario interaction (overlapping
measures), 1 exactly when every project of the interaction is funded; last, with a scenario
`min_fraction`, one binary per divisible project, 1 exactly when the project is funded at all (its
fraction is then at least `min_fraction`). A project's cost, reduction and rule measures sit on its
*option* columns: the project column itself when it is not phased, else its start-year columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import cast

import numpy as np
import pandas as pd
import scipy.sparse as sp

from models import CumulativeObjective, GroupRule, MinCostObjective, ProjectList, Scenario, canonical_text
from optimizer.model.fit import co_benefit_values, resolve_first_year
from optimizer.model.lifecycle import annuity_factor, discount, operating_years_in, option_lifecycle
from optimizer.model.phasing import StartOptions, concatenated_ranges, moved_costs, start_options

FORCED_GROUPS = ("mandatory", "include", "exclude")
"""Groups that act on variable bounds rather than on rows."""
STRUCTURAL_KINDS = ("phasing", "pool link", "interaction")
"""Rows that define what the extra columns mean; they are never dropped to explain a conflict."""


@dataclass(frozen=True, slots=True)
class RowGroup:
    """Consecutive rows that come from one rule of the scenario."""

    name: str
    kind: str  # "budget", "rule", "requires", "alternatives", "funding", "target", "min fraction",
    # or one of STRUCTURAL_KINDS
    start: int
    stop: int


FRACTION_NOISE = 1e-6
"""A project share below this in a solution is the solver's tolerance at work, read as not funded."""


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


@dataclass(frozen=True, slots=True)
class Decision:
    """A model solution in the project list's terms: what the independent checker is given."""

    fractions: np.ndarray
    """Per project: share funded (0/1 unless divisible)."""
    start_years: np.ndarray
    """Per project: the year its spending starts (the planned start unless phased)."""
    pool_shares: np.ndarray
    """Per (funding pool, project): the share of the project's total cost the pool pays."""


@dataclass(frozen=True, eq=False)
class ColumnLayout:
    """What each column of the model stands for (see the module docstring)."""

    n_projects: int
    planned_start: np.ndarray
    """Per project: the start year of its cost profile as listed."""
    start_project: np.ndarray
    """Per start-year column: its project."""
    start_year: np.ndarray
    """Per start-year column: the year."""
    pool: np.ndarray
    """Per pool column: the index of its funding pool."""
    pool_project: np.ndarray
    """Per pool column: the project it funds."""
    pool_selector: np.ndarray
    """Per pool column: the column (project or start year) that must be chosen for it to pay."""
    pool_names: tuple[str, ...]
    n_interactions: int = 0
    """One column per scenario interaction, after the pool columns."""
    indicator_project: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    """Per indicator column (with a scenario `min_fraction`, after the interaction columns): the divisible
    project it switches on (1: funded at min_fraction or more; 0: not funded)."""

    @property
    def n_columns(self) -> int:
        return (
            self.n_projects
            + len(self.start_project)
            + len(self.pool)
            + self.n_interactions
            + len(self.indicator_project)
        )

    @property
    def interaction_columns(self) -> np.ndarray:
        return self.n_projects + len(self.start_project) + len(self.pool) + np.arange(self.n_interactions)

    @property
    def indicator_columns(self) -> np.ndarray:
        first = self.n_projects + len(self.start_project) + len(self.pool) + self.n_interactions
        return first + np.arange(len(self.indicator_project))

    @property
    def start_columns(self) -> np.ndarray:
        return self.n_projects + np.arange(len(self.start_project))

    @property
    def pool_columns(self) -> np.ndarray:
        return self.n_projects + len(self.start_project) + np.arange(len(self.pool))

    def best_start_columns(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per phased project, the start-year column with the largest of `values` (one per start-year
        column): (projects, their chosen positions among the start-year columns)."""
        order = np.lexsort((-np.asarray(values), self.start_project))
        first = np.unique(self.start_project[order], return_index=True)[1]
        chosen = order[first]
        return self.start_project[chosen], chosen

    def decode(self, solution: np.ndarray) -> Decision:
        """The portfolio a solution vector describes."""
        solution = np.asarray(solution, dtype=float)
        fractions = solution[: self.n_projects]
        # within the solver's feasibility tolerance a project may come back funded at 1e-7: that is nothing
        fractions = np.where(np.abs(fractions) < FRACTION_NOISE, 0.0, fractions)
        start_years = self.planned_start.copy()
        # a pool pays for the option chosen of a funded project: its own column, or its chosen start
        # year's; pool money anywhere else is the solver's tolerance at work, not funding
        funded = fractions > 0
        chosen_option = np.zeros(self.n_columns, dtype=bool)
        chosen_option[: self.n_projects] = funded
        if len(self.start_project):
            phased, chosen = self.best_start_columns(solution[self.start_columns])
            start_years[phased] = self.start_year[chosen]
            chosen_option[self.start_columns[chosen]] = funded[phased]
        paid = np.where(chosen_option[self.pool_selector], solution[self.pool_columns], 0.0)
        shares = np.zeros((len(self.pool_names), self.n_projects))
        np.add.at(shares, (self.pool, self.pool_project), paid)
        return Decision(fractions=fractions, start_years=start_years, pool_shares=np.clip(shares, 0.0, None))


@dataclass(frozen=True, eq=False)
class MilpModel:
    """max objective @ x  s.t.  row_lower <= matrix @ x <= row_upper, col_lower <= x <= col_upper,
    x integer where `integer`. Columns are described by `layout`; rows by `row_groups`. Every row was
    divided by `row_scale` (its largest coefficient), so a row's bounds are in units of that scale."""

    objective: np.ndarray
    matrix: sp.csr_array
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    row_groups: tuple[RowGroup, ...]
    row_scale: np.ndarray
    forced: dict[str, np.ndarray]
    """Which projects each bound group forces in ("mandatory", "include") or out ("exclude")."""
    layout: ColumnLayout

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    @property
    def group_names(self) -> tuple[str, ...]:
        """The rules an explanation may drop: every row group but the structural ones, and the forced sets."""
        forced = tuple(name for name in FORCED_GROUPS if self.forced[name].any())
        return tuple(g.name for g in self.row_groups if g.kind not in STRUCTURAL_KINDS) + forced

    def without(self, dropped: Iterable[str]) -> MilpModel:
        """The same model with the named groups of rules removed (used to explain infeasibility)."""
        dropped = set(dropped)
        lower, upper = self.row_lower.copy(), self.row_upper.copy()
        for group in self.row_groups:
            if group.name in dropped:
                lower[group.start : group.stop] = -np.inf
                upper[group.start : group.stop] = np.inf
        forced = {k: (v if k not in dropped else np.zeros_like(v)) for k, v in self.forced.items()}
        n = self.layout.n_projects
        col_lower, col_upper = self.col_lower.copy(), self.col_upper.copy()
        col_lower[:n] = (forced["mandatory"] | forced["include"]).astype(float)
        col_upper[:n] = np.where(forced["exclude"], 0.0, 1.0)
        return replace(
            self, row_lower=lower, row_upper=upper, col_lower=col_lower, col_upper=col_upper, forced=forced
        )

    def feasibility(self) -> MilpModel:
        """The same constraints with a zero objective: is there any portfolio at all?"""
        return replace(self, objective=np.zeros_like(self.objective))


def objective_coefficients(projects: ProjectList, scenario: Scenario) -> np.ndarray:
    """tCO2e each fully funded project contributes to the scenario's objective, started as planned
    (co-benefit weights not included)."""
    return _tonnes(projects, scenario, np.arange(len(projects)), np.zeros(len(projects), dtype=int))


def _tonnes(projects: ProjectList, scenario: Scenario, project: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """tCO2e counted per option (a project started `shift` years after its planned start)."""
    annual = projects.table["abatement_t_per_year"].to_numpy(dtype=float)[project]
    return annual * years_counted(projects, scenario, project=project, shift=shift)


def years_counted(
    projects: ProjectList, scenario: Scenario, *, project: np.ndarray, shift: np.ndarray
) -> np.ndarray:
    """How many years of each option's yearly reduction the scenario's tonnes measure counts (a
    project started `shift` years after its planned start): tonnes are linear in the yearly
    reduction, so uncertainty studies multiply drawn reductions by this instead of rebuilding."""
    lifetime = projects.table["lifetime_years"].to_numpy(dtype=float)[project]
    measure = scenario.tonnes_measure
    if measure == "annual":
        return np.ones(len(project))
    if isinstance(measure, CumulativeObjective):
        last = projects.last_spend_year(resolve_first_year(projects, scenario))[project] + shift
        return np.clip(measure.cumulative_to - last, 0, lifetime).astype(float)
    return lifetime


@dataclass(frozen=True, slots=True)
class InteractionTerms:
    """Per scenario interaction: its projects and what it adds when all are funded."""

    members: tuple[np.ndarray, ...]
    """Positions of its projects in the list."""
    tonnes_t: np.ndarray
    """Tonnes in the scenario's tonnes measure (yearly change times the years counted)."""
    present_tonnes_t: np.ndarray
    """Yearly change discounted over the years counted (what the net_benefit objective values)."""


def interaction_terms(projects: ProjectList, scenario: Scenario) -> InteractionTerms:
    """Each interaction counts its yearly change for the shortest lifetime of its projects, from the
    year after the latest of their last spend years (fixed: validation requires fixed years wherever
    timing matters)."""
    position = pd.Index(projects.ids)
    members = tuple(position.get_indexer(i.ids) for i in scenario.interactions)
    change = np.array([i.abatement_t_per_year for i in scenario.interactions], dtype=float)
    first_year = resolve_first_year(projects, scenario)
    last = projects.last_spend_year(first_year)
    lifetime = projects.table["lifetime_years"].to_numpy(dtype=float)
    shortest = np.array([lifetime[m].min() for m in members], dtype=float)
    latest = np.array([last[m].max() for m in members], dtype=int)
    measure = scenario.tonnes_measure
    if measure == "annual":
        counted = np.ones(len(members))
    elif isinstance(measure, CumulativeObjective):
        counted = np.clip(measure.cumulative_to - latest, 0, shortest).astype(float)
    else:
        counted = shortest
    rate = scenario.discount_rate
    factor = discount(rate, latest + 1 - first_year) * annuity_factor(rate, shortest)
    return InteractionTerms(members=members, tonnes_t=change * counted, present_tonnes_t=change * factor)


def budget_years(projects: ProjectList, scenario: Scenario) -> BudgetYears:
    """The years budgets apply to and their limits."""
    budget = scenario.budget
    return BudgetYears(tuple(budget.amounts), np.fromiter(budget.amounts.values(), dtype=float))


def municipal_cost_by_year(projects: ProjectList, scenario: Scenario, years: BudgetYears) -> np.ndarray:
    """Municipal cost (cost minus grant, pro rata) per project and budget row, SEK, as planned."""
    share = projects.municipal_share[:, None]
    if years.years == (None,):
        return (projects.total_cost[:, None] * share).reshape(-1, 1)
    first_year = resolve_first_year(projects, scenario)
    year_rows = cast(tuple[int, ...], years.years)  # a row per year: the single row (None) is handled above
    return projects.cost_by_year([int(y) for y in year_rows], first_year) * share


def members_where(projects: ProjectList, where: Mapping[str, list]) -> np.ndarray:
    """Mask of the projects whose every named column holds one of the listed values."""
    members = np.ones(len(projects), dtype=bool)
    for column, values in where.items():
        wanted = [canonical_text(v) for v in values]
        members &= pd.Series(projects.values_of(column)).isin(wanted).to_numpy()
    return members


def expand_rules(projects: ProjectList, scenario: Scenario) -> list[ExpandedRule]:
    """Each scenario rule as the concrete group(s) of projects it constrains."""
    expanded: list[ExpandedRule] = []
    for rule in scenario.constraints:
        members = members_where(projects, rule.where)
        if rule.for_each is None:
            expanded.append(ExpandedRule(rule.name, rule, members))
            continue
        values = projects.values_of(rule.for_each)
        for value in pd.unique(values[pd.notna(values)]):
            expanded.append(ExpandedRule(f"{rule.name}[{value}]", rule, members & (values == value)))
    return expanded


def rule_measure(projects: ProjectList, objective: np.ndarray, measure: str) -> np.ndarray:
    """Per-project amount a rule of this measure counts, for a fully funded project started as
    planned (municipal cost after grants, before funding pools)."""
    if measure == "cost":
        return projects.total_cost
    if measure == "municipal_cost":
        return projects.total_cost * projects.municipal_share
    if measure == "abatement":
        return objective
    if measure == "count":
        return np.ones(len(projects))
    return co_benefit_values(projects, measure)


@dataclass(frozen=True)
class _Options:
    """The columns that carry each project's cost and reduction (one per project, or per start year)."""

    column: np.ndarray
    project: np.ndarray
    shift: np.ndarray


def build_model(projects: ProjectList, scenario: Scenario) -> MilpModel:
    """The complete MILP of a scenario (inputs validated with `validate.check_fits` first)."""
    n = len(projects)
    first_year = resolve_first_year(projects, scenario)
    starts = start_options(projects, first_year, scenario.budget_years)
    options = _options(projects, starts)
    entries = _Entries(*moved_costs(projects, first_year, options.project, options.shift))
    pools = _pool_columns(projects, scenario, options, entries)
    layout = ColumnLayout(
        n_projects=n,
        planned_start=projects.first_spend_year(first_year),
        start_project=starts.project,
        start_year=starts.start_year,
        pool=pools.pool,
        pool_project=options.project[pools.option],
        pool_selector=options.column[pools.option],
        pool_names=tuple(p.name for p in scenario.funding),
        n_interactions=len(scenario.interactions),
        indicator_project=(
            np.flatnonzero(projects.table["divisible"].to_numpy(dtype=bool))
            if scenario.min_fraction is not None
            else np.zeros(0, dtype=int)
        ),
    )
    width = layout.n_columns
    pool_cols = layout.pool_columns
    pool_entries = _pool_entries(pools, entries)
    overlaps = interaction_terms(projects, scenario)
    overlap_cols = layout.interaction_columns

    tonnes = _tonnes(projects, scenario, options.project, options.shift)
    objective = np.zeros(width)
    if scenario.minimises_cost:  # maximise −(municipal cost): cost after grants, minus pool money
        objective[options.column] = -(projects.total_cost * projects.municipal_share)[options.project]
        objective[pool_cols] = projects.total_cost[layout.pool_project]
    elif scenario.net_benefit is not None:  # value of the tonnes over the life − net present cost, SEK
        value = scenario.net_benefit.carbon_value_sek_per_t
        life = option_lifecycle(projects, scenario, project=options.project, shift=options.shift)
        objective[options.column] = value * life.present_tonnes_t - life.net_present_cost_sek
        objective[overlap_cols] = value * overlaps.present_tonnes_t
    else:
        objective[options.column] = tonnes
        objective[overlap_cols] = overlaps.tonnes_t
        for column, weight in scenario.co_benefit_weights.items():
            objective[options.column] += weight * co_benefit_values(projects, column)[options.project]

    blocks: list[tuple[str, str, sp.csr_array, np.ndarray, np.ndarray]] = []
    blocks += _budget_blocks(projects, scenario, options, layout, entries, pool_entries)
    if len(starts.project):
        blocks.append(("phasing", "phasing", *_phasing_block(layout)))
    if len(pools.pool):
        blocks.append(("pool links", "pool link", *_pool_link_block(projects, scenario, layout)))
    if scenario.funding:
        blocks += _pool_capacity_blocks(scenario, layout, entries, pool_entries)
    if layout.n_interactions:
        blocks.append(("interactions", "interaction", *_interaction_block(overlaps, layout)))
    if len(layout.indicator_project):
        assert scenario.min_fraction is not None, "projects get indicators only with a min_fraction"
        blocks.append(("min_fraction", "min fraction", *_min_fraction_block(scenario.min_fraction, layout)))
    if isinstance(scenario.objective, MinCostObjective):
        target = np.zeros(width)
        target[options.column] = tonnes
        target[overlap_cols] = overlaps.tonnes_t
        goal = np.array([scenario.objective.min_cost_for_t])
        blocks.append(("reduction target", "target", sp.csr_array(target[None, :]), goal, np.array([np.inf])))
    requires = _requires_block(projects, layout)
    if requires is not None:
        rows = requires.shape[0]
        blocks.append(("requires", "requires", requires, np.full(rows, -np.inf), np.zeros(rows)))
    alternatives = _alternatives_block(projects, width)
    if alternatives is not None:
        rows = alternatives.shape[0]
        blocks.append(("alternatives", "alternatives", alternatives, np.full(rows, -np.inf), np.ones(rows)))
    for rule in expand_rules(projects, scenario):
        measure = _column_measure(projects, rule.rule.measure, tonnes, options, layout, pool_cols)
        in_group = np.zeros(width)
        in_group[options.column] = rule.members[options.project]
        in_group[pool_cols] = rule.members[layout.pool_project]
        if rule.rule.measure == "abatement":  # an interaction counts in a group that holds all its projects
            measure[overlap_cols] = overlaps.tonnes_t
            in_group[overlap_cols] = [rule.members[m].all() for m in overlaps.members]
        blocks.append((f"rule {rule.name}", "rule", *_rule_block(rule.rule, in_group, measure)))

    groups, start = [], 0
    for name, kind, matrix, _, _ in blocks:
        groups.append(RowGroup(name, kind, start, start + matrix.shape[0]))
        start += matrix.shape[0]
    matrix = sp.vstack([b[2] for b in blocks], format="csr") if blocks else sp.csr_array((0, width))
    lower = np.concatenate([b[3] for b in blocks]) if blocks else np.zeros(0)
    upper = np.concatenate([b[4] for b in blocks]) if blocks else np.zeros(0)
    matrix, lower, upper, scale = scale_rows(sp.csr_array(matrix), lower, upper)

    table = projects.table
    ids = pd.Index(projects.ids)
    forced = {
        "mandatory": table["mandatory"].to_numpy(dtype=bool),
        "include": ids.isin(scenario.include),
        "exclude": ids.isin(scenario.exclude),
    }
    col_lower = np.zeros(width)
    col_upper = np.ones(width)
    col_lower[:n] = (forced["mandatory"] | forced["include"]).astype(float)
    col_upper[:n] = np.where(forced["exclude"], 0.0, 1.0)
    if scenario.funding:
        col_upper[pool_cols] = np.array([p.max_share for p in scenario.funding])[pools.pool]
    integer = np.zeros(width, dtype=bool)
    integer[:n] = ~table["divisible"].to_numpy(dtype=bool)
    integer[layout.start_columns] = True
    integer[layout.indicator_columns] = True
    return MilpModel(
        objective=objective,
        matrix=matrix,
        row_lower=lower,
        row_upper=upper,
        col_lower=col_lower,
        col_upper=col_upper,
        integer=integer,
        row_groups=tuple(groups),
        row_scale=scale,
        forced=forced,
        layout=layout,
    )


def _options(projects: ProjectList, starts: StartOptions) -> _Options:
    n = len(projects)
    fixed = np.flatnonzero(~projects.phased)
    return _Options(
        column=np.concatenate([fixed, n + np.arange(len(starts.project))]),
        project=np.concatenate([fixed, starts.project]),
        shift=np.concatenate([np.zeros(len(fixed), dtype=int), starts.shift]),
    )


@dataclass(frozen=True)
class _Entries:
    """Every cost of every option: (option index, calendar year, SEK), grouped by option."""

    option: np.ndarray
    year: np.ndarray
    amount: np.ndarray


@dataclass(frozen=True)
class _PoolColumns:
    pool: np.ndarray
    option: np.ndarray
    """Index into `_Options` of the option each pool column funds."""


def _pool_columns(
    projects: ProjectList, scenario: Scenario, options: _Options, entries: _Entries
) -> _PoolColumns:
    """One column per (pool, option) where the project is eligible and, for a pool with a capacity per
    year, every year of the option's spending has capacity (pool money follows the spending)."""
    pool_of, option_of = [], []
    for index, pool in enumerate(scenario.funding):
        eligible = members_where(projects, pool.where)[options.project]
        years = pool.capacity_years
        if years is not None:
            outside = np.bincount(
                entries.option[~np.isin(entries.year, years)], minlength=len(options.project)
            )
            eligible &= outside == 0
        chosen = np.flatnonzero(eligible)
        pool_of.append(np.full(len(chosen), index))
        option_of.append(chosen)
    if not pool_of:
        return _PoolColumns(np.zeros(0, dtype=int), np.zeros(0, dtype=int))
    return _PoolColumns(np.concatenate(pool_of).astype(int), np.concatenate(option_of).astype(int))


def _pool_entries(pools: _PoolColumns, entries: _Entries) -> tuple[np.ndarray, np.ndarray]:
    """(pool column, cost entry) pairs: each pool column pays its share of every cost of its option."""
    first = np.searchsorted(entries.option, pools.option, side="left")
    count = np.searchsorted(entries.option, pools.option, side="right") - first
    return np.repeat(np.arange(len(pools.option)), count), concatenated_ranges(first, count)


def _budget_blocks(
    projects: ProjectList,
    scenario: Scenario,
    options: _Options,
    layout: ColumnLayout,
    entries: _Entries,
    pool_entries: tuple[np.ndarray, np.ndarray],
) -> list[tuple[str, str, sp.csr_array, np.ndarray, np.ndarray]]:
    """Municipal spending per budget row: cost after grants on the options, minus pool money; on the
    net basis also the operating cost (or saving) of each option in every budget year it operates."""
    years = budget_years(projects, scenario)
    if years.years == (None,):
        row = np.zeros(len(entries.option), dtype=int)
    else:
        row = pd.Index(years.years).get_indexer(entries.year)
        assert (row >= 0).all(), "costs outside the budget years should have been rejected by validation"
    share = projects.municipal_share[options.project[entries.option]]
    pool, entry = pool_entries
    opex_option, opex_row, part = np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.zeros(0)
    if scenario.budget_basis == "net":  # validation requires a budget per year here
        running = np.flatnonzero(projects.opex[options.project] != 0)
        operating_from = (
            projects.last_spend_year(resolve_first_year(projects, scenario))[options.project[running]]
            + options.shift[running]
            + 1
        )
        lifetime = projects.table["lifetime_years"].to_numpy(dtype=float)[options.project[running]]
        found, opex_row, part = operating_years_in(
            operating_from, lifetime, np.asarray(years.years, dtype=int)
        )
        opex_option = running[found]
    matrix = sp.csr_array(
        sp.coo_array(
            (
                np.concatenate(
                    [
                        entries.amount * share,
                        -entries.amount[entry],
                        projects.opex[options.project[opex_option]] * part,
                    ]
                ),
                (
                    np.concatenate([row, row[entry], opex_row]),
                    np.concatenate(
                        [
                            options.column[entries.option],
                            layout.pool_columns[pool],
                            options.column[opex_option],
                        ]
                    ),
                ),
            ),
            shape=(len(years.years), layout.n_columns),
        )
    )
    return [
        (
            "budget" if y is None else f"budget {y}",
            "budget",
            matrix[[j]],
            np.array([-np.inf]),
            np.array([years.limits_sek[j]]),
        )
        for j, y in enumerate(years.years)
    ]


def _interaction_block(
    terms: InteractionTerms, layout: ColumnLayout
) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    """w = AND of the interaction's projects, exactly (the projects are whole): w − x_i ≤ 0 for each
    project, and Σ x_i − w ≤ m − 1 for its m projects."""
    sizes = np.array([len(m) for m in terms.members])
    projects = np.concatenate(terms.members)
    owner = np.repeat(np.arange(len(sizes)), sizes)
    column = layout.interaction_columns[owner]
    k, total = len(sizes), int(sizes.sum())
    upper_rows = np.arange(total)
    and_rows = total + np.arange(k)
    data = np.concatenate([np.ones(total), -np.ones(total), np.ones(total), -np.ones(k)])
    rows = np.concatenate([upper_rows, upper_rows, total + owner, and_rows])
    cols = np.concatenate([column, projects, projects, layout.interaction_columns])
    matrix = sp.csr_array(sp.coo_array((data, (rows, cols)), shape=(total + k, layout.n_columns)))
    upper = np.concatenate([np.zeros(total), sizes - 1.0])
    return matrix, np.full(total + k, -np.inf), upper


def _min_fraction_block(
    min_fraction: float, layout: ColumnLayout
) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    """Each divisible project is semi-continuous: x − y ≤ 0 (funded only when switched on), then
    x − min_fraction·y ≥ 0 (switched on: at least min_fraction). Divisible projects are never phased
    (validation), so x is the project's own column. An excluded project gets its y too: dropping the
    exclusions to explain a conflict (`MilpModel.without`) must not free its fraction."""
    k = len(layout.indicator_project)
    own, switch = layout.indicator_project, layout.indicator_columns
    rows = np.arange(k)
    matrix = sp.csr_array(
        sp.coo_array(
            (
                np.concatenate([np.ones(k), -np.ones(k), np.ones(k), np.full(k, -min_fraction)]),
                (
                    np.concatenate([rows, rows, k + rows, k + rows]),
                    np.concatenate([own, switch, own, switch]),
                ),
            ),
            shape=(2 * k, layout.n_columns),
        )
    )
    lower = np.concatenate([np.full(k, -np.inf), np.zeros(k)])
    upper = np.concatenate([np.zeros(k), np.full(k, np.inf)])
    return matrix, lower, upper


def _phasing_block(layout: ColumnLayout) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    """A phased project is funded iff exactly one of its start years is taken: Σ_s z_s − x = 0."""
    phased, row = np.unique(layout.start_project, return_inverse=True)
    data = np.concatenate([np.ones(len(row)), -np.ones(len(phased))])
    rows = np.concatenate([row, np.arange(len(phased))])
    cols = np.concatenate([layout.start_columns, phased])
    matrix = sp.csr_array(sp.coo_array((data, (rows, cols)), shape=(len(phased), layout.n_columns)))
    return matrix, np.zeros(len(phased)), np.zeros(len(phased))


def _pool_link_block(
    projects: ProjectList, scenario: Scenario, layout: ColumnLayout
) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    """A pool pays only for a chosen option, at most its max_share of the cost (g − max_share·z ≤ 0), and
    grants plus pools never more than the cost (Σ_pools g − municipal share·z ≤ 0)."""
    k = len(layout.pool)
    max_share = np.array([p.max_share for p in scenario.funding])[layout.pool]
    link = sp.coo_array(
        (
            np.concatenate([np.ones(k), -max_share]),
            (np.tile(np.arange(k), 2), np.concatenate([layout.pool_columns, layout.pool_selector])),
        ),
        shape=(k, layout.n_columns),
    )
    selectors, first, row = np.unique(layout.pool_selector, return_index=True, return_inverse=True)
    municipal = projects.municipal_share[layout.pool_project[first]]
    offered = np.bincount(row, weights=max_share, minlength=len(selectors))
    needed = offered > municipal + 1e-12  # elsewhere the link rows imply it already
    renumber = np.cumsum(needed) - 1
    keep = needed[row]
    cover = sp.coo_array(
        (
            np.concatenate([np.ones(int(keep.sum())), -municipal[needed]]),
            (
                np.concatenate([renumber[row[keep]], np.arange(int(needed.sum()))]),
                np.concatenate([layout.pool_columns[keep], selectors[needed]]),
            ),
        ),
        shape=(int(needed.sum()), layout.n_columns),
    )
    matrix = sp.csr_array(sp.vstack([link, cover], format="csr"))
    return matrix, np.full(matrix.shape[0], -np.inf), np.zeros(matrix.shape[0])


def _pool_capacity_blocks(
    scenario: Scenario, layout: ColumnLayout, entries: _Entries, pool_entries: tuple[np.ndarray, np.ndarray]
) -> list[tuple[str, str, sp.csr_array, np.ndarray, np.ndarray]]:
    """Σ pool money ≤ capacity: in all, or per year for a pool with a capacity per year."""
    pool, entry = pool_entries
    blocks = []
    for index, spec in enumerate(scenario.funding):
        mine = layout.pool[pool] == index
        capacity = spec.capacity
        limits = np.fromiter(capacity.amounts.values(), dtype=float)
        if capacity.years is None:
            rows = np.zeros(int(mine.sum()), dtype=int)
        else:
            rows = pd.Index(capacity.years).get_indexer(entries.year[entry[mine]])
        matrix = sp.csr_array(
            sp.coo_array(
                (entries.amount[entry[mine]], (rows, layout.pool_columns[pool[mine]])),
                shape=(len(limits), layout.n_columns),
            )
        )
        blocks.append((f"funding {spec.name}", "funding", matrix, np.full(len(limits), -np.inf), limits))
    return blocks


def _column_measure(
    projects: ProjectList,
    measure: str,
    tonnes: np.ndarray,
    options: _Options,
    layout: ColumnLayout,
    pool_cols: np.ndarray,
) -> np.ndarray:
    """What a rule of this measure counts per unit of each column; pool money lowers municipal cost."""
    values = np.zeros(layout.n_columns)
    if measure == "abatement":
        values[options.column] = tonnes
    else:
        values[options.column] = rule_measure(projects, tonnes, measure)[options.project]
    if measure == "municipal_cost":
        values[pool_cols] = -projects.total_cost[layout.pool_project]
    return values


def scale_rows(
    matrix: sp.csr_array, lower: np.ndarray, upper: np.ndarray
) -> tuple[sp.csr_array, np.ndarray, np.ndarray, np.ndarray]:
    """Each row divided by its largest coefficient: SEK figures of 1e8 would hurt the solver."""
    largest = abs(matrix).max(axis=1).toarray() if matrix.shape[0] else np.zeros(0)
    scale = np.where(largest > 0, largest, 1.0)
    scaled = sp.csr_array(sp.diags_array(1.0 / scale) @ matrix)
    return scaled, lower / scale, upper / scale, scale


def _requires_block(projects: ProjectList, layout: ColumnLayout) -> sp.csr_array | None:
    """x_dependent − x_required ≤ 0 for every (project, required project) pair; and where either is
    phased, the dependent does not start before the project it requires: for each start year s of the
    dependent, z_dependent,s − Σ_{s' ≤ s} z_required,s' ≤ 0 (no big-M; a fixed start is its project column)."""
    dependent, required = projects.requirement_pairs()
    if not len(dependent):
        return None
    rows = np.arange(len(dependent))
    data = np.concatenate([np.ones(len(rows)), -np.ones(len(rows))])
    coords = (np.concatenate([rows, rows]), np.concatenate([dependent, required]))
    funding = sp.coo_array((data, coords), shape=(len(rows), layout.n_columns))
    phased = projects.phased
    timed = phased[dependent] | phased[required]
    if not timed.any():
        return sp.csr_array(funding)
    starts = pd.DataFrame(
        {
            "project": np.concatenate([np.flatnonzero(~phased), layout.start_project]),
            "column": np.concatenate([np.flatnonzero(~phased), layout.start_columns]),
            "year": np.concatenate([layout.planned_start[~phased], layout.start_year]),
        }
    )
    pair = pd.DataFrame({"dependent": dependent[timed], "required": required[timed]})
    own = pair.merge(starts, left_on="dependent", right_on="project").reset_index(drop=True)
    own["row"] = np.arange(len(own))
    earlier = own.merge(starts, left_on="required", right_on="project", suffixes=("", "_required"))
    earlier = earlier[earlier["year_required"] <= earlier["year"]]
    timing = sp.coo_array(
        (
            np.concatenate([np.ones(len(own)), -np.ones(len(earlier))]),
            (
                np.concatenate([own["row"], earlier["row"]]).astype(int),
                np.concatenate([own["column"], earlier["column_required"]]).astype(int),
            ),
        ),
        shape=(len(own), layout.n_columns),
    )
    return sp.csr_array(sp.vstack([funding, timing], format="csr"))


def _alternatives_block(projects: ProjectList, width: int) -> sp.csr_array | None:
    """At most one project per exclusive group: sum x <= 1 per group."""
    groups = projects.table["exclusive_group"]
    codes, uniques = pd.factorize(groups, use_na_sentinel=True)
    members = np.flatnonzero(codes >= 0)
    if len(uniques) == 0:
        return None
    data = np.ones(len(members))
    return sp.csr_array(sp.coo_array((data, (codes[members], members)), shape=(len(uniques), width)))


def _rule_block(
    spec: GroupRule, in_group: np.ndarray, measure: np.ndarray
) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    """Rows of one group rule: absolute bounds on the group's sum, and shares of the portfolio's sum.

    A share s of the portfolio is linear: sum_group m x >= s * sum_all m x  <=>  sum (1[group] - s) m x >= 0.
    """
    rows: list[np.ndarray] = []
    lower: list[float] = []
    upper: list[float] = []
    if spec.min is not None or spec.max is not None:
        rows.append(in_group * measure)
        lower.append(-np.inf if spec.min is None else spec.min)
        upper.append(np.inf if spec.max is None else spec.max)
    for share, is_min in ((spec.min_share, True), (spec.max_share, False)):
        if share is None:
            continue
        rows.append((in_group - share) * measure)
        lower.append(0.0 if is_min else -np.inf)
        upper.append(np.inf if is_min else 0.0)
    return sp.csr_array(np.vstack(rows)), np.array(lower), np.array(upper)
