"""A portfolio as a table: the funded measures, one row each, as `solve --format csv` writes them and
the web app downloads them.

Text from a project list (ids, names, sectors, districts) is the uploader's: a name such as
`=HYPERLINK("http://...")` would be a formula when the file is opened in Excel or LibreOffice.
`spreadsheet_text` writes such text as text (OWASP's advice on CSV injection)."""

from __future__ import annotations

import csv
from typing import TextIO

from models import Result

__all__ = ["CSV_COLUMNS", "FORMULA_STARTS", "spreadsheet_text", "write_csv"]

CSV_COLUMNS = (
    "id",
    "name",
    "sector",
    "district",
    "fraction",
    "cost_sek",
    "municipal_cost_sek",
    "abatement_t",
    "start_year",
    "pool_sek",
    "opex_sek_per_year",
    "net_present_cost_sek",
    "lifecycle_sek_per_t",
    "payback_years",
)
"""The columns of the CSV, in this order: a public contract of `solve --format csv`."""


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell begins that a spreadsheet reads as a formula."""


def spreadsheet_text(text: str) -> str:
    """`text` as a spreadsheet shows it and never runs it: a leading `'` before a formula's start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(result: Result, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in result.selected:
        writer.writerow(
            [
                spreadsheet_text(s.id),
                spreadsheet_text(s.name),
                spreadsheet_text(s.sector),
                spreadsheet_text(s.district or ""),
                f"{s.fraction:.6g}",
                f"{s.cost_sek:.2f}",
                f"{s.municipal_cost_sek:.2f}",
                f"{s.abatement_t:.6g}",
                s.start_year,
                f"{sum(s.pool_sek.values()):.2f}",
                f"{s.opex_sek_per_year:.2f}",
                f"{s.net_present_cost_sek:.2f}",
                "" if s.lifecycle_sek_per_t is None else f"{s.lifecycle_sek_per_t:.2f}",
                "" if s.payback_years is None else f"{s.payback_years:.2f}",
            ]
        )
