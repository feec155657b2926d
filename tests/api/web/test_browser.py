"""A finance officer's first session, in Chromium against a real server and worker: the link `api serve`
printed, a password, the lists, a Swedish Excel list without ids mapped and refused at its bad cell,
corrected and stored, its versions compared, a colleague invited; in Swedish, then in English. Every
page has 0 axe-core violations (WCAG 2.1 A and AA) and nothing is fetched from another host."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from in_browser import Service, axe_violations, browser, closed_network, service, shot, web_database

__all__ = ["browser", "service", "web_database"]  # the fixtures, imported for pytest

PASSWORD = "sju kakor och en kanelbulle"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
HEADER = "Åtgärd;Kostnad (kr);Minskning ton/år;Livslängd (år);Stadsdel;Sektor;Prioriterat område\n"
ROWS = [
    "Biogasbussar linje 1;1 250 000 kr;42,5;12;Centrum;transport;nej",
    "Laddpunkter Kvarnholmen;300 000 kr;{bad};10;Kvarnholmen;transport;ja",
    "Tilläggsisolering Djäkneberget;2 400 000 kr;18;40;Djäkneberget;bygg;ja",
]


def swedish_excel_csv(folder: Path, name: str, bad: str = "x") -> Path:
    """A list as Swedish Excel saves it: `;`, Windows-1252, decimal commas, money with `kr`, no ids."""
    path = folder / name
    path.write_bytes((HEADER + "\n".join(r.format(bad=bad) for r in ROWS) + "\n").encode("cp1252"))
    return path


def assert_accessible(page: Any, what: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{what}: {violations}"


@pytest.fixture(scope="module")
def officer(service: Service, browser: Any) -> Any:
    # axe-core is injected as a script of its own, which the pages' policy would refuse; the policy is
    # checked in a context of its own (test_the_pages_keep_their_security_policy)
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.refused = []  # type: ignore[attr-defined]
    closed_network(page, service.base, page.refused)  # type: ignore[attr-defined]
    yield page
    context.close()


def test_the_printed_link_gives_a_password_and_a_signed_in_session(service: Service, officer: Any) -> None:
    page = officer
    page.goto(service.sign_in_link)
    assert page.title().startswith("Välj ditt lösenord")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_accessible(page, "invitation")
    page.get_by_label("Nytt lösenord").fill(PASSWORD)
    page.get_by_label("Samma lösenord igen").fill(PASSWORD)
    page.get_by_role("button", name="Spara lösenordet och logga in").click()
    page.wait_for_url(re.compile(r"/lists$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Åtgärdslistor"
    assert "Kristinehamn exempel" in page.inner_text("main")  # the demo list
    assert "88" in page.inner_text("main")
    assert_accessible(page, "lists")
    shot(page, "lists-sv")
    page.goto(service.sign_in_link)  # a used link is refused
    assert "har redan använts" in page.inner_text("main")


def test_a_swedish_list_is_mapped_refused_at_its_cell_and_stored_when_right(
    service: Service, officer: Any, tmp_path: Path
) -> None:
    page = officer
    page.goto(service.base + "/lists")
    page.get_by_label("Fil", exact=True).set_input_files(str(swedish_excel_csv(tmp_path, "atgarder.csv")))
    page.get_by_label("Listans namn").fill("Åtgärder 2027")
    page.get_by_role("button", name="Ladda upp och koppla kolumnerna").click()
    page.wait_for_selector("h1:has-text('Koppla kolumnerna')")
    assert page.get_by_label("Vad kolumnen Åtgärd innehåller").input_value() == "name"
    assert page.get_by_label("Vad kolumnen Kostnad (kr) innehåller").input_value() == "cost_sek"
    assert page.get_by_label("Vad kolumnen Minskning ton/år innehåller").input_value() == "abatement_t_per_year"
    assert page.get_by_label("Vad kolumnen Stadsdel innehåller").input_value() == "district"
    assert_accessible(page, "mapping")
    shot(page, "mapping-sv")
    page.get_by_role("button", name="Kontrollera och spara listan").click()  # htmx swaps the outcome in
    outcome = page.locator("#outcome h2", has_text="ingenting sparades")
    outcome.wait_for()
    assert outcome.inner_text() == "1 fel: ingenting sparades"
    assert page.evaluate("document.activeElement.id") == "outcome-title"  # focus moved to the outcome
    assert page.locator("#outcome").get_attribute("aria-live") == "polite"
    problem = page.locator("#outcome li").first.inner_text()
    assert problem == "Rad 3, kolumn Minskning ton/år: 'x' är inte ett tal"
    bad = page.locator("table.grid td.bad")
    assert bad.count() == 1 and bad.inner_text().startswith("x")
    assert_accessible(page, "mapping with problems")
    shot(page, "mapping-problem-sv")

    page.goto(service.base + "/lists")
    page.get_by_label("Fil", exact=True).set_input_files(str(swedish_excel_csv(tmp_path, "atgarder.csv", bad="7,5")))
    page.get_by_label("Listans namn").fill("Åtgärder 2027")
    page.get_by_role("button", name="Ladda upp och koppla kolumnerna").click()
    page.get_by_label("Vad kolumnen Prioriterat område innehåller").wait_for()
    page.get_by_role("button", name="Kontrollera och spara listan").click()
    page.wait_for_url(re.compile(r"/lists/[0-9a-f-]+\?stored=1$"))
    main = page.inner_text("main")
    assert "Listan är sparad med 3 åtgärder." in main
    assert "1\u00a0250\u00a0000\u00a0kr" in main and "42,5" in main  # numbers the Swedish way
    assert "P001" in main and "P003" in main  # ids were made for a list without them
    assert_accessible(page, "list")
    shot(page, "list-sv")


def test_a_second_version_shows_what_changed(service: Service, officer: Any, tmp_path: Path) -> None:
    page = officer
    page.goto(service.base + "/lists")
    page.get_by_label("Fil", exact=True).set_input_files(str(swedish_excel_csv(tmp_path, "atgarder.csv", bad="9")))
    page.get_by_label("Listans namn").fill("Åtgärder 2027")
    page.get_by_role("button", name="Ladda upp och koppla kolumnerna").click()
    page.get_by_role("button", name="Kontrollera och spara listan").click()
    page.wait_for_url(re.compile(r"\?stored=1$"))
    assert "version 2" in page.inner_text("h1")
    page.get_by_role("button", name="Visa vad som ändrats").click()
    page.wait_for_selector("text=Ändrade uppgifter")
    table = page.inner_text("table")
    assert "abatement_t_per_year" in table and "7.5" in table and "9" in table
    assert "0 tillagda, 0 borttagna, 1 ändrade, 2 oförändrade." in page.inner_text("main")
    assert_accessible(page, "compare")


def test_an_admin_invites_a_colleague_with_a_link_that_works_once(
    service: Service, officer: Any, browser: Any
) -> None:
    page = officer
    page.goto(service.base + "/people")
    page.get_by_label("E-post").fill("Kalle.Karlsson@kristinehamn.se")
    page.get_by_label("Roll").select_option("viewer")
    page.get_by_role("button", name="Skapa inbjudningslänken").click()
    link = page.locator("output.link-text")
    link.wait_for()
    assert page.evaluate("document.activeElement.className") == "notice"
    invitation = link.inner_text()
    assert invitation.startswith(service.base + "/invitation/")
    assert_accessible(page, "people")
    shot(page, "people-sv")
    colleague = browser.new_context(locale="sv-SE").new_page()
    colleague.goto(invitation)
    assert "kalle.karlsson@kristinehamn.se" in colleague.inner_text("main")
    colleague.get_by_label("Nytt lösenord").fill("kort")
    colleague.get_by_label("Samma lösenord igen").fill("kort")
    colleague.get_by_role("button", name="Spara lösenordet och logga in").click()
    assert colleague.locator("#password").evaluate("e => e.validity.tooShort")  # the browser says so first
    assert "Minst 12 tecken" in colleague.inner_text("main")  # and the hint says how long
    colleague.get_by_label("Nytt lösenord").fill(PASSWORD + " två")
    colleague.get_by_label("Samma lösenord igen").fill(PASSWORD + " två")
    colleague.get_by_role("button", name="Spara lösenordet och logga in").click()
    colleague.wait_for_url(re.compile(r"/lists$"))
    assert colleague.get_by_role("button", name="Ladda upp och koppla kolumnerna").count() == 0  # a viewer
    colleague.goto(service.base + "/people")
    assert colleague.get_by_role("heading", level=1).inner_text() == "Inte tillåtet"
    colleague.context.close()


def test_english_on_the_switch_and_signing_out_and_in_again(service: Service, officer: Any) -> None:
    page = officer
    page.goto(service.base + "/lists")
    page.get_by_role("button", name="In English").click()
    page.wait_for_selector("h1:has-text('Project lists')")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page, "lists in English")
    shot(page, "lists-en")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/sign-in$"))
    page.goto(service.base + "/lists")
    page.wait_for_url(re.compile(r"/sign-in\?next=%2Flists$"))
    page.get_by_label("E-mail").fill("admin@demo.example")
    page.get_by_label("Password").fill("wrong password!")
    page.get_by_role("button", name="Sign in").click()
    assert page.inner_text("[role=alert]") == "The e-mail or the password is wrong."
    assert_accessible(page, "sign-in with an error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/lists$"))
    page.get_by_role("button", name="På svenska").click()
    page.wait_for_selector("h1:has-text('Åtgärdslistor')")


def test_a_run_from_the_form_shows_its_progress_and_its_result(service: Service, officer: Any) -> None:
    page = officer
    page.goto(service.base + "/runs")
    page.get_by_label("Åtgärdslista").select_option(label="Kristinehamn exempel, version 1 (88 åtgärder)")
    page.get_by_label("Budget totalt (kr)").fill("trettio miljoner")
    page.get_by_role("button", name="Starta körningen", exact=True).click()
    assert "'trettio miljoner' är inte ett tal" in page.inner_text("main")
    assert page.get_by_label("Budget totalt (kr)").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "run form with an error")
    page.get_by_label("Scenariots namn").fill("Jämlik fördelning")
    page.get_by_label("Budget totalt (kr)").fill("30 000 000 kr")
    page.get_by_label("Minst den här andelen av pengarna till prioriterade områden (%)").fill("40")
    page.get_by_label("Förklara valet").check()
    page.get_by_label("Spara scenariot under sitt namn (ett sparat med samma namn ersätts)").check()
    page.get_by_role("button", name="Starta körningen", exact=True).click()
    page.wait_for_url(re.compile(r"/runs/[0-9a-f-]+$"))
    assert page.locator("#state").get_attribute("aria-live") == "polite"
    page.wait_for_selector("#state h2:has-text('Resultat')", timeout=90_000)  # htmx polls until it is done
    state = page.inner_text("#state")
    assert "Bevisat bäst" in state and "Åtgärder som får pengar" in state
    assert "minst 40 % till prioriterade områden" in state
    assert "Vad som skulle krävas för att åtgärderna som inte kom med ska komma med" in state
    assert "Vad varje budget och regel kostar i ton" in state and "Hur säkert varje vald åtgärd är med" in state
    curve = page.locator("figure.chart img").first
    assert curve.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert curve.get_attribute("alt")  # every chart says what it shows, and its figures are a table
    assert page.locator("table", has_text="Listans billigaste ton").locator("tbody tr").count() == 25
    assert_accessible(page, "run result")
    shot(page, "run-sv")
    run_path = urlparse(page.url).path
    page.run_path = run_path  # type: ignore[attr-defined]  # the next test reads this run's result
    workbook = page.request.get(service.base + run_path + "/portfolio.xlsx")
    assert workbook.ok and workbook.body()[:2] == b"PK"  # an XLSX is a zip
    table = page.request.get(service.base + run_path + "/portfolio.csv")
    assert table.ok and table.text().lstrip("\ufeff").startswith("id,name,sector,district,fraction")
    page.get_by_role("link", name="rapporten till nämnden").click()
    page.wait_for_selector("h1")
    assert page.locator("html").get_attribute("lang") == "sv" and "Jämlik fördelning" in page.title()
    page.goto(service.base + "/runs")
    saved = page.locator("table", has_text="Sparat").inner_text()
    assert "Jämlik fördelning" in saved and "TOML" in saved
    assert_accessible(page, "runs with a saved scenario")
    shot(page, "runs-sv")


def kronor(text: str) -> float:
    """`1 250 000 kr` as the number it is."""
    return float(re.sub(r"[^0-9]", "", text))


def test_the_result_sorts_filters_and_says_why_for_each_measure(service: Service, officer: Any) -> None:
    """The run of the test before: its funded measures sorted by cost and filtered to a district without
    the page reloading, and a measure left out and a funded one opened in the panel, each saying why."""
    page = officer
    page.goto(service.base + page.run_path)
    funded = page.locator("#measures table")
    costs = funded.locator("tbody tr td:nth-child(6)")
    listed = costs.all_inner_texts()
    page.locator("#sort-cost").click()
    page.wait_for_url(re.compile(r"\?sort=cost&order=asc$"))
    assert page.locator("#measures th[aria-sort=ascending]").inner_text().startswith("Kostnad")
    assert page.evaluate("document.activeElement.id") == "sort-cost"  # the focus stays on the heading
    ascending = [kronor(c) for c in costs.all_inner_texts()]
    assert ascending == sorted(kronor(c) for c in listed) and len(ascending) > 5
    page.keyboard.press("Enter")  # the heading again: the other way round
    page.wait_for_url(re.compile(r"\?sort=cost&order=desc$"))
    assert [kronor(c) for c in costs.all_inner_texts()] == sorted(ascending, reverse=True)
    assert page.locator("#measures th[aria-sort=descending]").count() == 1
    assert_accessible(page, "run result sorted")
    shot(page, "run-result-sv")

    page.get_by_label("Filtrera åtgärderna som får pengar").fill("Kroppkärr")
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_url(re.compile(r"q=Kroppk%C3%A4rr"))
    assert "order=desc" in page.url  # the filter keeps the order
    districts = funded.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert districts and set(districts) == {"Kroppkärr"}
    shown = page.locator("#measures-count")
    assert shown.get_attribute("aria-live") == "polite"
    assert shown.inner_text() == f"Åtgärder som visas: {len(districts)} av {len(listed)}."
    assert page.evaluate("document.activeElement.textContent") == "Filtrera"
    assert_accessible(page, "run result filtered")
    shot(page, "run-filtered-sv")

    left_out = page.locator("table", has_text="Vad som skulle krävas för att åtgärderna som inte kom med")
    for row in left_out.locator("tbody tr").all():  # the first one that would be in if it cost less
        cost, threshold = row.locator("td").nth(0).inner_text(), row.locator("td").nth(1).inner_text()
        if threshold.endswith("kr") and kronor(threshold) < kronor(cost):
            break
    else:
        pytest.fail("no measure left out would be funded at a lower cost")
    link = row.locator("th a")
    name = link.inner_text()
    link.click()
    panel = page.locator("#measure-panel")
    panel.locator("h2").wait_for()
    assert panel.get_attribute("aria-live") == "polite"
    assert panel.locator("h2").inner_text().startswith(name)
    assert page.evaluate("document.activeElement.id") == "measure-title"  # the focus on its heading
    assert "Kom inte med i den här körningen." in panel.inner_text()
    assert f"Den skulle få pengar om den kostade högst {threshold}" in panel.inner_text()
    assert page.url.endswith("order=desc")  # the run's page stays where it was
    assert_accessible(page, "why not in the panel")
    shot(page, "run-why-not-sv")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # its Close button, by keyboard
    assert panel.inner_text() == ""
    assert page.evaluate("document.activeElement.textContent") == name  # back on the link

    first = funded.locator("tbody tr th a").first
    funded_name, funded_href = first.inner_text(), first.get_attribute("href")
    first.click()
    panel.locator("h2", has_text=funded_name).wait_for()
    assert page.evaluate("document.activeElement.id") == "measure-title"
    assert "Hur mycket dyrare den kan bli" in panel.inner_text()
    why_in = panel.locator("h3 + p").inner_text()
    assert why_in.startswith(("Den skulle", "Den måste", "Inget urval")), why_in
    assert_accessible(page, "why in in the panel")
    shot(page, "run-why-in-sv")
    page.keyboard.press("Escape")
    assert panel.inner_text() == ""

    page.goto(service.base + funded_href)
    assert page.get_by_role("heading", level=1).inner_text().startswith(funded_name)
    assert "Hur mycket dyrare den kan bli" in page.inner_text("main")  # the same as a page of its own
    assert_accessible(page, "a measure's own page")
    shot(page, "measure-sv")
    page.get_by_role("button", name="In English").click()
    page.wait_for_selector("h2:has-text('How much dearer it could be')")
    assert_accessible(page, "a measure's own page in English")
    shot(page, "measure-en")
    page.get_by_role("link", name=re.compile("^Back to the run of")).click()
    page.wait_for_selector("#state h2:has-text('Result')")
    assert page.locator("#measures th").first.inner_text() == "Id"
    assert_accessible(page, "run result in English")
    shot(page, "run-result-en")
    page.get_by_role("button", name="På svenska").click()
    page.wait_for_selector("#state h2:has-text('Resultat')")


def test_a_run_by_a_key_is_in_the_audit_trail_with_its_input_hash(service: Service, officer: Any) -> None:
    """A machine (the demo key `api serve` printed) submits a run, the worker solves it, and the audit
    page says who, when, which list, the solver and the input's hash."""
    key = re.search(r"^kp_\S+$", service.output.read_text(), re.MULTILINE)
    assert key, service.output.read_text()
    with httpx.Client(base_url=service.base, headers={"Authorization": f"Bearer {key.group(0)}"}, timeout=60) as http:
        demo = http.get("/v1/project-lists", params={"name": "Kristinehamn exempel"}).json()["items"][0]
        run = http.post(
            "/v1/runs", params={"wait": 30}, json={"project_list_id": demo["id"], "scenario": {"budget_sek": 30e6}}
        ).json()
    assert run["state"] == "succeeded", run
    page = officer
    page.goto(service.base + "/audit")
    row = page.locator("table").first.locator("tbody tr").first.inner_text()
    assert run["input_sha256"] in row and "klar" in row and "highs" in row and key.group(0)[:10] in row
    assert "Kristinehamn exempel, version 1" in row
    uploads = page.locator("table").nth(1).inner_text()
    assert "admin@demo.example" in uploads and "Åtgärder 2027, version 2" in uploads
    assert_accessible(page, "audit")
    shot(page, "audit-sv")


def test_the_keyboard_reaches_the_content_first(service: Service, officer: Any) -> None:
    page = officer
    page.goto(service.base + "/lists")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Hoppa till innehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_pages_keep_their_security_policy(service: Service, officer: Any, browser: Any) -> None:
    """Under the pages' own Content-Security-Policy, htmx and the app's script run and nothing is refused."""
    context = browser.new_context(locale="sv-SE")
    context.add_cookies(officer.context.cookies())
    page = context.new_page()
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text) if message.type == "error" else None)
    for path in ("/lists", "/runs", "/people", "/audit", "/sign-in"):
        page.goto(service.base + path)
        assert page.evaluate("typeof window.htmx") == "object", path
    context.close()
    assert complaints == []


def test_every_page_in_both_languages_has_no_accessibility_violations(service: Service, officer: Any) -> None:
    """axe-core on every page a person reaches, signed in, in Swedish and in English (and signed out)."""
    page = officer
    page.goto(service.base + "/lists")
    list_path = page.locator("main a[href^='/lists/']").first.get_attribute("href")
    page.goto(service.base + "/runs")
    run_path = page.locator("main table a[href^='/runs/']").first.get_attribute("href")
    page.goto(service.base + run_path)
    measure_path = page.locator("#measures a[href*='/measures/']").first.get_attribute("href")
    page.goto(service.base + "/lists")
    page.get_by_label("Fil", exact=True).set_input_files(str(EXAMPLES / "kristinehamn_projects_excel_sv.csv"))
    page.get_by_label("Listans namn").fill("Kristinehamn i Excel")
    page.get_by_role("button", name="Ladda upp och koppla kolumnerna").click()
    page.wait_for_selector("h1:has-text('Koppla kolumnerna')")
    assert_accessible(page, "the mapping of the example in Swedish Excel")
    page.get_by_role("button", name="Kontrollera och spara listan").click()
    page.wait_for_url(re.compile(r"/lists/[0-9a-f-]+\?stored=1$"))
    assert "Listan är sparad med 88 åtgärder." in page.inner_text("main")
    paths = ["/lists", list_path, "/runs", run_path, measure_path, "/people", "/audit"]
    for lang, switch in (("sv", None), ("en", "In English")):
        if switch:
            page.get_by_role("button", name=switch).click()
            page.wait_for_load_state()
        for path in paths:
            page.goto(service.base + path)
            assert page.locator("html").get_attribute("lang") == lang, path
            assert_accessible(page, f"{path} ({lang})")
    page.get_by_role("button", name="På svenska").click()
    page.wait_for_load_state()


def test_nothing_came_from_another_host(officer: Any) -> None:
    assert officer.refused == []
