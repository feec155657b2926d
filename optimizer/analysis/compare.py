"""Compare two results: which projects entered, left or changed, and how the totals moved; and two
versions of a project list: which measures were added, removed or changed, field by field.

Pure: no I/O. `compare(base, other)` works on two `Result`s; `compare_lists(base, other)` on two
`ProjectList`s; `load_result(data)` reads the `Result`
part of a JSON object such as `python -m optimizer solve --format json` writes (which may carry
more keys, e.g. `why_not` and `rule_prices` with `--explain`). Every difference is other − base.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from models import ProjectList, Result
from optimizer.io.problems import InputError, Problem

__all__ = [
    "LIST_FIELDS",
    "TOTALS",
    "Comparison",
    "FieldChange",
    "ListComparison",
    "ProjectChange",
    "TotalChange",
    "YearChange",
    "compare",
    "compare_lists",
    "load_result",
]

TOTALS = (
    "objective_value_t",
    "total_cost_sek",
    "municipal_cost_sek",
    "grant_sek",
    "abatement_t_per_year",
    "sek_per_t",
    "municipal_sek_per_t",
    "net_present_cost_sek",
    "opex_sek_per_year",
    "lifecycle_sek_per_t",
)
"""The `Result` totals compared, in this order."""
FRACTION_TOLERANCE = 1e-9
"""Fractions closer than this are the same."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectChange(_Record):
    """One project in either portfolio; a fraction of 0 means not funded in that portfolio."""

    id: str
    name: str
    base_fraction: float
    other_fraction: float
    cost_difference_sek: float
    """Funded total cost in other − in base."""
    municipal_cost_difference_sek: float
    abatement_difference_t: float
    """Contribution to the objective in other − in base (each in its own result's measure)."""


class TotalChange(_Record):
    base: float | None
    other: float | None
    difference: float | None
    """other − base; None when either is None (no portfolio, or no cost per tonne)."""


class YearChange(_Record):
    """Spend in one budget period; `year` None is a single budget over all years."""

    year: int | None
    base_budget_sek: float | None
    """None when the base result has no such budget period (and likewise for other)."""
    other_budget_sek: float | None
    base_spend_sek: float
    other_spend_sek: float
    spend_difference_sek: float


class Comparison(_Record):
    """How `other` differs from `base`. Project lists are in base's order, then other's."""

    base_status: str
    other_status: str
    entered: list[ProjectChange]
    """Funded in other, not in base."""
    left: list[ProjectChange]
    """Funded in base, not in other."""
    changed: list[ProjectChange]
    """Funded in both, at different fractions."""
    kept: list[ProjectChange]
    """Funded in both at the same fraction."""
    totals: dict[str, TotalChange]
    """One entry per name in `TOTALS`."""
    budget: list[YearChange]
    """Per budget period of either result: base's periods first, then other's."""

    @property
    def unchanged(self) -> bool:
        """No project entered, left or changed, and no total or spend moved."""
        return (
            not (self.entered or self.left or self.changed)
            and all(
                (t.base is None) == (t.other is None) and t.difference in (0.0, None)
                for t in self.totals.values()
            )
            and all(y.spend_difference_sek == 0.0 for y in self.budget)
        )


def _difference(base: float | None, other: float | None) -> float | None:
    return None if base is None or other is None else other - base


def compare(base: Result, other: Result) -> Comparison:
    """The projects that entered, left, changed fraction or were kept from `base` to `other`,
    and the difference (other − base) of the totals and of the spend per budget period."""
    before = {s.id: s for s in base.selected}
    after = {s.id: s for s in other.selected}
    groups: dict[str, list[ProjectChange]] = {"entered": [], "left": [], "changed": [], "kept": []}
    for pid in [*before, *(i for i in after if i not in before)]:
        b, o = before.get(pid), after.get(pid)
        either = b or o
        assert either is not None
        change = ProjectChange(
            id=pid,
            name=either.name,
            base_fraction=b.fraction if b else 0.0,
            other_fraction=o.fraction if o else 0.0,
            cost_difference_sek=(o.cost_sek if o else 0.0) - (b.cost_sek if b else 0.0),
            municipal_cost_difference_sek=(o.municipal_cost_sek if o else 0.0)
            - (b.municipal_cost_sek if b else 0.0),
            abatement_difference_t=(o.abatement_t if o else 0.0) - (b.abatement_t if b else 0.0),
        )
        if b is None:
            groups["entered"].append(change)
        elif o is None:
            groups["left"].append(change)
        elif abs(o.fraction - b.fraction) > FRACTION_TOLERANCE:
            groups["changed"].append(change)
        else:
            groups["kept"].append(change)
    totals = {
        name: TotalChange(
            base=getattr(base, name),
            other=getattr(other, name),
            difference=_difference(getattr(base, name), getattr(other, name)),
        )
        for name in TOTALS
    }
    base_years = {row.year: row for row in base.budget}
    other_years = {row.year: row for row in other.budget}
    budget = []
    for year in [*base_years, *(y for y in other_years if y not in base_years)]:
        b_row, o_row = base_years.get(year), other_years.get(year)
        b_spend = b_row.spend_sek if b_row else 0.0
        o_spend = o_row.spend_sek if o_row else 0.0
        budget.append(
            YearChange(
                year=year,
                base_budget_sek=b_row.budget_sek if b_row else None,
                other_budget_sek=o_row.budget_sek if o_row else None,
                base_spend_sek=b_spend,
                other_spend_sek=o_spend,
                spend_difference_sek=o_spend - b_spend,
            )
        )
    return Comparison(
        base_status=base.status.value,
        other_status=other.status.value,
        totals=totals,
        budget=budget,
        **groups,
    )


def load_result(data: Any, *, source: str | None = None) -> Result:
    """The `Result` in a JSON object (`solve --format json`); other top-level keys are ignored.

    Raises `InputError` (located by field) when it is not an object or its result part is invalid."""
    if not isinstance(data, Mapping):
        raise InputError([Problem("expected a JSON object, as `solve --format json` writes", source=source)])
    known = {key: value for key, value in data.items() if key in Result.model_fields}
    try:
        return Result.model_validate(known)
    except ValidationError as error:
        problems = [
            Problem(item["msg"], column=".".join(map(str, item["loc"])) or None, source=source)
            for item in error.errors(include_url=False)
        ]
        raise InputError(problems, source=source) from None


LIST_FIELDS = (
    "name",
    "sector",
    "district",
    "cost_sek",
    "grant_sek",
    "abatement_t_per_year",
    "lifetime_years",
    "opex_sek_per_year",
    "requires",
    "exclusive_group",
    "mandatory",
    "divisible",
)
"""The fields of a measure that `compare_lists` compares, in this order (cost: the total over the years)."""


class FieldChange(_Record):
    """One field of one measure in both versions of a list, shown as text."""

    id: str
    field: str
    base: str
    other: str


class ListComparison(_Record):
    """What changed from one version of a project list (base) to another (other), by measure id."""

    added: list[str]
    removed: list[str]
    changed: list[FieldChange]
    unchanged: int

    @property
    def changed_ids(self) -> list[str]:
        return list(dict.fromkeys(c.id for c in self.changed))


def compare_lists(base: ProjectList, other: ProjectList) -> ListComparison:
    """Measures added (in other only), removed (in base only) and changed (a field of `LIST_FIELDS`
    differs), in the order of the lists; the rest counted as unchanged."""
    before, after = _list_fields(base), _list_fields(other)
    added = [i for i in after.index if i not in before.index]
    removed = [i for i in before.index if i not in after.index]
    both = [i for i in after.index if i in before.index]
    old, new = before.loc[both], after.loc[both]
    differs = old.ne(new)
    changed = [
        FieldChange(id=pid, field=field, base=old.at[pid, field], other=new.at[pid, field])
        for pid, row in zip(both, differs.to_numpy(), strict=True)
        for field, different in zip(LIST_FIELDS, row, strict=True)
        if different
    ]
    unchanged = int((~differs.any(axis=1)).sum())
    return ListComparison(added=added, removed=removed, changed=changed, unchanged=unchanged)


def _list_fields(projects: ProjectList) -> pd.DataFrame:
    """The compared fields as text, indexed by id (numbers as `repr` of floats, so that 1.0 == 1)."""
    table = projects.table
    frame = pd.DataFrame(index=table["id"].astype(str).to_numpy())
    for field in LIST_FIELDS:
        values = projects.total_cost if field == "cost_sek" else table[field].to_numpy()
        frame[field] = [_field_text(v) for v in values]
    return frame


def _field_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | float | np.integer | np.floating):
        return f"{float(value):g}" if abs(float(value)) < 1e15 else repr(float(value))
    if isinstance(value, tuple | list):
        return ", ".join(map(str, value))
    return str(value)
