"""Errors the optimiser reports to people: every problem located, all of them at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, with where it is.

    `row` is the spreadsheet row for CSV/XLSX (the header is row 1, so the first project is row 2)
    and the 1-based position in the list for JSON; None for problems of the file or scenario as a whole.
    """

    message: str
    row: int | None = None
    column: str | None = None
    source: str | None = None

    def __str__(self) -> str:
        place = []
        if self.row is not None:
            place.append(f"row {self.row}")
        if self.column is not None:
            place.append(f"column {self.column}")
        where = ", ".join(place)
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message, "source": self.source}


class InputError(ValueError):
    """The input cannot be used as it is; `problems` lists everything wrong with it, each located."""

    def __init__(self, problems: Sequence[Problem], *, source: str | None = None) -> None:
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        head = f"{source}: " if source else ""
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{head}{count} problem{'s' if count != 1 else ''} in the input:\n{lines}")
