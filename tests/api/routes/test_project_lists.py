"""Project lists: JSON, CSV (Swedish Excel) and XLSX uploads, located problems, versions, paging."""

from __future__ import annotations

import hashlib
import io
import json

import openpyxl
import pytest
from conftest import EXAMPLES, PROJECTS, Org, make_settings, upload_list
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


def test_upload_json_and_read_back(client: TestClient, org: Org) -> None:
    response = client.post(
        "/v1/project-lists", headers=org.headers("editor"), json={"name": "Lista", "projects": PROJECTS}
    )
    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"/v1/project-lists/{created['id']}"
    canonical = json.dumps(PROJECTS, ensure_ascii=False, separators=(",", ":")).encode()
    assert created | {"id": None, "created_at": None} == {
        "id": None,
        "name": "Lista",
        "version": 1,
        "file_type": ".json",
        "project_count": 3,
        "content_sha256": hashlib.sha256(canonical).hexdigest(),
        "created_at": None,
    }
    detail = client.get(created["id"].join(["/v1/project-lists/", ""]), headers=org.headers("viewer")).json()
    assert [p["id"] for p in detail["projects"]] == ["A", "B", "C"]
    first = detail["projects"][0]
    assert first["row"] == 1 and first["cost_sek"] == 100 and first["cost_by_year"] == {"2026": 100.0}
    assert first["requires"] == [] and first["mandatory"] is False and first["tags"] == {}


def test_upload_swedish_excel_csv(client: TestClient, org: Org) -> None:
    data = (EXAMPLES / "kristinehamn_projects_excel_sv.csv").read_bytes()
    response = client.post(
        "/v1/project-lists",
        headers=org.headers("editor"),
        files={"file": ("Kristinehamn åtgärder.csv", data, "text/csv")},
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["name"], created["file_type"], created["project_count"]) == (
        "Kristinehamn åtgärder",
        ".csv",
        88,
    )
    assert created["content_sha256"] == hashlib.sha256(data).hexdigest()
    projects = client.get(f"/v1/project-lists/{created['id']}", headers=org.headers("viewer")).json()[
        "projects"
    ]
    assert projects[0]["row"] == 2 and projects[0]["tags"]["priority_area"] == "no"


def test_upload_xlsx_with_a_name(client: TestClient, org: Org) -> None:
    data = (EXAMPLES / "kristinehamn_projects.xlsx").read_bytes()
    response = client.post(
        "/v1/project-lists",
        headers=org.headers("editor"),
        files={"file": ("projects.XLSX", data)},
        data={"name": "Från Excel"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Från Excel" and response.json()["file_type"] == ".xlsx"
    assert response.json()["project_count"] == 88


def test_every_problem_is_reported_located(client: TestClient, org: Org) -> None:
    csv = (
        b"id;name;sector;cost_sek;abatement_t_per_year;lifetime_years\r\n"
        b"A;Alfa;transport;12 000 EUR;10;10\r\n"
        b"A;Beta;energy;100;-1;0\r\n"
    )
    response = client.post(
        "/v1/project-lists", headers=org.headers("editor"), files={"file": ("bad.csv", csv)}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422 and problem["title"] and problem["type"].endswith("invalid-input")
    assert [(e["row"], e["column"]) for e in problem["errors"]] == [
        (2, "cost_sek"),
        (3, "id"),
        (3, "abatement_t_per_year"),
        (3, "lifetime_years"),
    ]
    assert "'12 000 EUR' is not a number" in problem["errors"][0]["message"]


def test_json_rows_that_are_not_objects_are_reported_with_the_rest(client: TestClient, org: Org) -> None:
    projects = [PROJECTS[0], 7, {**PROJECTS[1], "cost_sek": "mycket"}]
    response = client.post(
        "/v1/project-lists", headers=org.headers("editor"), json={"name": "x", "projects": projects}
    )
    assert response.status_code == 422
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, None), (3, "cost_sek")]


def test_request_validation_errors_are_problems(client: TestClient, org: Org) -> None:
    response = client.post(
        "/v1/project-lists", headers=org.headers("editor"), json={"projects": PROJECTS, "extra": 1}
    )
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert {e["column"] for e in response.json()["errors"]} == {"name", "extra"}


def test_versions_count_up_per_name(client: TestClient, org: Org) -> None:
    versions = [upload_list(client, org, "Samma")["version"] for _ in range(3)]
    assert versions == [1, 2, 3]
    assert upload_list(client, org, "Annan")["version"] == 1
    page = client.get("/v1/project-lists", headers=org.headers("viewer"), params={"name": "Samma"}).json()
    assert [item["version"] for item in page["items"]] == [3, 2, 1] and page["total"] == 3


def test_paging_newest_first(client: TestClient, org: Org) -> None:
    ids = [upload_list(client, org, f"L{i}")["id"] for i in range(5)]
    first = client.get("/v1/project-lists", headers=org.headers("viewer"), params={"limit": 2}).json()
    second = client.get(
        "/v1/project-lists", headers=org.headers("viewer"), params={"limit": 2, "offset": 2}
    ).json()
    assert first["total"] == 5 and (first["limit"], first["offset"]) == (2, 0)
    assert [i["id"] for i in first["items"] + second["items"]] == ids[::-1][:4]
    bad = client.get("/v1/project-lists", headers=org.headers("viewer"), params={"limit": 0})
    assert bad.status_code == 422 and bad.json()["errors"][0]["column"] == "query.limit"


def test_too_many_projects(database_url: str, org: Org) -> None:
    with TestClient(create_app_with(database_url, max_projects=2)) as client:
        response = client.post(
            "/v1/project-lists", headers=org.headers("editor"), json={"name": "x", "projects": PROJECTS}
        )
        assert response.status_code == 422 and "at most 2 projects" in response.json()["detail"]
        csv = "id,name,sector,cost_sek,abatement_t_per_year,lifetime_years\n" + "".join(
            f"P{i},n,s,1,1,1\n" for i in range(3)
        )
        response = client.post(
            "/v1/project-lists", headers=org.headers("editor"), files={"file": ("x.csv", csv)}
        )
        assert response.status_code == 422 and "at most 2 projects" in response.json()["detail"]


def create_app_with(database_url: str, **overrides: object):
    from api.main import create_app

    return create_app(make_settings(database_url, **overrides))


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"content": b'{"name": "x", "projects": [', "headers": {"Content-Type": "application/json"}}, 400),
        ({"content": b"--xyz\r\nid", "headers": {"Content-Type": "multipart/form-data"}}, 400),
        (
            {
                "content": b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nid',
                "headers": {"Content-Type": "multipart/form-data; boundary=xyz"},
            },
            422,
        ),
        ({"content": b"id,name", "headers": {"Content-Type": "text/csv"}}, 415),
        ({"files": {"file": ("list.txt", b"id,name\n")}}, 422),
        ({"data": {"name": "no file"}, "files": {"other": ("a.csv", b"x")}}, 422),
    ],
    ids=[
        "broken-json",
        "multipart-without-boundary",
        "truncated-multipart",
        "wrong-media-type",
        "wrong-extension",
        "no-file",
    ],
)
def test_malformed_uploads(client: TestClient, org: Org, kwargs: dict, status: int) -> None:
    kwargs = dict(kwargs)  # the same dict serves both databases
    headers = {**org.headers("editor"), **kwargs.pop("headers", {})}
    response = client.post("/v1/project-lists", headers=headers, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == status


def test_xlsx_workbook_round_trip_in_memory(client: TestClient, org: Org) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(PROJECTS[0]))
    for project in PROJECTS:
        sheet.append(list(project.values()))
    sheet.append(["D", "Delta", "waste", "Norr", "gratis", 2026, 1, 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(
        "/v1/project-lists", headers=org.headers("editor"), files={"file": ("w.xlsx", buffer.getvalue())}
    )
    assert response.status_code == 422
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(5, "cost_sek")]
