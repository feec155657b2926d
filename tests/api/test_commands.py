"""`python -m api create-key`, and the service as a real server process talking HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import EXAMPLES, ROOT


def _env(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}


def create_key(database_url: str, org: str, role: str, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "api", "create-key", "--org", org, "--role", role],
        env=_env(database_url),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_web(database_url: str, port: int, cwd: Path) -> subprocess.Popen[bytes]:
    """`uvicorn api.main:app` on `port`, once it answers /health/ready."""
    web = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port)],
        env=_env(database_url),
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=1).status_code == 200:
                return web
        except httpx.TransportError:
            pass
        if web.poll() is not None or time.monotonic() > deadline:
            web.kill()
            raise RuntimeError(f"the server did not start: {web.stderr.read().decode() if web.stderr else ''}")
        time.sleep(0.1)


def start_worker(database_url: str, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "api", "worker"],
        env=_env(database_url),
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """uvicorn api.main:app and one worker process, on a fresh SQLite database; (base URL, database URL)."""
    database_url = f"sqlite:///{tmp_path / 'service.db'}"
    create_key(database_url, "bootstrap", "viewer", tmp_path)  # migrates the database
    port = free_port()
    processes = [start_worker(database_url, tmp_path)]
    try:
        processes.append(start_web(database_url, port, tmp_path))
        yield f"http://127.0.0.1:{port}", database_url
    finally:
        stop(processes)


def test_create_key_prints_a_working_key_last(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'keys.db'}"
    key = create_key(database_url, "Karlstad", "editor", tmp_path)
    assert key.startswith("kp_")
    from conftest import make_settings
    from fastapi.testclient import TestClient

    from api.main import create_app

    with TestClient(create_app(make_settings(database_url))) as client:
        headers = {"Authorization": f"Bearer {key}"}
        assert client.get("/v1/project-lists", headers=headers).status_code == 200
        assert client.get("/v1/api-keys", headers=headers).status_code == 403
    second = create_key(database_url, "Karlstad", "admin", tmp_path)  # the organisation is reused
    with TestClient(create_app(make_settings(database_url))) as client:
        keys = client.get("/v1/api-keys", headers={"Authorization": f"Bearer {second}"}).json()
        assert sorted(k["role"] for k in keys) == ["admin", "editor"]


def test_serve_prepares_the_demo_once(tmp_path: Path) -> None:
    from conftest import make_settings
    from fastapi.testclient import TestClient

    from api.__main__ import DEMO_LIST_NAME, prepare
    from api.main import create_app

    settings = make_settings(f"sqlite:///{tmp_path / 'demo.db'}")
    made = prepare(settings)
    assert made is not None
    key, link = made
    assert key.startswith("kp_") and link.startswith(f"{settings.public_url}/invitation/")
    assert prepare(settings) is None
    with TestClient(create_app(settings)) as client:
        lists = client.get("/v1/project-lists", headers={"Authorization": f"Bearer {key}"}).json()
        assert [(i["name"], i["project_count"]) for i in lists["items"]] == [(DEMO_LIST_NAME, 88)]
        invitation = client.get(link.removeprefix(settings.public_url))
        assert invitation.status_code == 200 and "admin@demo.example" in invitation.text


def test_over_http_with_a_worker(server: tuple[str, str], tmp_path: Path) -> None:
    base, database_url = server
    key = create_key(database_url, "Kristinehamn", "editor", tmp_path)
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
        data = (EXAMPLES / "kristinehamn_projects.csv").read_bytes()
        listed = http.post("/v1/project-lists", files={"file": ("kristinehamn_projects.csv", data)})
        assert listed.status_code == 201, listed.text
        with open(EXAMPLES / "scenario_equity.toml", "rb") as file:
            scenario = tomllib.load(file)
        submitted = http.post(
            "/v1/runs",
            params={"wait": 30},
            json={"project_list_id": listed.json()["id"], "scenario": scenario},
        )
        assert submitted.status_code in (200, 202), submitted.text
        location = submitted.headers["location"]
        deadline = time.monotonic() + 60
        run = submitted.json()
        while run["state"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
            run = http.get(location).json()
        assert run["state"] == "succeeded", run
        assert run["result"]["status"] in ("optimal", "feasible") and run["result"]["selected"]
        assert http.get("/v1/runs").json()["total"] == 1


def test_an_accepted_run_survives_kill_9_of_every_process(tmp_path: Path) -> None:
    """The API answers 202 and is killed with SIGKILL at once, no worker running: after a restart of
    everything the list and the run are there and a new worker completes the run."""
    database_url = f"sqlite:///{tmp_path / 'durable.db'}"
    key = create_key(database_url, "Kristinehamn", "editor", tmp_path)
    headers = {"Authorization": f"Bearer {key}"}
    port = free_port()
    web = start_web(database_url, port, tmp_path)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as http:
            data = (EXAMPLES / "kristinehamn_projects.csv").read_bytes()
            listed = http.post("/v1/project-lists", files={"file": ("kristinehamn_projects.csv", data)})
            assert listed.status_code == 201, listed.text
            with open(EXAMPLES / "scenario_base.toml", "rb") as file:
                scenario = tomllib.load(file)
            submitted = http.post("/v1/runs", json={"project_list_id": listed.json()["id"], "scenario": scenario})
        assert submitted.status_code == 202, submitted.text
    finally:
        web.kill()  # SIGKILL, right after the 202
        web.wait(10)
    assert web.returncode == -9

    port = free_port()
    processes = [start_worker(database_url, tmp_path)]
    try:
        processes.append(start_web(database_url, port, tmp_path))
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as http:
            assert http.get(f"/v1/project-lists/{listed.json()['id']}").status_code == 200
            deadline = time.monotonic() + 60
            run = http.get(submitted.headers["location"]).json()
            while run["state"] in ("queued", "running") and time.monotonic() < deadline:
                time.sleep(0.2)
                run = http.get(submitted.headers["location"]).json()
        assert run["state"] == "succeeded", run
        assert run["result"]["status"] == "optimal"
    finally:
        stop(processes)
