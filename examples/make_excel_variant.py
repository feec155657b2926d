"""Write the spreadsheet variants of `kristinehamn_projects.csv`.

The plain CSV (UTF-8, comma separator, decimal point) is the source of truth. This script writes
the same data twice more, the way Swedish users actually hand files over:

* `kristinehamn_projects_excel_sv.csv` - as Excel with Swedish regional settings saves
  "CSV (semikolonavgränsad)": `;` separator, decimal comma, Windows-1252 encoding (å/ä/ö are
  single bytes), CRLF line endings, booleans as `SANT`/`FALSKT`.
* `kristinehamn_projects.xlsx` - one sheet, numbers as numeric cells, booleans as boolean cells,
  empty cells left empty.

Run from anywhere:  .venv/bin/python examples/make_excel_variant.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "kristinehamn_projects.csv"
EXCEL_CSV = HERE / "kristinehamn_projects_excel_sv.csv"
XLSX = HERE / "kristinehamn_projects.xlsx"

#: Columns holding numbers; every other column is text (booleans are handled separately).
NUMERIC_PREFIXES = (
    "abatement_low",
    "abatement_high",
    "cost_low",
    "cost_high",
    "cost_sek",
    "grant_sek",
    "abatement_t_per_year",
    "lifetime_years",
    "opex_sek_per_year",
    "year",
    "earliest_start",
    "latest_start",
    "health",
)
BOOLEAN_COLUMNS = ("mandatory", "divisible")
SWEDISH_BOOLEANS = {"true": "SANT", "false": "FALSKT"}


def is_numeric(column: str) -> bool:
    return column.startswith(NUMERIC_PREFIXES)


def read_source() -> tuple[list[str], list[dict[str, str]]]:
    with SOURCE.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def swedish_cell(column: str, text: str) -> str:
    if text == "":
        return ""
    if column in BOOLEAN_COLUMNS:
        return SWEDISH_BOOLEANS[text.lower()]
    if is_numeric(column):
        return text.replace(".", ",")
    return text


def xlsx_cell(column: str, text: str) -> object:
    if text == "":
        return None
    if column in BOOLEAN_COLUMNS:
        return text.lower() == "true"
    if is_numeric(column):
        return number(text)
    return text


def write_excel_csv(columns: list[str], rows: list[dict[str, str]]) -> None:
    # errors="strict": fail loudly if a name has a character Windows-1252 cannot hold.
    with EXCEL_CSV.open("w", encoding="cp1252", errors="strict", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([swedish_cell(c, row[c]) for c in columns])


def write_xlsx(columns: list[str], rows: list[dict[str, str]]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "projekt"
    ws.append(columns)
    for row in rows:
        ws.append([xlsx_cell(c, row[c]) for c in columns])
    ws.freeze_panes = "B2"
    ws.column_dimensions["B"].width = 60
    wb.save(XLSX)


def main() -> None:
    columns, rows = read_source()
    write_excel_csv(columns, rows)
    write_xlsx(columns, rows)
    print(f"{len(rows)} projects -> {EXCEL_CSV.name}, {XLSX.name}")


if __name__ == "__main__":
    main()
