"""Each backend behind the one interface (`optimizer.model.backends`) solves the model's own matrices
to the optimum found by trying every 0/1 vector, and says so; an unknown name is refused."""

from __future__ import annotations

import itertools
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rows import project

from models import Scenario
from optimizer import read_projects
from optimizer.model.backends import Incumbents, Stop, get_backend
from optimizer.model.build import build_model


def exhaustive_best(model) -> float | None:
    """The best objective over all 0/1 column vectors that keep every row and column bound."""
    n = model.shape[1]
    points = np.array(list(itertools.product((0.0, 1.0), repeat=n)))
    rows = points @ model.matrix.toarray().T
    ok = (rows >= model.row_lower - 1e-9).all(axis=1) & (rows <= model.row_upper + 1e-9).all(axis=1)
    ok &= (points >= model.col_lower).all(axis=1) & (points <= model.col_upper).all(axis=1)
    return float((points[ok] @ model.objective).max()) if ok.any() else None


lists = st.lists(
    st.tuples(st.integers(1, 60), st.integers(0, 20), st.booleans(), st.sampled_from(["X", "Y"])),
    min_size=1,
    max_size=7,
)


@pytest.mark.parametrize("name", ["highs", "cbc"])
@settings(max_examples=25, deadline=None)
@given(items=lists, budget=st.integers(0, 150), share=st.sampled_from([None, 0.3, 0.6]))
def test_the_optimum_of_the_matrices_is_the_exhaustive_one(
    name: str, items: list[tuple[int, int, bool, str]], budget: int, share: float | None
) -> None:
    rows = [
        project(f"P{i}", cost, tonnes, district=district, exclusive_group="g" if grouped else None)
        for i, (cost, tonnes, grouped, district) in enumerate(items)
    ]
    rules = (
        []
        if share is None
        else [{"name": "Y", "where": {"district": ["Y"]}, "measure": "cost", "min_share": share}]
    )
    model = build_model(
        read_projects(rows),
        Scenario.model_validate({"objective": "annual", "budget_sek": budget, "constraints": rules}),
    )
    best = exhaustive_best(model)
    outcome = get_backend(name).solve(
        model, time_limit_s=30, mip_gap=0.0, incumbents=Incumbents(), cancel=threading.Event()
    )
    if best is None:
        assert outcome.stop is Stop.INFEASIBLE, outcome
        return
    assert outcome.stop is Stop.OPTIMAL, outcome
    assert outcome.objective == pytest.approx(best, abs=1e-6)
    assert outcome.bound is None or outcome.bound >= best - 1e-6
    assert outcome.x is not None and float(model.objective @ outcome.x) == pytest.approx(best, abs=1e-6)


def test_an_unknown_solver_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"unknown solver 'gurobi': choose 'highs' or 'cbc'"):
        get_backend("gurobi")


@pytest.mark.parametrize("name", ["highs", "cbc"])
def test_each_backend_names_its_version(name: str) -> None:
    assert get_backend(name).version()
