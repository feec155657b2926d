"""Idempotency-Key: a retry gets the first response; a different request with the key is refused."""

from __future__ import annotations

from conftest import PROJECTS, SCENARIO, Org, upload_list
from fastapi.testclient import TestClient


def test_project_list_upload_is_replayed(client: TestClient, org: Org) -> None:
    headers = org.headers("editor", **{"Idempotency-Key": "upload-1"})
    body = {"name": "Idem", "projects": PROJECTS}
    first = client.post("/v1/project-lists", headers=headers, json=body)
    again = client.post("/v1/project-lists", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["location"] == first.headers["location"]
    assert client.get("/v1/project-lists", headers=org.headers("viewer")).json()["total"] == 1
    # a different body under the same key is refused
    other = client.post("/v1/project-lists", headers=headers, json={"name": "Idem", "projects": PROJECTS[:2]})
    assert other.status_code == 422 and other.headers["content-type"] == "application/problem+json"
    assert "Idempotency-Key" in other.json()["title"]
    # keys are per organisation and per endpoint; a new key makes a new version
    fresh = client.post(
        "/v1/project-lists", headers=org.headers("editor", **{"Idempotency-Key": "upload-2"}), json=body
    )
    assert fresh.json()["version"] == 2


def test_run_submission_is_replayed(client: TestClient, org: Org, other_org: Org) -> None:
    listed = upload_list(client, org)
    headers = org.headers("editor", **{"Idempotency-Key": "run-1"})
    body = {"project_list_id": listed["id"], "scenario": SCENARIO}
    first = client.post("/v1/runs", headers=headers, json=body)
    again = client.post("/v1/runs", headers=headers, json=body)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json() and again.headers["location"] == first.headers["location"]
    assert client.get("/v1/runs", headers=org.headers("viewer")).json()["total"] == 1
    mismatch = client.post(
        "/v1/runs", headers=headers, json={**body, "scenario": {**SCENARIO, "mip_gap": 0.01}}
    )
    assert mismatch.status_code == 422 and mismatch.json()["type"].endswith("idempotency-key-reused")
    # the same key in another organisation is another key
    other_list = upload_list(client, other_org)
    other = client.post(
        "/v1/runs",
        headers=other_org.headers("editor", **{"Idempotency-Key": "run-1"}),
        json={"project_list_id": other_list["id"], "scenario": SCENARIO},
    )
    assert other.status_code == 202 and other.json()["id"] != first.json()["id"]


def test_invalid_requests_are_not_remembered(client: TestClient, org: Org) -> None:
    headers = org.headers("editor", **{"Idempotency-Key": "fix-and-retry"})
    bad = client.post("/v1/project-lists", headers=headers, json={"name": "x", "projects": [{"id": "A"}]})
    assert bad.status_code == 422
    good = client.post("/v1/project-lists", headers=headers, json={"name": "x", "projects": PROJECTS})
    assert good.status_code == 201
