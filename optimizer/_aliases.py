"""The module paths of the flat layout before the layers (`optimizer.solve`, `optimizer.charts`, ...)
still import, as the same module objects as their new homes, for one release; each warns once.

A finder on `sys.meta_path` answers only for the old names: nothing is imported until asked for."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

MOVED = {
    "optimizer.errors": "optimizer.io.problems",
    "optimizer.fingerprint": "optimizer.io.fingerprint",
    "optimizer.validate": "optimizer.model.fit",
    "optimizer.phasing": "optimizer.model.phasing",
    "optimizer.lifecycle": "optimizer.model.lifecycle",
    "optimizer.build": "optimizer.model.build",
    "optimizer.check": "optimizer.model.check",
    "optimizer.explain": "optimizer.model.explain",
    "optimizer.pathway": "optimizer.model.pathway",
    "optimizer.solve": "optimizer.model.solve",
    "optimizer.backends": "optimizer.model.backends",
    "optimizer.backends.base": "optimizer.model.backends.base",
    "optimizer.backends.highs": "optimizer.model.backends.highs",
    "optimizer.backends.cbc": "optimizer.model.backends.cbc",
    "optimizer.backends.core": "optimizer.model.backends.core",
    "optimizer.whynot": "optimizer.analysis.whynot",
    "optimizer.compare": "optimizer.analysis.compare",
    "optimizer.uncertainty": "optimizer.analysis.uncertainty",
    "optimizer.robust": "optimizer.analysis.robust",
    "optimizer.sweep": "optimizer.analysis.sweep",
    "optimizer.followup": "optimizer.planning.followup",
    "optimizer.report": "optimizer.reporting.report",
    "optimizer.report_texts": "optimizer.reporting.report_texts",
    "optimizer.charts": "optimizer.reporting.charts",
    "optimizer.chart_texts": "optimizer.reporting.chart_texts",
    "optimizer.language": "optimizer.reporting.language",
    "optimizer.plan_cli": "optimizer.cli.plan",
}
"""Old module path → new. (`optimizer.io`, `optimizer.analysis` and `optimizer.cli` are packages now;
their old public names are still there.)"""


class _Alias(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(
            f"{spec.name} has moved to {self.target}; the old path goes in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        """The module is its new home, already executed."""


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Alias(MOVED[fullname]))


SHADOWED = ("optimizer.solve", "optimizer.compare")
"""Old modules named like the functions `optimizer.solve` and `optimizer.compare`: registered at once
(their new homes are loaded with the package anyway), because importing a module the first time binds
it on its parent package, which would replace the function."""


def install() -> None:
    """Put the finder first on `sys.meta_path` (once), and register the shadowed old paths."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
    for name in SHADOWED:
        sys.modules.setdefault(name, importlib.import_module(MOVED[name]))
