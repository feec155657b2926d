"""The optimiser: read project lists and scenarios, choose the best portfolio, prove and explain it.

Layers, lowest first: errors, io/validate (readers), phasing, build (scenario to sparse matrices),
backends (HiGHS, CBC behind one interface), check (independent feasibility), explain (conflicting
rules), pathway, solve (orchestration, time limit); then the decision analysis on top of solve:
analysis (frontiers, MACC), whynot (thresholds, rule prices), compare; charts; cli.
"""

from optimizer.analysis import cost_frontier, frontier, knee, macc
from optimizer.compare import compare
from optimizer.errors import InputError, Problem
from optimizer.io import read_projects, read_scenario
from optimizer.pathway import emissions_pathway
from optimizer.solve import solve
from optimizer.whynot import reduced_costs, rule_prices, why_in, why_not

__all__ = [
    "InputError",
    "Problem",
    "compare",
    "cost_frontier",
    "emissions_pathway",
    "frontier",
    "knee",
    "macc",
    "read_projects",
    "read_scenario",
    "reduced_costs",
    "rule_prices",
    "solve",
    "why_in",
    "why_not",
]
