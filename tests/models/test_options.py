"""RunOptions and Deadline: the one place a call's solver settings meet the scenario's, and the one
clock every later step asks for the time left."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from models import Scenario
from models import options as options_module
from models.options import Deadline, RunOptions


def test_keywords_override_the_scenario_and_none_keeps_it() -> None:
    scenario = Scenario.model_validate({"budget_sek": 1e6, "time_limit_s": 30, "mip_gap": 0.01})
    base = scenario.run_options
    assert base == RunOptions(solver="highs", time_limit_s=30, mip_gap=0.01)
    assert base.overridden() is base
    assert base.overridden(solver="cbc", time_limit_s=None) == RunOptions(
        solver="cbc", time_limit_s=30, mip_gap=0.01
    )
    changed = scenario.with_run_options(base.overridden(time_limit_s=5))
    assert (changed.time_limit_s, changed.mip_gap, changed.budget_sek) == (5, 0.01, 1e6)
    assert scenario.time_limit_s == 30  # the scenario itself is never changed


@pytest.mark.parametrize(
    ("keywords", "field"),
    [({"time_limit_s": 0}, "time_limit_s"), ({"mip_gap": 1.5}, "mip_gap"), ({"solver": "gurobi"}, "solver")],
)
def test_an_override_is_validated_like_the_scenario(keywords: dict, field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        RunOptions().overridden(**keywords)


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    clock = _Clock()
    monkeypatch.setattr(options_module, "clock", clock)
    return clock


def test_a_deadline_counts_down_on_the_clock(frozen: _Clock) -> None:
    deadline = Deadline.after(10)
    frozen.now = 104.0
    assert deadline.left() == 6.0
    assert deadline.elapsed() == 4.0
    assert not deadline.passed()
    assert deadline.passed(slack_s=6.0)
    frozen.now = 111.0
    assert deadline.left() == 0.0
    assert deadline.left(at_least=0.01) == 0.01
    assert deadline.passed()


def test_a_deadline_moves_and_narrows(frozen: _Clock) -> None:
    deadline = Deadline.after(10)
    assert deadline.shifted(-2).left() == 8.0
    assert deadline.shifted(0.5).left() == 10.5
    assert deadline.within(3).left() == 3.0
    assert deadline.within(30).left() == 10.0
    assert deadline.within(None) is deadline
    assert deadline.or_after(60) is deadline
    assert deadline.shifted(-2).started == deadline.started  # the run's start stays for its timings


def test_without_a_limit_nothing_runs_out(frozen: _Clock) -> None:
    deadline = RunOptions().deadline()
    frozen.now = 1e9
    assert deadline.left() is None
    assert not deadline.passed(slack_s=1e12)
    assert deadline.shifted(5) is deadline
    assert deadline.within(2).left() == 2.0
    assert deadline.or_after(60).left() == 60.0
