"""The old path of the job worker, `api.worker`, still imports for one release: the same objects as
their new homes in `api.jobs`, with a DeprecationWarning."""

from __future__ import annotations

import importlib
import sys

import pytest

from api.jobs import protocol, queue, solve, supervisor, worker


def test_api_worker_is_the_jobs_package_under_its_old_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "api.worker", raising=False)
    with pytest.warns(DeprecationWarning, match="api.worker has moved to api.jobs"):
        old = importlib.import_module("api.worker")
    homes = {
        "run_worker": worker,
        "start_workers": worker,
        "new_worker_id": worker,
        "run_job": supervisor,
        "DEADLINE_MARGIN_S": supervisor,
        "OVERRUN_ERROR": supervisor,
        "claim_next": queue,
        "MAX_ATTEMPTS": queue,
        "solve_in_child": solve,
        **{name: protocol for name in dir(protocol) if name.startswith("MSG_")},
    }
    assert set(old.__all__) == set(homes)
    for name, home in homes.items():
        assert getattr(old, name) is getattr(home, name), name
