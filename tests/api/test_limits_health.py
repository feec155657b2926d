"""Body size limit (413), problem+json for every error, health endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from conftest import PROJECTS, Org, make_settings
from fastapi.testclient import TestClient

from api.main import create_app


def test_oversized_bodies_are_refused_before_parsing(database_url: str, org: Org) -> None:
    with TestClient(create_app(make_settings(database_url, max_body_bytes=1000))) as client:
        big = {"name": "big", "projects": PROJECTS * 20}
        response = client.post("/v1/project-lists", headers=org.headers("editor"), json=big)
        assert response.status_code == 413 and response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: the streamed bytes are counted
            for _ in range(20):
                yield b"x" * 100

        streamed = client.post(
            "/v1/project-lists",
            headers=org.headers("editor", **{"Content-Type": "application/json"}),
            content=chunks(),
        )
        assert streamed.status_code == 413
        upload = client.post(
            "/v1/project-lists", headers=org.headers("editor"), files={"file": ("a.csv", b"x" * 2000)}
        )
        assert upload.status_code == 413
        small = client.post(
            "/v1/project-lists", headers=org.headers("editor"), json={"name": "s", "projects": PROJECTS[:1]}
        )
        assert small.status_code == 201


def test_unknown_paths_and_methods_are_problems(client: TestClient) -> None:
    missing = client.get("/v1/nothing")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    wrong = client.put("/v1/runs")
    assert wrong.status_code == 405 and wrong.json()["status"] == 405


def test_health(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "ok", "database": None, "revision": None}
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ok" and ready.json()["revision"]


def test_not_ready_without_migrations_or_database(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(f"sqlite:///{tmp_path / 'empty.db'}"))) as client:
        assert client.get("/health/live").status_code == 200
        response = client.get("/health/ready")
        assert response.status_code == 503 and response.headers["content-type"] == "application/problem+json"
    unreachable = make_settings("postgresql://nobody@127.0.0.1:1/none")
    with TestClient(create_app(unreachable)) as client:
        assert client.get("/health/ready").status_code == 503


def test_the_app_does_not_touch_the_database_when_made(tmp_path: Path) -> None:
    create_app(make_settings(f"sqlite:///{tmp_path / 'sub' / 'never.db'}"))
    assert not (tmp_path / "sub").exists()


def test_openapi_and_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/v1/project-lists", "/v1/runs/{run_id}", "/v1/api-keys", "/health/ready"} <= set(schema["paths"])
    assert client.get("/docs").status_code == 200


def test_unknown_query_parameters_are_refused(client: TestClient, org: Org) -> None:
    response = client.get("/v1/runs", headers=org.headers("viewer"), params={"limt": 5})
    assert response.status_code == 422 and response.json()["errors"][0]["column"] == "query.limt"
    assert client.get("/health/live", params={"probe": 1}).status_code == 200


def test_a_query_parameter_given_twice_is_refused(client: TestClient, org: Org) -> None:
    # schemathesis found that ?name=a&name=b silently used the last value
    response = client.get("/v1/project-lists?name=a&name=b", headers=org.headers("viewer"))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"row": None, "column": "query.name", "message": "given more than once"}
    ]


def test_ids_that_cannot_exist_are_404_without_a_database_error(client: TestClient, org: Org) -> None:
    # schemathesis found that a NUL character in an id made PostgreSQL fail with a 500
    for path in ("/v1/runs/%00", "/v1/project-lists/a%00b", "/v1/api-keys/x"):
        assert client.get(path, headers=org.headers("admin")).status_code == 404
    response = client.post(
        "/v1/runs",
        headers=org.headers("editor"),
        json={"project_list_id": "\u0000", "scenario": {"budget_sek": 1}},
    )
    assert response.status_code == 404
    named = client.post(
        "/v1/project-lists",
        headers=org.headers("editor"),
        json={"name": "a\u0000", "projects": [{"id": "A"}]},
    )
    assert named.status_code == 422
