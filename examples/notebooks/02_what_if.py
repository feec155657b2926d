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
#
# Every answer is a proven optimum (or says why not), computed on the illustrative Kristinehamn
# list. Run the cells from top to bottom; the whole notebook takes well under a minute.

# %%
# %matplotlib inline
from pathlib import Path

import pandas as pd

import optimizer
from optimizer.charts import frontier_chart, funding_chart, pathway_chart

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
# `optimizer.compare` lists the measures that enter and leave, and the difference in every total.

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
