"""The path from a spreadsheet to a portfolio as people without a mouse or without JavaScript take it,
in Chromium against a real server and worker.

Without JavaScript: choose a password, upload a Swedish Excel list without ids, map it, store it,
fill in the scenario form, run, reload until the result is there, and download it; plain HTML forms
carry it all, htmx only makes it quicker. With the keyboard alone: the scenario form's closed parts
open with Enter, its fields are reached with Tab, Enter in a field starts the run, and the run has
what was typed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from in_browser import Service, browser, closed_network, service, shot, web_database
from test_browser import PASSWORD, assert_accessible, swedish_excel_csv

__all__ = ["browser", "service", "web_database"]  # the fixtures, imported for pytest

RESULT_WAIT_S = 90


@pytest.fixture(scope="module")
def plain(service: Service, browser: Any) -> Any:
    context = browser.new_context(locale="sv-SE", java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.refused = []  # type: ignore[attr-defined]
    closed_network(page, service.base, page.refused)  # type: ignore[attr-defined]
    yield page
    context.close()


def test_from_a_swedish_spreadsheet_to_a_proven_portfolio_without_javascript(
    service: Service, plain: Any, tmp_path: Path
) -> None:
    page = plain
    page.goto(service.sign_in_link)
    page.get_by_label("Nytt lösenord").fill(PASSWORD)
    page.get_by_label("Samma lösenord igen").fill(PASSWORD)
    page.get_by_role("button", name="Spara lösenordet och logga in").click()
    page.wait_for_url(re.compile(r"/lists$"))

    page.get_by_label("Fil", exact=True).set_input_files(str(swedish_excel_csv(tmp_path, "atgarder.csv", bad="7,5")))
    page.get_by_label("Listans namn").fill("Åtgärder utan skript")
    page.get_by_role("button", name="Ladda upp och koppla kolumnerna").click()
    page.wait_for_selector("h1:has-text('Koppla kolumnerna')")
    assert page.get_by_label("Vad kolumnen Kostnad (kr) innehåller").input_value() == "cost_sek"
    page.get_by_role("button", name="Kontrollera och spara listan").click()  # a plain post: the whole page comes back
    page.wait_for_url(re.compile(r"/lists/[0-9a-f-]+\?stored=1$"))
    assert "Listan är sparad med 3 åtgärder." in page.inner_text("main")

    page.goto(service.base + "/runs")
    page.get_by_label("Åtgärdslista").select_option(label="Åtgärder utan skript, version 1 (3 åtgärder)")
    page.get_by_label("Scenariots namn").fill("Utan skript")
    page.get_by_label("Budget totalt (kr)").fill("3 000 000 kr")
    page.get_by_label("Minst den här andelen av pengarna till prioriterade områden (%)").fill("40")
    page.get_by_role("button", name="Starta körningen", exact=True).click()
    page.wait_for_url(re.compile(r"/runs/[0-9a-f-]+$"))
    for _ in range(RESULT_WAIT_S * 2):
        if page.locator("#state h2", has_text="Resultat").count():
            break
        reload = page.get_by_role("link", name="Ladda om sidan för att se om den är klar")
        assert reload.count() == 1  # the page says how to see the result without its script
        page.wait_for_timeout(500)
        reload.click()
    state = page.inner_text("#state")
    assert "Bevisat bäst" in state, state
    assert "minst 40 % till prioriterade områden" in state
    shot(page, "run-without-javascript-sv")
    csv_link = page.get_by_role("link", name="åtgärderna som får pengar (CSV)")
    table = page.request.get(service.base + csv_link.get_attribute("href"))
    assert table.ok and "Tilläggsisolering Djäkneberget" in table.text()
    assert page.refused == []


def test_the_scenario_form_works_with_the_keyboard_alone(service: Service, browser: Any) -> None:
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(service.base + "/sign-in")
    page.get_by_label("E-post").focus()
    page.keyboard.type("admin@demo.example")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/lists$"))
    page.goto(service.base + "/runs")

    def focused() -> str:
        return str(page.evaluate("document.activeElement.id || document.activeElement.tagName"))

    page.get_by_label("Scenariots namn").focus()
    page.keyboard.type("Med Klimatklivet")
    page.get_by_label("Budget totalt (kr)").focus()
    page.keyboard.type("30 000 000")
    pools = page.locator("summary", has_text="Extern finansiering")
    pools.focus()
    page.keyboard.press("Enter")  # a closed part of the form opens from the keyboard
    assert pools.locator("xpath=..").get_attribute("open") is not None
    page.keyboard.press("Tab")
    assert focused() == "pool_1_name"
    page.keyboard.type("Klimatklivet")
    page.keyboard.press("Tab")
    assert focused() == "pool_1_capacity"
    page.keyboard.type("5 000 000")
    for expected, typed in (("pool_1_where_column", "sector"), ("pool_1_where_values", "transport, energy"),
                            ("pool_1_max_share", "45")):
        page.keyboard.press("Tab")
        assert focused() == expected
        page.keyboard.type(typed)
    assert_accessible(page, "the scenario form with a part open")
    shot(page, "runs-form-pools-sv")
    page.keyboard.press("Enter")  # Enter in a field starts the run (the first button of the form)
    page.wait_for_url(re.compile(r"/runs/[0-9a-f-]+$"))
    run_id = page.url.rsplit("/", 1)[1]
    key = re.search(r"^kp_\S+$", service.output.read_text(), re.MULTILINE)
    assert key
    run = httpx.get(
        f"{service.base}/v1/runs/{run_id}", headers={"Authorization": f"Bearer {key.group(0)}"}, timeout=30
    ).json()
    assert run["scenario"]["funding"] == [
        {"name": "Klimatklivet", "capacity_sek": 5e6, "where": {"sector": ["transport", "energy"]}, "max_share": 0.45}
    ]
    context.close()
