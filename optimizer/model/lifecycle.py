"""Lifecycle economics of a measure: what it costs over its whole life, in today's money.

Finance officers judge a measure by its life, not its investment alone: many climate measures save
money (energy efficiency, fuel switches), so their lifecycle cost per tonne is negative. Conventions
(the Swedish transport appraisal's, ASEK):

- money and tonnes are discounted at the scenario's real `discount_rate` to the first budget year
  (`resolve_first_year`): an amount in year y counts (1 + r)^-(y - first year);
- a measure is in operation from the year after its last spend year, for `lifetime_years` years
  (whole years; a fractional lifetime's last year counts in part, continuously);
- net present cost (NPC) = discounted investment (the whole cost, whoever pays) + discounted
  `opex_sek_per_year` over the operating years;
- equivalent annual cost (EAC) = NPC spread over the lifetime as an annuity paid at each year's end:
  NPC · r / (1 − (1+r)^-L) for whole L (NPC / L at r = 0);
- simple payback = investment / yearly saving, where the measure saves money (opex < 0);
- lifecycle cost per tonne = NPC / discounted tonnes over the life (levelised): a measure is worth
  funding on cost–benefit grounds exactly when this is below the carbon value.

Vectorised over options (a project started `shift` years after its planned start), so the model
builder can price every possible start year. The independent checker recomputes these figures
year by year without this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import ProjectList, Scenario
from optimizer.model.fit import resolve_first_year
from optimizer.model.phasing import moved_costs


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """Per option (or project): lifecycle figures of the fully funded measure."""

    operating_from: np.ndarray
    net_present_cost_sek: np.ndarray
    present_tonnes_t: np.ndarray
    """Yearly reduction over the life, discounted like money (the denominator of the levelised cost)."""
    operating_factor: np.ndarray
    """Σ over the operating years of the discount factor: present value of 1 SEK (or t) a year in operation."""
    equivalent_annual_cost_sek: np.ndarray
    payback_years: np.ndarray
    """NaN where the measure does not save money."""
    lifecycle_sek_per_t: np.ndarray
    """NaN where the measure reduces nothing."""


def annuity_factor(rate: float, years: np.ndarray) -> np.ndarray:
    """Σ_k w_k (1+r)^-k over the years in operation, w_k = min(1, L − k): the value at the start of the
    first year of 1 a year for L years (a fractional last year counts in part)."""
    years = np.asarray(years, dtype=float)
    if rate == 0:
        return years
    whole = np.floor(years)
    factor = 1.0 / (1.0 + rate)
    return (1.0 - factor**whole) / (1.0 - factor) + (years - whole) * factor**whole


def discount(rate: float, years_after_first: np.ndarray) -> np.ndarray:
    return (1.0 + rate) ** -np.asarray(years_after_first, dtype=float)


def option_lifecycle(
    projects: ProjectList, scenario: Scenario, *, project: np.ndarray, shift: np.ndarray
) -> Lifecycle:
    """Lifecycle figures of each option (project `project[k]` started `shift[k]` years late)."""
    rate = scenario.discount_rate
    first_year = resolve_first_year(projects, scenario)
    option, year, amount = moved_costs(projects, first_year, project, shift)
    investment_pv = np.bincount(
        option, weights=amount * discount(rate, year - first_year), minlength=len(project)
    )
    investment = projects.total_cost[project]
    operating_from = projects.last_spend_year(first_year)[project] + shift + 1
    lifetime = projects.table["lifetime_years"].to_numpy(dtype=float)[project]
    factor = discount(rate, operating_from - first_year) * annuity_factor(rate, lifetime)
    opex = projects.opex[project]
    npc = investment_pv + opex * factor
    tonnes = projects.table["abatement_t_per_year"].to_numpy(dtype=float)[project] * factor
    # the annuity paid at the end of each year of the life that has the same present value
    crf = (1.0 + rate) / annuity_factor(rate, lifetime)
    with np.errstate(divide="ignore", invalid="ignore"):
        payback = np.where(opex < 0, investment / -opex, np.nan)
        per_t = np.where(tonnes > 0, npc / tonnes, np.nan)
    return Lifecycle(
        operating_from=operating_from.astype(int),
        net_present_cost_sek=npc,
        present_tonnes_t=tonnes,
        operating_factor=factor,
        equivalent_annual_cost_sek=npc * crf,
        payback_years=payback,
        lifecycle_sek_per_t=per_t,
    )


def project_lifecycle(projects: ProjectList, scenario: Scenario) -> Lifecycle:
    """Lifecycle figures of every project started as planned (for rankings such as the MACC)."""
    n = len(projects)
    return option_lifecycle(projects, scenario, project=np.arange(n), shift=np.zeros(n, dtype=int))


def operating_years_in(
    operating_from: np.ndarray, lifetime: np.ndarray, years: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(option, position in `years`, share of the year) for every year in `years` an option operates
    (the share is below 1 only in the last year of a fractional lifetime)."""
    years = np.asarray(years, dtype=int)
    since = years[None, :] - np.asarray(operating_from)[:, None]
    share = np.clip(np.asarray(lifetime, dtype=float)[:, None] - since, 0.0, 1.0) * (since >= 0)
    option, position = np.nonzero(share > 0)
    return option, position, share[option, position]
