"""The model as data (`optimizer.model.build`): the matrices for a small list are the ones written
out by hand, and `without` / `feasibility` give new models, never changing the one they come from."""

from __future__ import annotations

import numpy as np
import pytest
from rows import project

from models import Scenario
from optimizer import read_projects
from optimizer.model.build import build_model

ROWS = [
    project("A", 60, 6, district="X", year=2026),
    project("B", 50, 5, district="Y", year=2027),
    project("C", 30, 4, district="Y", year=2027, requires="B"),
]
SCENARIO = Scenario.model_validate(
    {
        "objective": "annual",
        "budget_sek": {"2026": 70, "2027": 90},
        "constraints": [{"name": "Y", "where": {"district": ["Y"]}, "measure": "cost", "min": 40}],
    }
)


def dense_rows(model, kind: str) -> list[tuple[list[float], float, float]]:
    """The rows of one kind, unscaled: (coefficients, lower, upper)."""
    matrix = model.matrix.toarray()
    out = []
    for group in model.row_groups:
        if group.kind == kind:
            for r in range(group.start, group.stop):
                s = model.row_scale[r]
                out.append(((matrix[r] * s).tolist(), model.row_lower[r] * s, model.row_upper[r] * s))
    return out


def test_one_column_per_project_and_the_objective_in_tonnes() -> None:
    model = build_model(read_projects(ROWS), SCENARIO)
    assert model.shape[1] == model.layout.n_columns == 3
    assert model.objective.tolist() == [6, 5, 4]
    assert model.integer.tolist() == [True, True, True]
    assert (model.col_lower.tolist(), model.col_upper.tolist()) == ([0, 0, 0], [1, 1, 1])


def test_budget_requires_and_rule_rows_as_written_by_hand() -> None:
    model = build_model(read_projects(ROWS), SCENARIO)
    budget = dense_rows(model, "budget")
    assert [(c, up) for c, _, up in budget] == [([60, 0, 0], 70), ([0, 50, 30], 90)]
    [(requires, low, up)] = dense_rows(model, "requires")
    assert (requires, low, up) == ([0, -1, 1], -np.inf, 0)  # C at most B
    [(rule, low, up)] = dense_rows(model, "rule")
    assert (rule, low, up) == ([0, 50, 30], 40, np.inf)


def test_without_and_feasibility_leave_the_model_as_it_was() -> None:
    model = build_model(read_projects(ROWS), SCENARIO)
    before = (model.row_lower.copy(), model.row_upper.copy(), model.objective.copy())
    relaxed = model.without(["rule Y"])
    feasibility = model.feasibility()
    assert model.group_names == ("budget 2026", "budget 2027", "requires", "rule Y")
    assert not np.isfinite(dense_rows(relaxed, "rule")[0][1])
    assert np.isfinite(dense_rows(relaxed, "budget")[0][2])
    assert feasibility.objective.tolist() == [0, 0, 0]
    for now, then in zip((model.row_lower, model.row_upper, model.objective), before, strict=True):
        assert np.array_equal(now, then)


@pytest.mark.parametrize("forced", ["mandatory", "include", "exclude"])
def test_forced_projects_are_bounds_that_without_can_drop(forced: str) -> None:
    rows = [project("A", 60, 6), project("B", 50, 5)]
    extra = {"mandatory": {}, "include": {"include": ["A"]}, "exclude": {"exclude": ["A"]}}[forced]
    if forced == "mandatory":
        rows[0]["mandatory"] = True
    model = build_model(read_projects(rows), Scenario.model_validate({"budget_sek": 200, **extra}))
    fixed = 0.0 if forced == "exclude" else 1.0
    assert (model.col_lower[0], model.col_upper[0]) == ((0.0, 0.0) if fixed == 0 else (1.0, 1.0))
    assert forced in model.group_names
    freed = model.without([forced])
    assert (freed.col_lower[0], freed.col_upper[0]) == (0.0, 1.0)
