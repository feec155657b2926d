"""The optimiser: read project lists and scenarios, choose the best portfolio, prove and explain it.

The folders are the layers, lowest first; a layer imports only those below it (checked in CI by
import-linter, see `pyproject.toml`), and all of them may use the domain data in `models`:

- `io`: readers, numbers, located problems, fingerprints;
- `model`: fit of list and scenario, phasing, lifecycle, build, backends, check, explain, pathway, solve;
- `analysis`: frontiers and MACC, why-not, compare, uncertainty, robust, sweeps;
- `planning`: the follow-up cycle (adopt, status, re-plan);
- `reporting`: the board report, charts, texts per language;
- `cli`: the command line.

The service (`api`) sits on top of all of them.
"""

from optimizer import _aliases
from optimizer.analysis import (
    compare,
    cost_frontier,
    frontier,
    knee,
    macc,
    reduced_costs,
    rule_prices,
    why_in,
    why_not,
)
from optimizer.io import InputError, Problem, read_projects, read_scenario
from optimizer.model import solve
from optimizer.model.pathway import emissions_pathway

_aliases.install()

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
