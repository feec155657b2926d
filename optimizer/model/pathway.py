"""The chosen portfolio's emissions pathway against the municipality's target line.

A portfolio is judged in tonnes over its lifetime, but a municipality's target is a line through
the years: net zero by 2030, or a carbon budget that shrinks emissions by 11–16 % a year. This sets
the baseline emissions minus the reductions in operation each year against that line, and says how
many tonnes a year remain to be cut in the target year and how far the period's emissions overshoot
its budget.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from models import InteractionOutcome, Pathway, PathwaySpec, PathwayYear, ProjectList, Selection

__all__ = ["emissions_pathway", "yearly_abatement"]

#: Tonnes a year by which emissions may exceed the target and still count as meeting it (rounding).
TOLERANCE_T = 1e-6


def yearly_abatement(
    projects: ProjectList,
    selected: Sequence[Selection],
    years: np.ndarray,
    *,
    interactions: Sequence[InteractionOutcome] = (),
) -> np.ndarray:
    """The portfolio's reduction in operation in each of `years`, t per year.

    A selected project reduces `abatement_t_per_year` × its `fraction` in the years `operating_from` ≤ y <
    `operating_from` + `lifetime_years`; an active interaction (overlap) changes it by its yearly change
    in its own years, so overlapping measures are not counted twice. Raises ValueError for a selection
    not in the project list."""
    table = projects.table.set_index("id")
    ids = [s.id for s in selected]
    missing = sorted(set(ids) - set(table.index))
    if missing:
        raise ValueError(f"selected projects not in the project list: {', '.join(missing)}")
    rows = table.loc[ids]
    per_year = rows["abatement_t_per_year"].to_numpy(dtype=float) * np.array([s.fraction for s in selected])
    start = np.array([s.operating_from for s in selected], dtype=int)
    end = start + rows["lifetime_years"].to_numpy(dtype=int)
    years = np.asarray(years, dtype=int)
    operating = (years[None, :] >= start[:, None]) & (years[None, :] < end[:, None])
    reduction = per_year @ operating
    for interaction in interactions:
        if interaction.active:
            since = years - interaction.operating_from
            reduction = reduction + interaction.abatement_t_per_year * (
                (since >= 0) & (since < int(interaction.lifetime_years))
            )
    return reduction


def emissions_pathway(
    projects: ProjectList,
    spec: PathwaySpec,
    selected: Sequence[Selection],
    *,
    interactions: Sequence[InteractionOutcome] = (),
) -> Pathway:
    """The emissions pathway of the portfolio `selected` (from `projects`, with the scenario's
    `interactions` as checked) against `spec`'s target, year by year from the baseline's first year
    to the pathway's last year, with the summary figures."""
    years = spec.years
    baseline = spec.baseline(years)
    abatement = yearly_abatement(projects, selected, years, interactions=interactions)
    emissions = baseline - abatement
    target = spec.target_line(years)
    gap = emissions - target
    above = np.flatnonzero(gap > TOLERANCE_T)
    if not len(above):
        meets_from: int | None = int(years[0])
    elif above[-1] == len(years) - 1:
        meets_from = None
    else:
        meets_from = int(years[above[-1] + 1])
    cumulative_emissions, cumulative_target = float(emissions.sum()), float(target.sum())
    return Pathway(
        target=spec.label,
        target_kind=spec.target.kind,
        years=[
            PathwayYear(year=y, baseline_t=b, abatement_t=a, emissions_t=e, target_t=t, gap_t=g)
            for y, b, a, e, t, g in zip(
                *(column.tolist() for column in (years, baseline, abatement, emissions, target, gap)),
                strict=True,
            )
        ],
        target_year=spec.target_year,
        gap_at_target_year_t=float(gap[spec.target_year - spec.first_year]),
        cumulative_emissions_t=cumulative_emissions,
        cumulative_target_t=cumulative_target,
        overshoot_t=cumulative_emissions - cumulative_target,
        meets_target_from=meets_from,
    )
