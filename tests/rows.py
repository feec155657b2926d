"""Project-list rows for hand-made test cases."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
"""The repository's root, wherever a test file sits under tests/."""


def project(pid: str, cost: float, abatement: float, **extra: object) -> dict[str, object]:
    """A one-year, single-cost energy project; `extra` adds or overrides columns."""
    row: dict[str, object] = {
        "id": pid,
        "name": f"Project {pid}",
        "sector": "energy",
        "cost_sek": cost,
        "abatement_t_per_year": abatement,
        "lifetime_years": 1,
    }
    row.update(extra)
    return row
