"""The report of a run over HTTP: built from the stored run (result, why-not, study, input hash)."""

from __future__ import annotations

from typing import Any

from conftest import PROJECTS, SCENARIO, Org, process_queue, submit_run, upload_list
from fastapi.testclient import TestClient

from api.settings import Settings


def _report(client: TestClient, org: Org, run_id: str, **params: str) -> Any:
    return client.get(f"/v1/runs/{run_id}/report", params=params, headers=org.headers("viewer"))


def test_the_report_of_an_explained_run(client: TestClient, org: Org, settings: Settings) -> None:
    listed = upload_list(client, org, name="Testlista")
    response = client.post(
        "/v1/runs",
        headers=org.headers("editor"),
        json={"project_list_id": listed["id"], "scenario": SCENARIO, "explain": True},
    )
    assert response.status_code == 202, response.text
    queued = response.json()
    assert _report(client, org, queued["id"]).status_code == 409  # not finished yet
    process_queue(settings)
    run = client.get(f"/v1/runs/{queued['id']}", headers=org.headers("viewer")).json()
    assert run["state"] == "succeeded"

    swedish = _report(client, org, run["id"])
    assert swedish.status_code == 200, swedish.text
    assert swedish.headers["content-type"].startswith("text/html")
    text = swedish.text
    assert '<html lang="sv">' in text and '<h2 id="summary-title">Sammanfattning</h2>' in text
    assert run["input_sha256"] in text and "Testlista v1" in text
    assert f"HiGHS {run['result']['solver']['version']}" in text
    # the stored why-not: C (120 SEK) would be funded at 100 SEK
    assert "Skulle få pengar om den kostade högst 100 kr (i dag 120 kr)." in text
    assert "<strong>2</strong> av 3 åtgärder får pengar." in text

    english = _report(client, org, run["id"], lang="en")
    assert english.status_code == 200 and '<html lang="en">' in english.text
    assert "Would be funded at a cost of at most SEK 100 (now SEK 120)." in english.text
    assert "Sammanfattning" not in english.text


def test_another_language_is_422_and_another_organisation_404(
    client: TestClient, org: Org, other_org: Org, settings: Settings
) -> None:
    listed = upload_list(client, org, projects=PROJECTS)
    run = submit_run(client, org, listed["id"])
    process_queue(settings)
    german = _report(client, org, run["id"], lang="de")
    assert german.status_code == 422 and german.headers["content-type"].startswith("application/problem+json")
    assert "lang" in german.text
    assert _report(client, other_org, run["id"]).status_code == 404
    plain = _report(client, org, run["id"])
    assert plain.status_code == 200
    assert "Vad som skulle krävas är inte beräknat i den här rapporten" in plain.text  # no why-not stored
