"""Each backend behind the one interface (`optimizer.model.backends`) solves the model's own matrices
to the optimum found by trying every 0/1 vector, and says so; an unknown name is refused."""

from __future__ import annotations

import itertools
import threading
from dataclasses import replace

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


def test_features_are_declared_and_a_backend_without_warm_resolve_says_so() -> None:
    assert get_backend("highs").features.warm_row_resolve
    assert not get_backend("cbc").features.warm_row_resolve
    model = build_model(read_projects([project("A", 10, 1)]), Scenario(budget_sek=10))
    with pytest.raises(NotImplementedError, match="the cbc backend has no warm re-solve"):
        get_backend("cbc").warm_for_row(model, 0)


def test_a_warm_re_solve_after_each_change_of_the_row_equals_a_cold_solve() -> None:
    rows = [
        project(f"P{i}", cost, tonnes)
        for i, (cost, tonnes) in enumerate([(7, 5), (4, 3), (9, 8), (3, 1), (6, 6)])
    ]
    model = build_model(read_projects(rows), Scenario(budget_sek=30, objective="annual"))
    [budget] = [g.start for g in model.row_groups if g.kind == "budget"]
    warm = get_backend("highs").warm_for_row(model, budget)
    for limit in (5, 13, 20, 9, 29, 0):
        upper = model.row_upper.copy()
        upper[budget] = limit / model.row_scale[budget]
        changed = replace(model, row_upper=upper)
        arguments = {"time_limit_s": 30, "mip_gap": 0.0, "cancel": threading.Event()}
        hot = warm.solve(changed, incumbents=Incumbents(), **arguments)
        cold = get_backend("highs").solve(changed, incumbents=Incumbents(), **arguments)
        assert (hot.stop, cold.stop) == (Stop.OPTIMAL, Stop.OPTIMAL)
        assert hot.objective == pytest.approx(cold.objective) == pytest.approx(exhaustive_best(changed))
        assert hot.x is not None
        warm.remember(hot.x[: len(rows)], overran=False)


def test_the_lp_relaxation_prices_the_budget_and_cbc_says_it_has_no_duals() -> None:
    # LP optimum: all of A (2 t per SEK), then half of B (1 t per SEK): the budget's dual is 1 t per SEK.
    rows = [project("A", 10, 20), project("B", 10, 10)]
    model = build_model(read_projects(rows), Scenario(budget_sek=15, objective="annual"))
    relaxed = get_backend("highs").lp_relaxation(model)
    assert relaxed is not None
    assert relaxed.x[:2].tolist() == pytest.approx([1.0, 0.5])
    [budget] = [g.start for g in model.row_groups if g.kind == "budget"]
    assert abs(relaxed.row_dual[budget] / model.row_scale[budget]) == pytest.approx(1.0)
    with pytest.raises(NotImplementedError, match="the cbc backend gives no duals"):
        get_backend("cbc").lp_relaxation(model)


@pytest.mark.parametrize("name", ["highs", "cbc"])
def test_a_resolve_from_a_partial_start_is_exact(name: str) -> None:
    rows = [project(f"P{i}", c, t) for i, (c, t) in enumerate([(7, 5), (4, 3), (9, 8), (3, 1), (6, 6)])]
    model = build_model(read_projects(rows), Scenario(budget_sek=20, objective="annual"))
    start = np.full(model.shape[1], np.nan)
    start[2] = 1.0  # P2 in: part of the optimum P1 + P2 + P4 (17 t)
    outcome = get_backend(name).resolve(model, time_limit_s=30, start=start)
    assert outcome.stop is Stop.OPTIMAL
    assert outcome.objective == pytest.approx(exhaustive_best(model)) == pytest.approx(17)
