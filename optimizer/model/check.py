"""Independent check of a portfolio against every rule of the scenario.

This module recomputes everything from the project list and the scenario as a person would
read them, without the model matrices of `optimizer.model.build` and without the solver: a bug in the
model or a solver that claims success on a portfolio that breaks a rule is caught here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models import (
    CumulativeObjective,
    InteractionOutcome,
    MinCostObjective,
    PoolUse,
    ProjectList,
    RuleOutcome,
    Scenario,
    Selection,
    SpendLine,
    YearSpend,
    canonical_text,
)
from models.amounts import ALL_YEARS
from optimizer.model.fit import co_benefit_values, resolve_first_year

INTEGRALITY_TOLERANCE = 1e-5
RELATIVE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class CheckReport:
    fractions: np.ndarray
    """The portfolio after snapping solver noise: 0/1 for whole projects, [0, 1] for divisible ones (0 or
    at least the scenario's min_fraction when it sets one)."""
    violations: list[str]
    objective_t: float
    """The objective as the scenario defines it, to be maximised: tonnes plus weighted co-benefits, or
    −(municipal cost) for min_cost_for_t."""
    abatement_t: float
    """Tonnes in the objective's measure."""
    contribution_t: np.ndarray
    """Per project: tCO2e counted in the objective when fully funded at its start year."""
    selected: list[Selection]
    total_cost_sek: float
    municipal_cost_sek: float
    grant_sek: float
    pool_sek: float
    abatement_t_per_year: float
    budget: list[YearSpend]
    rules: list[RuleOutcome]
    funding: list[PoolUse]
    spend_plan: list[SpendLine]
    net_present_cost_sek: float = 0.0
    equivalent_annual_cost_sek: float = 0.0
    opex_sek_per_year: float = 0.0
    """Yearly operating cost of the portfolio once everything runs (negative: savings)."""
    payback_years: float | None = None
    present_tonnes_t: float = 0.0
    """The portfolio's yearly reductions over their lives, discounted like money (interactions included)."""
    net_benefit_sek: float | None = None
    """With the net_benefit objective: carbon value of present_tonnes_t minus net present cost."""
    interactions: tuple[InteractionOutcome, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.violations


def check_portfolio(
    projects: ProjectList,
    scenario: Scenario,
    fractions: np.ndarray,
    *,
    start_years: np.ndarray | None = None,
    pool_shares: np.ndarray | None = None,
) -> CheckReport:
    """Check a portfolio against every rule and recompute all figures.

    `fractions`: share funded per project (list order); `start_years`: the year each project's
    spending starts (default: as planned); `pool_shares`: per (funding pool, project) the share of
    the project's total cost the pool pays (default: nothing)."""
    table = projects.table
    ids = table["id"].astype(str)
    violations: list[str] = []
    divisible = table["divisible"].to_numpy(dtype=bool)
    x = _snap(np.asarray(fractions, dtype=float), divisible, ids, violations)
    x = _check_min_fraction(x, divisible, scenario.min_fraction, ids, violations)
    first_year = resolve_first_year(projects, scenario)
    starts = _check_starts(projects, scenario, first_year, start_years, ids, violations)

    cost_by_year = _cost_by_year(projects, first_year, starts)
    total_cost = cost_by_year.sum(axis=1).to_numpy()
    grant = table["grant_sek"].to_numpy(dtype=float)
    shares = _check_pools(projects, scenario, cost_by_year, x, pool_shares, ids, violations)
    pool_share = shares.sum(axis=0)
    funded = cost_by_year.mul(x, axis=0)
    grants_by_year = cost_by_year.mul(x * grant / total_cost, axis=0)
    pools_by_year = cost_by_year.mul(pool_share, axis=0)
    municipal_by_year = funded - grants_by_year - pools_by_year
    tonnes = _contribution(projects, scenario, cost_by_year, first_year)
    last_spend = _last_spend_year(cost_by_year, first_year)
    life = _lifecycle(projects, scenario, cost_by_year, last_spend, first_year)
    overlaps = _interactions(projects, scenario, x, last_spend, first_year, ids)
    overlap_t = sum((o.abatement_t for o in overlaps), 0.0)
    benefits = {c: co_benefit_values(projects, c) for c in scenario.co_benefit_columns}
    objective = tonnes + sum(
        (w * benefits[c] for c, w in scenario.co_benefit_weights.items()), np.zeros(len(table))
    )
    _check_target(scenario, float(tonnes @ x) + overlap_t, violations)

    _check_forced(table, scenario, ids, x, violations)
    _check_requires(projects, ids, x, starts, violations)
    _check_alternatives(table, x, violations)
    opex_by_year = _opex_by_year(projects, scenario, last_spend, x)
    budget = _check_budgets(
        scenario, funded, grants_by_year, pools_by_year, municipal_by_year, opex_by_year, violations
    )
    amounts = {
        "cost": total_cost * x,
        "municipal_cost": municipal_by_year.sum(axis=1).to_numpy(),
        "abatement": tonnes * x,
        "count": x.copy(),
        **{c: v * x for c, v in benefits.items()},
    }
    rules = _check_rules(projects, scenario, amounts, overlaps, violations)

    chosen = np.flatnonzero(x > 0)
    npc = life["npc"] * x
    present_t = float(life["present_t"] @ x) + sum((o.present_t for o in overlaps), 0.0)
    net_benefit = None
    if scenario.net_benefit is not None:
        net_benefit = scenario.net_benefit.carbon_value_sek_per_t * present_t - float(npc.sum())
    opex = life["opex"] * x
    savings = -float(opex.sum())
    pool_names = [p.name for p in scenario.funding]
    pool_sek = shares[:, chosen] * total_cost[chosen]
    columns = {
        "id": table["id"].astype(str).to_numpy()[chosen].tolist(),
        "name": table["name"].astype(str).to_numpy()[chosen].tolist(),
        "sector": table["sector"].astype(str).to_numpy()[chosen].tolist(),
        "district": table["district"].to_numpy(dtype=object)[chosen].tolist(),
        "fraction": x[chosen].tolist(),
        "cost_sek": amounts["cost"][chosen].tolist(),
        "municipal_cost_sek": amounts["municipal_cost"][chosen].tolist(),
        "abatement_t": amounts["abatement"][chosen].tolist(),
        "start_year": starts[chosen].tolist(),
        "operating_from": (last_spend[chosen] + 1).tolist(),
        "opex_sek_per_year": opex[chosen].tolist(),
        "net_present_cost_sek": npc[chosen].tolist(),
        "equivalent_annual_cost_sek": (life["eac"] * x)[chosen].tolist(),
        "payback_years": _none_where_nan(life["payback"][chosen]),
        "lifecycle_sek_per_t": _none_where_nan(life["per_t"][chosen]),
    }
    selected = [
        Selection(
            **{key: values[k] for key, values in columns.items()},
            pool_sek={name: float(pool_sek[p, k]) for p, name in enumerate(pool_names) if pool_sek[p, k] > 0},
            co_benefits={c: float(amounts[c][i]) for c in benefits},
        )
        for k, i in enumerate(chosen)
    ]
    return CheckReport(
        fractions=x,
        violations=violations,
        objective_t=-float(amounts["municipal_cost"].sum())
        if scenario.minimises_cost
        else net_benefit
        if net_benefit is not None
        else float(objective @ x) + overlap_t,
        abatement_t=float(tonnes @ x) + overlap_t,
        contribution_t=tonnes,
        selected=selected,
        total_cost_sek=float(amounts["cost"].sum()),
        municipal_cost_sek=float(amounts["municipal_cost"].sum()),
        grant_sek=float(grant @ x),
        pool_sek=float(pools_by_year.to_numpy().sum()),
        abatement_t_per_year=float(table["abatement_t_per_year"].to_numpy(dtype=float) @ x)
        + sum((o.abatement_t_per_year for o in overlaps if o.active), 0.0),
        budget=budget,
        rules=rules,
        funding=_pool_use(scenario, shares, total_cost),
        spend_plan=_spend_plan(ids, chosen, funded, grants_by_year, pools_by_year, municipal_by_year),
        net_present_cost_sek=float(npc.sum()),
        equivalent_annual_cost_sek=float((life["eac"] * x).sum()),
        opex_sek_per_year=float(opex.sum()),
        payback_years=float((total_cost * x).sum()) / savings if savings > 0 else None,
        present_tonnes_t=present_t,
        net_benefit_sek=net_benefit,
        interactions=tuple(overlaps),
    )


def _none_where_nan(values: np.ndarray) -> list[float | None]:
    # numpy's stubs read a None second argument as the one-argument form of np.where
    return np.where(np.isnan(values), None, values).tolist()  # type: ignore[call-overload]


def _discounted(rate: float, years_after_first: np.ndarray | int) -> np.ndarray:
    return 1.0 / (1.0 + rate) ** np.asarray(years_after_first, dtype=float)


def _operating_factor(
    rate: float, operating_from: np.ndarray, lifetime: np.ndarray, first_year: int
) -> np.ndarray:
    """Σ over each operating year of its share of the year times its discount factor, year by year."""
    years = np.zeros(len(lifetime))
    for k in range(int(np.ceil(lifetime.max(initial=0.0)))):
        years += np.clip(lifetime - k, 0.0, 1.0) * _discounted(rate, k)
    return years * _discounted(rate, operating_from - first_year)


def _lifecycle(
    projects: ProjectList,
    scenario: Scenario,
    cost_by_year: pd.DataFrame,
    last_spend: np.ndarray,
    first_year: int,
) -> dict[str, np.ndarray]:
    """Per fully funded project at its checked start: net present cost, discounted tonnes, equivalent
    annual cost, payback and lifecycle cost per tonne, recomputed year by year."""
    table = projects.table
    rate = scenario.discount_rate
    opex = (
        table["opex_sek_per_year"].to_numpy(dtype=float)
        if "opex_sek_per_year" in table
        else np.zeros(len(table))
    )
    lifetime = table["lifetime_years"].to_numpy(dtype=float)
    years = cost_by_year.columns.to_numpy(dtype=int)
    investment = cost_by_year.to_numpy(dtype=float)
    factor = _operating_factor(rate, last_spend + 1, lifetime, first_year)
    npc = investment @ _discounted(rate, years - first_year) + opex * factor
    present_t = table["abatement_t_per_year"].to_numpy(dtype=float) * factor
    # equivalent annual cost: the end-of-year annuity over the life with the same present value
    annuity = _operating_factor(rate, np.full(len(table), first_year + 1), lifetime, first_year)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "npc": npc,
            "present_t": present_t,
            "eac": npc / annuity,
            "opex": opex,
            "payback": np.where(opex < 0, investment.sum(axis=1) / -opex, np.nan),
            "per_t": np.where(present_t > 0, npc / present_t, np.nan),
        }


def _opex_by_year(
    projects: ProjectList, scenario: Scenario, last_spend: np.ndarray, x: np.ndarray
) -> pd.Series:
    """Operating cost (negative: savings) of the funded projects in each budget year they operate."""
    years = scenario.budget_years or ()
    table = projects.table
    if "opex_sek_per_year" not in table or not years:
        return pd.Series(0.0, index=list(years), dtype=float)
    opex = table["opex_sek_per_year"].to_numpy(dtype=float) * x
    lifetime = table["lifetime_years"].to_numpy(dtype=float)
    per_year = {}
    for year in years:
        since = year - (last_spend + 1)
        share = np.where(since >= 0, np.clip(lifetime - since, 0.0, 1.0), 0.0)
        per_year[year] = float(opex @ share)
    return pd.Series(per_year, dtype=float)


def _interactions(
    projects: ProjectList,
    scenario: Scenario,
    x: np.ndarray,
    last_spend: np.ndarray,
    first_year: int,
    ids: pd.Series,
) -> list[InteractionOutcome]:
    """Each interaction is active when every one of its projects is funded in full; it then adds its
    yearly change for the shortest lifetime of its projects, from the year after their last spend."""
    if not scenario.interactions:
        return []
    position = {project_id: pos for pos, project_id in enumerate(ids.tolist())}
    lifetime = projects.table["lifetime_years"].to_numpy(dtype=float)
    measure = scenario.tonnes_measure
    outcomes = []
    for interaction in scenario.interactions:
        members = np.array([position[i] for i in interaction.ids])
        active = bool((x[members] >= 1.0).all())
        shortest = float(lifetime[members].min())
        starts_counting = int(last_spend[members].max()) + 1
        if measure == "annual":
            counted = 1.0
        elif isinstance(measure, CumulativeObjective):
            counted = min(max(measure.cumulative_to - starts_counting + 1, 0), shortest)
        else:
            counted = shortest
        factor = _operating_factor(
            scenario.discount_rate, np.array([starts_counting]), np.array([shortest]), first_year
        )[0]
        change = interaction.abatement_t_per_year
        outcomes.append(
            InteractionOutcome(
                name=interaction.label,
                ids=list(interaction.ids),
                abatement_t_per_year=change,
                active=active,
                operating_from=starts_counting,
                lifetime_years=shortest,
                years_counted=counted,
                abatement_t=change * counted if active else 0.0,
                present_t=change * factor if active else 0.0,
            )
        )
    return outcomes


def _check_target(scenario: Scenario, tonnes: float, violations: list[str]) -> None:
    if isinstance(scenario.objective, MinCostObjective):
        goal = scenario.objective.min_cost_for_t
        if tonnes < goal - _tolerance(goal):
            violations.append(f"the reduction target of {goal:,.6g} t is not reached: {tonnes:,.6g} t")


def _snap(x: np.ndarray, divisible: np.ndarray, ids: pd.Series, violations: list[str]) -> np.ndarray:
    """Round whole projects to 0/1 and clip divisible ones, flagging anything beyond solver noise."""
    if x.shape != divisible.shape:
        violations.append(f"the portfolio has {x.size} entries for {divisible.size} projects")
        return np.zeros(divisible.shape)
    for i in np.flatnonzero(~np.isfinite(x)):
        violations.append(f"project {ids.iat[i]}: fraction {x[i]} is not a number")
    x = np.nan_to_num(x, nan=0.0)
    outside = (x < -INTEGRALITY_TOLERANCE) | (x > 1 + INTEGRALITY_TOLERANCE)
    for i in np.flatnonzero(outside):
        violations.append(f"project {ids.iat[i]}: fraction {x[i]:.6g} is outside 0..1")
    rounded = np.round(x)
    fractional = ~divisible & (np.abs(x - rounded) > INTEGRALITY_TOLERANCE)
    for i in np.flatnonzero(fractional):
        violations.append(f"project {ids.iat[i]}: fraction {x[i]:.6g} but the project is not divisible")
    snapped = np.where(divisible, np.clip(x, 0.0, 1.0), np.clip(rounded, 0.0, 1.0))
    return np.where(snapped < 1e-9, 0.0, np.where(snapped > 1 - 1e-9, 1.0, snapped))


def _check_min_fraction(
    x: np.ndarray, divisible: np.ndarray, min_fraction: float | None, ids: pd.Series, violations: list[str]
) -> np.ndarray:
    """With a `min_fraction`, a divisible project is funded not at all or at least that share. Below the
    minimum by more than `INTEGRALITY_TOLERANCE`, a fraction within that tolerance of 0 is solver noise
    and reads as 0 (as a whole project's 1e-6 does); anything larger breaks the rule."""
    if min_fraction is None:
        return x
    below = divisible & (x > 0) & (x < min_fraction - INTEGRALITY_TOLERANCE)
    noise = below & (x <= INTEGRALITY_TOLERANCE)
    for i in np.flatnonzero(below & ~noise):
        violations.append(
            f"project {ids.iat[i]}: funded at {x[i]:.6g}, below the scenario's min_fraction {min_fraction:g} "
            "(a divisible project is funded not at all or at least that share)"
        )
    return np.where(noise, 0.0, x)


def _check_starts(
    projects: ProjectList,
    scenario: Scenario,
    first_year: int,
    start_years: np.ndarray | None,
    ids: pd.Series,
    violations: list[str],
) -> np.ndarray:
    """Start years per project: as planned unless phased, and a phased one within its window."""
    low, high = projects.start_window(first_year, scenario.budget_years)
    if start_years is None:
        return low.copy()
    starts = np.asarray(start_years)
    if starts.shape != low.shape:
        violations.append(f"the portfolio has {starts.size} start years for {low.size} projects")
        return low.copy()
    starts = starts.astype(int)
    for i in np.flatnonzero((starts < low) | (starts > high)):
        window = f"{low[i]}" if low[i] == high[i] else f"{low[i]}–{high[i]}"
        violations.append(
            f"project {ids.iat[i]} starts in {starts[i]}, outside its allowed start years {window}"
        )
    return np.clip(starts, low, np.maximum(low, high))


def _cost_by_year(projects: ProjectList, first_year: int, starts: np.ndarray) -> pd.DataFrame:
    """Total cost per project and calendar year: unscheduled costs in the first year, each profile moved
    to the project's start year."""
    costs = projects.scheduled_cost.copy()
    if first_year not in costs.columns:
        costs[first_year] = 0.0
    costs[first_year] = costs[first_year] + projects.unscheduled_cost
    shift = starts - projects.first_spend_year(first_year)
    if not shift.any():
        return costs.sort_index(axis=1)
    parts = [
        costs[shift == moved].rename(columns=lambda year, moved=moved: int(year) + int(moved))
        for moved in np.unique(shift)
    ]
    return pd.concat(parts).sort_index().fillna(0.0).T.groupby(level=0).sum().T.sort_index(axis=1)


def _last_spend_year(cost_by_year: pd.DataFrame, first_year: int) -> np.ndarray:
    spent = cost_by_year > 0
    last = spent.iloc[:, ::-1].idxmax(axis=1).where(spent.any(axis=1), first_year)
    return last.to_numpy(dtype=int)


def _contribution(
    projects: ProjectList, scenario: Scenario, cost_by_year: pd.DataFrame, first_year: int
) -> np.ndarray:
    """tCO2e each fully funded project counts in the objective, at its start year."""
    table = projects.table
    annual = table["abatement_t_per_year"].to_numpy(dtype=float)
    lifetime = table["lifetime_years"].to_numpy(dtype=float)
    measure = scenario.tonnes_measure
    if measure == "annual":
        return annual
    if isinstance(measure, CumulativeObjective):
        last_year = _last_spend_year(cost_by_year, first_year).astype(float)
        years_counted = np.minimum(np.maximum(measure.cumulative_to - last_year, 0.0), lifetime)
        return annual * years_counted
    return annual * lifetime


def _check_pools(
    projects: ProjectList,
    scenario: Scenario,
    cost_by_year: pd.DataFrame,
    x: np.ndarray,
    pool_shares: np.ndarray | None,
    ids: pd.Series,
    violations: list[str],
) -> np.ndarray:
    """Per (pool, project) share of the cost paid, checked against eligibility, max_share, capacity and
    the rule that grants and pools together never pay more than the cost."""
    n_pools, n = len(scenario.funding), len(projects)
    if pool_shares is None:
        return np.zeros((n_pools, n))
    shares = np.asarray(pool_shares, dtype=float)
    if shares.shape != (n_pools, n):
        violations.append(f"the funding has shape {shares.shape} for {n_pools} pools and {n} projects")
        return np.zeros((n_pools, n))
    shares = np.where(np.abs(shares) < 1e-9, 0.0, shares)
    total = cost_by_year.sum(axis=1).to_numpy()
    grant_share = projects.table["grant_sek"].to_numpy(dtype=float) / total
    for p, pool in enumerate(scenario.funding):
        eligible = _members(projects, pool.where)
        if pool.capacity_years is not None:
            outside = [y for y in cost_by_year.columns if int(y) not in pool.capacity_years]
            eligible = eligible & ~(cost_by_year[outside] > 0).any(axis=1).to_numpy()
        for i in np.flatnonzero(shares[p] < -1e-9):
            violations.append(
                f"pool {pool.name}: negative funding {shares[p, i]:.6g} for project {ids.iat[i]}"
            )
        for i in np.flatnonzero(~eligible & (shares[p] > 0)):
            violations.append(f"pool {pool.name} pays for project {ids.iat[i]}, which it cannot fund")
        for i in np.flatnonzero(shares[p] > pool.max_share * x + RELATIVE_TOLERANCE):
            violations.append(
                f"pool {pool.name} pays {shares[p, i]:.6g} of project {ids.iat[i]}'s cost, more than its "
                f"max_share {pool.max_share:g} of the {x[i]:.6g} funded"
            )
        by_year = cost_by_year.mul(shares[p], axis=0).sum(axis=0)
        for year, limit in pool.capacity.items():
            used = float(by_year.sum() if year is ALL_YEARS else by_year.get(year, 0.0))
            if used > limit + _tolerance(limit):
                when = "" if year is ALL_YEARS else f" in {year}"
                violations.append(
                    f"pool {pool.name} pays {used:,.0f} SEK{when}, over its capacity of {limit:,.0f} SEK"
                )
    over = shares.sum(axis=0) + grant_share * x > x + 1e-7
    for i in np.flatnonzero(over):
        violations.append(f"grants and pools pay more than project {ids.iat[i]}'s cost")
    return np.clip(shares, 0.0, None)


def _members(projects: ProjectList, where: dict) -> np.ndarray:
    members = pd.Series(True, index=projects.table.index)
    for column, values in where.items():
        members &= pd.Series(projects.values_of(column)).isin([canonical_text(v) for v in values])
    return members.to_numpy()


def _pool_use(scenario: Scenario, shares: np.ndarray, total_cost: np.ndarray) -> list[PoolUse]:
    uses = []
    for p, pool in enumerate(scenario.funding):
        capacity = pool.capacity.total
        allocated = float(shares[p] @ total_cost)
        uses.append(
            PoolUse(
                name=pool.name,
                capacity_sek=capacity,
                allocated_sek=allocated,
                unused_sek=capacity - allocated,
                projects=int(np.count_nonzero(shares[p] > 0)),
            )
        )
    return uses


def _spend_plan(
    ids: pd.Series,
    chosen: np.ndarray,
    funded: pd.DataFrame,
    grants: pd.DataFrame,
    pools: pd.DataFrame,
    municipal: pd.DataFrame,
) -> list[SpendLine]:
    frames = {"cost_sek": funded, "grant_sek": grants, "pool_sek": pools, "municipal_sek": municipal}
    values = {k: f.to_numpy(dtype=float)[chosen] for k, f in frames.items()}
    rows, cols = np.nonzero(values["cost_sek"] > 0)  # by project, then year, as the table reads
    position = funded.index.to_numpy(dtype=int)[chosen][rows]
    names = ids.to_numpy(dtype=object)[position].tolist()
    years = funded.columns.to_numpy(dtype=int)[cols].tolist()
    amounts = {k: v[rows, cols].tolist() for k, v in values.items()}
    return [
        SpendLine(id=names[k], year=years[k], **{key: values[k] for key, values in amounts.items()})
        for k in range(len(names))
    ]


def _tolerance(scale: float) -> float:
    return RELATIVE_TOLERANCE * max(abs(scale), 1.0)


def _check_forced(
    table: pd.DataFrame, scenario: Scenario, ids: pd.Series, x: np.ndarray, violations: list[str]
) -> None:
    mandatory = table["mandatory"].to_numpy(dtype=bool)
    for i in np.flatnonzero(mandatory & (x < 1 - 1e-9)):
        violations.append(f"project {ids.iat[i]} is mandatory but funded at {x[i]:.6g}")
    included = ids.isin(scenario.include).to_numpy()
    for i in np.flatnonzero(included & (x < 1 - 1e-9)):
        violations.append(f"project {ids.iat[i]} is included by the scenario but funded at {x[i]:.6g}")
    excluded = ids.isin(scenario.exclude).to_numpy()
    for i in np.flatnonzero(excluded & (x > 0)):
        violations.append(f"project {ids.iat[i]} is excluded by the scenario but funded at {x[i]:.6g}")


def _check_requires(
    projects: ProjectList, ids: pd.Series, x: np.ndarray, starts: np.ndarray, violations: list[str]
) -> None:
    """A funded project's required projects are funded at least as much and, where either is phased,
    start no later."""
    dependent, required = projects.requirement_pairs()
    for d in dependent[required < 0]:
        violations.append(f"project {ids.iat[d]} requires a project that is not in the list")
    known = required >= 0
    broken = known & (x[dependent] > np.where(known, x[required], 0.0) + RELATIVE_TOLERANCE)
    for d, r in zip(dependent[broken], required[broken], strict=True):
        violations.append(
            f"project {ids.iat[d]} is funded at {x[d]:.6g} but requires {ids.iat[r]}, funded at {x[r]:.6g}"
        )
    # Timing is the optimiser's choice only where a phased project is involved; fixed plans stand as listed.
    phased = projects.phased
    timed = known & (phased[dependent] | phased[np.where(known, required, 0)])
    early = timed & (x[dependent] > 0) & (starts[dependent] < np.where(known, starts[required], 0))
    for d, r in zip(dependent[early], required[early], strict=True):
        violations.append(
            f"project {ids.iat[d]} starts in {starts[d]}, before project {ids.iat[r]} it requires ({starts[r]})"
        )


def _check_alternatives(table: pd.DataFrame, x: np.ndarray, violations: list[str]) -> None:
    groups = pd.Series(x, index=table.index).groupby(table["exclusive_group"].to_numpy(), dropna=True).sum()
    for group, total in groups.items():
        if total > 1 + RELATIVE_TOLERANCE:  # divisible alternatives may sum to 1 within the solver's tolerance
            violations.append(f"exclusive group {group}: {total:.6g} projects funded, at most 1 allowed")


def _check_budgets(
    scenario: Scenario,
    funded: pd.DataFrame,
    grants: pd.DataFrame,
    pools: pd.DataFrame,
    municipal: pd.DataFrame,
    opex: pd.Series,
    violations: list[str],
) -> list[YearSpend]:
    """Municipal spending (after grants and pools) per budget year, or in all with one budget; on the
    net basis it includes the operating costs and savings of the funded projects in that year."""
    spend, cost, grant, pool = (f.sum(axis=0) for f in (municipal, funded, grants, pools))
    if scenario.budget_basis == "net":
        spend = spend.add(opex, fill_value=0.0)
    budget_years = scenario.budget.years
    if budget_years is not None:
        outside = [y for y in spend.index if int(y) not in budget_years and cost[y] > 0]
        for year in outside:
            violations.append(f"{cost[year]:,.0f} SEK spent in {year}, a year without a budget")
    budget = []
    for year, limit in scenario.budget.items():
        spent, year_cost, year_grant, year_pool, year_opex = (
            float(series.sum() if year is ALL_YEARS else series.get(year, 0.0))
            for series in (spend, cost, grant, pool, opex)
        )
        if spent > limit + _tolerance(limit):
            label = f"the {year} budget" if year is not ALL_YEARS else "the budget"
            violations.append(f"{label} of {limit:,.0f} SEK is exceeded: {spent:,.0f} SEK spent")
        budget.append(
            YearSpend(
                year=year,
                budget_sek=limit,
                spend_sek=spent,
                slack_sek=limit - spent,
                cost_sek=year_cost,
                grant_sek=year_grant,
                pool_sek=year_pool,
                opex_sek=year_opex,
            )
        )
    return budget


def _check_rules(
    projects: ProjectList,
    scenario: Scenario,
    amounts: dict[str, np.ndarray],
    overlaps: list[InteractionOutcome],
    violations: list[str],
) -> list[RuleOutcome]:
    """`amounts`: per measure, what each project adds to the portfolio as funded. An interaction's
    tonnes count in the portfolio and in each group that holds all of its projects."""
    position = (
        {project_id: pos for pos, project_id in enumerate(projects.table["id"].astype(str).tolist())}
        if overlaps
        else {}
    )
    outcomes = []
    for rule in scenario.constraints:
        base = pd.Series(_members(projects, rule.where), index=projects.table.index)
        if rule.for_each is None:
            groups = [(rule.name, base)]
        else:
            keys = pd.Series(projects.values_of(rule.for_each))
            groups = [(f"{rule.name}[{key}]", base & (keys == key)) for key in keys.dropna().unique()]
        measure = amounts[rule.measure]
        extra = overlaps if rule.measure == "abatement" else []
        portfolio_total = float(measure.sum()) + sum((o.abatement_t for o in extra), 0.0)
        for name, members in groups:
            inside = members.to_numpy()
            value = float(measure[inside].sum()) + sum(
                (o.abatement_t for o in extra if inside[[position[i] for i in o.ids]].all()), 0.0
            )
            slacks = []
            if rule.min is not None:
                slacks.append(value - rule.min)
            if rule.max is not None:
                slacks.append(rule.max - value)
            if rule.min_share is not None:
                slacks.append(value - rule.min_share * portfolio_total)
            if rule.max_share is not None:
                slacks.append(rule.max_share * portfolio_total - value)
            slack = min(slacks)
            scale = max(abs(portfolio_total), abs(value), rule.min or 0.0, rule.max or 0.0)
            if slack < -_tolerance(scale):
                violations.append(
                    f"rule {name}: {rule.measure} {value:,.6g} breaks its bound by {-slack:,.6g}"
                )
            outcomes.append(
                RuleOutcome(
                    name=name,
                    measure=rule.measure,
                    projects=int(members.sum()),
                    value=value,
                    share=value / portfolio_total if portfolio_total > 0 else None,
                    min=rule.min,
                    max=rule.max,
                    min_share=rule.min_share,
                    max_share=rule.max_share,
                    slack=slack,
                    binding=abs(slack) <= _tolerance(scale) * 10,
                )
            )
    return outcomes
