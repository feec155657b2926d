"""The portfolio's table as a spreadsheet opens it: an uploader's text never becomes a formula."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from models import ProjectList, Scenario
from optimizer import solve
from optimizer.io.readers import read_projects
from optimizer.reporting.tables import CSV_COLUMNS, FORMULA_STARTS, spreadsheet_text, write_csv


@given(st.text())
def test_text_is_written_as_text_and_read_back_the_same(text: str) -> None:
    written = spreadsheet_text(text)
    assert not written.startswith(FORMULA_STARTS)
    assert written == text or written == "'" + text


def test_a_formula_in_a_name_or_a_district_is_neutralised_in_the_csv() -> None:
    projects: ProjectList = read_projects(
        [
            {"id": "A", "name": '=HYPERLINK("http://evil.example","klicka")', "sector": "transport",
             "district": "@SUM(1+1)", "cost_sek": 100, "abatement_t_per_year": 5, "lifetime_years": 10},
            {"id": "B", "name": "<script>alert(1)</script>", "sector": "+energi", "cost_sek": 50,
             "abatement_t_per_year": 2, "lifetime_years": 10},
        ]
    )
    result = solve(projects, Scenario(budget_sek=1000))
    out = io.StringIO()
    write_csv(result, out)
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}
    assert list(rows["A"]) == list(CSV_COLUMNS)
    assert rows["A"]["name"] == '\'=HYPERLINK("http://evil.example","klicka")' and rows["A"]["district"] == "'@SUM(1+1)"
    assert rows["B"]["name"] == "<script>alert(1)</script>" and rows["B"]["sector"] == "'+energi"
    assert rows["B"]["cost_sek"] == "50.00"  # numbers are numbers
