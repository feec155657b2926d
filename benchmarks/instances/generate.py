"""Seeded synthetic project lists and scenarios for the benchmark suite.

Two families, both produced column-wise with numpy (no Python loop per project, so a million rows
take seconds):

- `municipal(n, seed)`: a municipality's list (50–500 projects) using every rule kind of the core:
  five yearly budgets 2026–2030, cost profiles over one to three years, grants, an equity rule
  (a minimum share of the cost in priority districts), a maximum share of the cost per sector
  (`for_each`), chains of `requires`, exclusive groups, mandatory projects and a few divisible ones.
- `national(n, seed)`: a regional or national list (1,000 to 1,000,000 projects) with the same
  five yearly budgets, equity rows (a minimum share of the cost in priority regions, and a floor
  on the reduction reached in the north), dependencies and alternatives.

Each returns a `GeneratedList`: the raw table (as a person would upload it) and a scenario dict;
`project_list()` validates it with `optimizer.io.readers.read_projects`, as any list is. Same seed, same list.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models import ProjectList, Scenario
from optimizer import read_projects, read_scenario

YEARS = (2026, 2027, 2028, 2029, 2030)
SECTORS = ("transport", "energy", "buildings", "waste", "agriculture", "consumption")
DISTRICTS = ("Centrum", "Bergsvik", "Norrmalm", "Hamnen", "Skogslund", "Ängen", "Kyrkbyn", "Strand")
PRIORITY_DISTRICTS = ("Bergsvik", "Hamnen", "Kyrkbyn")
REGIONS = tuple(f"region{r:02d}" for r in range(21))
PRIORITY_REGIONS = REGIONS[:6]
NORTH_REGIONS = REGIONS[-4:]
BUDGET_SHARE = 0.3
"""Each year's budget is this share of the municipal cost all projects would spend that year:
tight enough that choosing matters."""


@dataclass(frozen=True, eq=False)
class GeneratedList:
    """A generated project list (raw input table) with its scenario."""

    name: str
    table: pd.DataFrame
    scenario: dict[str, object]

    def project_list(self) -> ProjectList:
        """The list validated by the optimiser's own reader."""
        return read_projects(self.table, source_name=self.name)

    def scenario_model(self) -> Scenario:
        return read_scenario(self.scenario)


def municipal(n: int, seed: int = 0) -> GeneratedList:
    """A municipal list of `n` projects with every rule kind (see the module docstring)."""
    rng = np.random.default_rng(seed)
    table, municipal_by_year = _base_table(rng, n, DISTRICTS, cost_scale=8e6)
    ids = table["id"].to_numpy(dtype=object)

    table["requires"] = _chains(rng, ids, share=0.12)
    table["exclusive_group"] = _exclusive_groups(rng, n, share=0.12, blocked=table["requires"].notna())
    free = table["requires"].isna().to_numpy() & table["exclusive_group"].isna().to_numpy()
    in_priority = table["district"].isin(PRIORITY_DISTRICTS).to_numpy()
    total = table[[f"cost_sek_{year}" for year in YEARS]].to_numpy().sum(axis=1)
    cheap = total < np.median(total)
    mandatory = np.zeros(n, dtype=bool)
    pool = np.flatnonzero(free & in_priority & cheap)
    mandatory[rng.choice(pool, size=min(len(pool), max(1, n // 50)), replace=False)] = True
    table["mandatory"] = mandatory
    table["divisible"] = free & ~mandatory & (rng.random(n) < 0.05)
    scenario: dict[str, object] = {
        "name": f"municipal {n}",
        "budget_sek": _budgets(municipal_by_year),
        "objective": "lifetime",
        "constraints": [
            {
                "name": "equity",
                "where": {"district": list(PRIORITY_DISTRICTS)},
                "measure": "cost",
                "min_share": 0.3,
            },
            {"name": "per sector", "for_each": "sector", "measure": "cost", "max_share": 0.4},
        ],
    }
    return GeneratedList(f"municipal-{n}", table, scenario)


def national(n: int, seed: int = 0) -> GeneratedList:
    """A regional or national list of `n` projects (see the module docstring)."""
    rng = np.random.default_rng(seed)
    table, municipal_by_year = _base_table(rng, n, REGIONS, cost_scale=30e6)
    ids = table["id"].to_numpy(dtype=object)
    table["requires"] = _chains(rng, ids, share=0.05)
    table["exclusive_group"] = _exclusive_groups(rng, n, share=0.06, blocked=table["requires"].notna())
    north = table["district"].isin(NORTH_REGIONS).to_numpy()
    tonnes = (table["abatement_t_per_year"] * table["lifetime_years"]).to_numpy()
    scenario: dict[str, object] = {
        "name": f"national {n}",
        "budget_sek": _budgets(municipal_by_year),
        "objective": "lifetime",
        "constraints": [
            {
                "name": "equity",
                "where": {"district": list(PRIORITY_REGIONS)},
                "measure": "cost",
                "min_share": 0.35,
            },
            {
                "name": "north",
                "where": {"district": list(NORTH_REGIONS)},
                "measure": "abatement",
                "min": float(0.1 * BUDGET_SHARE * tonnes[north].sum()),
            },
        ],
    }
    return GeneratedList(f"national-{n}", table, scenario)


def _base_table(
    rng: np.random.Generator, n: int, districts: tuple[str, ...], cost_scale: float
) -> tuple[pd.DataFrame, np.ndarray]:
    """Ids, sectors, districts, cost profiles, grants and reductions; also the municipal cost per
    project and year (n × 5), from which the budgets are set."""
    width = max(3, len(str(n)))
    ids = np.char.add("p", np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)
    sector = np.asarray(SECTORS, dtype=object)[rng.integers(0, len(SECTORS), n)]
    district = np.asarray(districts, dtype=object)[rng.integers(0, len(districts), n)]
    cost = np.round(rng.lognormal(0.0, 1.0, n) * cost_scale, -3) + 1e5
    length = rng.integers(1, 4, n)
    start = rng.integers(0, len(YEARS) - length + 1)
    offset = np.arange(len(YEARS))[None, :] - start[:, None]
    spent = (offset >= 0) & (offset < length[:, None])
    weight = rng.random((n, len(YEARS))) * spent + spent * 0.5
    profile = np.round(cost[:, None] * weight / weight.sum(axis=1, keepdims=True), 0)
    total = profile.sum(axis=1)
    grant = np.where(rng.random(n) < 0.3, np.round(total * rng.uniform(0.1, 0.5, n), 0), 0.0)
    sek_per_t = rng.lognormal(np.log(2000.0), 0.8, n)
    lifetime = rng.integers(10, 41, n)
    abatement = np.round(total / sek_per_t / lifetime, 2)
    table = pd.DataFrame(
        {
            "id": ids,
            "name": np.char.add("Åtgärd ", ids.astype(str)).astype(object),
            "sector": sector,
            "district": district,
            **{f"cost_sek_{year}": profile[:, k] for k, year in enumerate(YEARS)},
            "grant_sek": grant,
            "abatement_t_per_year": abatement,
            "lifetime_years": lifetime,
        }
    )
    return table, profile * (1.0 - grant / total)[:, None]


def _budgets(municipal_by_year: np.ndarray) -> dict[str, float]:
    spend = municipal_by_year.sum(axis=0)
    return {str(year): float(np.round(BUDGET_SHARE * s, -3)) for year, s in zip(YEARS, spend, strict=True)}


def _chains(rng: np.random.Generator, ids: np.ndarray, share: float) -> np.ndarray:
    """`requires` cells: a share of the projects require the project listed just before them, which
    makes chains (a project needing one that itself needs another); never a cycle."""
    n = len(ids)
    depends = rng.random(n) < share
    depends[0] = False
    cells = np.full(n, None, dtype=object)
    cells[depends] = ids[np.flatnonzero(depends) - 1]
    return cells


def _exclusive_groups(rng: np.random.Generator, n: int, share: float, blocked: pd.Series) -> np.ndarray:
    """Groups of two or three alternatives among projects that are not dependent on another."""
    candidates = np.flatnonzero(~blocked.to_numpy() & (rng.random(n) < share))
    size = 3 if len(candidates) % 3 == 0 else 2
    usable = candidates[: len(candidates) - len(candidates) % size]
    cells = np.full(n, None, dtype=object)
    cells[usable] = np.char.add("alt", (np.arange(len(usable)) // size).astype(str)).astype(object)
    return cells


def with_lifecycle(generated: GeneratedList, seed: int = 0) -> GeneratedList:
    """The same list with operating costs and savings, overlapping pairs and net budgets (issue 8):
    30 % of the measures save 2–12 % of their cost a year (energy efficiency, fuel switches), 40 % cost
    0–3 % a year to run; one project in ten overlaps with another, the pair losing 20–60 % of the
    smaller reduction when both are funded; every budget year also holds the operating costs and
    savings of the funded measures in operation (`budget_basis = "net"`)."""
    rng = np.random.default_rng(seed + 1)
    table = generated.table.copy()
    n = len(table)
    cost = table[[f"cost_sek_{year}" for year in YEARS]].to_numpy().sum(axis=1)
    kind = rng.random(n)
    opex = np.where(
        kind < 0.3,
        -cost * rng.uniform(0.02, 0.12, n),
        np.where(kind < 0.7, cost * rng.uniform(0.0, 0.03, n), 0.0),
    )
    table["opex_sek_per_year"] = np.round(opex, -2)
    whole = np.flatnonzero(~table["divisible"].to_numpy(dtype=bool)) if "divisible" in table else np.arange(n)
    chosen = rng.choice(whole, size=2 * (min(len(whole), n // 10) // 2), replace=False).reshape(-1, 2)
    annual = table["abatement_t_per_year"].to_numpy(dtype=float)
    smaller = np.minimum(annual[chosen[:, 0]], annual[chosen[:, 1]])
    overlap = -np.round(smaller * rng.uniform(0.2, 0.6, len(chosen)), 2)
    ids = table["id"].to_numpy(dtype=object)
    interactions = [
        {"ids": [str(ids[a]), str(ids[b])], "abatement_t_per_year": float(change)}
        for (a, b), change in zip(chosen, overlap, strict=True)
    ]
    scenario = {**generated.scenario, "budget_basis": "net", "interactions": interactions}
    scenario["name"] = f"{generated.scenario['name']} with lifecycle costs and overlaps"
    return GeneratedList(f"{generated.name}-lifecycle", table, scenario)
