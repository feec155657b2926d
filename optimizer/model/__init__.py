"""Layer 2, the model: how a valid list fits a scenario (`fit`), start years (`phasing`), lifecycle
economics, the MILP as sparse matrices (`build`), the solver backends behind one interface
(`backends`), the independent check of a portfolio (`check`), why a scenario is infeasible
(`explain`), the emissions pathway, and `solve`, which ties them together within a time limit.
Imports `models` and `optimizer.io` only."""

from optimizer.model.solve import solve

__all__ = ["solve"]
