"""Layer 3, decision analysis on top of `solve`: budget frontiers and the MACC (`curves`), exact why-not
thresholds and rule prices (`whynot`), comparing two results (`compare`), uncertain reductions and
costs (`uncertainty`) and robust portfolios (`robust`), and many solves on one executor (`sweep`)."""

from optimizer.analysis.compare import compare
from optimizer.analysis.curves import cost_frontier, frontier, knee, macc
from optimizer.analysis.whynot import reduced_costs, rule_prices, why_in, why_not

__all__ = [
    "compare",
    "cost_frontier",
    "frontier",
    "knee",
    "macc",
    "reduced_costs",
    "rule_prices",
    "why_in",
    "why_not",
]
