"""Money over the years: one amount for all years, or one amount per year.

A scenario's `budget_sek` and a funding pool's `capacity_sek` are written either way (a number, or a
table of years such as `{"2026": 12e6}`). `PerYear` is their one typed form: years as integers, in
order, with `None` standing for "all years", so the code that uses them has no branch on the shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

ALL_YEARS = None
"""The key of an amount that holds over all years together."""


@dataclass(frozen=True, slots=True)
class PerYear:
    """Amounts in SEK by year (`{ALL_YEARS: amount}` for one amount over all years), years in order."""

    amounts: Mapping[int | None, float]

    @classmethod
    def of(cls, value: float | Mapping[str, float]) -> PerYear:
        """The typed form of a validated scenario value: a number, or years (as text) to numbers."""
        if isinstance(value, Mapping):
            return cls({int(year): float(value[year]) for year in sorted(value, key=int)})
        return cls({ALL_YEARS: float(value)})

    @property
    def years(self) -> tuple[int, ...] | None:
        """The years with an amount of their own; None for one amount over all years."""
        if ALL_YEARS in self.amounts:
            return None
        return tuple(year for year in self.amounts if year is not None)

    @property
    def total(self) -> float:
        """The amount over all years: the one amount, or the sum of the years'."""
        return float(sum(self.amounts.values()))

    def in_year(self, year: int) -> float | None:
        """The amount of `year`; None when the year has none of its own (or there is one over all)."""
        return self.amounts.get(year)

    def items(self) -> Iterator[tuple[int | None, float]]:
        """(year, amount) in year order; a single (ALL_YEARS, amount) for one amount over all years."""
        return iter(self.amounts.items())

    def from_year(self, first: int) -> PerYear | None:
        """The years from `first` on; None when none is left. One amount over all years is kept whole."""
        if self.years is None:
            return self
        kept: dict[int | None, float] = {
            year: amount for year, amount in self.amounts.items() if year is not None and year >= first
        }
        return PerYear(kept) if kept else None

    def to_data(self) -> float | dict[str, float]:
        """The scenario file's form: a number, or years as text to numbers."""
        if self.years is None:
            return self.total
        return {str(year): amount for year, amount in self.amounts.items()}
