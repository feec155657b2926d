"""The web app's pages through the app itself: who may see what, the form token on every post, the
security headers, the errors a browser is shown, and that every message has its Swedish."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from conftest import Org, upload_list
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.accounts import accept_invitation, invite
from api.db import session_factory, transaction
from api.web.i18n import CATALOGUES, Words
from api.web.render import SESSION_COOKIE, safe_next

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "en lång mening som lösenord"
HTML = {"accept": "text/html"}


def person(engine: Engine, org: Org, role: str) -> str:
    """An account of `role` in `org`; its e-mail."""
    email = f"{role}-{org.name}@example.se"
    with transaction(session_factory(engine)) as session:
        invitation, _ = invite(session, org.id, email, role)
        accept_invitation(session, invitation, PASSWORD)
    return email


def token_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def signed_in(client: TestClient, email: str) -> TestClient:
    page = client.get("/sign-in", headers=HTML)
    answer = client.post(
        "/sign-in",
        data={"csrf_token": token_of(page.text), "email": email, "password": PASSWORD, "next": "/lists"},
        headers=HTML,
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/lists", answer.text
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # plain HTTP here
    return client


@pytest.fixture
def editor(client: TestClient, engine: Engine, org: Org) -> Iterator[TestClient]:
    yield signed_in(client, person(engine, org, "editor"))


def test_pages_need_a_signed_in_person_and_come_back_after(client: TestClient) -> None:
    for path in ("/lists", "/people", "/lists/00000000-0000-0000-0000-000000000000"):
        answer = client.get(path, headers=HTML, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/sign-in?next=" + path.replace("/", "%2F")
    assert client.get("/", follow_redirects=False).headers["location"] == "/sign-in"


def test_a_post_without_this_browsers_token_is_refused(editor: TestClient) -> None:
    for token in ("", "another-sites-token"):
        answer = editor.post("/lists/upload", data={"csrf_token": token}, headers=HTML)
        assert answer.status_code == 403
        assert "Formuläret har gått ut" in answer.text
    fresh = TestClient(editor.app)  # not signed in: the sign-in form is double-submitted
    answer = fresh.post("/sign-in", data={"csrf_token": "made-up", "email": "x@y.se", "password": "p"})
    assert answer.status_code == 403


def test_a_viewer_reads_but_does_not_upload(client: TestClient, engine: Engine, org: Org) -> None:
    viewer = signed_in(client, person(engine, org, "viewer"))
    lists = viewer.get("/lists", headers=HTML)
    assert lists.status_code == 200 and "Ladda upp en lista" not in lists.text
    answer = viewer.post("/lists/upload", data={"csrf_token": token_of(lists.text)}, headers=HTML)
    assert answer.status_code == 403 and "din roll är viewer" in answer.text
    assert viewer.get("/people", headers=HTML).status_code == 403


def test_every_page_has_the_security_headers(editor: TestClient) -> None:
    answer = editor.get("/lists", headers=HTML)
    csp = answer.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "no-store"
    assert not re.search(r"(src|href)=\"https?://", answer.text)  # nothing from another host


def test_signing_out_ends_the_session_on_the_server(editor: TestClient) -> None:
    cookie = editor.cookies.get(SESSION_COOKIE)
    lists = editor.get("/lists", headers=HTML)
    editor.post("/sign-out", data={"csrf_token": token_of(lists.text)}, headers=HTML)
    stale = TestClient(editor.app, cookies={SESSION_COOKIE: cookie or ""})
    assert stale.get("/lists", headers=HTML, follow_redirects=False).status_code == 303


def test_a_browser_gets_a_page_and_a_script_gets_json_for_an_unknown_address(client: TestClient) -> None:
    page = client.get("/no-such-page", headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Det finns ingen sida på den här adressen." in page.text
    api = client.get("/v1/no-such-thing", headers=HTML)
    assert api.headers["content-type"] == "application/problem+json"
    assert client.get("/no-such-page").headers["content-type"] == "application/problem+json"


def test_a_wrong_sign_in_says_so_in_the_language_chosen(client: TestClient) -> None:
    client.post("/language", data={"lang": "en", "next": "/sign-in"})
    page = client.get("/sign-in", headers=HTML)
    assert '<html lang="en">' in page.text
    answer = client.post(
        "/sign-in", data={"csrf_token": token_of(page.text), "email": "nobody@x.se", "password": "nothing"}
    )
    assert answer.status_code == 400 and "The e-mail or the password is wrong." in answer.text


def test_people_keys_stay_out_of_the_api_key_listing(client: TestClient, engine: Engine, org: Org) -> None:
    person(engine, org, "admin")
    keys = client.get("/v1/api-keys", headers=org.headers("admin")).json()
    assert sorted(k["role"] for k in keys) == ["admin", "editor", "viewer"]  # the org's three keys only


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/lists", "/lists"), ("/lists?x=1", "/lists?x=1"), ("//evil.example/", "/"), ("https://evil.example", "/"),
     ("/\\evil.example", "/"), (None, "/"), ("", "/")],
)
def test_after_signing_in_only_pages_of_this_site_are_next(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_every_message_has_its_swedish() -> None:
    extracted = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "api",
            method_map=[("web/templates/**.html", "jinja2"), ("**.py", "python")],
            options_map={"web/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "words": None, "WebError": (2,),
                      "error_page": (3,)},
        )
    }
    assert "Skip to the content" in extracted and "The e-mail or the password is wrong." in extracted
    with (CATALOGUES / "sv" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source)
    missing = sorted(m for m in extracted if m and not (catalogue.get(m) and catalogue.get(m).string))
    assert missing == []
    words = Words("sv")
    assert words.number(1250000.5, 1) == "1\u00a0250\u00a0000,5" and words.sek(1250000) == "1\u00a0250\u00a0000\u00a0kr"
    assert Words("en").sek(1250000) == "SEK\u00a01,250,000"


def test_a_short_password_is_refused_by_the_server_too(client: TestClient, engine: Engine, org: Org) -> None:
    with transaction(session_factory(engine)) as session:
        _, token = invite(session, org.id, f"kort-{org.name}@example.se", "viewer")
    page = client.get(f"/invitation/{token}", headers=HTML)
    answer = client.post(
        f"/invitation/{token}",
        data={"csrf_token": token_of(page.text), "password": "kort", "password_again": "kort"},
        headers=HTML,
    )
    assert answer.status_code == 400 and "Lösenordet måste ha minst 12 tecken." in answer.text
    differ = client.post(
        f"/invitation/{token}",
        data={"csrf_token": token_of(page.text), "password": PASSWORD, "password_again": PASSWORD + "!"},
        headers=HTML,
    )
    assert differ.status_code == 400 and "De två lösenorden är inte likadana." in differ.text
    assert client.get(f"/invitation/{token}", headers=HTML).status_code == 200  # still unused


def mapping_form(html: str) -> dict[str, str]:
    """The mapping page's form as a browser would post it: hidden fields and each select's choice."""
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    for index, options in re.findall(r'<select id="map-(\d+)" name="map_\d+">(.*?)</select>', html, re.DOTALL):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        form[f"map_{index}"] = chosen.group(1) if chosen else ""
    form["name"] = re.search(r'id="name" name="name"[^>]*value="([^"]*)"', html).group(1)  # type: ignore[union-attr]
    return form


def test_a_large_list_goes_through_the_mapping_step_as_a_plain_form(editor: TestClient) -> None:
    rows = "\n".join(f"Åtgärd {n};{1000 + n} kr;{n % 7 + 1},5;10;transport" for n in range(24_000))
    data = ("Namn;Investering (kr);Effekt tCO2e/år;Livslängd (år);Sektor\n" + rows + "\n").encode("utf-8")
    lists = editor.get("/lists", headers=HTML)
    mapping = editor.post(
        "/lists/upload",
        data={"csrf_token": token_of(lists.text), "name": "Stor lista"},
        files={"file": ("stor.csv", data)},
        headers=HTML,
    )
    assert mapping.status_code == 200, mapping.text
    form = mapping_form(mapping.text)
    assert len(form["content"]) > 1_048_576  # more than a form field may be by default
    assert [form[f"map_{i}"] for i in range(5)] == [
        "name", "cost_sek", "abatement_t_per_year", "lifetime_years", "sector"
    ]
    stored = editor.post("/lists/check", data=form, headers=HTML, follow_redirects=False)
    assert stored.status_code == 303, stored.text
    detail = editor.get(stored.headers["location"], headers=HTML)
    assert "Listan är sparad med 24\u00a0000 åtgärder." in detail.text and "P00001" in detail.text


def test_a_list_with_problems_is_not_stored_and_says_where(editor: TestClient) -> None:
    data = "Åtgärd;Kostnad;Minskning;Livslängd;Sektor\nBuss;100 kr;x;10;transport\nTåg;200;2;-1;transport\n"
    lists = editor.get("/lists", headers=HTML)
    mapping = editor.post(
        "/lists/upload",
        data={"csrf_token": token_of(lists.text), "name": "Med fel"},
        files={"file": ("fel.csv", data.encode("utf-8"))},
        headers=HTML,
    )
    checked = editor.post("/lists/check", data=mapping_form(mapping.text), headers=HTML)
    assert checked.status_code == 422
    problems = re.findall(r"<li>(Rad [^<]*)</li>", checked.text)
    assert problems == [
        "Rad 2, kolumn Minskning: &#39;x&#39; är inte ett tal",
        "Rad 3, kolumn Livslängd: måste vara 1 eller mer, inte -1",
    ]
    assert checked.text.count('class="bad"') == 2
    assert "Med fel" not in editor.get("/lists", headers=HTML).text  # nothing stored
    again = mapping_form(mapping.text)
    again["map_2"] = ""  # leave out the reductions: a required column is then missing
    refused = editor.post("/lists/check", data=again, headers=HTML)
    assert refused.status_code == 422 and "Ingen kolumn är kopplad till Minskning (ton CO2e per år)" in refused.text


def test_the_next_upload_remembers_the_organisations_mapping(editor: TestClient) -> None:
    data = "Benämning;Kostnad (kr);Minskning ton/år;Livslängd;Sektor;Egen\nBuss;100;1;10;transport;a\n".encode()
    lists = editor.get("/lists", headers=HTML)
    first = editor.post(
        "/lists/upload", data={"csrf_token": token_of(lists.text)}, files={"file": ("a.csv", data)}, headers=HTML
    )
    form = mapping_form(first.text)
    assert form["map_5"] == "egen"  # an unknown column stays a tag under its own name
    form["map_5"] = ""  # she leaves it out
    assert editor.post("/lists/check", data=form, headers=HTML, follow_redirects=False).status_code == 303
    second = editor.post(
        "/lists/upload", data={"csrf_token": token_of(lists.text)}, files={"file": ("b.csv", data)}, headers=HTML
    )
    assert mapping_form(second.text)["map_5"] == ""


def test_the_run_form_says_what_is_wrong_next_to_the_field_and_queues_a_good_run(
    client: TestClient, engine: Engine, org: Org
) -> None:
    editor = signed_in(client, person(engine, org, "editor"))
    listed = upload_list(client, org)
    form = editor.get("/runs", headers=HTML)
    base = {"csrf_token": token_of(form.text), "project_list_id": listed["id"], "budget_mode": "per_year",
            "objective": "lifetime", "time_limit_s": "0"}
    refused = editor.post("/runs", data={**base, "budget_2027": "tio", "sector_cap": "120"}, headers=HTML)
    assert refused.status_code == 422
    for field, message in (
        ("budget_2027", "&#39;tio&#39; är inte ett tal"),
        ("sector_cap", "Ange en andel från 0 till 100 %."),
        ("time_limit_s", "Ange ett antal sekunder över 0."),
    ):
        assert f'<p class="field-error" id="{field}-error">{message}</p>' in refused.text
        assert re.search(rf'id="{field}" name="{field}"[^>]*aria-invalid="true"', refused.text), field
    assert 'value="tio"' in refused.text  # what she typed comes back
    queued = editor.post(
        "/runs", data={**base, "budget_2026": "1 000 000 kr", "budget_2027": "500 000", "time_limit_s": "30"},
        headers=HTML,
        follow_redirects=False,
    )
    assert queued.status_code == 303, re.findall(r"<li>(.*?)</li>|field-error[^>]*>(.*?)<", queued.text)
    run = client.get(f"/v1/runs/{queued.headers['location'].rsplit('/', 1)[1]}", headers=org.headers()).json()
    assert run["state"] == "queued" and run["scenario"]["budget_sek"] == {"2026": 1000000.0, "2027": 500000.0}
    assert run["scenario"]["time_limit_s"] == 30
    waiting = editor.get(queued.headers["location"], headers=HTML)
    assert 'hx-trigger="every 250ms"' in waiting.text and "Körningen väntar" in waiting.text


def test_another_organisations_run_is_not_found(client: TestClient, engine: Engine, org: Org, other_org: Org) -> None:
    listed = upload_list(client, other_org)
    run = client.post(
        "/v1/runs", json={"project_list_id": listed["id"], "scenario": {"budget_sek": 100}},
        headers=other_org.headers("editor"),
    ).json()
    viewer = signed_in(client, person(engine, org, "viewer"))
    assert viewer.get(f"/runs/{run['id']}", headers=HTML).status_code == 404
    assert viewer.get(f"/lists/{listed['id']}", headers=HTML).status_code == 404


def test_a_scenario_is_saved_by_name_exported_and_run_again(client: TestClient, engine: Engine, org: Org) -> None:
    editor = signed_in(client, person(engine, org, "editor"))
    listed = upload_list(client, org)
    token = token_of(editor.get("/runs", headers=HTML).text)
    base = {"csrf_token": token, "project_list_id": listed["id"], "budget_mode": "total", "objective": "annual",
            "budget_total": "300", "sector_cap": "60", "save": "on"}
    unnamed = editor.post("/runs", data=base, headers=HTML)
    assert unnamed.status_code == 422 and "Ge scenariot ett namn att sparas under." in unnamed.text
    first = editor.post("/runs", data={**base, "name": "Grön 2027"}, headers=HTML, follow_redirects=False)
    assert first.status_code == 303
    again = editor.post("/runs", data={**base, "name": "Grön 2027", "budget_total": "250"}, headers=HTML,
                        follow_redirects=False)
    assert again.status_code == 303  # saved again under the same name: replaced
    page = editor.get("/runs", headers=HTML).text
    ids = re.findall(r'href="/scenarios/([0-9a-f-]+)\.toml"', page)
    assert len(ids) == 1 and page.count(">Grön 2027</th>") == 1
    toml = editor.get(f"/scenarios/{ids[0]}.toml", headers=HTML)
    assert toml.headers["content-disposition"] == (
        "attachment; filename=\"Gr_n_2027.toml\"; filename*=UTF-8''Gr%C3%B6n_2027.toml"
    )
    import tomllib

    from optimizer.io.readers import read_scenario

    exported = read_scenario(tomllib.loads(toml.text))
    assert exported.budget_sek == 250 and exported.objective == "annual" and exported.name == "Grön 2027"
    assert exported.constraints[0].max_share == 0.6 and exported.constraints[0].for_each == "sector"
    assert read_scenario(editor.get(f"/scenarios/{ids[0]}.json").json()) == exported
    run = editor.post(
        f"/scenarios/{ids[0]}/run", data={"csrf_token": token, "project_list_id": listed["id"]}, headers=HTML,
        follow_redirects=False,
    )
    assert run.status_code == 303
    stored = client.get(f"/v1/runs/{run.headers['location'].rsplit('/', 1)[1]}", headers=org.headers()).json()
    assert stored["scenario"]["name"] == "Grön 2027" and stored["scenario"]["budget_sek"] == 250
    viewer = signed_in(TestClient(client.app), person(engine, org, "viewer"))
    assert viewer.get(f"/scenarios/{ids[0]}.toml", headers=HTML).status_code == 200
    own_token = token_of(viewer.get("/runs", headers=HTML).text)
    refused = viewer.post(f"/scenarios/{ids[0]}/run", data={"csrf_token": own_token}, headers=HTML)
    assert refused.status_code == 403 and "din roll är viewer" in refused.text
