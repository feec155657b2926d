"""The input hash of a run: the list's bytes, its column mapping when it has one, and the scenario."""

from __future__ import annotations

import hashlib

from optimizer.io.fingerprint import canonical_json, input_sha256

SCENARIO = {"budget_sek": 1000000.0}


def test_a_list_read_as_written_hashes_as_it_always_did() -> None:
    expected = hashlib.sha256(b"id;name\n" + canonical_json(SCENARIO)).hexdigest()
    assert input_sha256(project_bytes=b"id;name\n", scenario=SCENARIO) == expected
    assert input_sha256(project_bytes=b"id;name\n", scenario=SCENARIO, column_mapping=None) == expected
    assert input_sha256(project_bytes=b"id;name\n", scenario=SCENARIO, column_mapping={}) == expected


def test_the_same_bytes_read_with_another_mapping_are_another_input() -> None:
    one = input_sha256(project_bytes=b"x", scenario=SCENARIO, column_mapping={"Åtgärd": "name"})
    other = input_sha256(project_bytes=b"x", scenario=SCENARIO, column_mapping={"Åtgärd": ""})
    plain = input_sha256(project_bytes=b"x", scenario=SCENARIO)
    assert len({one, other, plain}) == 3
    again = input_sha256(project_bytes=b"x", scenario=SCENARIO, column_mapping={"Åtgärd": "name"})
    assert again == one
