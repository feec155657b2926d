"""Reading project lists and scenarios: real files as Swedish municipalities write them, and every message."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rows import REPO

from models import ProjectList, Scenario
from optimizer.io.problems import InputError, Problem
from optimizer.io.readers import (
    normalise_header,
    parse_numbers,
    read_projects,
    read_projects_bytes,
    read_scenario,
)

HEADER = "id;name;sector;cost_sek;abatement_t_per_year;lifetime_years"
YES_NO_HINT = "(use true/false, yes/no, ja/nej, sant/falskt, 1/0 or x; empty means no)"


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def csv_file(tmp_path: Path, *lines: str, encoding: str = "utf-8", name: str = "projects.csv") -> Path:
    return write(tmp_path, name, "\r\n".join(lines) + "\r\n", encoding)


def problems_of(source: object, **kwargs: object) -> list[tuple[int | None, str | None, str]]:
    """(row, column, message) of every problem read_projects reports."""
    with pytest.raises(InputError) as caught:
        read_projects(source, **kwargs)  # type: ignore[arg-type]
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def the_problem(source: object) -> tuple[int | None, str | None, str]:
    found = problems_of(source)
    assert len(found) == 1, found
    return found[0]


def project(**cells: object) -> dict[str, object]:
    """One valid project as a dict; cells override or add."""
    row: dict[str, object] = {
        "id": "P1",
        "name": "Solar",
        "sector": "energy",
        "cost_sek": 1000,
        "abatement_t_per_year": 2,
        "lifetime_years": 20,
    }
    row.update(cells)
    return row


def xlsx_file(tmp_path: Path, sheets: dict[str, list[list[object]]], name: str = "projects.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
    path = tmp_path / name
    workbook.save(path)
    return path


def number(text: str, *, decimal_comma: bool = True) -> float:
    parsed = parse_numbers(pd.Series([text], dtype=object), decimal_comma=decimal_comma)
    assert not parsed.bad, parsed.bad
    return float(parsed.values[0])


def number_error(text: str, *, decimal_comma: bool = True) -> str:
    parsed = parse_numbers(pd.Series([text], dtype=object), decimal_comma=decimal_comma)
    return parsed.bad[0]


# ----------------------------------------------------------------------------------------------
# Swedish Excel CSV, end to end
# ----------------------------------------------------------------------------------------------

SWEDISH_CSV = [
    (
        "Id;Namn är taggen;Name;Sector;District;Cost SEK;Year;Grant SEK;Abatement t per year;Lifetime years;"
        "Requires;Exclusive group;Mandatory;Divisible"
    ),
    "P1;Skola;Solceller på Åkerskolan;energi;Norr;1 234 567,5;2026;0;12,5;25;;;SANT;FALSKT",
    "P2;;Cykelväg Öster;transport;;500000;;100 000;3;30;P1;väg;ja;nej",
    ";;;;;;;;;;;;;",
    'P3;Gata;Laddstolpar vid Ängen;transport;Syd;2,5E+05;2027;;0;1;"P1; P2";väg;x;',
]


def test_swedish_excel_csv_in_windows_1252(tmp_path: Path) -> None:
    path = csv_file(tmp_path, *SWEDISH_CSV, encoding="cp1252")
    projects = read_projects(path)

    assert isinstance(projects, ProjectList)
    assert projects.source == "projects.csv"
    table = projects.table
    assert list(table.columns) == [
        "row",
        "id",
        "name",
        "sector",
        "district",
        "grant_sek",
        "abatement_t_per_year",
        "lifetime_years",
        "opex_sek_per_year",
        "requires",
        "exclusive_group",
        "mandatory",
        "divisible",
        "earliest_start",
        "latest_start",
        "abatement_low_t_per_year",
        "abatement_high_t_per_year",
        "cost_low_sek",
        "cost_high_sek",
    ]
    assert isinstance(table.index, pd.RangeIndex)
    assert table["row"].tolist() == [2, 3, 5]  # the empty row 4 is skipped but keeps its number
    assert table["id"].tolist() == ["P1", "P2", "P3"]
    assert table["name"].tolist() == ["Solceller på Åkerskolan", "Cykelväg Öster", "Laddstolpar vid Ängen"]
    assert table["district"].tolist() == ["Norr", None, "Syd"]
    assert table["grant_sek"].tolist() == [0.0, 100_000.0, 0.0]
    assert table["abatement_t_per_year"].tolist() == [12.5, 3.0, 0.0]
    assert table["lifetime_years"].tolist() == [25.0, 30.0, 1.0]
    assert table["requires"].tolist() == [(), ("P1",), ("P1", "P2")]
    assert table["exclusive_group"].tolist() == [None, "väg", "väg"]
    assert table["mandatory"].tolist() == [True, True, True]
    assert table["divisible"].tolist() == [False, False, False]
    for column in ("id", "name", "sector", "district", "requires", "exclusive_group"):
        assert table[column].dtype == object, column
    assert table["mandatory"].dtype == bool

    assert projects.scheduled_cost.columns.tolist() == [2026, 2027]
    assert projects.scheduled_cost.to_numpy().tolist() == [[1_234_567.5, 0.0], [0.0, 0.0], [0.0, 250_000.0]]
    assert projects.unscheduled_cost.tolist() == [0.0, 500_000.0, 0.0]
    assert projects.unscheduled_cost.dtype == float
    assert projects.tags.columns.tolist() == ["namn_är_taggen"]
    assert projects.tags["namn_är_taggen"].tolist() == ["Skola", None, "Gata"]
    assert projects.tags["namn_är_taggen"].dtype == object
    assert projects.cost_from_profile.tolist() == [False, False, False]


def test_utf8_with_bom_and_commas(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "\ufeffid,name,sector,cost_sek,abatement_t_per_year,lifetime_years,mandatory",
        'B1,"Bergvärme, Åsen",energi,12000.5,1.5,20,true',
        encoding="utf-8",
    )
    projects = read_projects(path)
    assert projects.table["id"].tolist() == ["B1"]  # the BOM did not end up in the header
    assert projects.table["name"].tolist() == ["Bergvärme, Åsen"]
    assert projects.unscheduled_cost.tolist() == [12000.5]
    assert projects.table["mandatory"].tolist() == [True]


def test_plain_utf8_without_bom(tmp_path: Path) -> None:
    path = csv_file(tmp_path, HEADER, "P1;Värmepump i Älvsby;energi;1000;1;10")
    assert read_projects(path).table["name"].tolist() == ["Värmepump i Älvsby"]


def test_tab_separated_utf16_as_excel_unicode_text(tmp_path: Path) -> None:
    text = "\r\n".join([HEADER.replace(";", "\t"), "P1\tÖverby\tenergi\t1 000,5\t1\t10"]) + "\r\n"
    path = write(tmp_path, "projects.csv", text.encode("utf-16"))
    projects = read_projects(path)
    assert projects.table["name"].tolist() == ["Överby"]
    assert projects.unscheduled_cost.tolist() == [1000.5]


def test_excel_separator_line_is_not_a_row(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "sep=;", HEADER, "P1;A;energi;1000;1;10", "P2;B;energi;x;1;10")
    assert problems_of(path) == [(3, "cost_sek", "'x' is not a number")]


def test_the_documented_message_form(tmp_path: Path) -> None:
    rows = [f"P{i};Project {i};energy;1000;1;10" for i in range(2, 14)]
    path = csv_file(tmp_path, HEADER, *rows, "P14;Project 14;energy;12 000 EUR;1;10")
    with pytest.raises(InputError) as caught:
        read_projects(path)
    (problem,) = caught.value.problems
    assert str(problem) == "row 14, column cost_sek: '12 000 EUR' is not a number"
    assert problem == Problem("'12 000 EUR' is not a number", row=14, column="cost_sek", source="projects.csv")
    assert caught.value.source == "projects.csv"


def test_every_problem_is_reported_at_once_in_row_order(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        HEADER + ";mandatory",
        "P1;;energy;-5;1;10;",
        "P1;Two;energy;1000;−3;0,5;kanske",
        "P3;Three;;12,5,0;1;10;ja",
    )
    assert problems_of(path) == [
        (2, "name", "a value is required"),
        (2, "cost_sek", "must be more than 0, not -5"),
        (3, "id", "'P1' is used again (first at row 2)"),
        (3, "abatement_t_per_year", "must be 0 or more, not -3"),
        (3, "lifetime_years", "must be 1 or more, not 0.5"),
        (3, "mandatory", f"'kanske' is not a yes/no value {YES_NO_HINT}"),
        (4, "sector", "a value is required"),
        (4, "cost_sek", "'12,5,0' is not a number"),
    ]


def test_rows_are_spreadsheet_rows_even_with_line_breaks_in_cells(tmp_path: Path) -> None:
    path = csv_file(tmp_path, HEADER, 'P1;"Rad ett\nrad två";energy;1000;1;10', "P2;B;energy;1000;1;noll")
    assert problems_of(path) == [(3, "lifetime_years", "'noll' is not a number")]


def test_a_ragged_file_reads_the_same_as_a_tidy_one(tmp_path: Path) -> None:
    """Rows with extra empty cells make pandas give up; the csv module reads them the same way."""
    tidy = read_projects(csv_file(tmp_path, HEADER, "P1;A;energi;1 000,5;1;10", "P2;B;energi;2;1;10"))
    ragged = read_projects(csv_file(tmp_path, HEADER, "P1;A;energi;1 000,5;1;10", "P2;B;energi;2;1;10;;"))
    pd.testing.assert_frame_equal(ragged.table, tidy.table)
    assert ragged.unscheduled_cost.tolist() == tidy.unscheduled_cost.tolist() == [1000.5, 2.0]


def test_nothing_is_returned_when_one_cell_is_wrong(tmp_path: Path) -> None:
    good = [f"P{i};Project {i};energy;1000;1;10" for i in range(50)]
    path = csv_file(tmp_path, HEADER, *good, "P99;Bad;energy;1000;1;tio")
    with pytest.raises(InputError) as caught:
        read_projects(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(52, "lifetime_years")]
    assert "1 problem in the input" in str(caught.value)


# ----------------------------------------------------------------------------------------------
# Numbers
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12000", 12000.0),
        ("12000.5", 12000.5),
        ("12000,5", 12000.5),
        ("12 000", 12000.0),
        ("1 234 567,5", 1234567.5),
        ("1\u00a0234\u00a0567,5", 1234567.5),
        ("1\u202f234", 1234.0),
        ("-12", -12.0),
        ("\u221212,5", -12.5),
        ("1e6", 1e6),
        ("1,5E+06", 1.5e6),
        ("2.5e-3", 0.0025),
        ("0,5", 0.5),
        (",5", 0.5),
        ("007", 7.0),
    ],
)
def test_numbers_as_swedish_spreadsheets_write_them(text: str, value: float) -> None:
    assert number(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "12 000 EUR",
        "12 00",
        "1 2345",
        "1.234,5",
        "1,234.5",
        "12,",
        "12.",
        "--5",
        "+5",
        "5-",
        "e6",
        "1e",
        "",
        "abc",
        "nan",
        "NaN",
        "inf",
        "-Infinity",
        "12%",
        "1 000 000,5,5",
        "١٢",
    ],
)
def test_not_numbers(text: str) -> None:
    assert number_error(text) == f"'{text}' is not a number"


def test_a_comma_in_a_comma_separated_file_is_not_a_decimal_comma(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        HEADER.replace(";", ","),
        'P1,A,energy,"12,5",1,10',
        'P2,B,energy,1000,"1 000,5",10',
        'P3,C,energy,"1,234.5",1,10',
        'P4,D,energy,"12,5 kr",1,10',
    )
    hint = (
        "the file is separated by commas, so numbers cannot contain ',' "
        "(separate the columns with ';' or write a decimal point)"
    )
    assert problems_of(path) == [
        (2, "cost_sek", f"'12,5' is not a number: {hint}"),
        (3, "abatement_t_per_year", f"'1 000,5' is not a number: {hint}"),
        (4, "cost_sek", f"'1,234.5' is not a number: {hint}"),
        (5, "cost_sek", "'12,5 kr' is not a number"),
    ]


def test_thousands_grouping_is_fine_in_a_comma_separated_file(tmp_path: Path) -> None:
    path = csv_file(tmp_path, HEADER.replace(";", ","), "P1,A,energy,12 000.5,1,10")
    assert read_projects(path).unscheduled_cost.tolist() == [12000.5]


def test_overflowing_and_non_finite_numbers(tmp_path: Path) -> None:
    path = csv_file(tmp_path, HEADER, "P1;A;energy;1e999;1;10")
    assert the_problem(path) == (2, "cost_sek", "'1e999' is not a finite number")
    assert problems_of([project(cost_sek=float("inf"))]) == [(1, "cost_sek", "'inf' is not a finite number")]


def swedish(value: float, grouping: str, minus: str) -> str:
    """A float as Swedish Excel shows it: grouped thousands, decimal comma, maybe an exponent."""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    integer, _, fraction = mantissa.partition(".")
    groups = []
    while len(integer) > 3:
        integer, tail = integer[:-3], integer[-3:]
        groups.insert(0, tail)
    text = grouping.join([integer, *groups])
    if fraction:
        text += "," + fraction
    if exponent:
        text += "E" + exponent
    return (minus if np.signbit(value) else "") + text


@given(
    value=st.floats(allow_nan=False, allow_infinity=False),
    grouping=st.sampled_from([" ", "\u00a0", "\u202f", ""]),
    minus=st.sampled_from(["-", "\u2212"]),
)
def test_any_float_written_swedish_style_reads_back_exactly(value: float, grouping: str, minus: str) -> None:
    assert number(swedish(value, grouping, minus)) == value


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.floats(min_value=0, max_value=1e12, allow_nan=False), min_size=1, max_size=5))
def test_swedish_floats_round_trip_through_a_cp1252_file(tmp_path: Path, values: list[float]) -> None:
    rows = [f"P{i};Å{i};energi;1;{swedish(v, ' ', '-')};10" for i, v in enumerate(values)]
    path = csv_file(tmp_path, HEADER, *rows, encoding="cp1252")
    assert read_projects(path).table["abatement_t_per_year"].tolist() == values


# ----------------------------------------------------------------------------------------------
# Headers and columns
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("  Cost SEK ", "cost_sek"),
        ("\ufeffId", "id"),
        ("Abatement-t-per year", "abatement_t_per_year"),
        ("LIFETIME_YEARS", "lifetime_years"),
        ("Exclusive - Group", "exclusive_group"),
        ("Förvaltning", "förvaltning"),
    ],
)
def test_header_normalisation(header: str, name: str) -> None:
    assert normalise_header(header) == name


def test_shuffled_and_respelled_headers_read_the_same(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "Lifetime Years;COST-SEK;Sector;Name;Abatement t per year;ID", "10;1000;energy;A;1;P1"
    )
    expected = read_projects([project(name="A", abatement_t_per_year=1, lifetime_years=10)])
    pd.testing.assert_frame_equal(read_projects(path).table, expected.table.assign(row=[2]))


def test_two_headers_with_the_same_meaning(tmp_path: Path) -> None:
    path = csv_file(tmp_path, HEADER + ";Cost SEK;Cost-sek", "P1;A;energy;1000;1;10;5;6")
    message = "appears more than once in the header: 'cost_sek', 'Cost SEK', 'Cost-sek'"
    assert the_problem(path) == (None, "cost_sek", message)


def test_one_problem_per_missing_required_column(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "id;sector;cost_sek;abatment_t_per_year", "P1;energy;1000;1")
    assert problems_of(path) == [
        (None, "name", "this required column is missing"),
        (
            None,
            "abatement_t_per_year",
            "this required column is missing (is 'abatment_t_per_year' meant to be it?)",
        ),
        (None, "lifetime_years", "this required column is missing"),
    ]


def test_no_cost_column_at_all(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "id;name;sector;abatement_t_per_year;lifetime_years", "P1;A;energy;1;10")
    message = (
        "no cost column: add cost_sek (with year when known) or one cost_sek_YYYY column per year, "
        "e.g. cost_sek_2026"
    )
    assert the_problem(path) == (None, None, message)


def test_a_misnamed_yearly_cost_column(tmp_path: Path) -> None:
    path = csv_file(tmp_path, HEADER + ";cost_sek_total;cost_sek_1850", "P1;A;energy;1000;1;10;1000;")
    message = (
        "not a yearly cost column: name it cost_sek_ followed by a year from 1900 to 2200, e.g. cost_sek_2026"
    )
    assert problems_of(path) == [(None, "cost_sek_total", message), (None, "cost_sek_1850", message)]


def test_a_column_with_values_but_no_header(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "id;;name;sector;cost_sek;abatement_t_per_year;lifetime_years;",
        "P1;oops;A;energy;1000;1;10;",
        "P2;;B;energy;1000;1;10;",
    )
    assert the_problem(path) == (None, None, "column 2 has values but no name in the header")


def test_an_empty_unnamed_column_is_ignored(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "id;;name;sector;cost_sek;abatement_t_per_year;lifetime_years", "P1;;A;energy;1000;1;10"
    )
    assert read_projects(path).tags.columns.tolist() == []


def test_a_row_longer_than_the_header(tmp_path: Path) -> None:
    path = csv_file(tmp_path, HEADER, "P1;A;energy;1000;1;10;;", "P2;B;energy;1000;1;10;extra")
    assert the_problem(path) == (3, None, "has 7 cells but the header names only 6 columns")


def test_a_short_row_is_padded_with_empty_cells(tmp_path: Path) -> None:
    path = csv_file(tmp_path, HEADER + ";district", "P1;A;energy;1000;1;10")
    assert read_projects(path).table["district"].tolist() == [None]


def test_other_columns_are_kept_as_text_tags(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, HEADER + ";Priority Area;Note", "P1;A;energy;1000;1;10; ja ;", "P2;B;energy;1000;1;10;;12,5"
    )
    tags = read_projects(path).tags
    assert tags.columns.tolist() == ["priority_area", "note"]
    assert tags.to_dict("list") == {"priority_area": ["ja", None], "note": [None, "12,5"]}
    assert (tags.dtypes == object).all()
    assert isinstance(tags.index, pd.RangeIndex)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(10)))
def test_column_order_does_not_matter(tmp_path: Path, order: list[int]) -> None:
    header = [
        "id",
        "name",
        "sector",
        "district",
        "cost_sek",
        "year",
        "grant_sek",
        "abatement_t_per_year",
        "lifetime_years",
        "tag",
    ]
    rows = [
        ["P1", "Åby", "energi", "Norr", "1 000,5", "2026", "10", "2,5", "10", "a"],
        ["P2", "Öby", "energi", "", "2000", "", "", "3", "20", ""],
    ]

    def read(columns: list[int]) -> ProjectList:
        lines = [";".join(header[c] for c in columns), *(";".join(r[c] for c in columns) for r in rows)]
        return read_projects(csv_file(tmp_path, *lines, encoding="cp1252"))

    expected, shuffled = read(list(range(10))), read(order)
    pd.testing.assert_frame_equal(shuffled.table, expected.table)
    pd.testing.assert_frame_equal(shuffled.scheduled_cost, expected.scheduled_cost)
    pd.testing.assert_frame_equal(shuffled.tags, expected.tags)
    assert shuffled.unscheduled_cost.tolist() == expected.unscheduled_cost.tolist()


# ----------------------------------------------------------------------------------------------
# Required cells, ids and booleans
# ----------------------------------------------------------------------------------------------


def test_missing_required_cells() -> None:
    row = project(id=" ", name=None, sector="", abatement_t_per_year=None, lifetime_years="")
    assert problems_of([row]) == [
        (1, "id", "a value is required"),
        (1, "name", "a value is required"),
        (1, "sector", "a value is required"),
        (1, "abatement_t_per_year", "a value is required"),
        (1, "lifetime_years", "a value is required"),
    ]


def test_duplicate_ids_name_the_first_row(tmp_path: Path) -> None:
    lines = [f"P{i};N;energy;1000;1;10" for i in range(10, 13)]
    path = csv_file(tmp_path, HEADER, *lines, "P12;N;energy;1000;1;10", "P10;N;energy;1000;1;10")
    assert problems_of(path) == [
        (5, "id", "'P12' is used again (first at row 4)"),
        (6, "id", "'P10' is used again (first at row 2)"),
    ]


@pytest.mark.parametrize(
    "word", ["true", "TRUE", "yes", "Yes", "1", "ja", "JA", "sant", "SANT", "x", "X", " ja "]
)
def test_words_for_yes(word: str) -> None:
    assert (
        read_projects([project(mandatory=word, divisible=word)])
        .table[["mandatory", "divisible"]]
        .values.all()
    )


@pytest.mark.parametrize("word", ["false", "FALSE", "no", "0", "nej", "Nej", "falskt", "FALSKT", "", None])
def test_words_for_no(word: object) -> None:
    assert (
        not read_projects([project(mandatory=word, divisible=word)])
        .table[["mandatory", "divisible"]]
        .values.any()
    )


@pytest.mark.parametrize("word", ["y", "maybe", "2", "-1", "sann", "wahr"])
def test_other_words_are_not_booleans(word: str) -> None:
    assert the_problem([project(divisible=word)]) == (
        1,
        "divisible",
        f"'{word}' is not a yes/no value {YES_NO_HINT}",
    )


def test_missing_boolean_columns_mean_no() -> None:
    table = read_projects([project()]).table
    assert table["mandatory"].tolist() == [False]
    assert table["divisible"].tolist() == [False]


# ----------------------------------------------------------------------------------------------
# Costs: cost_sek with an optional year, or a yearly profile
# ----------------------------------------------------------------------------------------------

PROFILE_HEADER = HEADER + ";year;grant_sek;cost_sek_2027;cost_sek_2026"


def test_both_cost_forms_in_one_list(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        PROFILE_HEADER,
        "A;a;energy;1000;1;10;2028;;;",
        "B;b;energy;;1;10;;100;0;500,5",
        "C;c;energy;;1;10;;;300;",
        "D;d;energy;250;1;10;;;;",
    )
    projects = read_projects(path)
    assert projects.cost_years == (2026, 2027, 2028)
    assert projects.scheduled_cost.columns.tolist() == [2026, 2027, 2028]
    assert projects.scheduled_cost.dtypes.tolist() == [float, float, float]
    assert projects.scheduled_cost.to_numpy().tolist() == [
        [0.0, 0.0, 1000.0],
        [500.5, 0.0, 0.0],
        [0.0, 300.0, 0.0],
        [0.0, 0.0, 0.0],
    ]
    assert projects.unscheduled_cost.tolist() == [0.0, 0.0, 0.0, 250.0]
    assert projects.table["grant_sek"].tolist() == [0.0, 100.0, 0.0, 0.0]
    assert projects.total_cost.tolist() == [1000.0, 500.5, 300.0, 250.0]
    assert projects.cost_from_profile.tolist() == [False, True, True, False]


def test_a_profile_year_nobody_spends_in_is_left_out(tmp_path: Path) -> None:
    path = csv_file(tmp_path, PROFILE_HEADER, "A;a;energy;;1;10;;;0;500")
    assert read_projects(path).cost_years == (2026,)


def test_a_list_without_any_scheduled_cost() -> None:
    projects = read_projects([project()])
    assert projects.scheduled_cost.shape == (1, 0)
    assert projects.cost_years == ()
    assert projects.last_spend_year(2026).tolist() == [2026]


def test_cost_form_problems(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        PROFILE_HEADER,
        "A;a;energy;1000;1;10;;;5;",  # both forms
        "B;b;energy;;1;10;;;;",  # neither
        "C;c;energy;;1;10;2026;;5;",  # a year with a profile
        "D;d;energy;;1;10;;;0;0",  # a profile adding up to 0
        "E;e;energy;;1;10;;;-5;10",  # a negative profile cell
        "F;f;energy;;1;10;2026;;;",  # a year but no cost
    )
    assert problems_of(path) == [
        (2, "cost_sek", "give either cost_sek or the cost_sek_YYYY columns, not both"),
        (3, "cost_sek", "no cost: fill in cost_sek or the cost_sek_YYYY columns"),
        (
            4,
            "year",
            "a year cannot be combined with cost_sek_YYYY columns, which already say when the money is spent",
        ),
        (5, "cost_sek_2026", "the cost_sek_YYYY columns add up to 0; a project needs a cost"),
        (6, "cost_sek_2027", "must be 0 or more, not -5"),
        (7, "cost_sek", "no cost: fill in cost_sek or the cost_sek_YYYY columns"),
    ]


def test_profile_only_lists_locate_a_missing_cost_at_the_first_year() -> None:
    rows = [project(cost_sek=None, cost_sek_2027=5, cost_sek_2026=None), project(id="P2", cost_sek=None)]
    del rows[0]["cost_sek"], rows[1]["cost_sek"]
    assert the_problem(rows) == (2, "cost_sek_2026", "no cost: fill in cost_sek or the cost_sek_YYYY columns")


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("1899", "must be a whole year from 1900 to 2200, not 1899"),
        ("2201", "must be a whole year from 1900 to 2200, not 2201"),
        ("2026,5", "must be a whole year from 1900 to 2200, not 2026.5"),
        ("tjugo", "'tjugo' is not a number"),
    ],
)
def test_bad_years(tmp_path: Path, year: str, message: str) -> None:
    path = csv_file(tmp_path, HEADER + ";year", f"P1;A;energy;1000;1;10;{year}")
    assert the_problem(path) == (2, "year", message)


def test_whole_years_written_as_decimals_are_years(tmp_path: Path) -> None:
    path = csv_file(tmp_path, HEADER + ";year", "P1;A;energy;1000;1;10;2026,0")
    assert read_projects(path).cost_years == (2026,)


def test_cost_must_be_positive() -> None:
    assert the_problem([project(cost_sek=0)]) == (1, "cost_sek", "must be more than 0, not 0")


def test_grant_limits(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        PROFILE_HEADER,
        "A;a;energy;1000;1;10;;1000;;",  # equal to the cost: fine
        "B;b;energy;1000;1;10;;1000,5;;",
        "C;c;energy;;1;10;;600;200;300",
        "D;d;energy;1000;1;10;;-1;;",
    )
    assert problems_of(path) == [
        (3, "grant_sek", "1000.5 is more than the project's total cost 1000"),
        (4, "grant_sek", "600 is more than the project's total cost 500"),
        (5, "grant_sek", "must be 0 or more, not -1"),
    ]


def test_no_grant_check_when_the_cost_itself_is_wrong() -> None:
    assert problems_of([project(cost_sek=-5, grant_sek=10)]) == [
        (1, "cost_sek", "must be more than 0, not -5")
    ]


# ----------------------------------------------------------------------------------------------
# Requirements between projects
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "ids"),
    [
        ("A", ("A",)),
        ("A;B", ("A", "B")),
        ("A, B", ("A", "B")),
        (" A ; ; B;A", ("A", "B")),
        ('["A", "B"]', ("A", "B")),
        (["A", "B"], ("A", "B")),
        ("", ()),
        (None, ()),
    ],
)
def test_requires_cells(cell: object, ids: tuple[str, ...]) -> None:
    rows = [project(id="A"), project(id="B"), project(id="C", requires=cell)]
    assert read_projects(rows).table["requires"].tolist() == [(), (), ids]


def test_requires_unknown_and_self() -> None:
    rows = [
        project(id="A", requires="A;X"),
        project(id="B", requires='["A", "B", "Y"]'),
        project(id="C", requires="[A"),
    ]
    assert problems_of(rows) == [
        (1, "requires", "a project cannot require itself"),
        (1, "requires", "unknown project id 'X'"),
        (2, "requires", "a project cannot require itself"),
        (2, "requires", "unknown project id 'Y'"),
        (3, "requires", "'[A' is not a list of project ids (separate them with ';' or ',')"),
    ]


def test_requirement_cycles_are_named(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        HEADER + ";requires",
        "A;a;energy;1;1;1;B",
        "B;b;energy;1;1;1;A",
        "C;c;energy;1;1;1;A",
        "D;d;energy;1;1;1;E",
        'E;e;energy;1;1;1;"F;C"',
        "F;f;energy;1;1;1;D",
    )
    assert problems_of(path) == [
        (2, "requires", "requires form a cycle: A → B → A"),
        (5, "requires", "requires form a cycle: D → E → F → D"),
    ]


def test_a_chain_of_requirements_is_fine() -> None:
    rows = [project(id="A"), project(id="B", requires="A"), project(id="C", requires="A;B")]
    assert read_projects(rows).table["requires"].tolist() == [(), ("A",), ("A", "B")]


# ----------------------------------------------------------------------------------------------
# Empty lists
# ----------------------------------------------------------------------------------------------


def test_header_without_projects(tmp_path: Path) -> None:
    assert problems_of(csv_file(tmp_path, HEADER, ";;;;;", "")) == [(None, None, "the project list is empty")]


def test_header_without_projects_and_missing_columns(tmp_path: Path) -> None:
    assert problems_of(csv_file(tmp_path, "id;name;sector;cost_sek;abatement_t_per_year")) == [
        (None, "lifetime_years", "this required column is missing"),
        (None, None, "the project list is empty"),
    ]


@pytest.mark.parametrize("source", [[], pd.DataFrame()])
def test_empty_sources(source: object) -> None:
    assert the_problem(source) == (None, None, "the project list is empty")


def test_empty_file(tmp_path: Path) -> None:
    assert the_problem(write(tmp_path, "projects.csv", b"")) == (None, None, "the project list is empty")


# ----------------------------------------------------------------------------------------------
# XLSX
# ----------------------------------------------------------------------------------------------

XLSX_HEADER = [
    "ID",
    "Name",
    "Sector",
    "Cost SEK",
    "Year",
    "Abatement t per year",
    "Lifetime years",
    "Mandatory",
    "Divisible",
    "Priority",
    "Requires",
]


def test_xlsx_with_typed_cells(tmp_path: Path) -> None:
    path = xlsx_file(
        tmp_path,
        {
            "Projekt": [
                XLSX_HEADER,
                [
                    "P1",
                    "Solceller på förskolan",
                    "energi",
                    1234567.5,
                    2026,
                    12.5,
                    25,
                    True,
                    False,
                    1,
                    "7; 12",
                ],
                [None] * 11,
                [7, "Gång- och cykelväg", "transport", "1 000,5", None, "3", 30.0, "ja", None, "hög", None],
                [12.0, "Laddning", "transport", 500, 2027.0, 0, 1, None, 1, None, 7],
            ]
        },
    )
    projects = read_projects(path)
    assert projects.source == "projects.xlsx"
    assert projects.table["row"].tolist() == [2, 4, 5]
    assert projects.table["id"].tolist() == ["P1", "7", "12"]
    assert projects.table["mandatory"].tolist() == [True, True, False]
    assert projects.table["divisible"].tolist() == [False, False, True]
    assert projects.table["abatement_t_per_year"].tolist() == [12.5, 3.0, 0.0]
    assert projects.table["requires"].tolist() == [("7", "12"), (), ("7",)]
    assert projects.scheduled_cost.to_dict("list") == {2026: [1234567.5, 0.0, 0.0], 2027: [0.0, 0.0, 500.0]}
    assert projects.unscheduled_cost.tolist() == [0.0, 1000.5, 0.0]
    assert projects.tags["priority"].tolist() == ["1", "hög", None]


def test_xlsx_problems_use_spreadsheet_rows(tmp_path: Path) -> None:
    path = xlsx_file(
        tmp_path,
        {
            "Sheet": [
                XLSX_HEADER,
                ["P1", "A", "energi", "12 000 EUR", 2026, True, 25, "kanske", None, None, None],
                [None] * 11,
                [None] * 11,
                ["P1", "B", "energi", 1000, 2026, 1, 0, 2, None, None, None],
            ]
        },
    )
    assert problems_of(path) == [
        (2, "cost_sek", "'12 000 EUR' is not a number"),
        (2, "abatement_t_per_year", "'TRUE' is not a number"),
        (2, "mandatory", f"'kanske' is not a yes/no value {YES_NO_HINT}"),
        (5, "id", "'P1' is used again (first at row 2)"),
        (5, "lifetime_years", "must be 1 or more, not 0"),
        (5, "mandatory", f"'2' is not a yes/no value {YES_NO_HINT}"),
    ]


def test_xlsx_prefers_a_sheet_named_projects(tmp_path: Path) -> None:
    row = ["P1", "A", "energi", 1000, None, 1, 10, None, None, None, None]
    path = xlsx_file(tmp_path, {"Info": [["Läs mig"]], " Projects ": [XLSX_HEADER, row]})
    assert read_projects(path).table["id"].tolist() == ["P1"]


def test_xlsx_reads_the_first_sheet_otherwise(tmp_path: Path) -> None:
    row = ["P1", "A", "energi", 1000, None, 1, 10, None, None, None, None]
    path = xlsx_file(tmp_path, {"Lista": [XLSX_HEADER, row], "Info": [["Läs mig"]]})
    assert read_projects(path).table["id"].tolist() == ["P1"]


def test_xlsx_dates_and_whole_numbers_in_text_columns(tmp_path: Path) -> None:
    header = ["id", "name", "sector", "cost_sek", "abatement_t_per_year", "lifetime_years", "decided", "ref"]
    row = [2026, "A", "energi", 1000, 1, 10, dt.datetime(2025, 6, 1), 12.5]
    projects = read_projects(xlsx_file(tmp_path, {"Blad1": [header, row]}))
    assert projects.table["id"].tolist() == ["2026"]
    assert projects.tags.to_dict("list") == {"decided": ["2025-06-01"], "ref": ["12.5"]}


def test_xlsx_header_must_be_the_first_row(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, {"Blad1": [[None], XLSX_HEADER]})
    assert the_problem(path) == (None, None, "the first row must hold the column names, but it is empty")


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = write(tmp_path, "projects.xlsx", b"id;name\n")
    (row, column, message) = the_problem(path)
    assert (row, column) == (None, None)
    assert message.startswith("cannot read the file as an Excel workbook: ")


# ----------------------------------------------------------------------------------------------
# JSON, lists of dicts and DataFrames
# ----------------------------------------------------------------------------------------------


def test_json_list_of_objects(tmp_path: Path) -> None:
    rows = [
        project(id="A", name="Åby", requires=[]),
        project(id="B", requires=["A"], mandatory=True, Owner="Kommun"),
    ]
    projects = read_projects(write(tmp_path, "list.json", json.dumps(rows)))
    assert projects.source == "list.json"
    assert projects.table["row"].tolist() == [1, 2]
    assert projects.table["requires"].tolist() == [(), ("A",)]
    assert projects.table["mandatory"].tolist() == [False, True]
    assert projects.tags.to_dict("list") == {"owner": [None, "Kommun"]}


def test_json_object_with_projects(tmp_path: Path) -> None:
    path = write(
        tmp_path, "list.json", json.dumps({"projects": [project(), project(id="P2", cost_sek="12,5")]})
    )
    assert read_projects(path).unscheduled_cost.tolist() == [1000.0, 12.5]


def test_json_object_with_projects_and_other_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "list.json", json.dumps({"version": 1, "projects": [project()]}))
    assert read_projects(path).table["id"].tolist() == ["P1"]


def test_keys_that_mean_the_same_column(tmp_path: Path) -> None:
    rows = [{**project(), "Cost SEK": 5}]
    message = "appears more than once in the header: 'cost_sek', 'Cost SEK'"
    assert the_problem(rows) == (None, "cost_sek", message)


def test_json_problems_use_positions(tmp_path: Path) -> None:
    rows = [
        project(),
        "P2",
        project(id="P3", cost_sek=True, lifetime_years=[1]),
        project(id="P4", name={"sv": "x"}),
    ]
    path = write(tmp_path, "list.json", json.dumps(rows))
    assert problems_of(path) == [
        (2, None, "expected an object with the project's columns, not text"),
        (3, "cost_sek", "'TRUE' is not a number"),
        (3, "lifetime_years", "'[1]' is not a number"),
        (4, "name", "expected text, not an object"),
    ]


def test_json_nan_and_infinity_are_not_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "list.json",
        '[{"id": "P1", "name": "A", "sector": "s", "cost_sek": NaN, '
        '"abatement_t_per_year": Infinity, "lifetime_years": 1}]',
    )
    assert problems_of(path) == [
        (1, "cost_sek", "'NaN' is not a number"),
        (1, "abatement_t_per_year", "'Infinity' is not a number"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "P1"}', 'expected a list of projects or {"projects": [...]}, not an object'),
        ("12", 'expected a list of projects or {"projects": [...]}, not a number'),
        ('[{"id": "P1",\n  "name": }]', "not valid JSON: Expecting value (line 2, column 11)"),
    ],
)
def test_json_that_is_not_a_list_of_objects(tmp_path: Path, content: str, message: str) -> None:
    assert the_problem(write(tmp_path, "list.json", content)) == (None, None, message)


def test_list_of_dicts_from_the_service() -> None:
    projects = read_projects([project(id=1, year=2026.0), project(id=2)], source_name="api")
    assert projects.source == "api"
    assert projects.table["id"].tolist() == ["1", "2"]
    assert projects.cost_years == (2026,)


def test_a_list_of_dicts_names_its_source_in_memory() -> None:
    assert read_projects([project()]).source == "<memory>"
    assert problems_of([project(cost_sek="x")]) == [(1, "cost_sek", "'x' is not a number")]


def test_dataframe_with_missing_values_and_typed_columns() -> None:
    frame = pd.DataFrame(
        {
            "ID": ["A", "B", "C"],
            "name": ["a", "b", "c"],
            "sector": ["s", "s", "s"],
            "district": ["Norr", None, np.nan],
            "cost_sek": [100.0, np.nan, 300.0],
            "cost_sek_2026": [np.nan, 50, np.nan],
            "abatement_t_per_year": pd.array([1, 2, None], dtype="Int64"),
            "lifetime_years": [10, 20, 30],
            "mandatory": [True, False, True],
        },
        index=[10, 20, 30],
    )
    frame.loc[30, "abatement_t_per_year"] = 3
    projects = read_projects(frame)
    assert projects.table["district"].tolist() == ["Norr", None, None]
    assert projects.table["mandatory"].tolist() == [True, False, True]
    assert projects.unscheduled_cost.tolist() == [100.0, 0.0, 300.0]
    assert projects.scheduled_cost.to_dict("list") == {2026: [0.0, 50.0, 0.0]}
    assert isinstance(projects.table.index, pd.RangeIndex)


def test_dataframe_problems_use_positions() -> None:
    frame = pd.DataFrame(
        [project(), project(id="P2", lifetime_years=np.inf), project(id="P3", abatement_t_per_year=-1)]
    )
    assert problems_of(frame) == [
        (2, "lifetime_years", "'inf' is not a finite number"),
        (3, "abatement_t_per_year", "must be 0 or more, not -1"),
    ]


def test_the_same_list_from_every_source(tmp_path: Path) -> None:
    rows = [project(id="A", district="Norr", mandatory="ja"), project(id="B", requires="A", cost_sek=2.5)]
    from_dicts = read_projects(rows)
    from_json = read_projects(write(tmp_path, "p.json", json.dumps(rows)))
    from_frame = read_projects(pd.DataFrame(rows))
    for other in (from_json, from_frame):
        pd.testing.assert_frame_equal(other.table, from_dicts.table)
        pd.testing.assert_frame_equal(other.scheduled_cost, from_dicts.scheduled_cost)
        assert other.unscheduled_cost.tolist() == from_dicts.unscheduled_cost.tolist()


# ----------------------------------------------------------------------------------------------
# Files that cannot be read at all
# ----------------------------------------------------------------------------------------------


def test_unknown_extension(tmp_path: Path) -> None:
    path = write(tmp_path, "projects.xls", b"")
    assert the_problem(path) == (
        None,
        None,
        "cannot read .xls: save the project list as .csv, .xlsx or .json",
    )


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    assert the_problem(path) == (None, None, f"file not found: {path}")
    assert the_problem(tmp_path / "nowhere.xlsx") == (
        None,
        None,
        f"file not found: {tmp_path / 'nowhere.xlsx'}",
    )


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    assert the_problem(folder) == (None, None, f"{folder} is a folder, not a file")


def test_bytes_that_are_neither_utf8_nor_cp1252(tmp_path: Path) -> None:
    path = write(tmp_path, "projects.csv", HEADER.encode() + b"\n\x81\x8d;\xff\n")
    assert the_problem(path) == (None, None, "cannot decode the file: it is not UTF-8 or Windows-1252 text")


def test_a_quote_that_never_ends(tmp_path: Path) -> None:
    path = csv_file(tmp_path, HEADER, 'P1;"A;energy;1;1;1', "P2;B;energy;1;1;1")
    assert the_problem(path) == (None, None, "the file is not valid CSV: unexpected end of data (line 3)")


def test_the_header_must_be_the_first_row(tmp_path: Path) -> None:
    path = csv_file(tmp_path, ";;;", HEADER, "P1;A;energy;1;1;1")
    assert the_problem(path) == (None, None, "the first row must hold the column names, but it is empty")


def test_other_sources_are_refused() -> None:
    assert the_problem(42) == (
        None,
        None,
        "cannot read a project list from a int: give a file path, a DataFrame or a list of dicts",
    )


# ----------------------------------------------------------------------------------------------
# Scenarios
# ----------------------------------------------------------------------------------------------


def scenario_problems(source: object) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as caught:
        read_scenario(source)  # type: ignore[arg-type]
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def test_scenario_from_json(tmp_path: Path) -> None:
    data = {
        "budget_sek": {"2027": 2e6, "2026": 1e6},
        "constraints": [
            {"name": "equity", "where": {"district": "Norr"}, "measure": "cost", "min_share": 0.4}
        ],
    }
    scenario = read_scenario(write(tmp_path, "s.json", json.dumps(data)))
    assert scenario.budget_years == (2026, 2027)
    assert scenario.constraints[0].where == {"district": ["Norr"]}


def test_scenario_from_toml(tmp_path: Path) -> None:
    text = """
name = "Plan 2026"
objective = { cumulative_to = 2030 }
include = ["P1"]

[budget_sek]
2026 = 1_000_000
2027 = 2_000_000

[[constraints]]
name = "transport"
where = { sector = ["transport"] }
measure = "abatement"
min = 10
"""
    scenario = read_scenario(write(tmp_path, "s.toml", text))
    assert scenario.name == "Plan 2026"
    assert scenario.budget_years == (2026, 2027)
    assert scenario.objective_label == "cumulative_to 2030"
    assert scenario.constraints[0].min == 10


def test_scenario_from_a_dict() -> None:
    assert read_scenario({"budget_sek": 5}).budget_sek == 5


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        (
            {"budget_sek": 1, "constraints": [{"name": "a", "measure": "", "min": 1}]},
            ["constraints[0].measure: String should have at least 1 character"],
        ),
        (
            {"budget_sek": 1, "funding": [{"name": "K", "capacity_sek": 5, "max_share": 0}]},
            ["funding[0].max_share: Input should be greater than 0"],
        ),
        (
            {"budget_sek": 1, "funding": [{"name": "K", "capacity_sek": {"x": 5}}]},
            ["funding[0].capacity_sek: capacity years must be years such as \"2026\", not 'x'"],
        ),
        (
            {
                "budget_sek": 1,
                "funding": [{"name": "K", "capacity_sek": 5}, {"name": "K", "capacity_sek": 6}],
            },
            ["funding pool names must be unique: K"],
        ),
        (
            {"budget_sek": 1, "constraints": [{"name": "a", "measure": "cost"}]},
            ["constraints[0]: a rule needs at least one of min_share, max_share, min, max"],
        ),
        ({}, ["budget_sek: Field required"]),
        ({"budget_sek": 1, "min_fraction": 0}, ["min_fraction: Input should be greater than 0"]),
        ({"budget_sek": 1, "min_fraction": 1.5}, ["min_fraction: Input should be less than or equal to 1"]),
        (
            {"budget_sek": 1, "min_fraction": "x"},
            ["min_fraction: Input should be a valid number, unable to parse string as a number"],
        ),
        ({"budget_sek": {"2026": -5}}, ["budget_sek.2026: Input should be greater than or equal to 0"]),
        (
            {"budget_sek": "lots"},
            [
                (
                    "budget_sek: Input should be a valid number, unable to parse string as a number "
                    "or a valid dictionary"
                )
            ],
        ),
        (
            {"budget_sek": 1, "objective": {"cumulative_to": 1800}},
            ["objective.cumulative_to: Input should be greater than or equal to 1900"],
        ),
        ({"budget_sek": 1, "objective": {}}, ["objective.cumulative_to: Field required"]),
        (
            {"budget_sek": 1, "objective": 5},
            [
                (
                    'objective: an objective is "lifetime", "annual", {"cumulative_to": YEAR}, '
                    '{"min_cost_for_t": TONNES} or {"net_benefit": {"carbon_value_sek_per_t": SEK}}'
                )
            ],
        ),
        (
            {"budget_sek": 1, "objective": {"min_cost_for_t": 0, "tonnes": "weekly"}},
            [
                "objective.min_cost_for_t: Input should be greater than 0",
                "objective.tonnes: Input should be 'lifetime' or 'annual'",
            ],
        ),
        (
            {"budget_sek": 1, "solver": "gurobi", "budget": 5},
            ["solver: Input should be 'highs' or 'cbc'", "budget: Extra inputs are not permitted"],
        ),
        (
            {
                "budget_sek": 1,
                "constraints": [{"name": "a", "measure": "cost", "min": 1, "where": {"d": [[1]]}}],
            },
            [
                (
                    "constraints[0].where.d[0]: Input should be a valid string, a valid integer, "
                    "a valid number or a valid boolean"
                )
            ],
        ),
    ],
)
def test_scenario_validation_messages(data: dict[str, object], messages: list[str]) -> None:
    assert scenario_problems(data) == [(None, None, m) for m in messages]


def test_scenario_problems_name_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "plan.json", json.dumps({"budget_sek": -1}))
    with pytest.raises(InputError) as caught:
        read_scenario(path)
    assert caught.value.source == "plan.json"
    assert [p.source for p in caught.value.problems] == ["plan.json"]


def test_bad_json_syntax_gives_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", '{\n  "budget_sek": 5,\n  "name": \n}')
    assert scenario_problems(path) == [(None, None, "not valid JSON: Expecting value (line 4, column 1)")]


def test_bad_toml_syntax_gives_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "s.toml", 'budget_sek = 5\nname = "x\n')
    ((_, _, message),) = scenario_problems(path)
    assert message.startswith("not valid TOML: ")
    assert "line 2" in message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("s.yaml", "budget_sek: 1", "cannot read .yaml: write the scenario as .json or .toml"),
        ("s.json", "[1, 2]", "a scenario must be an object with budget_sek etc., not a list"),
    ],
)
def test_scenario_files_that_cannot_be_used(tmp_path: Path, name: str, content: str, message: str) -> None:
    assert scenario_problems(write(tmp_path, name, content)) == [(None, None, message)]


def test_missing_scenario_file(tmp_path: Path) -> None:
    assert scenario_problems(tmp_path / "s.toml") == [(None, None, f"file not found: {tmp_path / 's.toml'}")]


def test_a_scenario_passes_through() -> None:
    scenario = Scenario(budget_sek=1)
    assert read_scenario(scenario) is scenario


# ----------------------------------------------------------------------------------------------
# Bytes in memory (uploads to the service)
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "file_type"),
    [
        ("examples/kristinehamn_projects.csv", ".csv"),
        ("examples/kristinehamn_projects_excel_sv.csv", "csv"),
        ("examples/kristinehamn_projects.xlsx", ".XLSX"),
    ],
)
def test_bytes_read_like_the_file(path: str, file_type: str) -> None:
    root = REPO
    from_file = read_projects(root / path)
    from_bytes = read_projects_bytes((root / path).read_bytes(), file_type=file_type, source_name="upload")
    assert from_bytes.source == "upload"
    pd.testing.assert_frame_equal(from_bytes.table, from_file.table)
    pd.testing.assert_frame_equal(from_bytes.scheduled_cost, from_file.scheduled_cost)
    pd.testing.assert_frame_equal(from_bytes.tags, from_file.tags)


def test_bytes_json_and_problems_located() -> None:
    good = [
        {
            "id": "A",
            "name": "a",
            "sector": "s",
            "cost_sek": 10,
            "abatement_t_per_year": 1,
            "lifetime_years": 2,
        }
    ]
    assert len(read_projects_bytes(json.dumps(good).encode(), file_type=".json", source_name="x.json")) == 1
    bad = [{**good[0], "cost_sek": "tio"}, {**good[0], "id": "B", "lifetime_years": 0}]
    with pytest.raises(InputError) as caught:
        read_projects_bytes(json.dumps(bad).encode(), file_type=".json", source_name="x.json")
    assert [(p.row, p.column) for p in caught.value.problems] == [(1, "cost_sek"), (2, "lifetime_years")]
    assert all(p.source == "x.json" for p in caught.value.problems)


@pytest.mark.parametrize(
    ("data", "file_type", "message"),
    [
        (b"id;name", ".txt", "cannot read .txt"),
        (b"not a workbook", ".xlsx", "cannot read the file as an Excel workbook"),
        (b"{", ".json", "not valid JSON"),
    ],
)
def test_bytes_that_cannot_be_read(data: bytes, file_type: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_projects_bytes(data, file_type=file_type, source_name="upload")
    assert message in caught.value.problems[0].message
