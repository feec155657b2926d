"""What it would take: the why-not and why-in figures of a portfolio as they are written.

`optimizer.analysis.whynot` computes them (`WhyNot`, `WhyIn`) and writes each as a row
(`to_dict()`: the JSON of `solve --explain` and the service). These are those rows, typed: what the
report reads and the service answers with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, Field, model_validator

REASON_CODES = (
    '"" (computed), "excluded", "not_at_any_cost", "at_least", "out_of_time" and "undecided" (not '
    'computed), and for why_in "forced", "indispensable", "partly_funded"'
)

# Rows written before reasons were codes: their English notes, read back as reasons.
_NOTE_REASONS = (
    ("not computed", "out_of_time"),
    ("undecided", "undecided"),
    ("excluded", "excluded"),
    ("does not enter", "not_at_any_cost"),
    ("still enters at", "at_least"),
)


ReasonCode = Annotated[str, Field(description=f"Why the figures are what they are, as a code: {REASON_CODES}")]
Computed = Annotated[
    bool, Field(description="False when the figures were not computed (time ran out, or undecided)")
]


class _Threshold(BaseModel):
    """A row as written; one written before reasons were codes gets its reason from its note."""

    @model_validator(mode="before")
    @classmethod
    def _reason_of_an_old_row(cls, row: Any) -> Any:
        if isinstance(row, Mapping) and "reason" not in row:
            note = str(row.get("note") or "")
            reason = next((code for start, code in _NOTE_REASONS if note.startswith(start)), "")
            return {**row, "reason": reason}
        return row


class WhyNotRow(_Threshold):
    """A project left out: the highest cost, or the yearly reduction, at which it would be in."""

    id: str
    max_cost_sek: float | None = Field(
        description="Exact; null: no cost of 1 SEK or more would do, or not computed (see reason)"
    )
    min_abatement_t_per_year: float | None = Field(
        default=None,
        description="Exact: the yearly reduction at which it would enter at its cost; null: see note",
    )
    note: str = ""
    reason: ReasonCode = ""
    computed: Computed = True
    min_abatement_computed: bool = Field(
        default=True, description="False when the reduction threshold was not computed"
    )

    @model_validator(mode="before")
    @classmethod
    def _reduction_asked_of_an_old_row(cls, row: Any) -> Any:
        """Rows written before `min_abatement_computed`: it was computed when the row has the figure."""
        if isinstance(row, Mapping) and "min_abatement_computed" not in row:
            return {**row, "min_abatement_computed": "min_abatement_t_per_year" in row}
        return row

    @classmethod
    def of(cls, row: WhyNotRow | _WritesRow | Mapping[str, Any]) -> WhyNotRow:
        """The typed row of a `WhyNot`, or of its `to_dict()` (as stored or read back)."""
        if isinstance(row, WhyNotRow):
            return row
        if isinstance(row, Mapping):
            return cls.model_validate(row)
        return cls.model_validate(row.to_dict())


class WhyInRow(_Threshold):
    """A funded project: the highest cost, or the lowest yearly reduction, at which it would stay in."""

    id: str
    max_cost_sek: float | None = Field(description="Exact: the highest cost at which it stays in; null: see note")
    min_abatement_t_per_year: float | None = Field(
        description="Exact: the lowest yearly reduction at which it stays in; null: see note"
    )
    note: str = ""
    reason: ReasonCode = ""
    computed: Computed = True


class _WritesRow(Protocol):
    def to_dict(self) -> Mapping[str, object]: ...
