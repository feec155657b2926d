"""The web app's two speed targets (issue 16), on a real service over loopback: every page a signed-in
person opens answers in <= 200 ms p95 on the example list under a bounded load, and a run of the
example list is shown as done within 1 s of the solver finishing.

Part of the suite: `python -m benchmarks.run --cases web [--requests N]`. The service is started as a
new user starts it (`python -m api serve` with one worker on a fresh SQLite database in a temporary
folder), and the client does what a browser does, with httpx: it opens the printed invitation link,
posts the password form with the token read from the page, keeps the session cookie, stores a second
version of the example list through the upload and mapping forms (for the comparison page), and
submits runs through the runs form. The figures are in the suite's JSON under `web`.

Benchmarks sit beside the service in the layers and do not import it: the poll interval is read from
the run page's own `hx-trigger` (which `api.web.pages.results.POLL_MS` writes), and the moment the
solver finished from the API (`GET /v1/runs/{id}`, `finished_at`, written by the worker as it stores
the result).
"""

from __future__ import annotations

import csv
import html
import io
import logging
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import numpy as np

log = logging.getLogger("benchmarks")

EXAMPLE_LIST = Path(__file__).resolve().parents[1] / "examples" / "kristinehamn_projects.csv"
PAGE_TARGET_MS = 200.0
SHOWN_TARGET_S = 1.0
CLIENTS = 2
"""Concurrent clients of the bounded load, each in a closed loop (its next request when its last is answered)."""
REQUESTS = 200
"""Measured requests per page (all clients together), after the warm-up."""
WARMUP = 10
"""Requests per page, one at a time, before the measured ones; their median is the page's time alone."""
PAGE_TIME_LIMIT_S = 90.0
"""A page still being measured after this long stops there (its figures say how many requests it got):
the suite never waits minutes on one slow page."""
RUNS = 10
"""Runs watched per way of polling."""
BUDGET = "150 000 000"
"""The runs' total budget as a person types it (the example's base scenario: 150 MSEK 2026–2030)."""
PRIORITY_SHARE = "40"
PASSWORD = "benchmark lösenord för webben"
START_TIMEOUT_S = 120.0
RUN_TIMEOUT_S = 300.0
PAGE_TIMEOUT_S = 120.0
"""One request's own timeout: a page slower than this is counted as an error."""


@dataclass(frozen=True)
class Service:
    """A running `python -m api serve`: its address, the printed admin key and sign-in link."""

    base: str
    key: str
    sign_in_link: str
    output: Path
    startup_s: float


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(folder: Path) -> Iterator[Service]:
    """`python -m api serve` with one worker on a fresh SQLite database in `folder`, until the block ends
    (stopped with SIGTERM, as an operator stops it, so that it stops its worker too)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'web.db'}",
        "PUBLIC_URL": base,
        "WORKERS": "1",
    }
    output = folder / "serve.out"
    started = time.perf_counter()
    with output.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "api", "serve", "--port", str(port)],
            cwd=folder,  # no .env of the repository is read
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield _started(process, base, output, started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _started(process: subprocess.Popen[bytes], base: str, output: Path, started: float) -> Service:
    """The service once /health/live answers, with what its first start printed."""
    deadline = started + START_TIMEOUT_S
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"api serve stopped: {output.read_text()}")
        text = output.read_text()
        link = re.search(rf"{re.escape(base)}/invitation/\S+", text)
        key = re.search(r"^(kp_\S+)$", text, re.MULTILINE)
        if link and key:
            try:
                if httpx.get(base + "/health/live", timeout=1).status_code == 200:
                    return Service(base, key.group(1), link.group(0), output, time.perf_counter() - started)
            except httpx.HTTPError:
                pass
        time.sleep(0.1)
    raise RuntimeError(f"api serve did not start within {START_TIMEOUT_S:.0f} s: {output.read_text()}")


# --------------------------------------------------------------------------------------------
# A browser's part: forms as the pages have them


class _Forms(HTMLParser):
    """The fields a browser would post from each form of a page: inputs with their values (checkboxes
    and radios only when checked, files left out), each select's selected (else first) option."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._fields: dict[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._fields = self.forms.setdefault(a.get("action", ""), {})
            return
        fields = self._fields
        if fields is None:
            return
        kind = a.get("type", "text")
        if (
            tag == "input"
            and "name" in a
            and kind != "file"
            and (kind not in ("checkbox", "radio") or "checked" in a)
        ):
            fields[a["name"]] = a.get("value", "on")
        elif tag == "select" and "name" in a:
            self._select = a["name"]
        elif tag == "option" and self._select is not None and (self._select not in fields or "selected" in a):
            fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def form_fields(html: str, action: str) -> dict[str, str]:
    """What the page's form posting to `action` sends as it stands (its token included)."""
    reader = _Forms()
    reader.feed(html)
    if action not in reader.forms:
        raise RuntimeError(f"no form posting to {action} on the page (forms: {sorted(reader.forms)})")
    return dict(reader.forms[action])


def _expect(response: httpx.Response, status: int, what: str) -> httpx.Response:
    if response.status_code != status:
        raise RuntimeError(f"{what}: HTTP {response.status_code}, not {status}: {response.text[:500]}")
    return response


def sign_in(service: Service) -> httpx.Client:
    """A browser signed in as the demo admin: the printed link, a password, the session cookie."""
    client = httpx.Client(base_url=service.base, timeout=PAGE_TIMEOUT_S)
    path = service.sign_in_link.removeprefix(service.base)
    fields = form_fields(_expect(client.get(path), 200, "the invitation link").text, path)
    fields |= {"password": PASSWORD, "password_again": PASSWORD}
    landed = _expect(client.post(path, data=fields), 303, "the password form")
    if "kp_session" not in client.cookies:
        raise RuntimeError("the password form set no session cookie")
    _expect(client.get(landed.headers["location"]), 200, "the first page after signing in")
    return client


def example_list(client: httpx.Client) -> tuple[str, str]:
    """The example list's id and name, as its link on the lists page has them (the only list there)."""
    found = re.search(
        r'href="/lists/([0-9a-f-]{36})">([^<]+)</a>', _expect(client.get("/lists"), 200, "/lists").text
    )
    if found is None:
        raise RuntimeError("no list on /lists")
    return found.group(1), html.unescape(found.group(2))


def store_second_version(client: httpx.Client, name: str) -> str:
    """A second version of the example list through the upload and mapping forms (the first three
    measures with a cost 10 % dearer), as a person stores a corrected list; its id."""
    rows = list(csv.DictReader(io.StringIO(EXAMPLE_LIST.read_text(encoding="utf-8"))))
    changed = 0
    for row in rows:
        if row["cost_sek"] and changed < 3:
            row["cost_sek"] = str(round(float(row["cost_sek"]) * 1.1))
            changed += 1
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    upload = form_fields(client.get("/lists").text, "/lists/upload") | {"name": name}
    file = ("kristinehamn_projects_v2.csv", out.getvalue().encode("utf-8"), "text/csv")
    mapping = _expect(client.post("/lists/upload", data=upload, files={"file": file}), 200, "the upload form")
    stored = _expect(
        client.post("/lists/check", data=form_fields(mapping.text, "/lists/check")), 303, "the mapping form"
    )
    found = re.search(r"/lists/([0-9a-f-]{36})", stored.headers["location"])
    assert found is not None, stored.headers["location"]
    return found.group(1)


def submit_run(client: httpx.Client, list_id: str, *, explain: bool = False, save: bool = False) -> str:
    """One run of the list through the runs form: 150 MSEK in all, at least 40 % of the money to the
    priority areas (the form's default column and value), the rest as the form stands, explained and
    its scenario saved if asked; its id."""
    fields = form_fields(_expect(client.get("/runs"), 200, "/runs").text, "/runs")
    fields |= {
        "project_list_id": list_id,
        "name": "Benchmark: 40 % till prioriterade områden",
        "budget_mode": "total",
        "budget_total": BUDGET,
        "priority_share": PRIORITY_SHARE,
    }
    if explain:
        fields["explain"] = "on"
    if save:
        fields["save"] = "on"
    empty_file = {"scenario_file": ("", b"", "application/octet-stream")}  # as a browser sends it
    answer = _expect(client.post("/runs", data=fields, files=empty_file), 303, "the runs form")
    found = re.fullmatch(r"/runs/([0-9a-f-]{36})", answer.headers["location"])
    if found is None:
        raise RuntimeError(f"the runs form sent the browser to {answer.headers['location']}")
    return found.group(1)


def _finished_at(service: Service, run_id: str) -> dict[str, Any]:
    """The run as the API has it (state, started_at, finished_at), with the printed key."""
    answer = httpx.get(
        f"{service.base}/v1/runs/{run_id}", headers={"Authorization": f"Bearer {service.key}"}, timeout=30
    )
    return dict(_expect(answer, 200, f"GET /v1/runs/{run_id}").json())


def _epoch(stamp: str | None) -> float | None:
    """An API timestamp in seconds since the epoch (a naive one is UTC, as the service writes them)."""
    if stamp is None:
        return None
    moment = datetime.fromisoformat(stamp)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


# --------------------------------------------------------------------------------------------
# The second target: a run shown as done


_STATE = re.compile(r'<section id="state"[^>]*>')
_EVERY = re.compile(r'hx-trigger="every (\d+(?:\.\d+)?)(ms|s)"')


def poll_interval_ms(page: str) -> float | None:
    """The interval of the htmx polling of the run's state part (None: it does not poll, the run is
    done)."""
    state = _STATE.search(page)
    every = _EVERY.search(state.group(0)) if state else None
    if every is None:
        return None
    return float(every.group(1)) * (1 if every.group(2) == "ms" else 1000)


def watch(client: httpx.Client, service: Service, run_id: str, *, continuous: bool) -> dict[str, Any]:
    """Open the run's page as the browser does after the form's redirect, then poll its state part with
    `HX-Request: true` as htmx 2 does with `every N ms` and an outerHTML swap: the next look N ms after
    the last answer was swapped in (continuous: at once). When the first answer with the result came,
    against the `finished_at` the worker wrote with the result."""
    opened = time.time()
    page = _expect(client.get(f"/runs/{run_id}"), 200, f"/runs/{run_id}").text
    answered = time.time()
    interval_ms = poll_interval_ms(page)
    polls, waiting_ms = 0, []
    sent = opened
    while poll_interval_ms(page) is not None:
        if time.time() - opened > RUN_TIMEOUT_S:
            raise RuntimeError(f"run {run_id} not done after {RUN_TIMEOUT_S:.0f} s")
        if not continuous:
            time.sleep((interval_ms or 0) / 1000)
        sent = time.time()
        page = _expect(
            client.get(f"/runs/{run_id}", headers={"HX-Request": "true"}), 200, "the run's state part"
        ).text
        answered = time.time()
        polls += 1
        if poll_interval_ms(page) is not None:
            waiting_ms.append((answered - sent) * 1000)
    run = _finished_at(service, run_id)
    finished = _epoch(run.get("finished_at"))
    if f"/runs/{run_id}/portfolio.csv" not in page or finished is None:
        raise RuntimeError(f"run {run_id} ended without a result: {run.get('state')} {run.get('error')}")
    return {
        "run_id": run_id,
        "state": run["state"],
        "polls": polls,
        "poll_interval_ms": 0 if continuous else interval_ms,
        # claimed by the worker until the result was stored: solve process, reading, solving
        "worker_s": finished - (_epoch(run.get("started_at")) or finished),
        "delay_s": answered - finished,
        # until the look that got the result was sent (negative: sent before the worker wrote the
        # result, read after), and that look's answer
        "wait_s": sent - finished,
        "answer_s": answered - sent,
        "waiting_answer_ms": statistics.median(waiting_ms) if waiting_ms else None,
    }


def shown_as_done(client: httpx.Client, service: Service, list_id: str, *, runs: int) -> dict[str, Any]:
    """`runs` runs watched as the page's htmx polls, then `runs` more polled continuously (what the
    interval adds), one after the other."""
    out: dict[str, Any] = {}
    for mode, continuous in (("htmx", False), ("continuous", True)):
        records = []
        for i in range(runs):
            log.info("web: run %d/%d shown as done, polled %s", i + 1, runs, mode)
            records.append(watch(client, service, submit_run(client, list_id), continuous=continuous))
        delays = [r["delay_s"] for r in records]
        out[mode] = {
            "runs": records,
            "median_delay_s": statistics.median(delays),
            "max_delay_s": max(delays),
            "median_wait_s": statistics.median(r["wait_s"] for r in records),
            "median_answer_s": statistics.median(r["answer_s"] for r in records),
            "median_worker_s": statistics.median(r["worker_s"] for r in records),
        }
    return out


def wait_until_done(service: Service, run_id: str) -> dict[str, Any]:
    """The run as the API has it once it has ended (its analysis too), for the pages of a finished run."""
    deadline = time.perf_counter() + RUN_TIMEOUT_S
    while time.perf_counter() < deadline:
        run = _finished_at(service, run_id)
        if run["state"] in ("succeeded", "failed", "canceled"):
            return run
        time.sleep(0.5)
    raise RuntimeError(f"run {run_id} not done after {RUN_TIMEOUT_S:.0f} s")


# --------------------------------------------------------------------------------------------
# The first target: every page under a bounded load


@dataclass(frozen=True)
class PageSpec:
    """A page as the table names it, its path, and whether it is opened signed in."""

    name: str
    path: str
    signed_in: bool = True


def _client(service: Service, cookies: httpx.Cookies | None) -> httpx.Client:
    return httpx.Client(base_url=service.base, cookies=cookies, timeout=PAGE_TIMEOUT_S)


def load(
    service: Service, spec: PageSpec, cookies: httpx.Cookies, *, requests: int, clients: int = CLIENTS
) -> dict[str, Any]:
    """`WARMUP` requests one at a time, then `requests` from `clients` concurrent clients in closed
    loops (each with the browser's cookies, or none for a page of a person not signed in), stopped
    after `PAGE_TIME_LIMIT_S`: latency percentiles, requests per second, statuses."""
    jar = cookies if spec.signed_in else None
    with _client(service, jar) as alone:
        warm = []
        for _ in range(WARMUP):
            started = time.perf_counter()
            alone.get(spec.path)
            warm.append(time.perf_counter() - started)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sizes: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()
    share = [requests // clients + (i < requests % clients) for i in range(clients)]
    go = threading.Barrier(clients + 1)
    deadline = time.perf_counter() + PAGE_TIME_LIMIT_S

    def closed_loop(count: int) -> None:
        with _client(service, jar) as client:
            go.wait()
            for _ in range(count):
                if time.perf_counter() > deadline:
                    return
                started = time.perf_counter()
                try:
                    answer = client.get(spec.path)
                except httpx.HTTPError as error:
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
                    continue
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                    sizes.append(len(answer.content))

    threads = [threading.Thread(target=closed_loop, args=(n,), daemon=True) for n in share]
    for thread in threads:
        thread.start()
    go.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ms = np.asarray(latencies) * 1000
    done = len(latencies)
    p95 = float(np.percentile(ms, 95)) if done else None
    return {
        "page": spec.name,
        "path": spec.path,
        "signed_in": spec.signed_in,
        "requests": done,
        "capped": done + len(errors) < requests,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": len(errors) + sum(v for k, v in statuses.items() if k != 200),
        "transport_errors": errors[:5],
        "alone_ms": statistics.median(warm) * 1000,
        "p50_ms": float(np.percentile(ms, 50)) if done else None,
        "p95_ms": p95,
        "max_ms": float(ms.max()) if done else None,
        "requests_per_s": done / wall if wall > 0 else None,
        "bytes": int(statistics.median(sizes)) if sizes else None,
        "met": None if p95 is None else p95 <= PAGE_TARGET_MS and not errors and set(statuses) == {200},
    }


def found_link(page: str, pattern: str) -> str | None:
    """The first link on the page whose path matches `pattern`, e.g. a saved scenario's file."""
    found = re.search(rf'href="({pattern})"', page)
    return html.unescape(found.group(1)) if found else None


def pages(
    list_id: str,
    second_id: str,
    run_id: str,
    explained_id: str | None,
    *,
    scenario_file: str | None,
    measure_page: str | None,
) -> list[PageSpec]:
    """Every page a signed-in person opens (the GET routes of `api/web/pages/*.py`), on the example list
    and its runs, the sign-in page signed out, and the API's documentation; a saved scenario's file and
    a measure's page of a run when the pages link to them."""
    report_of = explained_id or run_id
    specs = [
        PageSpec("sign-in (signed out)", "/sign-in", signed_in=False),
        PageSpec("lists", "/lists"),
        PageSpec("list (example, 88 measures)", f"/lists/{list_id}"),
        PageSpec("compare versions", f"/lists/{second_id}/compare?other={list_id}"),
        PageSpec("runs", "/runs"),
        PageSpec("run (finished)", f"/runs/{run_id}"),
    ]
    if explained_id is not None:
        specs.append(PageSpec("run (finished, explained)", f"/runs/{explained_id}"))
    if measure_page is not None:
        specs.append(PageSpec("a measure of the run", measure_page))
    specs += [
        PageSpec("portfolio.csv", f"/runs/{report_of}/portfolio.csv"),
        PageSpec("portfolio.xlsx", f"/runs/{report_of}/portfolio.xlsx"),
        PageSpec("board report", f"/runs/{report_of}/report"),
    ]
    if scenario_file is not None:
        specs.append(PageSpec("saved scenario (TOML)", scenario_file))
    specs += [
        PageSpec("people", "/people"),
        PageSpec("audit trail", "/audit"),
        PageSpec("API docs", "/docs"),
        PageSpec("API reference (ReDoc)", "/redoc"),
    ]
    return specs


# --------------------------------------------------------------------------------------------
# Both, on one service


def measure(*, requests: int = REQUESTS, runs: int = RUNS) -> dict[str, Any]:
    """Start the service, sign in, watch `runs` runs shown as done (each way of polling), make an
    explained run, then load every page with `requests` requests; every figure."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request would drown the progress
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="klimatportfolj-web-") as folder, serve(Path(folder)) as service:
        log.info("web: service up at %s in %.1f s", service.base, service.startup_s)
        with closing(sign_in(service)) as browser:
            list_id, name = example_list(browser)
            second_id = store_second_version(browser, name)
            print(
                f"\nweb app: a run of the example list shown as done (target: <= {SHOWN_TARGET_S:g} s)",
                flush=True,
            )
            shown = shown_as_done(browser, service, list_id, runs=runs)
            print_shown(shown)
            log.info("web: an explained run (why-not, why-in, rule prices)")
            mark = time.perf_counter()
            explained_id = submit_run(browser, list_id, explain=True, save=True)
            explained = wait_until_done(service, explained_id)
            explained_s = time.perf_counter() - mark
            if explained["state"] != "succeeded":
                log.warning("web: the explained run %s: %s", explained["state"], explained.get("error"))
            plain_id = shown["htmx"]["runs"][-1]["run_id"]
            succeeded = explained["state"] == "succeeded"
            specs = pages(
                list_id,
                second_id,
                plain_id,
                explained_id if succeeded else None,
                scenario_file=found_link(browser.get("/runs").text, r"/scenarios/[0-9a-f-]{36}\.toml"),
                measure_page=found_link(
                    browser.get(f"/runs/{plain_id}").text, rf"/runs/{plain_id}/measures/[^\"]+"
                ),
            )
            print(
                f"\nweb app: every page, {CLIENTS} clients in closed loops, {requests} requests per page after "
                f"{WARMUP} one at a time (alone ms: their median; target: p95 <= {PAGE_TARGET_MS:g} ms)\n{PAGE_HEADER}",
                flush=True,
            )
            loaded = []
            for spec in specs:
                log.info("web: %s (%s), %d requests from %d clients", spec.name, spec.path, requests, CLIENTS)
                loaded.append(load(service, spec, browser.cookies, requests=requests))
                _print_page(loaded[-1])
    return {
        "service": {
            "command": "python -m api serve (WORKERS=1, SQLite in a temporary folder)",
            "startup_s": service.startup_s,
        },
        "list": {"id": list_id, "second_version_id": second_id, "file": "examples/kristinehamn_projects.csv"},
        "scenario": {"budget_sek": BUDGET, "priority_share_percent": PRIORITY_SHARE},
        "shown": shown,
        "explained_run": {"id": explained_id, "state": explained["state"], "seconds": explained_s},
        "load": {
            "clients": CLIENTS,
            "requests_per_page": requests,
            "warmup": WARMUP,
            "page_time_limit_s": PAGE_TIME_LIMIT_S,
        },
        "pages": loaded,
        "page_target_ms": PAGE_TARGET_MS,
        "shown_target_s": SHOWN_TARGET_S,
        "seconds": time.perf_counter() - started,
    }


PAGE_HEADER = (
    f"{'page':<27} {'path':<44} {'n':>4} {'err':>4} {'alone ms':>8} {'p50 ms':>7} {'p95 ms':>7} "
    f"{'max ms':>7} {'req/s':>6} {'KiB':>6} {'<=200':>5}"
)


def _print_page(row: dict[str, Any]) -> None:
    def num(value: float | None, spec: str) -> str:
        return "-" if value is None else format(value, spec)

    path = row["path"] if len(row["path"]) <= 44 else row["path"][:41] + "..."
    print(
        f"{row['page']:<27} {path:<44} {row['requests']:>4} {row['errors']:>4} {num(row['alone_ms'], '.1f'):>8} "
        f"{num(row['p50_ms'], '.1f'):>7} {num(row['p95_ms'], '.1f'):>7} {num(row['max_ms'], '.1f'):>7} "
        f"{num(row['requests_per_s'], '.1f'):>6} {num((row['bytes'] or 0) / 1024, '.0f'):>6} "
        f"{ {True: 'yes', False: 'NO', None: '-'}[row['met']]:>5}"
        + (" (stopped at the time limit)" if row["capped"] else ""),
        flush=True,
    )


def print_shown(shown: dict[str, Any]) -> None:
    """The second target's lines: the delay per way of polling, and what it is made of."""
    for mode, label in (("htmx", "as the page's htmx polls"), ("continuous", "polled continuously")):
        found = shown[mode]
        runs = found["runs"]
        interval = runs[0]["poll_interval_ms"] if runs else None
        print(
            f"  {label}{f' (every {interval:g} ms after each answer)' if mode == 'htmx' else ''}: "
            f"{len(runs)} runs, shown {found['median_delay_s']:.3f} s after the solver finished (median), "
            f"max {found['max_delay_s']:.3f} s; median until the look was sent {found['median_wait_s']:.3f} s, "
            f"its answer {found['median_answer_s']:.3f} s; in the worker {found['median_worker_s']:.2f} s",
            flush=True,
        )
