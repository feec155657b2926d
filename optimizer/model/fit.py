"""Checks that a valid project list and a valid scenario fit together, before any model is built.

Each is validated on its own when read (`optimizer.io.readers`); what can only be seen with both at hand
(ids the scenario names, columns its rules select by, years the budgets cover) is checked here,
again reporting every problem at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from models.project import PROFILE_PREFIX, ProjectList
from models.scenario import BUILTIN_MEASURES, Scenario
from optimizer.io.problems import InputError, Problem
from optimizer.io.readers import tag_numbers
from optimizer.model.phasing import start_options

__all__ = ["check_fits", "co_benefit_values", "resolve_first_year"]


def co_benefit_values(projects: ProjectList, column: str) -> np.ndarray:
    """A co-benefit column (e.g. health, jobs) as numbers; an empty cell counts as 0."""
    return np.nan_to_num(tag_numbers(projects, column).values, nan=0.0)


def resolve_first_year(projects: ProjectList, scenario: Scenario) -> int:
    """The year in which projects without a `year` spend their `cost_sek`.

    In order: the scenario's `first_year`; the first budget year; the earliest year with a
    scheduled cost in the list; the current calendar year.
    """
    if scenario.first_year is not None:
        return scenario.first_year
    if scenario.budget_years:
        return scenario.budget_years[0]
    if projects.cost_years:
        return min(projects.cost_years)
    return dt.date.today().year


def check_fits(projects: ProjectList, scenario: Scenario) -> None:
    """Raise `InputError` listing every way in which the scenario does not fit the project list."""
    problems = [
        *_unknown_ids(projects, scenario),
        *_unknown_rule_columns(projects, scenario),
        *_costs_outside_budget_years(projects, scenario),
        *_colliding_rule_names(projects, scenario),
        *_impossible_starts(projects, scenario),
        *_co_benefit_problems(projects, scenario),
        *_interaction_problems(projects, scenario),
    ]
    if problems:
        raise InputError(problems)


def _unknown_ids(projects: ProjectList, scenario: Scenario) -> list[Problem]:
    known = set(projects.ids.tolist())
    return [
        Problem(f"scenario {field}: unknown project id '{project_id}'")
        for field, ids in (("include", scenario.include), ("exclude", scenario.exclude))
        for project_id in dict.fromkeys(ids)
        if project_id not in known
    ]


def _interaction_problems(projects: ProjectList, scenario: Scenario) -> list[Problem]:
    """An interaction names known, whole projects; an overlap cannot remove more than its projects
    reduce together; and where tonnes are counted by year, its projects' years must be fixed, so that
    the years it counts are known exactly."""
    if not scenario.interactions:
        return []
    position = {project_id: pos for pos, project_id in enumerate(projects.ids.tolist())}
    divisible = projects.table["divisible"].to_numpy(dtype=bool)
    annual = projects.table["abatement_t_per_year"].to_numpy(dtype=float)
    timed = scenario.net_benefit is not None or not isinstance(scenario.tonnes_measure, str)
    problems = []
    for index, interaction in enumerate(scenario.interactions):
        where = f"scenario interactions[{index}] '{interaction.label}'"
        known = [position[i] for i in interaction.ids if i in position]
        problems += [
            Problem(f"{where}: unknown project id '{i}'") for i in interaction.ids if i not in position
        ]
        problems += [
            Problem(
                f"{where}: project {projects.ids[pos]} is divisible; an interaction counts when every one "
                "of its projects is funded in full, so they must be whole projects"
            )
            for pos in known
            if divisible[pos]
        ]
        if timed:
            problems += [
                Problem(
                    f"{where}: project {projects.ids[pos]} is phased (earliest_start/latest_start) and the "
                    "objective counts tonnes by year; the years an interaction counts follow its projects' "
                    "last spend years, so give its projects fixed years (or use the lifetime objective)"
                )
                for pos in known
                if projects.phased[pos]
            ]
        together = float(annual[known].sum())
        if len(known) == len(interaction.ids) and interaction.abatement_t_per_year < -together - 1e-9:
            problems.append(
                Problem(
                    f"{where}: abatement_t_per_year {interaction.abatement_t_per_year:g} removes more than "
                    f"its projects reduce together ({together:g} t a year)"
                )
            )
    return problems


def _unknown_rule_columns(projects: ProjectList, scenario: Scenario) -> list[Problem]:
    columns = projects.rule_columns()
    listing = ", ".join(columns)
    named = [
        (
            f"constraints[{index}] '{rule.name}'",
            [*rule.where, *([rule.for_each] if rule.for_each is not None else [])],
        )
        for index, rule in enumerate(scenario.constraints)
    ] + [(f"funding[{index}] '{pool.name}'", list(pool.where)) for index, pool in enumerate(scenario.funding)]
    return [
        Problem(f"scenario {where}: unknown column '{column}' (columns: {listing})")
        for where, names in named
        for column in dict.fromkeys(names)
        if column not in columns
    ]


def _co_benefit_problems(projects: ProjectList, scenario: Scenario) -> list[Problem]:
    """Co-benefit columns named by weights or rule measures must exist and hold numbers."""
    named = [(f"co_benefit_weights.{c}", c) for c in scenario.co_benefit_weights] + [
        (f"constraints[{index}].measure", rule.measure)
        for index, rule in enumerate(scenario.constraints)
        if rule.measure not in BUILTIN_MEASURES
    ]
    known = f"built-in measures: {', '.join(BUILTIN_MEASURES)}; columns of the list: " + (
        ", ".join(projects.tags.columns) or "none"
    )
    problems, checked = [], set()
    rows = projects.table["row"].to_numpy()
    for where, column in named:
        if column not in projects.tags.columns:
            problems.append(
                Problem(
                    f"scenario {where}: '{column}' is neither a built-in measure nor a column of the project list ({known})"
                )
            )
            continue
        if column in checked:
            continue
        checked.add(column)
        parsed = tag_numbers(projects, column)
        problems += [
            Problem(
                f"{message} (a co-benefit must be a number)",
                row=int(rows[pos]),
                column=column,
                source=projects.source,
            )
            for pos, message in sorted(parsed.bad.items())
        ]
    return problems


def _colliding_rule_names(projects: ProjectList, scenario: Scenario) -> list[Problem]:
    """A `for_each` rule names its groups `name[value]`; no other rule may carry such a name, or
    results and explanations could not tell the two apart."""
    plain = {rule.name: index for index, rule in enumerate(scenario.constraints) if rule.for_each is None}
    columns = set(projects.rule_columns())
    problems = []
    for index, rule in enumerate(scenario.constraints):
        if rule.for_each is None or rule.for_each not in columns:
            continue
        for value in dict.fromkeys(v for v in projects.values_of(rule.for_each) if v is not None):
            group = f"{rule.name}[{value}]"
            if group in plain:
                problems.append(
                    Problem(
                        f"scenario constraints[{plain[group]}] '{group}': the name is also that of a group of "
                        f"constraints[{index}] '{rule.name}' (for_each {rule.for_each}); rename one of them"
                    )
                )
    return problems


def _costs_outside_budget_years(projects: ProjectList, scenario: Scenario) -> list[Problem]:
    """With a budget per year, every cost must fall in a budget year, including first_year's."""
    budget_years = scenario.budget_years
    if not budget_years:
        return []
    shown = _year_span(budget_years)
    problems = _scheduled_outside(projects, set(budget_years), shown)
    unscheduled = int(np.count_nonzero((projects.unscheduled_cost > 0) & ~projects.phased))
    first_year = resolve_first_year(projects, scenario)
    if unscheduled and first_year not in budget_years:
        count = "1 project" if unscheduled == 1 else f"{unscheduled} projects"
        problems.append(
            Problem(
                f"scenario first_year: {first_year} is outside the budget years {shown}, but {count} "
                f"without a year would spend their cost_sek in it"
            )
        )
    return problems


def _scheduled_outside(projects: ProjectList, budget_years: set[int], shown: str) -> list[Problem]:
    """One problem per project and year with a cost outside the budget years, at the cell that says so."""
    outside = [year for year in projects.cost_years if year not in budget_years]
    if not outside:
        return []
    costs = projects.scheduled_cost[outside].to_numpy(dtype=float) * ~projects.phased[:, None]
    rows = projects.table["row"].to_numpy()
    from_profile = projects.cost_from_profile
    if from_profile is None:  # not known: a single year of spending is taken as cost_sek + year
        from_profile = np.count_nonzero(projects.scheduled_cost.to_numpy(dtype=float), axis=1) > 1
    problems = []
    for pos, col in zip(*np.nonzero(costs), strict=True):
        year = outside[col]
        column = f"{PROFILE_PREFIX}{year}" if from_profile[pos] else "year"
        problems.append(
            Problem(
                f"{year} is outside the budget years {shown}",
                row=int(rows[pos]),
                column=column,
                source=projects.source,
            )
        )
    return problems


def _impossible_starts(projects: ProjectList, scenario: Scenario) -> list[Problem]:
    """A phased project needs a start window that is not empty and, with a budget per year, at least one
    start year whose moved cost profile lies within the budget years."""
    if not projects.phased.any():
        return []
    first_year = resolve_first_year(projects, scenario)
    low, high = projects.start_window(first_year, scenario.budget_years)
    possible = np.bincount(
        start_options(projects, first_year, scenario.budget_years).project, minlength=len(projects)
    )
    rows = projects.table["row"].to_numpy()
    latest_given = projects.table["latest_start"].notna().to_numpy()
    problems = []
    for pos in np.flatnonzero(projects.phased & (possible == 0)):
        if low[pos] > high[pos]:
            column = "latest_start" if latest_given[pos] else "earliest_start"
            message = (
                f"{high[pos]} is before the planned start {low[pos]}; give earliest_start to allow an earlier start"
                if latest_given[pos]
                else f"{low[pos]} is after the last budget year {high[pos]}"
            )
        else:
            column = "earliest_start" if projects.table["earliest_start"].notna().iat[pos] else "latest_start"
            message = (
                f"no start year from {low[pos]} to {high[pos]} keeps the project's spending within the budget "
                f"years {_year_span(scenario.budget_years or ())}"
            )
        problems.append(Problem(message, row=int(rows[pos]), column=column, source=projects.source))
    return problems


def _year_span(years: Sequence[int]) -> str:
    """`2026–2030` for consecutive years, else the years listed."""
    ordered = sorted(years)
    if len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}–{ordered[-1]}"
    return ", ".join(str(y) for y in ordered)
