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
# # Quick start: the best climate portfolio for a budget
#
# This notebook takes Kristinehamn's example list of 88 candidate climate measures (*åtgärder*) and
# one scenario (budgets per year and four rules), and finds the portfolio that avoids the most
# tonnes of CO2e for the money. It then reads the result: is it proven best, what is funded, how
# the yearly budgets (*årsbudgetar*) are used, and how the measures rank by cost per tonne (the
# marginal abatement cost curve, *åtgärdskostnadskurva* or MACC), by investment and over each
# measure's life (*livscykelkostnad*: investment plus operating costs, minus savings).
#
# **The figures in the example list are illustrative**, not Kristinehamn's real plan
# (see `examples/README.md`). Run the cells from top to bottom (Run → Run All Cells).

# %%
# %matplotlib inline
from pathlib import Path

import pandas as pd

import optimizer
from optimizer.reporting.charts import budget_chart, district_chart, macc_chart

pd.set_option("display.max_rows", 100)
# large figures without decimals, small ones (fractions, prices per SEK) to three significant digits
pd.set_option("display.float_format", lambda value: f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}")
EXAMPLES = Path("..")  # the notebooks live in examples/notebooks/

# %% [markdown]
# ## 1. The project list
#
# One row per candidate measure: cost (one year, or a cost profile over several years), grants
# such as Klimatklivet, the reduction in tonnes CO2e a year (*minskning, ton CO2e/år*) and how long
# it lasts, plus dependencies, alternatives and tags such as `priority_area`. `read_projects`
# checks every cell and reports all problems at once, located by row and column.

# %%
projects = optimizer.read_projects(EXAMPLES / "kristinehamn_projects.csv")
overview = projects.table[
    ["id", "name", "sector", "district", "abatement_t_per_year", "lifetime_years"]
].copy()
overview.insert(4, "cost_msek", projects.total_cost / 1e6)
print(f"{len(projects)} candidate measures costing {projects.total_cost.sum() / 1e6:,.0f} MSEK in all")
overview.head(12)

# %% [markdown]
# ## 2. The scenario
#
# A scenario says how much money there is and which rules the portfolio must keep. This one has a
# budget per year (25–35 MSEK, 155 MSEK in all), counts each measure's reduction over its whole
# lifetime, and has four rules: at least 40 % of the money to the priority areas (*prioriterade
# områden*), at most 50 % to any sector, at least 15,000 t from transport and at least three
# consumption measures.

# %%
scenario = optimizer.read_scenario(EXAMPLES / "scenario_equity.toml")
print(scenario.name)
print("budgets (MSEK):", {year: budget / 1e6 for year, budget in scenario.budget_sek.items()})
for rule in scenario.constraints:
    print("rule:", rule.name)

# %% [markdown]
# ## 3. Solve
#
# `solve` builds a mixed-integer programme and solves it with HiGHS. The **status** says what the
# answer is worth: `optimal` means proven best within the relative gap `mip_gap` (the distance
# between the portfolio found and the best bound the solver could prove). Every portfolio is also
# checked against every rule by code independent of the solver.

# %%
result = optimizer.solve(projects, scenario, time_limit_s=60)
print("status:", result.status)
print(result.message)
print(f"objective (lifetime t CO2e): {result.objective_value_t:,.0f}")
print(f"best bound: {result.best_bound_t:,.0f}   gap: {result.mip_gap:.2e}")

# %% [markdown]
# ## 4. What is funded
#
# One row per funded measure. `fraction` is below 1 only for divisible measures (charging points,
# cycle lanes in stages, solar PV, ...) that the budget funds in part. `municipal_cost_sek` is what
# is left for the municipality after grants.
#
# The lifecycle columns are what a finance officer asks for. `opex_sek_per_year` is the yearly
# operating cost once the measure runs (negative: a saving, e.g. less energy bought).
# `net_present_cost_sek` is the investment plus the operating costs over the life, discounted to
# 2026 at the scenario's real `discount_rate` (3.5 %, ASEK): negative when the savings outweigh the
# investment. `lifecycle_sek_per_t` is that per discounted tonne, and `payback_years` the simple
# payback (investment / yearly saving; empty where the measure saves nothing).

# %%
funded = pd.DataFrame([s.model_dump() for s in result.selected])
funded = funded[
    [
        "id",
        "name",
        "sector",
        "district",
        "fraction",
        "cost_sek",
        "municipal_cost_sek",
        "abatement_t",
        "start_year",
        "opex_sek_per_year",
        "net_present_cost_sek",
        "lifecycle_sek_per_t",
        "payback_years",
    ]
]
print(f"{len(funded)} measures funded")
funded

# %% [markdown]
# In figures: what the portfolio costs, what it avoids, and the cost per tonne
# (*kostnad per ton*), with and without the grants; then the same over the measures' lives: the net
# present cost (*nuvärdeskostnad*), the same spread as an equal yearly cost (equivalent annual
# cost), the yearly operating cost or saving, the payback and the lifecycle cost per tonne.

# %%
pd.Series(
    {
        "total cost, MSEK": result.total_cost_sek / 1e6,
        "grants, MSEK": result.grant_sek / 1e6,
        "municipal cost, MSEK": result.municipal_cost_sek / 1e6,
        "reduction, t CO2e a year": result.abatement_t_per_year,
        "reduction, t CO2e over the lifetimes": result.abatement_t,
        "SEK per tonne": result.sek_per_t,
        "municipal SEK per tonne": result.municipal_sek_per_t,
        "net present cost, MSEK": result.net_present_cost_sek / 1e6,
        "equivalent annual cost, MSEK a year": result.equivalent_annual_cost_sek / 1e6,
        "operating cost (− saving), MSEK a year": result.opex_sek_per_year / 1e6,
        "payback, years": result.payback_years,
        "lifecycle SEK per tonne": result.lifecycle_sek_per_t,
        "discount rate": result.discount_rate,
    }
).to_frame("value")

# %% [markdown]
# ## 5. Budget use per year
#
# `spend_sek` is the municipal spend in each budget year and `slack_sek` what is left of the
# year's budget. Little slack means the budget, not the rules, limits the portfolio that year.
# `opex_sek` is the operating cost (negative: savings) of the measures in operation that year; this
# scenario's budgets hold the investment only, so it is shown but not counted (notebook
# `02_what_if` plans on net budgets, where the savings fund later measures).

# %%
budget = pd.DataFrame([year.model_dump() for year in result.budget])
budget

# %%
budget_chart(result)

# %% [markdown]
# ## 6. The rules
#
# Each rule's value in the portfolio. `binding` rules are at their limit: they change the
# portfolio, and loosening them would buy more tonnes (notebook `02_what_if` puts a price on that).

# %%
rules = pd.DataFrame([rule.model_dump() for rule in result.rules])
rules["share_%"] = rules["share"] * 100  # the group's share of the portfolio's money, tonnes or count
rules[["name", "measure", "value", "share_%", "binding"]]

# %% [markdown]
# Where the money goes, district by district (*stadsdel*): the priority areas Presterud and
# Kroppkärr must get at least 40 % of it.

# %%
district_chart(result)

# %% [markdown]
# ## 7. The MACC: cost per tonne
#
# The marginal abatement cost curve ranks every measure by cost per tonne, cheapest first
# (`abatement_t` in the scenario's measure, here lifetime tonnes). It is a ranking, not a
# portfolio: it ignores budgets per year, rules, dependencies and alternatives, which is why the
# optimal portfolio does not simply take the cheapest tonnes first. The column `funded` shows which
# measures the portfolio above takes.

# %%
curve = optimizer.macc(projects, scenario)
curve["funded"] = curve["id"].isin(funded["id"])
curve.head(20)

# %%
macc_chart(curve.drop(columns="funded"))

# %% [markdown]
# The same curve over the measures' lives (`basis="lifecycle"`): the height is the lifecycle cost
# per tonne, investment plus operating costs minus savings, discounted. Measures **below zero pay
# for themselves**: building automation, LED lighting, energy efficiency, solar PV and wind save
# more money over their life than they cost, so their tonnes come with money back. Measures with
# operating costs (biogas buses, a hydrogen pilot) move up.

# %%
life_curve = optimizer.macc(projects, scenario, basis="lifecycle")
life_curve["funded"] = life_curve["id"].isin(funded["id"])
print(f"{(life_curve['lifecycle_sek_per_t'] < 0).sum()} measures pay for themselves over their life")
life_curve[
    [
        "id",
        "name",
        "abatement_t",
        "opex_sek_per_year",
        "net_present_cost_sek",
        "lifecycle_sek_per_t",
        "payback_years",
        "funded",
    ]
].head(20)

# %%
macc_chart(
    life_curve.drop(columns="funded"),
    title="Lifecycle cost per tonne, cheapest tonne first",
    per_t="lifecycle_sek_per_t",
)

# %% [markdown]
# ## Next
#
# - `02_what_if.ipynb`: what more money buys, the price of the equity rule, forcing a measure in or
#   out, and phasing towards 2030 with funding pools.
# - `03_uncertainty.ipynb`: how sure the reduction is when the estimates are uncertain.
