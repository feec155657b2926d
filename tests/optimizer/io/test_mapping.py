"""Reading a finance officer's own spreadsheet: her headers mapped to the canonical columns, ids made when
the list has none, money as she writes it, ODS files, and every problem still at her own cell."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.project import CORE_COLUMNS
from optimizer.io.mapping import (
    SYNONYMS,
    Preview,
    apply_mapping,
    preview_table,
    suggest_mapping,
    written_headers,
)
from optimizer.io.problems import InputError
from optimizer.io.readers import (
    PROJECT_FILE_TYPES,
    normalise_header,
    parse_numbers,
    read_projects,
    read_projects_bytes,
    table_from_bytes,
    table_from_records,
    validate_projects,
)

KRISTINEHAMN_HEADER = "Åtgärd;Kostnad (kr);Minskning ton/år;Livslängd (år);Stadsdel;Sektor"
KRISTINEHAMN_ROWS = [
    "Solceller på Åkerskolan;1 250 000 kr;12,5;25;Norr;energi",
    "Cykelväg Öster;500\u00a0000,50 kr;3;30;;transport",
    ";;;;;",
    "Laddstolpar vid Ängen;1 000 000:-;0,5;10;Syd;transport",
]
KRISTINEHAMN_MAPPING = {
    "Åtgärd": "name",
    "Kostnad (kr)": "cost_sek",
    "Minskning ton/år": "abatement_t_per_year",
    "Livslängd (år)": "lifetime_years",
    "Stadsdel": "district",
    "Sektor": "sector",
}


def excel_csv(*lines: str) -> bytes:
    """A list as Swedish Excel saves "CSV (semikolonavgränsad)": Windows-1252, CRLF."""
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def problems_of_bytes(data: bytes, file_type: str, mapping: dict[str, str] | None) -> list[tuple]:
    with pytest.raises(InputError) as caught:
        read_projects_bytes(data, file_type=file_type, source_name="upload", mapping=mapping)
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def mapped(headers: list[str]) -> dict[str, str]:
    return suggest_mapping(headers)


def ods_file(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """An OpenDocument spreadsheet as LibreOffice saves it; the first row of each sheet is its header."""
    with pd.ExcelWriter(path, engine="odf") as writer:
        for title, (header, *rows) in sheets.items():
            pd.DataFrame(rows, columns=header).to_excel(writer, sheet_name=title, index=False)
    return path


def number(text: str, *, decimal_comma: bool = True) -> float:
    parsed = parse_numbers(pd.Series([text], dtype=object), decimal_comma=decimal_comma)
    assert not parsed.bad, parsed.bad
    return float(parsed.values[0])


def number_error(text: str, *, decimal_comma: bool = True) -> str:
    return parse_numbers(pd.Series([text], dtype=object), decimal_comma=decimal_comma).bad[0]


# ----------------------------------------------------------------------------------------------
# A Kristinehamn-style list, end to end
# ----------------------------------------------------------------------------------------------


def test_a_swedish_list_without_ids_is_read_with_the_suggested_mapping() -> None:
    data = excel_csv(KRISTINEHAMN_HEADER, *KRISTINEHAMN_ROWS)
    preview = preview_table(data, file_type=".csv", source_name="kristinehamn.csv")
    mapping = suggest_mapping(preview.headers)
    assert mapping == KRISTINEHAMN_MAPPING

    projects = read_projects_bytes(data, file_type=".csv", source_name="kristinehamn.csv", mapping=mapping)
    table = projects.table
    assert table["id"].tolist() == ["P001", "P002", "P003"]
    assert table["row"].tolist() == [2, 3, 5]  # the empty row 4 keeps its number
    assert table["name"].tolist() == ["Solceller på Åkerskolan", "Cykelväg Öster", "Laddstolpar vid Ängen"]
    assert projects.unscheduled_cost.tolist() == [1_250_000.0, 500_000.5, 1_000_000.0]
    assert table["abatement_t_per_year"].tolist() == [12.5, 3.0, 0.5]
    assert table["lifetime_years"].tolist() == [25.0, 30.0, 10.0]
    assert table["district"].tolist() == ["Norr", None, "Syd"]
    assert table["sector"].tolist() == ["energi", "transport", "transport"]
    assert projects.tags.columns.tolist() == []
    assert projects.source == "kristinehamn.csv"


def test_without_a_mapping_the_swedish_list_is_rejected_as_before() -> None:
    found = problems_of_bytes(excel_csv(KRISTINEHAMN_HEADER, *KRISTINEHAMN_ROWS), ".csv", None)
    assert (None, "id", "this required column is missing") in found
    assert (None, "name", "this required column is missing") in found


def test_generated_ids_are_said_in_the_notes() -> None:
    data = excel_csv(KRISTINEHAMN_HEADER, *KRISTINEHAMN_ROWS)
    raw = apply_mapping(table_from_bytes(data, file_type="csv", source_name="k.csv"), KRISTINEHAMN_MAPPING)
    assert raw.notes == [
        "the list has no id column, so the projects were given the ids P001 to P003 in the order of their rows"
    ]
    assert validate_projects(raw, source_name="k.csv").ids.tolist() == ["P001", "P002", "P003"]


def test_a_list_with_ids_gets_no_note_and_keeps_them() -> None:
    data = excel_csv("Nr;" + KRISTINEHAMN_HEADER, "T7;" + KRISTINEHAMN_ROWS[0])
    mapping = mapped(["Nr", *KRISTINEHAMN_HEADER.split(";")])
    raw = apply_mapping(table_from_bytes(data, file_type=".csv", source_name="k.csv"), mapping)
    assert raw.notes == []
    assert validate_projects(raw, source_name="k.csv").ids.tolist() == ["T7"]


@pytest.mark.parametrize(
    ("count", "first", "last", "note"),
    [
        (1, "P001", "P001", "the id P001"),
        (12, "P001", "P012", "the ids P001 to P012"),
        (1000, "P0001", "P1000", "the ids P0001 to P1000"),
    ],
)
def test_generated_ids_are_padded_to_the_list_length(count: int, first: str, last: str, note: str) -> None:
    raw = table_from_records([{"name": f"Åtgärd {i}"} for i in range(count)], "x.json")
    ids = apply_mapping(raw, {}).cells.iloc[:, -1].tolist()
    assert (ids[0], ids[-1], len(set(ids))) == (first, last, count)
    assert ids == sorted(ids)  # as text, in row order
    assert note in apply_mapping(raw, {}).notes[0]


def test_some_rows_without_an_id_stay_an_error() -> None:
    data = excel_csv("Nr;" + KRISTINEHAMN_HEADER, "T1;" + KRISTINEHAMN_ROWS[0], ";" + KRISTINEHAMN_ROWS[1])
    headers = ["Nr", *KRISTINEHAMN_HEADER.split(";")]
    mapping = mapped(headers)
    assert problems_of_bytes(data, ".csv", mapping) == [(3, "id", "a value is required")]
    assert written_headers(headers, mapping)["id"] == "Nr"


# ----------------------------------------------------------------------------------------------
# Suggestions: synonyms, units, remembered choices, one header per column
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Åtgärd", "name"),
        ("Namn", "name"),
        ("Benämning", "name"),
        ("Name", "name"),
        ("Measure", "name"),
        ("Id", "id"),
        ("Nr", "id"),
        ("Nr.", "id"),
        ("Åtgärdsnummer", "id"),
        ("Löpnummer", "id"),
        ("Åtgärds-id", "id"),
        ("Kostnad", "cost_sek"),
        ("Investering (kr)", "cost_sek"),
        ("Investeringskostnad", "cost_sek"),
        ("Kostnad (kr)", "cost_sek"),
        ("Kostnad (SEK)", "cost_sek"),
        ("Kostnad kr", "cost_sek"),
        ("Cost", "cost_sek"),
        ("Belopp (kr)", "cost_sek"),
        ("Minskning ton/år", "abatement_t_per_year"),
        ("Effekt tCO2e/år", "abatement_t_per_year"),
        ("Utsläppsminskning (ton CO2e/år)", "abatement_t_per_year"),
        ("Reduction t/yr", "abatement_t_per_year"),
        ("Minskning (t)", "abatement_t_per_year"),
        ("CO2-minskning (t/år)", "abatement_t_per_year"),
        ("Minskning (ton CO2-ekv per år)", "abatement_t_per_year"),
        ("Livslängd (år)", "lifetime_years"),
        ("Lifetime", "lifetime_years"),
        ("Område", "district"),
        ("Stadsdel", "district"),
        ("District", "district"),
        ("Sektor", "sector"),
        ("Förvaltning", "sector"),
        ("Sector", "sector"),
        ("Bidrag", "grant_sek"),
        ("Klimatklivet", "grant_sek"),
        ("Klimatklivet (kr)", "grant_sek"),
        ("Grant", "grant_sek"),
        ("Kräver", "requires"),
        ("Requires", "requires"),
        ("Delbar", "divisible"),
        ("Delbar (ja/nej)", "divisible"),
        ("Divisible", "divisible"),
        ("Obligatorisk", "mandatory"),
        ("Obligatorisk (ja/nej)", "mandatory"),
        ("Mandatory", "mandatory"),
        ("Alternativgrupp", "exclusive_group"),
        ("Exclusive group", "exclusive_group"),
        ("År", "year"),
        ("Startår", "year"),
        ("Year", "year"),
        ("Driftkostnad (kr/år)", "opex_sek_per_year"),
        ("Opex", "opex_sek_per_year"),
        ("Tidigaste startår", "earliest_start"),
        ("Senaste start", "latest_start"),
        ("Minskning (låg)", "abatement_low_t_per_year"),
        ("Minskning hög (t/år)", "abatement_high_t_per_year"),
        ("Lägsta kostnad (kr)", "cost_low_sek"),
        ("Kostnad max", "cost_high_sek"),
        ("Kostnad 2026", "cost_sek_2026"),
        ("Kostnad 2026 (kr)", "cost_sek_2026"),
        ("Investering år 2027", "cost_sek_2027"),
        ("2028 (kr)", "cost_sek_2028"),
        ("cost_sek_2029", "cost_sek_2029"),
        ("Cost SEK", "cost_sek"),
        ("\ufeffAbatement-t-per year", "abatement_t_per_year"),
    ],
)
def test_synonyms(header: str, column: str) -> None:
    assert suggest_mapping([header]) == {header: column}


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Kostnad (tkr)", "thousands of kronor are not kronor"),
        ("Investering (MSEK)", "nor are millions"),
        ("Kostnad per år", "a yearly cost is not the investment"),
        ("Kostnad (kr/år)", "nor with the unit"),
        ("Minskning (kg CO2e/år)", "kilograms are not tonnes"),
        ("Minskning (%)", "a share is not tonnes"),
        ("Livslängd (kr)", "a lifetime is not money"),
        ("Effekt", "an effect may be anything without its unit"),
        ("Effekt (kW)", "or power"),
        ("2026", "a bare year is not clearly money"),
        ("Kostnad 1850", "not a year a list plans in"),
        ("Område enligt översiktsplanen", "only the whole header is matched"),
        ("Kommentar", "no column at all"),
        ("Kostnad (inkl. moms)", "a remark in the unit is not guessed away"),
        ("Obligatorisk (kr)", "a yes/no column has no unit"),
    ],
)
def test_headers_that_are_no_column_stay_tags(header: str, reason: str) -> None:
    assert suggest_mapping([header]) == {header: normalise_header(header)}, reason


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Prioriterat område"], {"Prioriterat område": "priority_area"}),
        (["Prioriterat område (ja/nej)"], {"Prioriterat område (ja/nej)": "priority_area"}),
        (["Priority area"], {"Priority area": "priority_area"}),
        (["Prioriterad", "Prioriterat område"], {"Prioriterad": "priority_area", "Prioriterat område": "prioriterat_område"}),
        (["Prioriterat område", "priority_area"], {"Prioriterat område": "prioriterat_område", "priority_area": "priority_area"}),
        (["Prioriterat område (kr)"], {"Prioriterat område (kr)": "prioriterat_område_(kr)"}),
    ],
)
def test_a_column_scenarios_name_is_suggested_under_its_usual_name(
    headers: list[str], expected: dict[str, str]
) -> None:
    """`Prioriterat område` becomes priority_area, the column the equity rule names; only one header
    gets the name, one already called so keeps it, and its values stay as written."""
    assert suggest_mapping(headers) == expected


def test_every_synonym_names_its_own_column_and_no_other() -> None:
    owners: dict[str, str] = {}
    for column, names in SYNONYMS.items():
        assert column in CORE_COLUMNS
        for name in names:
            assert owners.setdefault(name, column) == column, name
            assert suggest_mapping([name.upper()]) == {name.upper(): column}
    assert set(SYNONYMS) == set(CORE_COLUMNS)  # every canonical column has synonyms


def test_canonical_headers_map_to_themselves() -> None:
    headers = [*CORE_COLUMNS, "cost_sek_2026", "cost_sek_2027"]
    assert suggest_mapping(headers) == {h: h for h in headers}


def test_remembered_mappings_win() -> None:
    headers = ["Område", "Stadsdel", "Kommentar", "Kostnad", "Investering (kr)"]
    remembered = {"område": "priority_area", "Kommentar": "", "INVESTERING (KR)": "cost_sek", "Saknas": "id"}
    assert suggest_mapping(headers, remembered=remembered) == {
        "Område": "priority_area",  # a tag now, so Stadsdel is the district
        "Stadsdel": "district",
        "Kommentar": "",
        "Kostnad": "kostnad",  # the remembered header has cost_sek
        "Investering (kr)": "cost_sek",
    }


def test_a_remembered_column_is_given_to_one_header_only() -> None:
    remembered = {"Kostnad": "cost_sek", "Investering": "cost_sek"}
    assert suggest_mapping(["Kostnad", "Investering"], remembered=remembered) == {
        "Kostnad": "cost_sek",
        "Investering": "investering",
    }


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["Kostnad", "Investering (kr)", "cost_sek"],
            {"Kostnad": "kostnad", "Investering (kr)": "investering_(kr)", "cost_sek": "cost_sek"},
        ),
        (["Åtgärd", "Namn"], {"Åtgärd": "åtgärd", "Namn": "name"}),
        (["Investering", "Kostnad"], {"Investering": "investering", "Kostnad": "cost_sek"}),
        (["Kostnad", "Kostnad (kr)"], {"Kostnad": "cost_sek", "Kostnad (kr)": "kostnad_(kr)"}),
        (["2026 (kr)", "Kostnad 2026"], {"2026 (kr)": "2026_(kr)", "Kostnad 2026": "cost_sek_2026"}),
        (
            ["Effekt (t/år)", "Minskning"],
            {"Effekt (t/år)": "effekt_(t/år)", "Minskning": "abatement_t_per_year"},
        ),
        (["Cost SEK", "cost_sek"], {"Cost SEK": "cost_sek", "cost_sek": ""}),
    ],
)
def test_no_two_headers_onto_one_column(headers: list[str], expected: dict[str, str]) -> None:
    assert suggest_mapping(headers) == expected


@st.composite
def synonym_headers(draw: st.DrawFn, *, distinct_columns: bool) -> list[tuple[str, str]]:
    """(header, its column) pairs: synonyms or canonical names in any casing; headers differ as names."""
    columns = list(SYNONYMS)
    chosen = (
        draw(st.lists(st.sampled_from(columns), min_size=1, max_size=len(columns), unique=True))
        if distinct_columns
        else draw(st.lists(st.sampled_from(columns), min_size=1, max_size=12))
    )
    pairs = []
    for column in chosen:
        words = draw(st.sampled_from([column, *SYNONYMS[column]]))
        upper = draw(st.lists(st.booleans(), min_size=len(words), max_size=len(words)))
        pairs.append(("".join(c.upper() if u else c for c, u in zip(words, upper, strict=True)), column))
    return list({normalise_header(h): (h, c) for h, c in pairs}.values())


@given(synonym_headers(distinct_columns=True), st.randoms())
def test_any_order_and_casing_of_synonyms_maps_to_the_same_columns(
    pairs: list[tuple[str, str]], rng: random.Random
) -> None:
    shuffled = list(pairs)
    rng.shuffle(shuffled)
    assert suggest_mapping([h for h, _ in shuffled]) == dict(pairs)


@given(synonym_headers(distinct_columns=False))
def test_each_drawn_column_goes_to_exactly_one_header(pairs: list[tuple[str, str]]) -> None:
    mapping = suggest_mapping([h for h, _ in pairs])
    canonical = [t for t in mapping.values() if t in CORE_COLUMNS]
    assert len(canonical) == len(set(canonical))
    assert set(canonical) == {c for _, c in pairs}
    for header, column in pairs:
        assert mapping[header] in (column, normalise_header(header))  # its column, or kept as a tag


# ----------------------------------------------------------------------------------------------
# Applying a mapping: left-out columns, clashes, problems at the file's own column
# ----------------------------------------------------------------------------------------------


def test_ignored_columns_are_left_out_and_columns_keep_their_place() -> None:
    header = "Kommentar;Investering;;" + KRISTINEHAMN_HEADER
    data = excel_csv(header, "fixa;inte ett tal;;" + KRISTINEHAMN_ROWS[0])
    headers = preview_table(data, file_type=".csv", source_name="k.csv").headers
    assert mapped(headers)[""] == ""  # a column without a name is suggested as left out
    mapping = {**KRISTINEHAMN_MAPPING, "Kommentar": "kommentar", "Investering": ""}
    projects = read_projects_bytes(data, file_type=".csv", source_name="k.csv", mapping=mapping)
    assert projects.tags.columns.tolist() == ["kommentar"]  # Investering is not read at all
    assert projects.unscheduled_cost.tolist() == [1_250_000.0]

    with_unnamed = excel_csv(header, "fixa;inte ett tal;x;" + KRISTINEHAMN_ROWS[0])
    assert problems_of_bytes(with_unnamed, ".csv", mapping) == [
        (None, None, "column 3 has values but no name in the header")  # the file's own column number
    ]


def test_two_columns_mapped_onto_one_column_is_a_problem_naming_both() -> None:
    data = excel_csv("Nr;Namn;Sektor;Kostnad;Investering;Minskning;Livslängd", "A;a;s;10;20;1;5")
    mapping = {"Kostnad": "cost_sek", "Investering": "Cost SEK"}
    found = problems_of_bytes(
        data, ".csv", {**mapped(["Nr", "Namn", "Sektor", "Minskning", "Livslängd"]), **mapping}
    )
    assert found == [
        (None, "cost_sek", "more than one column of the file is mapped to it: 'Kostnad', 'Investering'")
    ]


def test_bad_cells_are_located_at_the_files_row_and_column() -> None:
    data = excel_csv(
        KRISTINEHAMN_HEADER,
        KRISTINEHAMN_ROWS[0],
        "Cykelväg;1 25 000 kr;3;30;;transport",
        "Laddstolpar;100 kr;tre;0;Syd;transport",
    )
    headers = KRISTINEHAMN_HEADER.split(";")
    mapping = mapped(headers)
    found = problems_of_bytes(data, ".csv", mapping)
    assert found == [
        (3, "cost_sek", "'1 25 000 kr' is not a number"),
        (4, "abatement_t_per_year", "'tre' is not a number"),
        (4, "lifetime_years", "must be 1 or more, not 0"),
    ]
    back = written_headers(headers, mapping)
    assert [(row, back[column]) for row, column, _ in found] == [
        (3, "Kostnad (kr)"),
        (4, "Minskning ton/år"),
        (4, "Livslängd (år)"),
    ]
    assert headers.index(back["lifetime_years"]) == 3  # the grid's own column


def test_written_headers_without_a_mapping_and_with_left_out_columns() -> None:
    headers = ["Cost SEK", "ID", "Kommentar", "Kommentar "]
    assert written_headers(headers) == {"cost_sek": "Cost SEK", "id": "ID", "kommentar": "Kommentar"}
    assert written_headers(headers, {"Cost SEK": "", "Kommentar": "note"}) == {
        "id": "ID",
        "note": "Kommentar",
        "kommentar": "Kommentar ",
    }


def test_a_mapping_to_a_tag_is_read_as_that_tag() -> None:
    data = excel_csv(KRISTINEHAMN_HEADER + ";Område", KRISTINEHAMN_ROWS[0] + ";ja")
    mapping = {**KRISTINEHAMN_MAPPING, "Område": "Priority area"}
    projects = read_projects_bytes(data, file_type=".csv", source_name="k.csv", mapping=mapping)
    assert projects.tags["priority_area"].tolist() == ["ja"]


# ----------------------------------------------------------------------------------------------
# Money as Swedish people write it
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 250 000 kr", 1_250_000.0),
        ("1 250 000,50 kr", 1_250_000.5),
        ("1250000 kr", 1_250_000.0),
        ("1 250 000 SEK", 1_250_000.0),
        ("1 250 000:-", 1_250_000.0),
        ("1 250 000 :-", 1_250_000.0),
        ("1\u00a0250\u00a0000\u00a0kr", 1_250_000.0),
        ("1\u202f250\u202f000 kr", 1_250_000.0),
        ("1 250 000kr", 1_250_000.0),
        ("1 250 000 Kr.", 1_250_000.0),
        ("1 250 000 sek", 1_250_000.0),
        ("SEK 1 250 000", 1_250_000.0),
        ("500,-", 500.0),
        ("\u2212250 kr", -250.0),
    ],
)
def test_money_in_number_cells(text: str, value: float) -> None:
    assert number(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("1 250 000 kr", 1_250_000.0), ("1 250 000.50 SEK", 1_250_000.5), ("1250000:-", 1_250_000.0)],
)
def test_money_in_a_comma_separated_file(text: str, value: float) -> None:
    assert number(text, decimal_comma=False) == value


@pytest.mark.parametrize(
    "text", ["kr", "1 25 000 kr", "1 250 000 EUR", "12 kr kr", "1.250.000 kr", "5 tkr", "kr 5", "SEK", ":-"]
)
def test_what_is_not_money_keeps_its_message(text: str) -> None:
    assert number_error(text) == f"'{text}' is not a number"


def test_a_decimal_comma_in_money_in_a_comma_separated_file_is_not_a_number() -> None:
    assert number_error("12,5 kr", decimal_comma=False) == "'12,5 kr' is not a number"


def test_a_tag_of_money_is_a_number_column() -> None:
    data = excel_csv(KRISTINEHAMN_HEADER + ";Besparing", KRISTINEHAMN_ROWS[0] + ";12 000 kr")
    projects = read_projects_bytes(data, file_type=".csv", source_name="k.csv", mapping=KRISTINEHAMN_MAPPING)
    assert projects.tag_numbers["besparing"].tolist() == [12_000.0]


@given(
    st.integers(min_value=0, max_value=10**12),
    st.booleans(),
    st.sampled_from([" ", "\u00a0", "\u202f"]),
    st.sampled_from([" kr", "kr", " SEK", ":-", " kr.", "\u00a0kr"]),
    st.booleans(),
)
def test_swedish_money_round_trips(amount: int, negative: bool, space: str, suffix: str, comma: bool) -> None:
    text = f"{amount:,}".replace(",", space) + suffix
    text = ("\u2212" if negative else "") + text
    assert number(text, decimal_comma=comma) == (-amount if negative else amount)


# ----------------------------------------------------------------------------------------------
# ODS files (LibreOffice)
# ----------------------------------------------------------------------------------------------

ODS_HEADER = ["id", "name", "sector", "cost_sek", "abatement_t_per_year", "lifetime_years", "mandatory"]


def test_ods_is_a_project_file_type() -> None:
    assert ".ods" in PROJECT_FILE_TYPES


def test_ods_read_like_xlsx(tmp_path: Path) -> None:
    path = ods_file(
        tmp_path / "lista.ods",
        {
            "Info": [["Läs mig"], ["Listan finns på bladet Projects"]],
            " Projects ": [
                ODS_HEADER,
                ["P1", "Solceller", "energi", 1_250_000, 12.5, 25, True],
                [None] * 7,
                ["P2", "Cykelväg", "transport", "1 250 000 kr", "3,5", 30, "nej"],
            ],
        },
    )
    projects = read_projects(path)
    assert projects.source == "lista.ods"
    assert projects.table["row"].tolist() == [2, 4]  # the empty row 3 keeps its number
    assert projects.table["id"].tolist() == ["P1", "P2"]
    assert projects.unscheduled_cost.tolist() == [1_250_000.0, 1_250_000.0]
    assert projects.table["abatement_t_per_year"].tolist() == [12.5, 3.5]
    assert projects.table["mandatory"].tolist() == [True, False]
    from_bytes = read_projects_bytes(path.read_bytes(), file_type="ODS", source_name="lista.ods")
    pd.testing.assert_frame_equal(from_bytes.table, projects.table)


def test_ods_reads_the_first_sheet_otherwise_and_keeps_text_as_written(tmp_path: Path) -> None:
    row = ["P1", "NA", "energi", 10, 1, 2, None]
    path = ods_file(tmp_path / "l.ods", {"Blad1": [ODS_HEADER, row], "Info": [["Läs mig"], ["x"]]})
    assert read_projects(path).table["name"].tolist() == ["NA"]  # not read as a missing value


def test_ods_problems_use_spreadsheet_rows(tmp_path: Path) -> None:
    path = ods_file(
        tmp_path / "l.ods",
        {
            "Blad1": [
                ODS_HEADER,
                ["P1", "A", "energi", "12 000 EUR", 1, 25, None],
                [None] * 7,
                ["P2", "B", "energi", 1000, 1, 0, "kanske"],
            ]
        },
    )
    with pytest.raises(InputError) as caught:
        read_projects(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "cost_sek"),
        (4, "lifetime_years"),
        (4, "mandatory"),
    ]


def test_a_swedish_ods_list_with_a_mapping(tmp_path: Path) -> None:
    header = KRISTINEHAMN_HEADER.split(";")
    path = ods_file(
        tmp_path / "k.ods", {"Blad1": [header, ["Solceller", "1 250 000 kr", 12.5, 25, "Norr", "energi"]]}
    )
    data = path.read_bytes()
    preview = preview_table(data, file_type=".ods", source_name="k.ods")
    assert preview.headers == header
    projects = read_projects_bytes(
        data, file_type=".ods", source_name="k.ods", mapping=suggest_mapping(preview.headers)
    )
    assert projects.ids.tolist() == ["P001"]
    assert projects.unscheduled_cost.tolist() == [1_250_000.0]


def test_bytes_that_are_no_ods() -> None:
    with pytest.raises(InputError) as caught:
        read_projects_bytes(b"not a spreadsheet", file_type=".ods", source_name="upload")
    assert caught.value.problems[0].message.startswith("cannot read the file as an OpenDocument spreadsheet")


def test_a_missing_ods_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_projects(tmp_path / "nowhere.ods")
    assert caught.value.problems[0].message == f"file not found: {tmp_path / 'nowhere.ods'}"


# ----------------------------------------------------------------------------------------------
# The preview for the mapping step
# ----------------------------------------------------------------------------------------------


def test_preview_of_a_csv_shows_the_cells_as_written() -> None:
    data = excel_csv(KRISTINEHAMN_HEADER, *KRISTINEHAMN_ROWS)
    preview = preview_table(data, file_type=".csv", source_name="k.csv", rows=3)
    assert isinstance(preview, Preview)
    headers, rows, numbers = preview
    assert headers == KRISTINEHAMN_HEADER.split(";")
    assert rows == [
        ["Solceller på Åkerskolan", "1 250 000 kr", "12,5", "25", "Norr", "energi"],
        ["Cykelväg Öster", "500\u00a0000,50 kr", "3", "30", "", "transport"],
        ["Laddstolpar vid Ängen", "1 000 000:-", "0,5", "10", "Syd", "transport"],
    ]
    assert numbers == [2, 3, 5]
    assert preview_table(data, file_type=".csv", source_name="k.csv").rows == rows  # 5 by default: all 3


def test_preview_of_typed_cells(tmp_path: Path) -> None:
    path = ods_file(
        tmp_path / "t.ods",
        {"Blad1": [["Åtgärd", "Kostnad", "Klar", "Start"], ["A", 12.5, True, dt.datetime(2026, 3, 1)]]},
    )
    preview = preview_table(path.read_bytes(), file_type="ods", source_name="t.ods", rows=1)
    assert preview.rows == [["A", "12.5", "true", "2026-03-01"]]
    records = json.dumps([{"Nr": 1, "Kräver": ["P1", "P2"], "Namn": None}]).encode()
    assert preview_table(records, file_type=".json", source_name="x.json") == (
        ["Nr", "Kräver", "Namn"],
        [["1", '["P1", "P2"]', ""]],
        [1],
    )


@pytest.mark.parametrize(
    ("data", "file_type", "message"),
    [
        (b"x", ".xls", "cannot read .xls"),
        (b"{", ".json", "not valid JSON"),
        (b"not a spreadsheet", ".ods", "cannot read the file as an OpenDocument spreadsheet"),
        (b"\r\nx;1\r\n", ".csv", "the first row must hold the column names"),
    ],
)
def test_preview_of_a_file_that_cannot_be_read(data: bytes, file_type: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        preview_table(data, file_type=file_type, source_name="upload")
    assert message in caught.value.problems[0].message
