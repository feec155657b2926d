"""The optimiser: read project lists and scenarios, choose the best portfolio, prove and explain it.

Layers, lowest first: errors, io/validate (readers), build (scenario to sparse matrices),
backends (HiGHS, CBC behind one interface), check (independent feasibility), explain
(conflicting rules), solve (orchestration, time limit), cli.
"""

from optimizer.errors import InputError, Problem
from optimizer.io import read_projects, read_scenario
from optimizer.solve import solve

__all__ = ["InputError", "Problem", "read_projects", "read_scenario", "solve"]
