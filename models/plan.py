"""The follow-up cycle's records: an adopted plan, the actual spend and reductions recorded against it,
and the basis of a re-plan.

Pure data. An `AdoptedPlan` holds everything the plan was computed from (the project list as records,
the scenario and the result as JSON), so that it can be stored as one JSON file or database row and
re-read years later without the original files.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator

from models.result import Result
from models.scenario import Scenario

ACTUAL_COLUMNS = ("id", "year", "spend_sek", "abatement_t")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AdoptedPlan(_Frozen):
    """A run the municipality has adopted as its plan."""

    adopted_at: datetime
    scenario: dict[str, Any]
    """`Scenario.model_dump(mode="json")`."""
    projects: list[dict[str, Any]]
    """The project list as records that `optimizer.io.readers.read_projects` reads back to an equal list
    (`optimizer.planning.followup.plan_projects`)."""
    result: dict[str, Any]
    """`Result.model_dump(mode="json")`: the adopted portfolio."""
    input_sha256: str
    source: str | None = None
    """Where the project list came from (a file name), for people reading the plan."""

    def scenario_model(self) -> Scenario:
        return Scenario.model_validate(self.scenario)

    def result_model(self) -> Result:
        return Result.model_validate(self.result)


class ActualEntry(_Frozen):
    """What happened to one project in one calendar year."""

    id: str
    year: int
    spend_sek: float | None = None
    """Municipal money spent on the project that year (after grants): what the budget counts."""
    abatement_t: float | None = None
    """Tonnes CO2e the project actually reduced that year."""


class Actuals(_Frozen):
    """Recorded actuals, one entry per (project, year), sorted by (id, year)."""

    entries: list[ActualEntry] = []

    @field_validator("entries")
    @classmethod
    def _sorted(cls, entries: list[ActualEntry]) -> list[ActualEntry]:
        keys = [(e.id, e.year) for e in entries]
        if len(set(keys)) != len(keys):
            raise ValueError("each (id, year) may be recorded once")
        return sorted(entries, key=lambda e: (e.id, e.year))

    def merged(self, newer: Actuals) -> Actuals:
        """These actuals with `newer` on top: an entry of `newer` replaces the same (id, year)."""
        by_key = {(e.id, e.year): e for e in self.entries}
        by_key.update({(e.id, e.year): e for e in newer.entries})
        return Actuals(entries=list(by_key.values()))

    def to_frame(self) -> pd.DataFrame:
        """Columns id, year, spend_sek, abatement_t (NaN where not recorded)."""
        frame = pd.DataFrame(
            {
                "id": pd.Series([e.id for e in self.entries], dtype=object),
                "year": pd.Series([e.year for e in self.entries], dtype="int64"),
                "spend_sek": pd.Series([e.spend_sek for e in self.entries], dtype=float),
                "abatement_t": pd.Series([e.abatement_t for e in self.entries], dtype=float),
            }
        )
        return frame[list(ACTUAL_COLUMNS)]

    @property
    def latest_year(self) -> int | None:
        return max((e.year for e in self.entries), default=None)


class ReplanBasis(_Frozen):
    """What a re-plan took as given: the first open year, the committed projects, the money left."""

    as_of: int
    """The first year still open; every year before it is closed."""
    mandatory: list[str]
    """Started projects: kept, mandatory, at their adopted start."""
    finished: list[str]
    """Started projects with no planned cost left: out of the candidate list, their reductions go on."""
    dropped: list[dict[str, str]]
    """Projects left out of the re-plan, as {id, reason}."""
    moved: list[str]
    """Projects not started whose earliest start moved to `as_of`."""
    actual_reductions: dict[str, float]
    """Project id → mean tonnes per year recorded while in operation (used instead of the estimate)."""
    budget_sek: float | dict[str, float]
    """The budget the re-plan works with."""
    actual_spend_sek: float
    """All recorded municipal spend."""
    notes: list[str] = []
    """Other adjustments, in words (e.g. funding pool capacity of closed years)."""
