"""The start years a phased project may take.

A project with `earliest_start` / `latest_start` is phased: the optimiser picks its start year, and
its whole cost profile moves with it. A start year is possible when it lies in the project's window
(`ProjectList.start_window`) and, with a budget per year, when every year of the moved profile has a
budget. Validation reports phased projects with no possible start; the model builder gives each
possible start a column of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from models import ProjectList


@dataclass(frozen=True, slots=True)
class StartOptions:
    """One entry per (phased project, possible start year), sorted by project then year."""

    project: np.ndarray
    start_year: np.ndarray
    shift: np.ndarray
    """start_year - the project's planned start: how far its cost profile moves."""


def start_options(projects: ProjectList, first_year: int, budget_years: Sequence[int] | None) -> StartOptions:
    """Every possible start of every phased project (vectorised over the projects' windows)."""
    low, high = projects.start_window(first_year, budget_years)
    planned = projects.first_spend_year(first_year)
    phased = np.flatnonzero(projects.phased)
    counts = np.maximum(high[phased] - low[phased] + 1, 0)
    project = np.repeat(phased, counts)
    start = concatenated_ranges(low[phased], counts)
    shift = start - planned[project]
    if budget_years:
        fits = _profile_fits(projects, first_year, project, shift, np.asarray(sorted(budget_years)))
        project, start, shift = project[fits], start[fits], shift[fits]
    return StartOptions(project=project, start_year=start, shift=shift)


def moved_costs(
    projects: ProjectList, first_year: int, project: np.ndarray, shift: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cost entries of each option (a project started `shift` years later than planned), as
    (option index, calendar year, SEK); an option is any (project, shift) pair, e.g. one per column."""
    owner, year, amount = projects.cost_entries(first_year)
    everyone = np.arange(len(projects))
    starts = np.searchsorted(owner, everyone, side="left")
    per_option = np.searchsorted(owner, everyone, side="right")[project] - starts[project]
    option = np.repeat(np.arange(len(project)), per_option)
    entry = concatenated_ranges(starts[project], per_option)
    return option, year[entry] + shift[option], amount[entry]


def concatenated_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """np.concatenate([np.arange(s, s + c) for s, c in zip(starts, counts)]), without the loop."""
    counts = np.asarray(counts, dtype=int)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(np.asarray(starts, dtype=int), counts) + offsets


def _profile_fits(
    projects: ProjectList, first_year: int, project: np.ndarray, shift: np.ndarray, budget_years: np.ndarray
) -> np.ndarray:
    """Per option: does every year of the moved cost profile have a budget?"""
    option, year, _ = moved_costs(projects, first_year, project, shift)
    outside = np.bincount(option[~np.isin(year, budget_years)], minlength=len(project))
    return outside == 0
