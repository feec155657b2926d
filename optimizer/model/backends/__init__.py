"""Solver backends behind one interface; chosen per call, never globally at import."""

from __future__ import annotations

from optimizer.model.backends.base import (
    Backend,
    Features,
    Incumbents,
    Outcome,
    Relaxation,
    Stop,
    WarmBackend,
)


def get_backend(name: str, *, columns: int | None = None) -> Backend:
    """The backend called `name` ("highs" or "cbc"). Given the model's number of `columns`, HiGHS is
    used through a core problem from `core.MIN_COLUMNS` columns on (national-scale lists)."""
    if name == "highs":
        from optimizer.model.backends import core
        from optimizer.model.backends.highs import HighsBackend

        if columns is not None and columns >= core.MIN_COLUMNS:
            return core.CoreHighsBackend(first_core=core.FIRST_CORE)
        return HighsBackend()
    if name == "cbc":
        from optimizer.model.backends.cbc import CbcBackend

        return CbcBackend()
    raise ValueError(f"unknown solver {name!r}: choose 'highs' or 'cbc'")


__all__ = ["Backend", "Features", "Incumbents", "Outcome", "Relaxation", "Stop", "WarmBackend", "get_backend"]
