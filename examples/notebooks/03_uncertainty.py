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
# # How sure is the reduction? Uncertainty and a robust portfolio
#
# Reductions and costs in a project list are estimates (*uppskattningar*). Building retrofits often
# save less energy than calculated (the energy performance gap), biogas depends on methane slip and
# on which fuel it replaces, renovations run over budget. This notebook asks:
#
# 1. Which measures have a range, and how wide?
# 2. Under many draws from those ranges, what does the chosen portfolio really achieve (P10, P50,
#    P90), and how likely does it stay within the budget and meet the target?
# 3. Which choices are safe, and which depend on the uncertain figures?
# 4. Is there a **robust** portfolio that does better when the estimates turn out low, and what
#    does it cost at the point estimates?
#
# The study solves the portfolio once per draw, spread over the computer's cores (a progress bar
# shows how far it is). 150 draws keep this notebook under a minute; for a decision, use 1,000 or
# more (`draws=1000`), or the `uncertainty` command of `python -m optimizer`.

# %%
# %matplotlib inline
from pathlib import Path

import pandas as pd

import optimizer
from optimizer.analysis.uncertainty import study
from optimizer.reporting.charts import robustness_chart, uncertainty_chart

pd.set_option("display.max_rows", 100)
# large figures without decimals, small ones (shares, probabilities) to three significant digits
pd.set_option("display.float_format", lambda value: f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}")
EXAMPLES = Path("..")
DRAWS = 150  # 1,000 or more for a decision
SEED = 1  # the same seed gives the same draws on every computer

projects = optimizer.read_projects(EXAMPLES / "kristinehamn_projects.csv")
scenario = optimizer.read_scenario(EXAMPLES / "scenario_pathway.toml")
print(scenario.name)

# %% [markdown]
# ## 1. The ranges in the list
#
# Four optional columns give a range around the point estimate: `abatement_low_t_per_year`,
# `abatement_high_t_per_year`, `cost_low_sek` and `cost_high_sek` (empty: no spread on that side).
# They are **illustrative** in the example list: wide for retrofits, biogas and rewetting, narrow for
# charging points and solar PV. Below, each range as a share of the point estimate.

# %%
ranges = projects.table[
    ["id", "name", "sector", "abatement_t_per_year", "abatement_low_t_per_year", "abatement_high_t_per_year"]
].copy()
ranges["abatement_low_x"] = ranges["abatement_low_t_per_year"] / ranges["abatement_t_per_year"]
ranges["abatement_high_x"] = ranges["abatement_high_t_per_year"] / ranges["abatement_t_per_year"]
ranges["cost_low_x"] = projects.table["cost_low_sek"] / projects.total_cost
ranges["cost_high_x"] = projects.table["cost_high_sek"] / projects.total_cost
with_range = ranges.dropna(
    subset=["abatement_low_x", "abatement_high_x", "cost_low_x", "cost_high_x"], how="all"
)
print(f"{len(with_range)} of {len(projects)} measures have a range")
with_range.drop(columns=["abatement_low_t_per_year", "abatement_high_t_per_year"])

# %% [markdown]
# ## 2. The study
#
# `study` solves the point estimates, draws reductions and costs from the ranges (a PERT
# distribution with the point estimate as its most likely value, unless the scenario's
# `[uncertainty]` section says otherwise), sets the point portfolio against every draw, solves the
# best portfolio of every draw afresh, and (with `robust=True`) finds the robust portfolio.
# `executor="process"` uses one process per core.

# %%
found = study(projects, scenario, draws=DRAWS, seed=SEED, executor="process", robust=True, progress=True)
summary = found.to_dict()
print(f"{summary['draws']} draws, seed {summary['seed']}, {summary['distribution']} distribution")
print(f"took {found.timings['total_s']:.0f} s")

# %% [markdown]
# ## 3. What the chosen portfolio achieves
#
# P10 / P50 / P90: in 10 % of the draws the portfolio avoids less than P10, in half less than the
# median P50, in 90 % less than P90. "Best achievable" is what the best portfolio of each draw
# reaches when the uncertain figures are known in advance: the gap to it is what hindsight would
# be worth.

# %%
evaluation = found.evaluation
point = found.point
pd.DataFrame(
    {
        "point estimate": {"p10": point.abatement_t, "p50": point.abatement_t, "p90": point.abatement_t},
        "chosen portfolio, t CO2e": evaluation.abatement_t,
        "best achievable, t CO2e": found.reoptimisation.abatement_t,
        "chosen portfolio, municipal MSEK": {k: v / 1e6 for k, v in evaluation.cost_sek.items()},
    }
).T

# %% [markdown]
# **Within budget** is the share of draws in which the portfolio's drawn costs stay within the
# budget (grants are fixed sums, so overruns fall on the municipality). The optimum uses almost all
# of the money, so any overrun breaks it: plan a reserve (*reserv*), or solve for a smaller budget.
#
# **Target met** is the share of draws in which the pathway reaches its 2030 target. The example
# list is a modest part of the municipality's emissions, so it never does: no uncertainty in the
# list changes that.

# %%
print(f"within budget in {evaluation.probability_within_budget:.0%} of the draws")
print(f"pathway target {evaluation.target_year} met in {evaluation.probability_target_met:.0%} of the draws")
uncertainty_chart(summary)

# %% [markdown]
# ## 4. Which choices are safe?
#
# The selection frequency is the share of draws whose best portfolio funds a measure. Near 100 %:
# a safe choice whatever the figures turn out to be. Near 0 %: a safe omission. In between: the
# choice depends on the uncertain figures, and better estimates for those measures are worth most.

# %%
frequency = pd.Series(found.reoptimisation.selection_frequency, name="chosen_in_share_of_draws")
chosen = {s.id for s in point.selected}
choices = frequency.to_frame().join(projects.table.set_index("id")[["name", "sector"]])
choices["funded_at_point_estimates"] = choices.index.isin(chosen)
uncertain = choices[(choices["chosen_in_share_of_draws"] > 0.1) & (choices["chosen_in_share_of_draws"] < 0.9)]
print(f"{(frequency >= 0.99).sum()} measures chosen in at least 99 % of the draws")
print(f"{len(uncertain)} measures chosen in between 10 % and 90 % of the draws:")
uncertain.sort_values("chosen_in_share_of_draws", ascending=False)

# %%
robustness_chart(summary)

# %% [markdown]
# ## 5. The robust portfolio and its price
#
# The robust portfolio maximises the mean of the worst 10 % of the draws (the CVaR, *conditional
# value at risk*) under every rule of the scenario. `price_t` is what it gives up at the point
# estimates, `cvar_gain_t` what it gains in the bad draws. With the ranges of the list as they are,
# the point portfolio may already be the robust one (price and gain 0).

# %%
robust = found.robust


def robust_summary(robust):
    """The robust portfolio against the point-estimate one."""
    worst = f"mean of the worst {robust.alpha:.0%} of draws (CVaR)"
    return pd.Series(
        {
            "status": str(robust.status),
            f"{worst}, robust portfolio, t": robust.cvar_t,
            f"{worst}, point portfolio, t": robust.point_cvar_t,
            "gain in the bad draws, t": robust.cvar_gain_t,
            "price at the point estimates, t": robust.price_t,
            "added": ", ".join(robust.added) or "–",
            "removed": ", ".join(robust.removed) or "–",
        }
    ).to_frame(f"alpha {robust.alpha:g}, {robust.draws} draws")


robust_summary(robust)

# %% [markdown]
# ### A more pessimistic view
#
# What if the errors are shared within a sector (when one retrofit underperforms, they all do),
# spread evenly over the range, and the board looks at the worst 5 % rather than 10 %? The
# scenario's `[uncertainty]` section sets that. Re-optimising every draw is not needed to find the
# robust portfolio (`reoptimise=False`), so this is quick.

# %%
pessimistic = optimizer.read_scenario(
    {
        **scenario.model_dump(exclude_none=True),
        "uncertainty": {"distribution": "uniform", "sector_correlation": 0.8, "cvar_alpha": 0.05},
    }
)
cautious = study(projects, pessimistic, draws=DRAWS, seed=SEED, reoptimise=False, robust=True)
robust_summary(cautious.robust)

# %% [markdown]
# What changes between the point-estimate portfolio and the robust one:

# %%
change = optimizer.compare(cautious.point, cautious.robust.result)
pd.DataFrame(
    [{"change": "added", **c.model_dump()} for c in change.entered]
    + [{"change": "removed", **c.model_dump()} for c in change.left]
    + [{"change": "fraction changed", **c.model_dump()} for c in change.changed],
    columns=["change", "id", "name", "base_fraction", "other_fraction", "abatement_difference_t"],
)

# %% [markdown]
# The robust portfolio is a choice, not a correction: it trades some tonnes at the point estimates
# for more certainty in the bad outcomes. Whether that trade is worth it is for the board to
# decide; the figures above are what it needs to decide.
