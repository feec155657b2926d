"""PerYear: the one typed form of a budget or a pool capacity, per year or over all years."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import Scenario
from models.amounts import ALL_YEARS, PerYear

years = st.dictionaries(
    st.integers(min_value=1990, max_value=2100).map(str),
    st.floats(min_value=0, max_value=1e12, allow_nan=False),
    min_size=1,
    max_size=12,
)


def test_one_amount_over_all_years() -> None:
    budget = PerYear.of(30e6)
    assert budget.years is None
    assert budget.total == 30e6
    assert list(budget.items()) == [(ALL_YEARS, 30e6)]
    assert budget.in_year(2026) is None  # no year has a budget of its own
    assert budget.from_year(2030) is budget  # one amount over all years is kept whole
    assert budget.to_data() == 30e6


def test_amounts_per_year_are_integers_in_order() -> None:
    budget = PerYear.of({"2028": 3.0, "2026": 1.0, "2027": 2.0})
    assert budget.years == (2026, 2027, 2028)
    assert list(budget.items()) == [(2026, 1.0), (2027, 2.0), (2028, 3.0)]
    assert budget.total == 6.0
    assert budget.in_year(2027) == 2.0
    assert budget.in_year(2029) is None
    assert budget.from_year(2027) == PerYear({2027: 2.0, 2028: 3.0})
    assert budget.from_year(2029) is None
    assert budget.to_data() == {"2026": 1.0, "2027": 2.0, "2028": 3.0}


@given(years)
def test_the_file_form_survives_a_round_trip(amounts: dict[str, float]) -> None:
    typed = PerYear.of(amounts)
    assert PerYear.of(typed.to_data()) == typed
    assert typed.total == pytest.approx(sum(amounts.values()))
    assert list(typed.years or ()) == sorted(int(y) for y in amounts)


@given(years, st.integers(min_value=1990, max_value=2101))
def test_from_year_keeps_exactly_the_later_years(amounts: dict[str, float], first: int) -> None:
    kept = PerYear.of(amounts).from_year(first)
    later = {int(y): a for y, a in amounts.items() if int(y) >= first}
    assert (kept is None) == (not later)
    if kept is not None:
        assert dict(kept.items()) == dict(sorted(later.items()))


def test_the_scenario_and_its_pools_give_their_money_typed() -> None:
    scenario = Scenario.model_validate(
        {
            "budget_sek": {"2027": 5e6, "2026": 4e6},
            "funding": [
                {"name": "Klimatklivet", "capacity_sek": 2e6},
                {"name": "EU", "capacity_sek": {"2026": 1e6}},
            ],
        }
    )
    assert scenario.budget == PerYear({2026: 4e6, 2027: 5e6})
    assert scenario.budget_years == (2026, 2027)
    assert scenario.funding[0].capacity == PerYear({ALL_YEARS: 2e6})
    assert scenario.funding[0].capacity_years is None
    assert scenario.funding[1].capacity_years == (2026,)
