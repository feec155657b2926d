# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # What if? Money, rules, single measures and the road to 2030
#
# The questions a planner is asked before a budget decision (*budgetbeslut*):
#
# 1. **What would more (or less) money buy?** The budget frontier and its knee.
# 2. **What does the equity rule cost?** Tonnes given up for "at least 40 % to the priority areas".
# 3. **What if the board wants a measure in, or out?** Force it and compare the portfolios.
# 4. **How do we phase towards 2030?** Start years, the spend plan year by year, and the emissions
#    pathway (*utsläppsbana*) against the carbon-budget target (*koldioxidbudget*).
# 5. **What do the funding sources buy?** Klimatklivet, an EU regional fund and a green loan.
# 6. **What do the savings buy?** Net budgets, where the operating savings of early measures fund
#    later ones; measures that overlap, counted once; and the portfolio worth most to society at a
#    carbon value of 7,000 SEK per tonne.
#
# Every answer is a proven optimum (or says why not), computed on the illustrative Kristinehamn
# list. Run the cells from top to bottom; the whole notebook takes well under a minute.

# %%
# %matplotlib inline
from pathlib import Path

import pandas as pd

import optimizer
from optimizer.reporting.charts import frontier_chart, funding_chart, pathway_chart

pd.set_option("display.max_rows", 100)
# large figures without decimals, small ones (fractions, prices per SEK) to three significant digits
pd.set_option("display.float_format", lambda value: f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}")
EXAMPLES = Path("..")

projects = optimizer.read_projects(EXAMPLES / "kristinehamn_projects.csv")
equity = optimizer.read_scenario(EXAMPLES / "scenario_equity.toml")
best = optimizer.solve(projects, equity)
print(f"{equity.name}: {best.status}, {best.objective_value_t:,.0f} t CO2e over the lifetimes")


def variant(scenario, **changes):
    """The scenario with some settings changed, validated like a scenario file."""
    return optimizer.read_scenario({**scenario.model_dump(exclude_none=True), **changes})


def changes_table(comparison):
    """The measures that entered or left from one portfolio to the other."""
    rows = [{"change": "entered", **c.model_dump()} for c in comparison.entered]
    rows += [{"change": "left", **c.model_dump()} for c in comparison.left]
    rows += [{"change": "fraction changed", **c.model_dump()} for c in comparison.changed]
    columns = ["change", "id", "name", "base_fraction", "other_fraction", "abatement_difference_t"]
    return pd.DataFrame(rows, columns=columns)


# %% [markdown]
# ## 1. The budget frontier: what more money buys
#
# For each total budget the best portfolio is solved again, every rule kept (the yearly budgets are
# replaced by one total over 2026–2030). `marginal_t_per_msek` is what the last step of money
# bought, in tonnes per MSEK. The **knee** is the budget after which that falls the most: beyond
# it, extra money buys clearly less.

# %%
budgets = [b * 1e6 for b in range(50, 301, 25)]
points = optimizer.frontier(projects, equity, budgets)
frontier_table = pd.DataFrame([p.to_dict() for p in points]).drop(columns="selected")
frontier_table["budget_msek"] = frontier_table.pop("budget_sek") / 1e6
frontier_table

# %%
knee = optimizer.knee(points)
knee_msek = knee.budget_sek / 1e6
print(f"knee: {knee_msek:,.0f} MSEK ({knee.objective_value_t:,.0f} t)")
frontier_chart(points)

# %% [markdown]
# Read the other way round: the least municipal money that reaches a reduction target, the yearly
# budgets and rules of the scenario kept.

# %%
targets = [150_000, 200_000, 230_000]
costs = optimizer.cost_frontier(projects, equity, targets)
pd.DataFrame([p.to_dict() for p in costs]).drop(columns="selected").assign(
    cost_msek=lambda table: table["cost_sek"] / 1e6
)

# %% [markdown]
# ## 2. The price of the equity rule
#
# `rule_prices` re-solves the portfolio without each rule (and without each year's budget) in turn.
# `objective_without_rule_t` is **exact**; the difference to the optimum is what the rule costs in
# tonnes. `shadow_price` is an **estimate** from the relaxed problem: tonnes per unit the rule is
# loosened (per SEK for budgets and money rules). A rule that does not bind costs nothing.

# %%
prices = pd.DataFrame([price.to_dict() for price in optimizer.rule_prices(projects, equity, best)])
prices["price_t"] = prices["objective_without_rule_t"] - best.objective_value_t
prices

# %% [markdown]
# The same for the equity rule by hand: solve without it and compare the two portfolios.
# `optimizer.analysis.compare` lists the measures that enter and leave, and the difference in every total.

# %%
equity_rule = "minst 40 % till prioriterade områden"
rules_kept = [rule.model_dump(exclude_none=True) for rule in equity.constraints if rule.name != equity_rule]
without_equity = optimizer.solve(projects, variant(equity, constraints=rules_kept))
equity_price_t = without_equity.objective_value_t - best.objective_value_t
print(f"without the equity rule: {without_equity.objective_value_t:,.0f} t")
print(
    f"the equity rule costs {equity_price_t:,.0f} t ({equity_price_t / without_equity.objective_value_t:.1%})"
)
changes_table(optimizer.compare(without_equity, best))

# %% [markdown]
# Above, "entered" lists the measures that come in with the equity rule (several of them in
# Presterud and Kroppkärr), "left" those it pushes out to make room.
#
# ## 3. Forcing a measure in or out
#
# A board may want a measure regardless (*politiskt prioriterad*), or rule one out. `include` and
# `exclude` in the scenario do that; everything else is re-optimised around it. Here: the new
# footbridge over Varnan (T10) is forced in, and the district-heating expansion in Kroppkärr (E02)
# is ruled out. The school connection B04 requires E02, so it has to go too.

# %%
forced = optimizer.solve(projects, variant(equity, include=["T10"], exclude=["E02"]))
comparison = optimizer.compare(best, forced)
print("status:", forced.status)
print(f"tonnes given up: {-comparison.totals['objective_value_t'].difference:,.0f} t")
changes_table(comparison)

# %%
pd.DataFrame({name: change.model_dump() for name, change in comparison.totals.items()}).T

# %% [markdown]
# ## 4. Phasing towards 2030: the climate investment plan
#
# `scenario_plan_2030.toml` puts it all together (*klimatinvesteringsplan*): yearly budgets, the
# equity rule, reductions counted **up to 2030** (so starting early counts for more), 25 measures
# whose start year the optimiser chooses within their window, three funding pools and the
# emissions pathway against a target of −11.72 % a year.

# %%
plan = optimizer.read_scenario(EXAMPLES / "scenario_plan_2030.toml")
planned = optimizer.solve(projects, plan)
print("status:", planned.status)
print(f"tonnes avoided up to 2030: {planned.objective_value_t:,.0f} t")
window = projects.table.set_index("id")[["earliest_start", "latest_start"]].astype("Int64")
phased = pd.DataFrame([s.model_dump() for s in planned.selected if pd.notna(window.loc[s.id]).any()]).join(
    window, on="id"
)
phased[["id", "name", "earliest_start", "latest_start", "start_year", "operating_from"]]

# %% [markdown]
# The spend plan: who pays what, year by year. The municipality pays what grants and pools do not.

# %%
spend = pd.DataFrame([line.model_dump() for line in planned.spend_plan])
spend.groupby("year")[["cost_sek", "grant_sek", "pool_sek", "municipal_sek"]].sum() / 1e6

# %%
funding_chart(planned)

# %% [markdown]
# The emissions pathway: territorial emissions without the portfolio (an **illustrative** baseline
# of 125 kt in 2024), with it, and the target line. The gap left in 2030 is what the list cannot
# close: other measures, and other actors than the municipality, are needed for that.

# %%
pathway = pd.DataFrame([year.model_dump() for year in planned.pathway.years])
print(f"target: {planned.pathway.target}")
print(f"gap in {planned.pathway.target_year}: {planned.pathway.gap_at_target_year_t:,.0f} t a year")
pathway

# %%
pathway_chart(planned.pathway)

# %% [markdown]
# ## 5. Funding sources: what the external money buys
#
# How much of each pool the plan uses, and what the plan would reach without any of the pools
# (the municipality's budgets and the grants in the list only).

# %%
pd.DataFrame([pool.model_dump() for pool in planned.funding])

# %%
no_pools = optimizer.solve(projects, variant(plan, funding=[]))
pools_gain_t = planned.objective_value_t - no_pools.objective_value_t
print(f"without the pools: {no_pools.objective_value_t:,.0f} t up to 2030")
print(f"the pools buy {pools_gain_t:,.0f} t more ({pools_gain_t / no_pools.objective_value_t:.0%})")
changes_table(optimizer.compare(no_pools, planned))

# %% [markdown]
# ## 6. Net budgets: savings fund later measures
#
# Many measures save money once they run (*driftbesparing*): less energy bought, less fuel, less
# maintenance. `scenario_lifecycle.toml` has the same yearly budgets as the equity scenario, but
# `budget_basis = "net"`: each year's budget holds the year's investments **and** the operating
# costs of the measures already in operation, so savings from early measures make room for later
# ones. It also lists three **interactions**: measures that overlap (a school's retrofit and its
# heat pump, the heating plant's flue-gas condensation and its bio-oil peak boilers, the bath's
# retrofit and the energy performance contract), so that a portfolio with both never counts their
# shared tonnes twice.
#
# The same scenario on the investment basis (operating costs outside the budget) shows what the
# savings buy.

# %%
lifecycle = optimizer.read_scenario(EXAMPLES / "scenario_lifecycle.toml")
on_net = optimizer.solve(projects, lifecycle)
on_investment = optimizer.solve(projects, variant(lifecycle, budget_basis="investment"))
net_gain_t = on_net.objective_value_t - on_investment.objective_value_t
print("status:", on_net.status, "(net)", on_investment.status, "(investment)")
print(
    f"net budgets buy {net_gain_t:,.0f} t more over the lifetimes "
    f"({net_gain_t / on_investment.objective_value_t:.1%}) with the same budgets"
)
pd.DataFrame(
    {
        basis: {
            "t CO2e over the lifetimes": r.objective_value_t,
            "municipal investment, MSEK": r.municipal_cost_sek / 1e6,
            "operating cost (− saving), MSEK a year": r.opex_sek_per_year / 1e6,
            "net present cost, MSEK": r.net_present_cost_sek / 1e6,
            "lifecycle SEK per tonne": r.lifecycle_sek_per_t,
            "payback, years": r.payback_years,
        }
        for basis, r in (("investment basis", on_investment), ("net basis", on_net))
    }
)

# %% [markdown]
# Year by year on the net basis: `spend_sek` (what counts against the budget) is the municipal
# investment plus `opex_sek`, the operating costs of the measures in operation, which from 2028
# are savings. The municipality invests more than the budget in those years, paid by the savings.

# %%
net_years = pd.DataFrame([year.model_dump() for year in on_net.budget])
net_years["investment_sek"] = net_years["spend_sek"] - net_years["opex_sek"]
net_years[["year", "budget_sek", "investment_sek", "opex_sek", "spend_sek", "slack_sek"]] / [
    1,
    1e6,
    1e6,
    1e6,
    1e6,
    1e6,
]

# %% [markdown]
# Which measures the savings let in (entered) and which they displace (left): measures that save
# money themselves, like the wind turbine share, gain most from net budgets.

# %%
changes_table(optimizer.compare(on_investment, on_net))

# %% [markdown]
# ### Overlapping measures, counted once
#
# Each interaction of the scenario, and whether it counts in this portfolio (all its measures
# funded). `abatement_t` is what it takes off the portfolio's lifetime tonnes.

# %%
overlaps = pd.DataFrame([overlap.model_dump() for overlap in on_net.interactions])
overlaps[["name", "ids", "abatement_t_per_year", "active", "operating_from", "lifetime_years", "abatement_t"]]

# %% [markdown]
# Without the overlaps the same budgets seem to buy more: that is the double counting the
# interactions remove. The optimum with them may also choose differently, avoiding pairs that overlap.

# %%
double_counted = optimizer.solve(projects, variant(lifecycle, interactions=[]))
overlap_t = double_counted.objective_value_t - on_net.objective_value_t
print(f"ignoring the overlaps would claim {overlap_t:,.0f} t more over the lifetimes")
changes_table(optimizer.compare(double_counted, on_net))

# %% [markdown]
# ### The net benefit at a carbon value of 7,000 SEK per tonne
#
# `scenario_net_benefit.toml` asks a cost–benefit question with the same yearly budgets: which
# portfolio is worth most to society when a tonne is valued at 7,000 SEK (ASEK 7.0, Trafikverket:
# 7 SEK/kg)? The objective is `{net_benefit = {carbon_value_sek_per_t = 7000}}`: the discounted
# tonnes over the lives times the carbon value, minus the net present cost. Below, the lifetime
# objective (most tonnes) on the same budgets; its net benefit is computed from the lifecycle cost
# per tonne (net present cost / discounted tonnes).

# %%
valued = optimizer.read_scenario(EXAMPLES / "scenario_net_benefit.toml")
by_value = optimizer.solve(projects, valued)
by_tonnes = optimizer.solve(projects, variant(valued, objective="lifetime"))
carbon_value = valued.objective.net_benefit.carbon_value_sek_per_t


def net_benefit(result):
    """Discounted tonnes at the carbon value, minus the net present cost, SEK."""
    present_t = result.net_present_cost_sek / result.lifecycle_sek_per_t
    return carbon_value * present_t - result.net_present_cost_sek


print("status:", by_value.status)
print(
    f"net benefit {by_value.net_benefit_sek / 1e6:,.1f} MSEK "
    f"(proven bound {by_value.net_benefit_bound_sek / 1e6:,.1f} MSEK)"
)
value_gain_sek = by_value.net_benefit_sek - net_benefit(by_tonnes)
pd.DataFrame(
    {
        objective: {
            "t CO2e over the lifetimes": r.abatement_t,
            "net present cost, MSEK": r.net_present_cost_sek / 1e6,
            "lifecycle SEK per tonne": r.lifecycle_sek_per_t,
            "net benefit at 7,000 SEK/t, MSEK": net_benefit(r) / 1e6,
        }
        for objective, r in (("most tonnes (lifetime)", by_tonnes), ("net benefit", by_value))
    }
)

# %% [markdown]
# The net-benefit portfolio gives up a few tonnes for measures that cost less over their lives: it
# drops measures with operating costs (charging points, commuter parking, a cycle lane) and
# retrofits that pay back slowly, for measures that save money (a solar park, the bath's retrofit,
# LED street lighting).

# %%
changes_table(optimizer.compare(by_tonnes, by_value))
