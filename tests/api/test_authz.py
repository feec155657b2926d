"""Authentication and authorisation: every role on every endpoint, 401s, other organisations' ids."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest
from conftest import PROJECTS, SCENARIO, Org, submit_run, upload_list
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.db import ApiKey

ROLES = ("viewer", "editor", "admin")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    needs: str
    ok: int
    body: str | None = None


ENDPOINTS = [
    Endpoint("GET", "/v1/project-lists", "viewer", 200),
    Endpoint("POST", "/v1/project-lists", "editor", 201, "list"),
    Endpoint("GET", "/v1/project-lists/{list}", "viewer", 200),
    Endpoint("GET", "/v1/runs", "viewer", 200),
    Endpoint("POST", "/v1/runs", "editor", 202, "run"),
    Endpoint("GET", "/v1/runs/{run}", "viewer", 200),
    Endpoint("DELETE", "/v1/runs/{run}", "editor", 200),
    Endpoint("GET", "/v1/api-keys", "admin", 200),
    Endpoint("POST", "/v1/api-keys", "admin", 201, "key"),
    Endpoint("GET", "/v1/api-keys/{key}", "admin", 200),
    Endpoint("DELETE", "/v1/api-keys/{key}", "admin", 204),
]
ID_ENDPOINTS = [e for e in ENDPOINTS if "{" in e.path]


def resources(client: TestClient, org: Org) -> dict[str, str]:
    """A list, a queued run and a spare key of the organisation, by placeholder."""
    listed = upload_list(client, org)
    run = submit_run(client, org, listed["id"])
    key = client.post("/v1/api-keys", headers=org.headers("admin"), json={"role": "viewer"}).json()
    return {"list": listed["id"], "run": run["id"], "key": key["id"]}


def call(client: TestClient, endpoint: Endpoint, ids: dict[str, str], headers: dict[str, str]):
    bodies = {
        "list": {"name": "matris", "projects": PROJECTS},
        "run": {"project_list_id": ids["list"], "scenario": SCENARIO},
        "key": {"role": "editor"},
    }
    path = endpoint.path.format(**ids)
    json = bodies[endpoint.body] if endpoint.body else None
    return client.request(endpoint.method, path, headers=headers, json=json)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_role_matrix(client: TestClient, org: Org, endpoint: Endpoint, role: str) -> None:
    ids = resources(client, org)
    response = call(client, endpoint, ids, org.headers(role))
    if ROLES.index(role) >= ROLES.index(endpoint.needs):
        assert response.status_code == endpoint.ok, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert endpoint.needs in response.json()["detail"]


@pytest.mark.parametrize("endpoint", ID_ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_other_organisations_ids_are_not_found(
    client: TestClient, org: Org, other_org: Org, endpoint: Endpoint
) -> None:
    ids = resources(client, org)
    response = call(client, endpoint, ids, other_org.headers("admin"))
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    # and nothing happened to them
    assert client.get(f"/v1/runs/{ids['run']}", headers=org.headers("viewer")).json()["state"] == "queued"
    assert client.get(f"/v1/api-keys/{ids['key']}", headers=org.headers("admin")).json()["revoked_at"] is None


def test_a_run_of_another_organisations_list_is_not_found(
    client: TestClient, org: Org, other_org: Org
) -> None:
    listed = upload_list(client, org)
    response = client.post(
        "/v1/runs",
        headers=other_org.headers("editor"),
        json={"project_list_id": listed["id"], "scenario": SCENARIO},
    )
    assert response.status_code == 404


def test_lists_show_only_the_own_organisation(client: TestClient, org: Org, other_org: Org) -> None:
    upload_list(client, org)
    submit_run(client, org, upload_list(client, org)["id"])
    assert client.get("/v1/project-lists", headers=other_org.headers("viewer")).json()["total"] == 0
    assert client.get("/v1/runs", headers=other_org.headers("viewer")).json()["total"] == 0
    keys = client.get("/v1/api-keys", headers=other_org.headers("admin")).json()
    assert {k["id"] for k in keys} == set(other_org.key_ids.values())


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer kp_not-a-key", "Basic dXNlcjpwYXNz", "kp_without_scheme", "Bearer " + "x" * 300],
    ids=["missing", "empty", "unknown", "basic", "no-scheme", "long"],
)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_401_without_a_valid_key(client: TestClient, endpoint: Endpoint, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    ids = {"list": "l", "run": "r", "key": "k"}
    response = call(client, endpoint, ids, headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"


def test_api_keys_lifecycle(client: TestClient, org: Org, engine: Engine) -> None:
    response = client.post("/v1/api-keys", headers=org.headers("admin"), json={"role": "editor"})
    assert response.status_code == 201
    created = response.json()
    assert created["key"].startswith("kp_") and len(created["key"]) > 40
    assert created["key"].startswith(created["prefix"]) and created["role"] == "editor"
    assert response.headers["location"] == f"/v1/api-keys/{created['id']}"
    with Session(engine) as session:  # only the hash is stored
        stored = session.scalars(select(ApiKey).where(ApiKey.id == created["id"])).one()
        assert stored.key_sha256 == hashlib.sha256(created["key"].encode()).hexdigest()
    new_key = {"Authorization": f"Bearer {created['key']}"}
    assert (
        client.post(
            "/v1/project-lists", headers=new_key, json={"name": "n", "projects": PROJECTS}
        ).status_code
        == 201
    )

    listed = client.get("/v1/api-keys", headers=org.headers("admin")).json()
    assert created["id"] in {k["id"] for k in listed}
    assert all("key" not in k for k in listed)

    assert client.delete(f"/v1/api-keys/{created['id']}", headers=org.headers("admin")).status_code == 204
    assert client.get("/v1/runs", headers=new_key).status_code == 401
    assert client.delete(f"/v1/api-keys/{created['id']}", headers=org.headers("admin")).status_code == 204
    assert client.get(f"/v1/api-keys/{created['id']}", headers=org.headers("admin")).json()["revoked_at"]

    bad_role = client.post("/v1/api-keys", headers=org.headers("admin"), json={"role": "owner"})
    assert bad_role.status_code == 422 and bad_role.json()["errors"][0]["column"] == "role"
