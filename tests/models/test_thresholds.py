"""The why-not rows as written and read back: one typed form for the report and the service."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from models.thresholds import WhyInRow, WhyNotRow
from optimizer.analysis.whynot import Reason, WhyNot


def test_a_why_not_and_its_written_row_read_the_same() -> None:
    figures = WhyNot("T07", 2e6, 1.5e6, min_abatement_t_per_year=120.0, reason=Reason.NONE)
    assert WhyNotRow.of(figures) == WhyNotRow.of(figures.to_dict())
    assert WhyNotRow.of(figures).model_dump() == figures.to_dict()  # the same keys, values and order
    row = WhyNotRow.of(figures)
    assert WhyNotRow.of(row) is row


def test_figures_not_computed_say_so() -> None:
    late = WhyNotRow.of(WhyNot("T07", 2e6, None, "not computed: time", reason=Reason.OUT_OF_TIME))
    assert (late.reason, late.computed, late.min_abatement_computed) == ("out_of_time", False, False)


@pytest.mark.parametrize(
    ("note", "reason"),
    [
        ("not computed in the time available", "out_of_time"),
        ("undecided: a re-solve stopped without proof", "undecided"),
        ("excluded by the scenario", "excluded"),
        ("does not enter at any cost of 1 SEK or more", "not_at_any_cost"),
        ("still enters at 100 times its cost", "at_least"),
        ("", ""),
    ],
)
def test_a_row_from_before_reason_codes_gets_its_reason_from_its_note(note: str, reason: str) -> None:
    row = WhyNotRow.of({"id": "B03", "max_cost_sek": None, "note": note})
    assert row.reason == reason
    assert not row.min_abatement_computed  # the row has no reduction figure: it was not asked for


def test_a_written_reason_wins_over_the_note() -> None:
    row = WhyNotRow.of({"id": "B03", "max_cost_sek": 1.0, "note": "excluded", "reason": ""})
    assert row.reason == ""


def test_a_row_without_an_id_is_refused() -> None:
    with pytest.raises(ValidationError, match="id"):
        WhyNotRow.of({"max_cost_sek": 1.0})


def test_why_in_rows_keep_the_written_order() -> None:
    row = {"id": "A", "max_cost_sek": 2.0, "min_abatement_t_per_year": 1.0, "note": "", "reason": "", "computed": True}
    assert WhyInRow.model_validate(row).model_dump() == row
    assert list(WhyInRow.model_validate(row).model_dump()) == list(row)
