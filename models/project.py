"""Candidate climate measures, held column-wise.

A municipality's list has tens to hundreds of rows, a national one a million: the list is
stored as columns (numpy / pandas) so that models are built without a Python loop per project.
Instances are produced by `optimizer.io` after validation and are never changed afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

#: Columns with a meaning of their own; every other column of the input is kept as a tag.
CORE_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "sector",
    "district",
    "cost_sek",
    "year",
    "grant_sek",
    "abatement_t_per_year",
    "lifetime_years",
    "opex_sek_per_year",
    "requires",
    "exclusive_group",
    "mandatory",
    "divisible",
    "earliest_start",
    "latest_start",
    "abatement_low_t_per_year",
    "abatement_high_t_per_year",
    "cost_low_sek",
    "cost_high_sek",
)
#: Optional ranges around the point estimates, for uncertainty studies (NaN in the table where empty).
RANGE_COLUMNS: tuple[str, ...] = (
    "abatement_low_t_per_year",
    "abatement_high_t_per_year",
    "cost_low_sek",
    "cost_high_sek",
)
#: Columns of `ProjectList.table`, in order.
TABLE_COLUMNS: tuple[str, ...] = (
    "row",
    "id",
    "name",
    "sector",
    "district",
    "grant_sek",
    "abatement_t_per_year",
    "lifetime_years",
    "opex_sek_per_year",
    "requires",
    "exclusive_group",
    "mandatory",
    "divisible",
    "earliest_start",
    "latest_start",
    *RANGE_COLUMNS,
)
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "name", "sector", "abatement_t_per_year", "lifetime_years")
PROFILE_PREFIX = "cost_sek_"


@dataclass(frozen=True, eq=False)
class ProjectList:
    """A validated list of candidate measures.

    `table` has one row per project with the columns `row` (where it stood in the source, for
    messages), `id`, `name`, `sector`, `district` (None when absent), `grant_sek`,
    `abatement_t_per_year`, `lifetime_years`, `opex_sek_per_year` (yearly operating cost while in
    operation, negative for savings; 0 when absent), `requires` (tuple of ids), `exclusive_group`
    (None when absent), `mandatory`, `divisible`, `earliest_start` and `latest_start` (NaN when absent;
    a project with either is *phased*: the optimiser chooses its start year, see `start_window`),
    and the optional ranges `abatement_low_t_per_year`, `abatement_high_t_per_year`, `cost_low_sek`,
    `cost_high_sek` (NaN where empty: no spread on that side; the cost range is of the total cost).
    `scheduled_cost` holds the total cost in SEK per calendar year (columns are years) of projects
    whose spending years are known; `unscheduled_cost` the `cost_sek` of projects without a `year`,
    which fall in the scenario's first budget year. `tags` holds every other input column as text.
    `cost_from_profile` is True where a project's cost came from `cost_sek_YYYY` columns rather than
    `cost_sek` and `year`, so that messages name the cell the person wrote (None: not known).
    `tag_numbers` holds the tag columns whose every cell is a number (co-benefits such as health or
    jobs), parsed once when the list was read, with the file's own convention (NaN where empty);
    `decimal_comma` is that convention for text cells (False for comma-separated CSV, where `1,000`
    is not a number), for the other columns' messages.
    """

    table: pd.DataFrame
    scheduled_cost: pd.DataFrame
    unscheduled_cost: np.ndarray
    tags: pd.DataFrame
    source: str = "<memory>"
    cost_from_profile: np.ndarray | None = None
    tag_numbers: Mapping[str, np.ndarray] = field(default_factory=dict)
    decimal_comma: bool = True

    def __post_init__(self) -> None:
        self.unscheduled_cost.flags.writeable = False
        if self.cost_from_profile is not None:
            self.cost_from_profile.flags.writeable = False
        for values in self.tag_numbers.values():
            values.flags.writeable = False

    def __len__(self) -> int:
        return len(self.table)

    @cached_property
    def ids(self) -> np.ndarray:
        return _read_only(self.table["id"].to_numpy(dtype=object))

    @property
    def cost_years(self) -> tuple[int, ...]:
        """Calendar years in which some project has a scheduled cost."""
        return tuple(int(y) for y in self.scheduled_cost.columns)

    @cached_property
    def total_cost(self) -> np.ndarray:
        """Total investment cost per project, SEK."""
        return _read_only(self.scheduled_cost.to_numpy(dtype=float).sum(axis=1) + self.unscheduled_cost)

    @cached_property
    def opex(self) -> np.ndarray:
        """Yearly operating cost per project while in operation, SEK (negative: a saving)."""
        if "opex_sek_per_year" not in self.table.columns:
            return _read_only(np.zeros(len(self.table)))
        return _read_only(np.nan_to_num(self.table["opex_sek_per_year"].to_numpy(dtype=float), nan=0.0))

    @cached_property
    def municipal_share(self) -> np.ndarray:
        """Share of each project's cost the municipality pays after external grants."""
        total = self.total_cost
        return _read_only(1.0 - self.table["grant_sek"].to_numpy(dtype=float) / total)

    def cost_by_year(self, years: Sequence[int], first_year: int) -> np.ndarray:
        """Total cost per project (rows) and year (columns, in the order of `years`), SEK.

        Costs in years not listed are dropped; callers validate first that there are none.
        """
        scheduled = self.scheduled_cost.reindex(columns=list(years), fill_value=0.0).to_numpy(dtype=float)
        matrix = np.array(scheduled, dtype=float)
        if first_year in years:
            matrix[:, list(years).index(first_year)] += self.unscheduled_cost
        return matrix

    def last_spend_year(self, first_year: int) -> np.ndarray:
        """The last calendar year with a cost, per project; the reductions start after it."""
        years = np.asarray(self.cost_years, dtype=int)
        spent = self.scheduled_cost.to_numpy(dtype=float) > 0
        latest = np.where(spent, years, np.iinfo(np.int64).min).max(axis=1, initial=np.iinfo(np.int64).min)
        last = np.where(spent.any(axis=1), latest, first_year)
        return np.where(self.unscheduled_cost > 0, np.maximum(last, first_year), last).astype(int)

    def first_spend_year(self, first_year: int) -> np.ndarray:
        """The first calendar year with a cost, per project: its planned start."""
        years = np.asarray(self.cost_years, dtype=int)
        spent = self.scheduled_cost.to_numpy(dtype=float) > 0
        never = np.iinfo(np.int64).max
        earliest = np.where(spent, years, never).min(axis=1, initial=never)
        return np.where(self.unscheduled_cost > 0, np.minimum(earliest, first_year), earliest).astype(int)

    @property
    def has_ranges(self) -> bool:
        """Whether any project gives a range around its reduction or cost (an uncertainty study then
        has spreads; without one its draws equal the point estimates)."""
        present = [c for c in RANGE_COLUMNS if c in self.table.columns]
        return bool(self.table[present].notna().to_numpy().any())

    @cached_property
    def phased(self) -> np.ndarray:
        """Projects whose start year the optimiser chooses (they give earliest_start or latest_start)."""
        return _read_only(
            self.table["earliest_start"].notna().to_numpy() | self.table["latest_start"].notna().to_numpy()
        )

    def start_window(
        self, first_year: int, budget_years: Sequence[int] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The first and last start year allowed per project (both the planned start if not phased).

        A phased project may start from `earliest_start` (default: its planned start) to `latest_start`
        (default: the last budget year with a budget per year; with one budget over all years there is no
        reason to wait, so its first allowed year). Starting in year s moves its whole cost profile by
        s - planned start; years whose profile would leave the budget years are ruled out elsewhere.
        """
        planned = self.first_spend_year(first_year)
        earliest = self.table["earliest_start"].to_numpy(dtype=float)
        latest = self.table["latest_start"].to_numpy(dtype=float)
        low = np.where(np.isnan(earliest), planned, earliest).astype(int)
        default_high = max(budget_years) if budget_years else low
        high = np.where(np.isnan(latest), default_high, latest).astype(int)
        phased = self.phased
        return np.where(phased, low, planned), np.where(phased, high, planned)

    def cost_entries(self, first_year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every non-zero cost as (project index, calendar year, SEK), sorted by project."""
        matrix = self.scheduled_cost.to_numpy(dtype=float)
        rows, cols = np.nonzero(matrix)
        years = np.asarray(self.cost_years, dtype=int)[cols]
        amounts = matrix[rows, cols]
        unscheduled = np.flatnonzero(self.unscheduled_cost > 0)
        project = np.concatenate([rows, unscheduled])
        year = np.concatenate([years, np.full(len(unscheduled), first_year, dtype=int)])
        amount = np.concatenate([amounts, self.unscheduled_cost[unscheduled]])
        order = np.argsort(project, kind="stable")
        return project[order], year[order], amount[order]

    def requirement_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (project, project it requires) pair as positions in the list; -1 for an id not in it."""
        return self._requirement_pairs

    @cached_property
    def _requirement_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        pairs = self.table["requires"].explode().dropna()
        dependent = pairs.index.to_numpy(dtype=int)
        return _read_only(dependent), _read_only(pd.Index(self.ids).get_indexer(pairs.to_numpy(dtype=object)))

    def with_requirements(self, chosen: np.ndarray) -> np.ndarray:
        """The chosen projects and everything they require, directly or through others."""
        dependent, required = self.requirement_pairs()
        known = required >= 0
        dependent, required = dependent[known], required[known]
        closure = np.asarray(chosen, dtype=bool).copy()
        while True:
            grown = closure.copy()
            grown[required[closure[dependent]]] = True
            if (grown == closure).all():
                return closure
            closure = grown

    def rule_columns(self) -> tuple[str, ...]:
        """Columns a scenario rule may select projects by."""
        core = ("id", "name", "sector", "district", "exclusive_group", "mandatory", "divisible")
        return core + tuple(self.tags.columns)

    def values_of(self, column: str) -> np.ndarray:
        """A column as canonical text, the form in which scenario rules match it (None stays None)."""
        if column in ("mandatory", "divisible"):
            return np.where(self.table[column].to_numpy(dtype=bool), "true", "false").astype(object)
        source = self.tags[column] if column in self.tags.columns else self.table[column]
        return source.to_numpy(dtype=object)


def canonical_text(value: object) -> str | None:
    """The text form used to compare cell values with the values in a scenario's `where`."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value).strip()
    return text or None


def _read_only(array: np.ndarray) -> np.ndarray:
    """Derived arrays are computed once per list and shared: callers get them read-only."""
    array.flags.writeable = False
    return array
