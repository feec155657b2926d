"""What a run was computed from, as one hash: the project list's bytes (and the column mapping it was
read with, if any) and the canonical scenario JSON.

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


def input_sha256(
    *,
    project_bytes: bytes,
    scenario: Scenario | dict[str, Any],
    column_mapping: dict[str, str] | None = None,
) -> str:
    """SHA-256 over the project file's bytes, the column mapping it was read with (only when there is
    one: a file read as written hashes as it always did) and the scenario as validated
    (`model_dump(mode="json")`)."""
    data = scenario.model_dump(mode="json") if isinstance(scenario, Scenario) else scenario
    mapping = b"" if not column_mapping else canonical_json({"column_mapping": column_mapping})
    return hashlib.sha256(project_bytes + mapping + canonical_json(data)).hexdigest()
