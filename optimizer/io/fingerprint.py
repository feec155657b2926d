"""What a run was computed from, as one hash: the project list's bytes and the canonical scenario JSON.

The CLI's report and the service compute it the same way, so the same list and scenario give the same
`input_sha256` wherever they were run (an audit trail a reader of the report can check)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from models import Scenario

__all__ = ["canonical_json", "input_sha256"]


def canonical_json(value: Any) -> bytes:
    """JSON with sorted keys, no spaces, UTF-8: equal data, equal bytes."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def input_sha256(*, project_bytes: bytes, scenario: Scenario | dict[str, Any]) -> str:
    """SHA-256 over the project file's bytes and the scenario as validated (`model_dump(mode="json")`)."""
    data = scenario.model_dump(mode="json") if isinstance(scenario, Scenario) else scenario
    return hashlib.sha256(project_bytes + canonical_json(data)).hexdigest()
