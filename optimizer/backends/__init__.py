"""Solver backends behind one interface; chosen per call, never globally at import."""

from __future__ import annotations

from optimizer.backends.base import Backend, Incumbents, Outcome, Stop


def get_backend(name: str) -> Backend:
    """The backend called `name` ("highs" or "cbc")."""
    if name == "highs":
        from optimizer.backends.highs import HighsBackend

        return HighsBackend()
    if name == "cbc":
        from optimizer.backends.cbc import CbcBackend

        return CbcBackend()
    raise ValueError(f"unknown solver {name!r}: choose 'highs' or 'cbc'")


__all__ = ["Backend", "Incumbents", "Outcome", "Stop", "get_backend"]
