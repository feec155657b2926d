"""The API's documentation pages work on a closed network: /docs and /redoc load only files the app
serves itself, and Chromium, with every request off this host refused, shows the operations."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from chromium import browser, closed_network
from conftest import make_settings
from fastapi.testclient import TestClient

from api.main import create_app

__all__ = ["browser"]  # the fixture, imported for pytest

SCREENSHOT = Path("/tmp/klimatportfolj-docs.png")
REDOC_SCREENSHOT = Path("/tmp/klimatportfolj-redoc.png")


def assets_of(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["']([^"']+)["']""", html) + re.findall(r"url: ?'([^']+)'", html)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_page_loads_only_files_the_app_serves(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assets = assets_of(answer.text)
    assert assets, answer.text
    assert not re.search(r"https?://", answer.text), "a documentation page refers to another host"
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert served.content, asset


def test_the_vendored_files_have_their_licences_and_types(client: TestClient) -> None:
    js = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    css = client.get("/static/vendor/swagger-ui/swagger-ui.css")
    assert "javascript" in js.headers["content-type"] and css.headers["content-type"].startswith("text/css")
    for licence in ("swagger-ui/LICENSE", "swagger-ui/NOTICE", "README.md"):
        assert client.get(f"/static/vendor/{licence}").status_code == 200
    assert "javascript" in client.get("/static/vendor/redoc/redoc.standalone.js").headers["content-type"]
    assert client.get("/static/vendor/redoc/LICENSE").status_code == 200
    missing = client.get("/static/vendor/nothing.js")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("docs") / "docs.db"
    app = create_app(make_settings(f"sqlite:///{database}"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


def test_chromium_shows_the_operations_with_no_other_host_reachable(server: str, browser: Any) -> None:
    refused: list[str] = []
    tab = browser.new_page()
    try:
        closed_network(tab, server, refused)
        tab.goto(server + "/docs")
        tab.wait_for_selector(".opblock-summary-path", timeout=20_000)
        tab.screenshot(path=str(SCREENSHOT))
        text = tab.inner_text("body")
    finally:
        tab.close()
    assert refused == []
    assert "/v1/project-lists" in text


def test_redocs_policy_allows_no_other_host(client: TestClient) -> None:
    """ReDoc's bundle asks for its maker's logo from a CDN; the page's policy refuses every other host."""
    policy = client.get("/redoc").headers["content-security-policy"]
    sources = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert sources["default-src"] == "'self'" and sources["img-src"] == "'self' data:"
    assert not re.search(r"https?:|\*", policy)


def test_chromium_shows_redocs_reference_with_no_other_host_reachable(server: str, browser: Any) -> None:
    refused: list[str] = []
    tab = browser.new_page()
    try:
        closed_network(tab, server, refused)
        tab.goto(server + "/redoc")
        tab.wait_for_selector("h2:has-text('Upload a project list')", timeout=30_000)
        tab.screenshot(path=str(REDOC_SCREENSHOT))
        text = tab.inner_text("body")
        logos = tab.locator("img[alt='redocly logo']").count()
    finally:
        tab.close()
    assert refused == []  # the browser asked no other host: the logo is refused by the policy first
    assert logos == 0 and "/v1/project-lists" in text
