"""Hypothesis strategies: small random project lists and scenarios that use every kind of rule.

An instance is a pair (rows, scenario) of plain data: `rows` is the list of dicts that
`optimizer.read_projects` takes, `scenario` the dict that `Scenario.model_validate` takes. Numbers
are whole (costs are whole multiples of a unit, shares multiples of 1/20) so that ties and
tolerances are unambiguous. Budgets and rule bounds are drawn relative to the drawn costs, so that
instances are feasible often but not always.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

FIRST_YEAR = 2026
SECTORS = ("transport", "energy", "buildings")
DISTRICTS = ("Centrum", "Presterud", "Kroppkärr", None)
PRIORITY = ("yes", "no", 1, None)  # a number in a tag column is matched as text "1"
GROUPS = (None, None, "g1", "g2")
TAG = "priority_area"
RULE_COLUMNS = ("sector", "district", TAG, "exclusive_group", "mandatory", "divisible", "id")
FOR_EACH_COLUMNS = ("sector", "district", TAG, "exclusive_group", "mandatory", "divisible", "id")
MEASURES = ("cost", "municipal_cost", "abatement", "count")
SHARES = (0.0, 0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.75, 0.8, 1.0)
MIN_FRACTIONS = (0.0, 0.1, 0.2, 0.25, 0.3, 0.5, 1.0)
MAX_FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25)
BUDGET_FRACTIONS = (0.0, 0.2, 0.3, 0.5, 0.5, 0.6, 0.75, 0.75, 1.0, 1.0, 1.5)
DIVISIBLE_MINIMA = (0.05, 0.1, 0.25, 0.3, 0.5, 0.75, 1.0)
"""Values of the scenario's `min_fraction`."""


@dataclass(frozen=True)
class Instance:
    rows: list[dict[str, Any]]
    scenario: dict[str, Any]

    @property
    def ids(self) -> list[str]:
        return [r["id"] for r in self.rows]

    def __repr__(self) -> str:  # printed by hypothesis on failure: make it paste-able
        return f"Instance(rows={self.rows!r},\n    scenario={self.scenario!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis's printer asks for this
        printer.text(repr(self))


def rarely(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in `one_in` draws (not at the ends of the range, which hypothesis favours)."""
    return draw(st.integers(0, one_in - 1)) == one_in // 2


def _pick_some(draw: st.DrawFn, items: list[Any], max_size: int) -> list[Any]:
    if not items:
        return []
    return draw(st.lists(st.sampled_from(items), max_size=max_size, unique=True))


@st.composite
def instances(
    draw: st.DrawFn, *, max_n: int = 8, divisible: str = "never", select_by_divisible: bool = True
) -> Instance:
    """A random instance with 1..max_n projects.

    divisible: "never" (every project whole), "some" (each project divisible or not) or "all".
    select_by_divisible: whether rules may select projects by the `divisible` column (not when a
    test changes that column: making a project divisible would move it between rule groups).
    """
    n = draw(st.integers(1, max_n))
    # 1-3 years with costs (not always consecutive: 2026 and 2028, say).
    candidate_years = st.sampled_from(range(FIRST_YEAR, FIRST_YEAR + 4))
    years = sorted(draw(st.lists(candidate_years, min_size=1, max_size=3, unique=True)))
    n_years = len(years)
    per_year_budget = draw(st.booleans())
    # Where projects without a year spend: the first budget year unless the scenario says otherwise.
    first_year = None
    if rarely(draw, 4):
        first_year = draw(st.sampled_from(years if per_year_budget else [*years, years[-1] + 1]))
    unscheduled_year = first_year or years[0]
    unit = draw(st.sampled_from((1, 1000, 250_000, 10_000_000)))
    ids = [f"P{i}" for i in range(n)]

    rows: list[dict[str, Any]] = []
    costs: list[dict[int | None, int]] = []  # per project: year (None = unscheduled) -> cost in units
    for i, pid in enumerate(ids):
        row: dict[str, Any] = {
            "id": pid,
            "name": f"Project {i}",
            "sector": draw(st.sampled_from(SECTORS)),
            "district": draw(st.sampled_from(DISTRICTS)),
            TAG: draw(st.sampled_from(PRIORITY)),
            "cost_sek": None,
            "year": None,
            **{f"cost_sek_{y}": None for y in years},
        }
        if not rarely(draw, 4):  # one cost, with or without a year
            amount = draw(st.integers(1, 20))
            year = draw(st.sampled_from([None, *years]))
            row["cost_sek"] = amount * unit
            row["year"] = year
            cost = {year: amount}
        else:  # a profile over the years, zeros and empty cells included, adding up to more than 0
            amounts_or_empty = st.sampled_from([None, 0, 1, 2, 3, 5, 8, 10])
            profile = draw(st.lists(amounts_or_empty, min_size=n_years, max_size=n_years))
            profile[draw(st.integers(0, n_years - 1))] = draw(st.sampled_from([1, 2, 4, 10]))  # some cost
            cost = {}
            for y, amount in zip(years, profile, strict=True):
                row[f"cost_sek_{y}"] = None if amount is None else amount * unit
                if amount:
                    cost[y] = amount
        total = sum(cost.values())
        grant = draw(st.sampled_from([None, 0, 0, total // 2, total, draw(st.integers(0, total))]))
        row["grant_sek"] = None if grant is None else grant * unit
        row["abatement_t_per_year"] = draw(st.integers(0, 50))
        row["lifetime_years"] = draw(st.integers(1, 40))
        required = _pick_some(draw, ids[:i], 2)
        row["requires"] = ";".join(required) if required else None
        row["exclusive_group"] = draw(st.sampled_from(GROUPS))
        row["mandatory"] = rarely(draw, 12)
        row["divisible"] = draw(st.booleans()) if divisible == "some" else divisible == "all"
        rows.append(row)
        costs.append(cost)

    grants = [(r["grant_sek"] or 0) / unit for r in rows]
    scenario: dict[str, Any] = {"mip_gap": 0}

    # Objective.
    objective = draw(st.sampled_from(["lifetime", "annual", "cumulative"]))
    if objective == "cumulative":
        scenario["objective"] = {"cumulative_to": draw(st.integers(FIRST_YEAR, years[-1] + 6))}
    else:
        scenario["objective"] = objective

    # Budgets, relative to what the projects cost the municipality.
    municipal_by_year: dict[int, float] = {y: 0.0 for y in {*years, unscheduled_year}}
    for cost, grant in zip(costs, grants, strict=True):
        total = sum(cost.values())
        for year, amount in cost.items():
            municipal_by_year[unscheduled_year if year is None else year] += amount * (1 - grant / total)
    # Usually what the mandatory projects need plus a share of the rest; sometimes only a share of all.
    forced_by_year: dict[int, float] = {y: 0.0 for y in municipal_by_year}
    if not rarely(draw, 5):
        for row, cost, grant in zip(rows, costs, grants, strict=True):
            if row["mandatory"]:
                total = sum(cost.values())
                for year, amount in cost.items():
                    forced_by_year[unscheduled_year if year is None else year] += amount * (1 - grant / total)

    def budget(year_or_all: list[int]) -> int:
        forced = sum(forced_by_year[y] for y in year_or_all)
        rest = sum(municipal_by_year[y] for y in year_or_all) - forced
        return round(forced + draw(st.sampled_from(BUDGET_FRACTIONS)) * rest) * unit

    if per_year_budget:
        per_year = {str(y): budget([y]) for y in years}
        scenario["budget_sek"] = dict(reversed(per_year.items())) if rarely(draw, 3) else per_year
    else:
        scenario["budget_sek"] = budget(list(municipal_by_year))
    if first_year is not None:
        scenario["first_year"] = first_year

    # Include / exclude: disjoint, usually empty.
    if rarely(draw, 4):
        scenario["include"] = _pick_some(draw, ids, 2)
    if rarely(draw, 4):
        # Mostly projects that are not mandatory, sometimes any (a clash to be explained).
        mandatory = {r["id"] for r in rows if r["mandatory"]} if not rarely(draw, 4) else set()
        pool = [p for p in ids if p not in scenario.get("include", []) and p not in mandatory]
        scenario["exclude"] = _pick_some(draw, pool, 2)

    # Group rules: per-project amounts of each measure (roughly, for the abatement), to draw bounds from.
    cumulative_to = scenario["objective"]["cumulative_to"] if objective == "cumulative" else None
    amounts = []
    for row, cost, grant in zip(rows, costs, grants, strict=True):
        total = sum(cost.values())
        annual, lifetime = row["abatement_t_per_year"], row["lifetime_years"]
        if objective == "annual":
            abatement = annual
        elif objective == "lifetime":
            abatement = annual * lifetime
        else:
            last = max(unscheduled_year if y is None else y for y in cost)
            abatement = annual * min(max(cumulative_to - last, 0), lifetime)
        amounts.append(
            {
                "cost": total * unit,
                "municipal_cost": (total - grant) * unit,
                "abatement": abatement,
                "count": 1,
            }
        )
    rules = []
    for k in range(draw(st.integers(0, 3))):
        rules.append(draw(_rules(f"rule{k}", rows, amounts, select_by_divisible)))
    if rules:
        scenario["constraints"] = rules
    return Instance(rows, scenario)


@st.composite
def instances_with_min_fraction(draw: st.DrawFn, *, max_n: int = 7) -> Instance:
    """A random instance with some divisible projects and a scenario `min_fraction`."""
    instance = draw(instances(max_n=max_n, divisible="some"))
    minimum = draw(st.sampled_from(DIVISIBLE_MINIMA))
    return Instance(instance.rows, {**instance.scenario, "min_fraction": minimum})


@st.composite
def _rules(
    draw: st.DrawFn,
    name: str,
    rows: list[dict[str, Any]],
    amounts: list[dict[str, float]],
    select_by_divisible: bool,
) -> dict[str, Any]:
    by = [c for c in RULE_COLUMNS if select_by_divisible or c != "divisible"]
    each = [c for c in FOR_EACH_COLUMNS if select_by_divisible or c != "divisible"]
    measure = draw(st.sampled_from(MEASURES))
    rule: dict[str, Any] = {"name": name, "measure": measure}
    where = {}
    for column in draw(st.lists(st.sampled_from(by), max_size=2, unique=True)):
        if column in ("mandatory", "divisible"):
            candidates = [True, False]
        else:
            present = sorted({r[column] for r in rows if r[column] is not None}, key=str)
            candidates = present + ["nowhere"] * rarely(draw, 4) or ["nowhere"]
        where[column] = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=2, unique=True))
    if where:
        rule["where"] = where
    if rarely(draw, 3):
        rule["for_each"] = draw(st.sampled_from(each))
    kinds = draw(
        st.lists(
            st.sampled_from(["min_share", "max_share", "min", "max"]), min_size=1, max_size=2, unique=True
        )
    )
    if "min_share" in kinds or "max_share" in kinds:
        low, high = sorted(draw(st.lists(st.sampled_from(SHARES), min_size=2, max_size=2)))
        if "min_share" in kinds:
            rule["min_share"] = low
        if "max_share" in kinds:
            rule["max_share"] = high
    if "min" in kinds or "max" in kinds:
        # Relative to the measure over the rule's group (for_each: the smallest and the largest group).
        groups: dict[Any, float] = {}
        for row, amount in zip(rows, amounts, strict=True):
            key = row[rule["for_each"]] if "for_each" in rule else "all"
            if _matches(row, rule.get("where", {})) and key is not None:
                groups[key] = groups.get(key, 0) + amount[measure]
        sizes = list(groups.values()) or [sum(a[measure] for a in amounts)]
        low = round(draw(st.sampled_from(MIN_FRACTIONS)) * min(sizes))
        high = max(low, round(draw(st.sampled_from(MAX_FRACTIONS)) * max(sizes)))
        if "min" in kinds:
            rule["min"] = low
        if "max" in kinds:
            rule["max"] = high
    return rule


def _matches(row: dict[str, Any], where: dict[str, list[Any]]) -> bool:
    return all(row[column] in values for column, values in where.items())
