"""A real service for the browser tests: `python -m api serve` in its own process, with a worker, on a
fresh database as a new user starts it (SQLite, then a new PostgreSQL database on the server at
127.0.0.1:5432, skipped, saying so, when it is not reachable); axe-core and screenshots for its pages
(Chromium and the closed network are in tests/chromium.py)."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from chromium import browser, closed_network
from conftest import PG_URL
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

__all__ = ["Service", "axe_violations", "browser", "closed_network", "service", "shot", "web_database"]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("WEB_SCREENSHOTS", "/tmp/klimatportfolj-web"))


@dataclass(frozen=True)
class Service:
    base: str
    sign_in_link: str
    """The demo admin's one-time link, as `api serve` printed it at its first start."""
    database_url: str
    output: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def web_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database for `api serve` to set up at its first start, as on a new machine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('web-db') / 'web.db'}"
        return
    admin = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    name = f"test_web_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {make_url(PG_URL).render_as_string(hide_password=True)}: {error}")
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def service(web_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    folder = tmp_path_factory.mktemp("web")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    database_url = web_database
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PUBLIC_URL": base,
        "WORKERS": "1",
        "SWEEP_EXECUTOR": "serial",
    }
    output = folder / "serve.out"
    with output.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "api", "serve", "--port", str(port)],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        link = None
        for _ in range(600):
            text = output.read_text()
            found = re.search(rf"{re.escape(base)}/invitation/\S+", text)
            if found and link is None:
                link = found.group(0)
            if link is not None:
                try:
                    if httpx.get(base + "/health/live", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
            if process.poll() is not None:
                pytest.fail(f"api serve stopped: {text}")
            time.sleep(0.1)
        else:
            pytest.fail(f"api serve did not start: {output.read_text()}")
        assert link is not None
        yield Service(base, link, database_url, output)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """WCAG 2.0/2.1 A and AA violations axe-core finds on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }"""
    )


def shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
