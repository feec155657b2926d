"""Reading project lists and scenarios: a fully validated result, or every problem located.

Project lists come from CSV files as Swedish Excel writes them (`;`, decimal comma, Windows-1252),
from XLSX workbooks, JSON files, or from a DataFrame / list of dicts handed over by the service.
All of them pass through the same validation, which collects every problem before raising one
`InputError`, so that a planner can fix a spreadsheet in one go.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import json
import math
import os
import re
import tomllib
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from pydantic import ValidationError

from models.project import (
    CORE_COLUMNS,
    PROFILE_PREFIX,
    RANGE_COLUMNS,
    REQUIRED_COLUMNS,
    TABLE_COLUMNS,
    ProjectList,
    canonical_text,
)
from models.scenario import Scenario
from optimizer.io.problems import InputError, Problem

__all__ = [
    "Problems",
    "RawTable",
    "cell_texts",
    "message_number",
    "normalise_header",
    "parse_json",
    "read_file_bytes",
    "read_projects",
    "read_projects_bytes",
    "read_scenario",
    "table_from_bytes",
    "table_from_csv",
    "table_from_frame",
    "table_from_records",
    "tag_numbers",
    "validate_projects",
]

MEMORY_SOURCE = "<memory>"
PROJECT_FILE_TYPES = (".csv", ".xlsx", ".ods", ".json")
SCENARIO_FILE_TYPES = (".json", ".toml")

TRUE_WORDS = frozenset({"true", "yes", "1", "ja", "sant", "x"})
FALSE_WORDS = frozenset({"false", "no", "0", "nej", "falskt"})
MIN_YEAR, MAX_YEAR = 1900, 2200

_GROUPING = "[ \u00a0\u202f]"


def _number_pattern(decimal: str) -> str:
    """A number: optional minus, digits (maybe grouped in threes), decimals, exponent."""
    integer = rf"(?:[0-9]{{1,3}}(?:{_GROUPING}[0-9]{{3}})+|[0-9]+)"
    return rf"-?(?:{integer}(?:{decimal}[0-9]+)?|{decimal}[0-9]+)(?:[eE][+-]?[0-9]+)?"


_NUMBER_WITH_POINT = re.compile(_number_pattern(r"\."))
_NUMBER_WITH_POINT_OR_COMMA = re.compile(_number_pattern("[.,]"))
_NUMBER_LIKE = re.compile(r"[0-9\s.,eE+\-\u2212]+")  # digits and the signs numbers are written with
_PLAIN_NUMBER_LENGTH = 40
_BOOLEAN_WORDS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
_PROFILE_YEAR = re.compile(re.escape(PROFILE_PREFIX) + r"([0-9]{4})")
_HEADER_SEPARATORS = re.compile(r"[\s\-]+")
_CURRENCY = re.compile(
    rf"\Asek{_GROUPING}*(?=[-\u2212]?[0-9])|(?<=[0-9]){_GROUPING}*(?:kr\.?|sek|:-|,-)\Z", re.IGNORECASE
)
"""Money as a finance officer writes it: `1 250 000 kr`, `1 250 000:-`, `1 250 000 SEK`, `SEK 1 250 000`."""
_TEXT_COLUMNS = ("id", "name", "sector", "district", "exclusive_group")


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def read_projects(
    source: str | os.PathLike[str] | pd.DataFrame | list[dict[str, Any]],
    *,
    source_name: str | None = None,
) -> ProjectList:
    """Read and validate a project list; raise `InputError` listing every problem in it.

    Files are read by extension (.csv, .xlsx, .ods, .json); a DataFrame or a list of dicts is
    validated the same way. Nothing is returned unless the whole list is valid.
    """
    name = source_name or _default_name(source)
    raw = _load_projects(source, name)
    return _ProjectValidator(raw, name).run()


def read_projects_bytes(
    data: bytes, *, file_type: str, source_name: str, mapping: Mapping[str, str] | None = None
) -> ProjectList:
    """Read and validate a project list held in memory, e.g. an upload to the service.

    `file_type` is the extension the bytes would have as a file (".csv", ".xlsx", ".ods" or ".json",
    with or without the dot, any case); `source_name` names the list in messages. `mapping` (header
    as written → column, "" to leave a column out; see `optimizer.io.mapping.apply_mapping`) renames
    the file's columns first, as the service's mapping step chose; None reads the headers as written.
    """
    raw = table_from_bytes(data, file_type=file_type, source_name=source_name)
    if mapping is not None:
        from optimizer.io.mapping import apply_mapping  # imported here: the mapping builds on this module

        raw = apply_mapping(raw, mapping)
    return validate_projects(raw, source_name=source_name)


def table_from_bytes(data: bytes, *, file_type: str, source_name: str) -> RawTable:
    """The cells of a project file held in memory, before any interpretation (see `read_projects_bytes`)."""
    suffix = "." + file_type.lower().lstrip(".")
    if suffix not in PROJECT_FILE_TYPES:
        raise _file_error(
            f"cannot read {suffix if file_type else 'files without an extension'}: save the project list "
            "as .csv, .xlsx or .json",
            source_name,
        )
    if suffix == ".csv":
        return table_from_csv(data, source_name)
    if suffix == ".xlsx":
        return _table_from_xlsx(BytesIO(data), source_name)
    if suffix == ".ods":
        return _table_from_ods(BytesIO(data), source_name)
    return table_from_records(_parse_project_json(data, source_name), source_name)


def validate_projects(raw: RawTable, *, source_name: str) -> ProjectList:
    """A table read (and maybe mapped) by the caller, validated: for a caller that also wants its `notes`."""
    return _ProjectValidator(raw, source_name).run()


def read_scenario(source: str | os.PathLike[str] | Mapping[str, Any] | Scenario) -> Scenario:
    """Read a scenario from a .json / .toml file or a dict; raise `InputError` on any problem."""
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        data, name = dict(source), None
    else:
        path = Path(source)
        name = path.name
        data = _parse_scenario_file(path)
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise InputError(_validation_problems(error, data, name), source=name) from None


def normalise_header(header: object) -> str:
    """The canonical column name: stripped, BOM removed, lower case, spaces and hyphens as `_`."""
    text = "" if header is None else str(header)
    text = text.replace("\ufeff", "").strip().lower()
    return _HEADER_SEPARATORS.sub("_", text)


# --------------------------------------------------------------------------------------------
# Loading: every source becomes a RawTable of cells, or fails with file-level problems
# --------------------------------------------------------------------------------------------


@dataclass
class RawTable:
    """Cells as read, before any interpretation; one entry of `rows` per data row."""

    headers: list[str]
    """The header text of each column, as written."""
    cells: pd.DataFrame
    """Object dtype, columns by position; stripped text or typed values, None when empty."""
    rows: np.ndarray
    """The number by which each data row is reported in messages."""
    decimal_comma: bool
    """Whether text cells may use a decimal comma (not in comma-separated files)."""
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What was done to the table that its person should know, though nothing is wrong (ids made)."""


def _default_name(source: object) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return MEMORY_SOURCE


def _file_error(message: str, source: str | None) -> InputError:
    return InputError([Problem(message, source=source)], source=source)


def _load_projects(source: object, name: str) -> RawTable:
    if isinstance(source, pd.DataFrame):
        return table_from_frame(source)
    if isinstance(source, list):
        return table_from_records(source, name)
    if not isinstance(source, str | os.PathLike):
        raise _file_error(
            f"cannot read a project list from a {type(source).__name__}: give a file path, "
            "a DataFrame or a list of dicts",
            name,
        )
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix not in PROJECT_FILE_TYPES:
        raise _file_error(
            f"cannot read {suffix or 'files without an extension'}: save the project list as "
            ".csv, .xlsx or .json",
            name,
        )
    if suffix == ".csv":
        return table_from_csv(read_file_bytes(path, name), name)
    if suffix == ".xlsx":
        return _table_from_xlsx(path, name)
    if suffix == ".ods":
        return _table_from_ods(path, name)
    return table_from_records(_parse_project_json(read_file_bytes(path, name), name), name)


def read_file_bytes(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _file_error(f"file not found: {path}", name) from None
    except IsADirectoryError:
        raise _file_error(f"{path} is a folder, not a file", name) from None
    except OSError as error:
        raise _file_error(f"cannot read {path}: {error.strerror or error}", name) from None


def _decode(data: bytes, name: str) -> str:
    """Text as Swedish Excel saves it: UTF-8 with BOM, UTF-16 ("Unicode text"), UTF-8 or cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = {"utf-8-sig": "UTF-8"}
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = {"utf-16": "UTF-16"}
    else:
        encodings = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error(f"cannot decode the file: it is not {' or '.join(encodings.values())} text", name)


def _detect_delimiter(text: str) -> str:
    """The separator used most in the header line (quoted parts ignored); `;` wins ties."""
    end = text.find("\n")
    header = re.sub(r'"[^"]*"', "", text if end < 0 else text[:end])
    counts = {sep: header.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def table_from_csv(data: bytes, name: str) -> RawTable:
    text = _decode(data, name)
    hint = re.match(r"sep=(.)[ \t]*\r?\n", text)  # Excel's separator line, not shown as a row
    if hint:
        delimiter, text = hint.group(1), text[hint.end() :]
    else:
        delimiter = _detect_delimiter(text)
    grid = _csv_grid(text, delimiter, name)
    return _table_from_grid(grid, decimal_comma=delimiter != ",", tidy=_tidy_text_column, source=name)


def _csv_grid(text: str, delimiter: str, name: str) -> pd.DataFrame:
    """All cells as text, one grid row per CSV record (blank lines included, so rows keep their numbers).

    pandas' C parser is fast; files it refuses (rows longer than the header, broken quoting) are
    read again with the csv module, which reads them as far as possible or says what is wrong.
    """
    try:
        return pd.read_csv(
            StringIO(text),
            sep=delimiter,
            header=None,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        pass
    reader = csv.reader(StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return _grid(list(reader))
    except csv.Error as error:
        raise _file_error(f"the file is not valid CSV: {error} (line {reader.line_num})", name) from None


def _table_from_xlsx(path: Path | BytesIO, name: str) -> RawTable:
    import openpyxl  # imported here: only XLSX reading needs it

    if isinstance(path, Path) and not path.is_file():
        read_file_bytes(path, name)  # raises the matching file error
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any failure means "not a workbook we can read"
        raise _file_error(f"cannot read the file as an Excel workbook: {error}", name) from None
    try:
        sheet = workbook.worksheets[_projects_sheet([s.title for s in workbook.worksheets])]
        records = list(sheet.iter_rows(min_row=1, values_only=True))
    except Exception as error:  # noqa: BLE001
        raise _file_error(f"cannot read the file as an Excel workbook: {error}", name) from None
    finally:
        workbook.close()
    return _table_from_grid(_grid(records), decimal_comma=True, tidy=_tidy_column, source=name)


def _table_from_ods(source: Path | BytesIO, name: str) -> RawTable:
    """An OpenDocument spreadsheet (LibreOffice, OpenOffice), read like an XLSX workbook: the same sheet,
    every row from the first (empty ones too, so that rows keep their numbers), text kept as written."""
    if isinstance(source, Path) and not source.is_file():
        read_file_bytes(source, name)  # raises the matching file error
    try:
        with pd.ExcelFile(source, engine="odf") as book:
            sheet = book.sheet_names[_projects_sheet([str(title) for title in book.sheet_names])]
            grid = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object, na_filter=False)
    except Exception as error:  # noqa: BLE001 - any failure means "not a spreadsheet we can read"
        raise _file_error(f"cannot read the file as an OpenDocument spreadsheet: {error}", name) from None
    grid.columns = range(grid.shape[1])
    return _table_from_grid(grid, decimal_comma=True, tidy=_tidy_column, source=name)


def _projects_sheet(titles: list[str]) -> int:
    """The position of the sheet named `projects` if there is one, else of the first sheet."""
    return next((i for i, title in enumerate(titles) if title.strip().lower() == "projects"), 0)


def _grid(records: list[Any]) -> pd.DataFrame:
    """Rows of cells, padded with None to the longest row."""
    width = max((len(r) for r in records), default=0)
    padded = [list(r) + [None] * (width - len(r)) for r in records]
    return pd.DataFrame(padded, columns=range(width), dtype=object)


def _table_from_grid(
    grid: pd.DataFrame, *, decimal_comma: bool, tidy: Callable[[pd.Series], pd.Series], source: str
) -> RawTable:
    """A spreadsheet (row 1 is the header) to cells; empty rows are skipped but keep their numbers."""
    grid = _tidy_cells(grid, tidy)
    if grid.empty:
        return RawTable([], pd.DataFrame(), np.zeros(0, dtype=int), decimal_comma)
    header = grid.iloc[0].tolist()
    named = [i for i, h in enumerate(header) if h is not None]
    width = named[-1] + 1 if named else 0
    filled = grid.iloc[1:].notna().to_numpy()
    kept = filled.any(axis=1)
    if not width and kept.any():
        raise _file_error("the first row must hold the column names, but it is empty", source)
    numbers = np.arange(2, len(grid) + 1)
    extra = filled[:, width:].sum(axis=1)
    problems = [
        Problem(
            f"has {width + int(extra[i])} cells but the header names only {width} columns",
            row=int(numbers[i]),
        )
        for i in np.flatnonzero(extra).tolist()
    ]
    cells = grid.iloc[1:, :width].iloc[kept].reset_index(drop=True)
    headers = ["" if h is None else str(h) for h in header[:width]]
    return RawTable(headers, cells, numbers[kept], decimal_comma, problems)


def _tidy_cells(cells: pd.DataFrame, tidy: Callable[[pd.Series], pd.Series]) -> pd.DataFrame:
    """Each column tidied; built column by column so pandas does not re-infer a `str` dtype."""
    return pd.DataFrame({c: tidy(cells[c]) for c in cells.columns}, index=cells.index)


def _tidy_text_column(column: pd.Series) -> pd.Series:
    """CSV cells, all text (or None where a short row was padded): stripped, and empty becomes None."""
    cells = column.to_numpy(dtype=object)
    return pd.Series(
        [c.strip() or None if c is not None else None for c in cells], index=column.index, dtype=object
    )


def _tidy_column(column: pd.Series) -> pd.Series:
    """Cells of any type (XLSX, JSON, DataFrame): text stripped, empty and NaN become None."""
    if _is_numeric(column):
        return column  # numeric cells stay numeric (NaN = empty); parsed without a Python loop
    return pd.Series([_tidy_cell(c) for c in column.to_numpy(dtype=object)], index=column.index, dtype=object)


def _is_numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _tidy_cell(cell: object) -> object:
    if isinstance(cell, str):
        return cell.strip() or None
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return None
    if isinstance(cell, float | np.floating) and math.isnan(cell):
        return None
    return cell


def _parse_project_json(data: bytes, name: str) -> list[Any]:
    document = parse_json(data, name)
    if isinstance(document, dict) and "projects" in document:
        document = document["projects"]
    if not isinstance(document, list):
        raise _file_error(
            f'expected a list of projects or {{"projects": [...]}}, not {_json_kind(document)}', name
        )
    return document


def parse_json(data: bytes, name: str | None) -> Any:
    """JSON with NaN/Infinity kept as text, so they are reported like any other non-number."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error("cannot decode the file: JSON must be UTF-8 text", name) from None
    try:
        return json.loads(text, parse_constant=str)
    except json.JSONDecodeError as error:
        raise _file_error(
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})", name
        ) from None


def _json_kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return "a number"


def table_from_records(records: list[Any], name: str) -> RawTable:
    """A list of dicts (JSON or the service): rows are numbered from 1; keys become columns."""
    problems: list[Problem] = []
    headers: list[str] = []
    seen: dict[str, int] = {}
    for number, record in enumerate(records, start=1):
        if not isinstance(record, Mapping):
            problems.append(
                Problem(
                    f"expected an object with the project's columns, not {_json_kind(record)}", row=number
                )
            )
            continue
        for key in record:
            if key not in seen:
                seen[key] = len(headers)
                headers.append(key)
    good = [(n, r) for n, r in enumerate(records, start=1) if isinstance(r, Mapping)]
    index = pd.RangeIndex(len(good))
    cells = pd.DataFrame(
        {
            i: pd.Series([r.get(key) for _, r in good], dtype=object, index=index)
            for i, key in enumerate(headers)
        },
        index=index,
    )
    rows = np.asarray([n for n, _ in good], dtype=int)
    return RawTable([str(h) for h in headers], _tidy_cells(cells, _tidy_column), rows, True, problems)


def table_from_frame(frame: pd.DataFrame) -> RawTable:
    """A DataFrame from the service; rows are numbered by position from 1."""
    index = pd.RangeIndex(len(frame))
    cells = pd.DataFrame(
        {i: pd.Series(frame.iloc[:, i].to_numpy(), index=index) for i in range(frame.shape[1])}, index=index
    )
    rows = np.arange(1, len(frame) + 1)
    return RawTable([str(c) for c in frame.columns], _tidy_cells(cells, _tidy_column), rows, True)


# --------------------------------------------------------------------------------------------
# Cell parsing: vectorised over a column; every bad cell gets a message, keyed by position
# --------------------------------------------------------------------------------------------


def _show(cell: object) -> str:
    """A cell as the person typed it, for messages."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool | np.bool_):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, list | dict):
        return json.dumps(cell, ensure_ascii=False)
    if isinstance(cell, float | np.floating) and not math.isfinite(cell):
        return str(float(cell))
    return canonical_text(cell) or ""


def cell_texts(column: pd.Series) -> list[str]:
    """A column's cells as a person reads them ("" where empty): for showing a file before it is read."""
    parsed = parse_texts(column)
    return [
        _show(column.iat[pos]) if pos in parsed.bad else value or ""
        for pos, value in enumerate(parsed.values.tolist())
    ]


def message_number(number: float) -> str:
    """A number for messages: integral values without a decimal point."""
    if math.isfinite(number) and float(number).is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(float(number))


@dataclass
class _Parsed:
    """One column parsed: values (NaN/None where empty or bad), which cells were empty, which bad."""

    values: np.ndarray
    empty: np.ndarray
    bad: dict[int, str]

    @property
    def ok(self) -> np.ndarray:
        """Cells that hold a valid value."""
        mask = ~self.empty
        if self.bad:
            mask[list(self.bad)] = False
        return mask


def _all_text(values: np.ndarray) -> bool:
    """Whether every filled cell is text (as in CSV files): lets the parsers skip type checks."""
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")


def parse_numbers(column: pd.Series, *, decimal_comma: bool = True) -> _Parsed:
    """Numbers as Swedish spreadsheets write them: `1 234 567,5`, `−12`, `1,5E+06`, or typed cells.

    Typed numeric columns and plain text numbers (`12000`, `-12,5`) are read vectorised; only
    the other cells (grouped thousands, exponents, mistakes) go through the full pattern one by one.
    """
    empty = column.isna().to_numpy()
    bad: dict[int, str] = {}
    if _is_numeric(column):
        values = column.to_numpy(dtype=float, na_value=np.nan, copy=True)
    else:
        values = np.full(len(column), np.nan)
        cells = column.to_numpy(dtype=object)
        filled = np.flatnonzero(~empty)
        if _all_text(cells) and len(filled):
            plain, plain_values = _plain_numbers(cells[filled], decimal_comma)
            values[filled[plain]] = plain_values
            filled = filled[~plain]
        pattern = _NUMBER_WITH_POINT_OR_COMMA if decimal_comma else _NUMBER_WITH_POINT
        for pos in filled.tolist():
            _parse_number_cell(pos, cells[pos], pattern, decimal_comma, values, bad)
    for pos in np.flatnonzero(~empty & ~np.isfinite(values)).tolist():
        bad.setdefault(pos, f"'{_show(column.iat[pos])}' is not a finite number")
    values[list(bad)] = np.nan
    return _Parsed(values, empty, bad)


def _numbers_if_all(column: pd.Series, decimal_comma: bool) -> np.ndarray | None:
    """The column as numbers if it has one and every filled cell is one (NaN where empty), else None.

    Text columns are rejected at their first cell that is not a plain number and does not match the
    full pattern either, so that a million-row text column costs one vectorised pass."""
    empty = column.isna().to_numpy()
    if empty.all():
        return None
    if _is_numeric(column):
        values = column.to_numpy(dtype=float, na_value=np.nan, copy=True)
        return values if np.isfinite(values[~empty]).all() else None
    cells = column.to_numpy(dtype=object)
    filled = np.flatnonzero(~empty)
    first = cells[filled[0]]
    if isinstance(first, str) and not _NUMBER_LIKE.fullmatch(_CURRENCY.sub("", first)):
        return None  # a text column such as yes/no or a district: no need to look further
    values = np.full(len(column), np.nan)
    if _all_text(cells):
        plain, plain_values = _plain_numbers(cells[filled], decimal_comma)
        values[filled[plain]] = plain_values
        filled = filled[~plain]
    pattern = _NUMBER_WITH_POINT_OR_COMMA if decimal_comma else _NUMBER_WITH_POINT
    bad: dict[int, str] = {}
    for pos in filled.tolist():
        _parse_number_cell(pos, cells[pos], pattern, decimal_comma, values, bad)
        if bad:
            return None
    return values if np.isfinite(values[~empty]).all() else None


def tag_numbers(projects: ProjectList, column: str) -> _Parsed:
    """A tag column of `projects` as numbers: parsed when the list was read if every cell is a number,
    else parsed now with the list's own convention, every bad cell with its message."""
    cells = projects.tags[column]
    if column in projects.tag_numbers:
        return _Parsed(np.array(projects.tag_numbers[column]), cells.isna().to_numpy(), {})
    return parse_numbers(cells, decimal_comma=projects.decimal_comma)


def _plain_numbers(texts: np.ndarray, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray]:
    """Which texts are plain numbers (ASCII digits, maybe a leading `-` and one decimal separator),
    and their values, computed with numpy's string functions instead of a Python loop."""
    short = np.fromiter(map(len, texts), dtype=int, count=len(texts)) <= _PLAIN_NUMBER_LENGTH
    if not short.all():  # a fixed-width numpy text array is as wide as its longest cell: keep it small
        plain, values = _plain_numbers(texts[short], decimal_comma)
        return _scatter(short, plain), values
    text = texts.astype(str)
    ascii_only = (text.view(np.uint32).reshape(len(text), -1) < 128).all(axis=1)
    body = np.where(np.strings.startswith(text, "-"), np.strings.slice(text, 1, None), text)
    commas = np.strings.count(body, ",")
    separators = np.strings.count(body, ".") + commas
    digits = np.strings.replace(np.strings.replace(body, ".", ""), ",", "")
    plain = (
        ascii_only
        & (separators <= 1)
        & np.strings.isdigit(digits)
        & ~np.strings.endswith(body, ".")
        & ~np.strings.endswith(body, ",")
    )
    if not decimal_comma:
        plain &= commas == 0
    if not plain.any():  # numpy's replace fails on an empty array
        return plain, np.zeros(0)
    return plain, np.strings.replace(text[plain], ",", ".").astype(float)


def _scatter(mask: np.ndarray, selected: np.ndarray) -> np.ndarray:
    """A mask over all items from a mask over the items selected by `mask`."""
    full = np.zeros(len(mask), dtype=bool)
    full[np.flatnonzero(mask)[selected]] = True
    return full


def _parse_number_cell(
    pos: int,
    cell: object,
    pattern: re.Pattern[str],
    decimal_comma: bool,
    values: np.ndarray,
    bad: dict[int, str],
) -> None:
    if isinstance(cell, str):
        number = _text_number(cell, pattern)
        if number is None:
            bad[pos] = _not_a_number(cell, decimal_comma)
        else:
            values[pos] = number
    elif isinstance(cell, int | float | np.integer | np.floating) and not isinstance(cell, bool | np.bool_):
        values[pos] = float(cell)
    else:
        bad[pos] = f"'{_show(cell)}' is not a number"


def _text_number(text: str, pattern: re.Pattern[str]) -> float | None:
    """The number a cell's text shows, or None; an amount of money may say so (`1 250 000 kr`)."""
    plain = _CURRENCY.sub("", text).replace("\u2212", "-")
    if not pattern.fullmatch(plain):
        return None
    return float(plain.replace(",", ".").replace(" ", "").replace("\u00a0", "").replace("\u202f", ""))


def _not_a_number(text: str, decimal_comma: bool) -> str:
    message = f"'{text}' is not a number"
    if not decimal_comma and "," in text and _NUMBER_LIKE.fullmatch(text):
        message += (
            ": the file is separated by commas, so numbers cannot contain ',' "
            "(separate the columns with ';' or write a decimal point)"
        )
    return message


def parse_booleans(column: pd.Series) -> _Parsed:
    """Yes/no cells: true/false, yes/no, ja/nej, sant/falskt (Swedish Excel), 1/0, x; empty is no."""
    values = np.zeros(len(column), dtype=bool)
    empty = column.isna().to_numpy()
    bad: dict[int, str] = {}
    cells = column.to_numpy(dtype=object)
    for pos in np.flatnonzero(~empty).tolist():
        cell = cells[pos]
        flag = _BOOLEAN_WORDS.get(cell.strip().lower()) if isinstance(cell, str) else _typed_boolean(cell)
        if flag is None:
            bad[pos] = (
                f"'{_show(cell)}' is not a yes/no value "
                "(use true/false, yes/no, ja/nej, sant/falskt, 1/0 or x; empty means no)"
            )
        else:
            values[pos] = flag
    return _Parsed(values, empty, bad)


def _typed_boolean(cell: object) -> bool | None:
    """XLSX / JSON cells: booleans, and the numbers 1 and 0."""
    if isinstance(cell, bool | np.bool_):
        return bool(cell)
    if isinstance(cell, int | float | np.integer | np.floating) and cell in (0, 1):
        return bool(cell)
    return None


def parse_texts(column: pd.Series) -> _Parsed:
    """Text cells; typed cells (numbers, dates) are turned into the text they show."""
    cells = column.to_numpy(dtype=object)
    empty = pd.isna(cells)
    # numpy's stubs read a None second argument as the one-argument form of np.where
    values = np.where(empty, None, cells).astype(object)  # type: ignore[attr-defined]
    bad: dict[int, str] = {}
    if _all_text(cells):
        return _Parsed(values, empty, bad)
    for pos in np.flatnonzero(~empty).tolist():
        cell = cells[pos]
        if isinstance(cell, str):
            continue
        if isinstance(cell, list | dict):
            bad[pos] = f"expected text, not {_json_kind(cell)}"
            values[pos] = None
        elif isinstance(cell, dt.datetime) and cell.time() == dt.time(0):
            values[pos] = cell.date().isoformat()
        elif isinstance(cell, dt.date | dt.datetime | dt.time):
            values[pos] = cell.isoformat()
        else:
            values[pos] = canonical_text(cell)
    return _Parsed(values, empty, bad)


def parse_id_lists(column: pd.Series) -> _Parsed:
    """`requires` cells: ids separated by `;` or `,`, a JSON list in the cell, or a list (JSON input)."""
    values = np.empty(len(column), dtype=object)
    values[:] = [() for _ in range(len(column))]
    empty = column.isna().to_numpy()
    bad: dict[int, str] = {}
    for pos in np.flatnonzero(~empty):
        cell = column.iat[pos]
        ids = _id_list(cell)
        if ids is None:
            bad[int(pos)] = f"'{_show(cell)}' is not a list of project ids (separate them with ';' or ',')"
        else:
            values[pos] = ids
    return _Parsed(values, empty, bad)


def _id_list(cell: object) -> tuple[str, ...] | None:
    if isinstance(cell, str) and cell.startswith("["):
        try:
            cell = json.loads(cell)
        except json.JSONDecodeError:
            return None
    if isinstance(cell, list):
        if any(isinstance(item, list | dict) for item in cell):
            return None
        items = [canonical_text(item) for item in cell]
    elif isinstance(cell, str):
        items = [part.strip() for part in re.split("[;,]", cell)]
    elif isinstance(cell, dict):
        return None
    else:
        items = [canonical_text(cell)]
    return tuple(dict.fromkeys(item for item in items if item))


# --------------------------------------------------------------------------------------------
# Validation of a whole list
# --------------------------------------------------------------------------------------------


class Problems:
    """Collects problems by data-row position, reporting them by the source's row numbers."""

    def __init__(self, rows: np.ndarray, source: str, column_order: Mapping[str, int]) -> None:
        self._rows = rows
        self._source = source
        self._order = column_order
        self.items: list[Problem] = []

    def add(self, message: str, *, pos: int | None = None, column: str | None = None) -> None:
        """A problem at data row `pos` (None: of the whole list)."""
        row = None if pos is None else int(self._rows[pos])
        self.items.append(Problem(message, row=row, column=column, source=self._source))

    def add_all(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.items.append(Problem(p.message, row=p.row, column=p.column, source=self._source))

    def add_bad(self, parsed: _Parsed, column: str) -> None:
        for pos, message in parsed.bad.items():
            self.add(message, pos=pos, column=column)

    def add_where(self, mask: np.ndarray, column: str, message: Callable[[int], str] | str) -> None:
        for pos in np.flatnonzero(mask):
            self.add(message(int(pos)) if callable(message) else message, pos=int(pos), column=column)

    def reject(self, parsed: _Parsed, mask: np.ndarray, column: str, message: Callable[[int], str]) -> None:
        """Report cells that parsed but are not allowed, and drop them from the parsed values."""
        for pos in np.flatnonzero(mask):
            parsed.bad[int(pos)] = text = message(int(pos))
            self.add(text, pos=int(pos), column=column)
        parsed.values[mask] = np.nan

    def sorted(self) -> list[Problem]:
        """Whole-file problems first, then by row and by the column's place in the file."""

        def key(p: Problem) -> tuple[int, int, int]:
            return (p.row is not None, p.row or 0, self._order.get(p.column or "", -1))

        return sorted(self.items, key=key)


class _ProjectValidator:
    """Turns a RawTable into a ProjectList, or raises InputError with everything wrong in it."""

    def __init__(self, raw: RawTable, source: str) -> None:
        self.raw = raw
        self.source = source
        self.n = len(raw.rows)
        self.columns: dict[str, pd.Series] = {}
        self.order: dict[str, int] = {}
        self.profile_years: dict[int, str] = {}
        self.problems = Problems(raw.rows, source, self.order)

    def run(self) -> ProjectList:
        self.problems.add_all(self.raw.problems)
        if not self.raw.headers and self.n == 0:
            self._fail_with("the project list is empty")
        self._name_columns()
        self._check_required_columns()
        if self.n == 0:
            self._fail_with("the project list is empty")
        table = self._core_table()
        scheduled, unscheduled, from_profile = self._costs(table)
        first_positions = self._check_ids(table)
        self._check_requires(table, first_positions)
        tags, tag_numbers = self._tags()
        if self.problems.items:
            raise InputError(self.problems.sorted(), source=self.source)
        return ProjectList(
            table=_frame(table, self.n),
            scheduled_cost=scheduled,
            unscheduled_cost=unscheduled,
            tags=tags,
            source=self.source,
            cost_from_profile=from_profile,
            tag_numbers=tag_numbers,
            decimal_comma=self.raw.decimal_comma,
        )

    def _fail_with(self, message: str) -> None:
        self.problems.add(message)
        raise InputError(self.problems.sorted(), source=self.source)

    # --- columns ------------------------------------------------------------------------

    def _name_columns(self) -> None:
        """Normalised names for the columns; duplicate, unnamed and misnamed ones are problems."""
        written: dict[str, list[str]] = {}
        for position, header in enumerate(self.raw.headers):
            name = normalise_header(header)
            cells = self.raw.cells[position]
            if not name:
                if cells.notna().any():
                    self.problems.add(f"column {position + 1} has values but no name in the header")
                continue
            written.setdefault(name, []).append(header)
            if name in self.columns:
                continue
            self.order[name] = position
            self.columns[name] = cells
            if name.startswith(PROFILE_PREFIX):
                self._name_profile_column(name)
        for name, headers in written.items():
            if len(headers) > 1:
                shown = ", ".join(f"'{h}'" for h in headers)
                self.problems.add(f"appears more than once in the header: {shown}", column=name)

    def _name_profile_column(self, name: str) -> None:
        match = _PROFILE_YEAR.fullmatch(name)
        year = int(match.group(1)) if match else None
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            self.problems.add(
                f"not a yearly cost column: name it {PROFILE_PREFIX} followed by a year from "
                f"{MIN_YEAR} to {MAX_YEAR}, e.g. {PROFILE_PREFIX}2026",
                column=name,
            )
        else:
            self.profile_years[year] = name

    def _check_required_columns(self) -> None:
        tags = [c for c in self.columns if c not in CORE_COLUMNS and not c.startswith(PROFILE_PREFIX)]
        for name in REQUIRED_COLUMNS:
            if name not in self.columns:
                close = difflib.get_close_matches(name, tags, n=1, cutoff=0.75)
                hint = f" (is '{close[0]}' meant to be it?)" if close else ""
                self.problems.add(f"this required column is missing{hint}", column=name)
        if not self._has_cost_columns():
            self.problems.add(
                f"no cost column: add cost_sek (with year when known) or one {PROFILE_PREFIX}YYYY "
                f"column per year, e.g. {PROFILE_PREFIX}2026"
            )

    def _has_cost_columns(self) -> bool:
        return "cost_sek" in self.columns or bool(self.profile_years)

    def _cells(self, name: str) -> pd.Series | None:
        return self.columns.get(name)

    # --- core columns -------------------------------------------------------------------

    def _core_table(self) -> dict[str, Any]:
        table: dict[str, Any] = {"row": self.raw.rows.astype(np.int64)}
        for name in _TEXT_COLUMNS:
            table[name] = self._text(name, required=name in REQUIRED_COLUMNS)
        table["abatement_t_per_year"] = self._number("abatement_t_per_year", minimum=0.0, required=True)
        table["lifetime_years"] = self._number("lifetime_years", minimum=1.0, required=True)
        table["grant_sek"] = np.nan_to_num(self._number("grant_sek", minimum=0.0), nan=0.0)
        table["opex_sek_per_year"] = np.nan_to_num(
            self._number("opex_sek_per_year", minimum=-np.inf), nan=0.0
        )
        table["requires"] = self._requires()
        table["mandatory"] = self._boolean("mandatory")
        table["divisible"] = self._boolean("divisible")
        table["earliest_start"] = self._whole_year("earliest_start").values
        table["latest_start"] = self._whole_year("latest_start").values
        self._check_start_window(table)
        for name in RANGE_COLUMNS:
            table[name] = self._number(name, minimum=0.0)
        self._check_range(table, "abatement", table["abatement_t_per_year"], "abatement_t_per_year {point}")
        return {name: table[name] for name in TABLE_COLUMNS}

    def _check_range(self, table: dict[str, Any], measure: str, point: np.ndarray, what: str) -> None:
        """A range must hold its point estimate: low ≤ point ≤ high (an empty side has no spread).

        `what` names the point in messages, with `{point}` where its value goes."""
        suffix = "_t_per_year" if measure == "abatement" else "_sek"
        low, high = table[f"{measure}_low{suffix}"], table[f"{measure}_high{suffix}"]
        with np.errstate(invalid="ignore"):
            above, below = low > point, high < point
        self.problems.add_where(
            above,
            f"{measure}_low{suffix}",
            lambda pos: (
                f"{message_number(low[pos])} is more than {what.format(point=message_number(point[pos]))}: the low end "
                "of a range cannot be above the point estimate"
            ),
        )
        self.problems.add_where(
            below,
            f"{measure}_high{suffix}",
            lambda pos: (
                f"{message_number(high[pos])} is less than {what.format(point=message_number(point[pos]))}: the high end "
                "of a range cannot be below the point estimate"
            ),
        )

    def _check_start_window(self, table: dict[str, Any]) -> None:
        earliest, latest = table["earliest_start"], table["latest_start"]
        with np.errstate(invalid="ignore"):
            reversed_window = latest < earliest
        self.problems.add_where(
            reversed_window,
            "latest_start",
            lambda pos: (
                f"{message_number(latest[pos])} is before earliest_start {message_number(earliest[pos])}"
            ),
        )
        message = (
            "a divisible project cannot be phased: the optimiser chooses one start year for a whole "
            "project (split it into projects or drop earliest_start/latest_start)"
        )
        given = ~np.isnan(earliest)
        self.problems.add_where(given & table["divisible"], "earliest_start", message)
        self.problems.add_where(~given & ~np.isnan(latest) & table["divisible"], "latest_start", message)

    def _text(self, name: str, *, required: bool = False) -> np.ndarray:
        cells = self._cells(name)
        if cells is None:
            return np.full(self.n, None, dtype=object)
        parsed = parse_texts(cells)
        self.problems.add_bad(parsed, name)
        if required:
            self.problems.add_where(parsed.empty, name, "a value is required")
        return parsed.values

    def _number(self, name: str, *, minimum: float, required: bool = False) -> np.ndarray:
        cells = self._cells(name)
        if cells is None:
            return np.full(self.n, np.nan)
        parsed = parse_numbers(cells, decimal_comma=self.raw.decimal_comma)
        self.problems.add_bad(parsed, name)
        if required:
            self.problems.add_where(parsed.empty, name, "a value is required")
        self._check_minimum(parsed, name, minimum)
        return parsed.values

    def _check_minimum(self, parsed: _Parsed, name: str, minimum: float, *, strict: bool = False) -> None:
        values = parsed.values.copy()
        with np.errstate(invalid="ignore"):
            low = parsed.ok & ((values <= minimum) if strict else (values < minimum))
        bound = f"more than {message_number(minimum)}" if strict else f"{message_number(minimum)} or more"
        self.problems.reject(
            parsed, low, name, lambda pos: f"must be {bound}, not {message_number(values[pos])}"
        )

    def _boolean(self, name: str) -> np.ndarray:
        cells = self._cells(name)
        if cells is None:
            return np.zeros(self.n, dtype=bool)
        parsed = parse_booleans(cells)
        self.problems.add_bad(parsed, name)
        return parsed.values

    def _requires(self) -> np.ndarray:
        cells = self._cells("requires")
        if cells is None:
            values = np.empty(self.n, dtype=object)
            values[:] = [() for _ in range(self.n)]
            return values
        parsed = parse_id_lists(cells)
        self.problems.add_bad(parsed, "requires")
        return parsed.values

    # --- costs --------------------------------------------------------------------------

    def _costs(self, table: dict[str, Any]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """Cost per year and unscheduled cost; each row gives cost_sek (+ year) or a yearly profile."""
        single = self._single_cost()
        year = self._year()
        profile = self._profile()
        has_single = ~single.empty
        has_profile = np.zeros(self.n, dtype=bool)
        for parsed in profile.values():
            has_profile |= ~parsed.empty
        if self._has_cost_columns():
            self._check_cost_form(has_single, has_profile, year)
        profile_total = self._check_profile_sum(profile, has_single, has_profile)
        total = np.where(has_single, single.values, profile_total)
        total[has_single & has_profile] = np.nan  # which cost is meant is unclear: no grant check
        self._check_grant(table["grant_sek"], total)
        self._check_range(table, "cost", total, "the project's total cost {point}")
        scheduled = self._scheduled(single, year, profile, has_single)
        unscheduled = np.where(has_single & year.empty, np.nan_to_num(single.values), 0.0)
        return scheduled, unscheduled.astype(float), has_profile & ~has_single

    def _single_cost(self) -> _Parsed:
        cells = self._cells("cost_sek")
        if cells is None:
            return _Parsed(np.full(self.n, np.nan), np.ones(self.n, dtype=bool), {})
        parsed = parse_numbers(cells, decimal_comma=self.raw.decimal_comma)
        self.problems.add_bad(parsed, "cost_sek")
        self._check_minimum(parsed, "cost_sek", 0.0, strict=True)
        return parsed

    def _year(self) -> _Parsed:
        return self._whole_year("year")

    def _whole_year(self, name: str) -> _Parsed:
        cells = self._cells(name)
        if cells is None:
            return _Parsed(np.full(self.n, np.nan), np.ones(self.n, dtype=bool), {})
        parsed = parse_numbers(cells, decimal_comma=self.raw.decimal_comma)
        self.problems.add_bad(parsed, name)
        values = parsed.values.copy()
        with np.errstate(invalid="ignore"):
            wrong = parsed.ok & ((values % 1 != 0) | (values < MIN_YEAR) | (values > MAX_YEAR))
        self.problems.reject(
            parsed,
            wrong,
            name,
            lambda pos: (
                f"must be a whole year from {MIN_YEAR} to {MAX_YEAR}, not {message_number(values[pos])}"
            ),
        )
        return parsed

    def _profile(self) -> dict[int, _Parsed]:
        profile: dict[int, _Parsed] = {}
        for year in sorted(self.profile_years):
            name = self.profile_years[year]
            parsed = parse_numbers(self.columns[name], decimal_comma=self.raw.decimal_comma)
            self.problems.add_bad(parsed, name)
            self._check_minimum(parsed, name, 0.0)
            profile[year] = parsed
        return profile

    def _check_cost_form(self, has_single: np.ndarray, has_profile: np.ndarray, year: _Parsed) -> None:
        single_column = (
            "cost_sek" if "cost_sek" in self.columns else self.profile_years[min(self.profile_years)]
        )
        self.problems.add_where(
            has_single & has_profile,
            single_column,
            f"give either cost_sek or the {PROFILE_PREFIX}YYYY columns, not both",
        )
        self.problems.add_where(
            ~has_single & ~has_profile,
            single_column,
            f"no cost: fill in cost_sek or the {PROFILE_PREFIX}YYYY columns",
        )
        self.problems.add_where(
            ~year.empty & has_profile & ~has_single,
            "year",
            f"a year cannot be combined with {PROFILE_PREFIX}YYYY columns, "
            "which already say when the money is spent",
        )

    def _check_profile_sum(
        self, profile: dict[int, _Parsed], has_single: np.ndarray, has_profile: np.ndarray
    ) -> np.ndarray:
        """Total of each row's profile (NaN where some cell is bad); a profile must add up to more than 0."""
        if not profile:
            return np.full(self.n, np.nan)
        all_ok = np.logical_and.reduce([p.ok | p.empty for p in profile.values()])
        total = np.sum([np.nan_to_num(p.values) for p in profile.values()], axis=0)
        total = np.where(all_ok, total, np.nan)
        zero = has_profile & ~has_single & all_ok & (np.nan_to_num(total, nan=1.0) <= 0)
        first_filled = np.argmax(np.stack([~p.empty for p in profile.values()], axis=1), axis=1)
        names = [self.profile_years[y] for y in profile]
        for pos in np.flatnonzero(zero):
            self.problems.add(
                f"the {PROFILE_PREFIX}YYYY columns add up to 0; a project needs a cost",
                pos=int(pos),
                column=names[first_filled[pos]],
            )
        return np.where(zero, np.nan, total)

    def _check_grant(self, grant: np.ndarray, total: np.ndarray) -> None:
        with np.errstate(invalid="ignore"):
            over = np.isfinite(total) & (grant > total)
        self.problems.add_where(
            over,
            "grant_sek",
            lambda pos: (
                f"{message_number(grant[pos])} is more than the project's total cost {message_number(total[pos])}"
            ),
        )

    def _scheduled(
        self, single: _Parsed, year: _Parsed, profile: dict[int, _Parsed], has_single: np.ndarray
    ) -> pd.DataFrame:
        """Cost per calendar year (sorted int columns); years where nobody spends are left out."""
        dated = has_single & single.ok & year.ok
        years = sorted(set(profile) | {int(y) for y in year.values[dated]})
        matrix = np.zeros((self.n, len(years)))
        for year_value, parsed in profile.items():
            matrix[:, years.index(year_value)] = np.where(has_single, 0.0, np.nan_to_num(parsed.values))
        positions = np.flatnonzero(dated)
        matrix[positions, np.searchsorted(years, year.values[positions].astype(int))] = single.values[
            positions
        ]
        spent = cast(np.ndarray, matrix.any(axis=0))  # a 2-D matrix reduced over one axis: an array
        kept = [y for y, used in zip(years, spent, strict=True) if used]
        return pd.DataFrame(matrix[:, spent], columns=pd.Index(kept, dtype=int), index=pd.RangeIndex(self.n))

    # --- ids and requirements -----------------------------------------------------------

    def _check_ids(self, table: dict[str, Any]) -> dict[str, int]:
        """Ids must be unique; returns where each id first occurs."""
        ids = pd.Series(table["id"], dtype=object)
        present = ids.notna().to_numpy()
        repeated = ids.duplicated(keep="first").to_numpy() & present
        firsts = ids[present & ~repeated]
        first_pos = dict(zip(firsts.to_numpy(), firsts.index.to_numpy().tolist(), strict=True))
        self.problems.add_where(
            repeated,
            "id",
            lambda pos: (
                f"'{ids.iat[pos]}' is used again (first at row {self.raw.rows[first_pos[ids.iat[pos]]]})"
            ),
        )
        return first_pos

    def _check_requires(self, table: dict[str, Any], positions: Mapping[str, int]) -> None:
        """Each required id must exist and differ from the row's own; requirements must not loop."""
        edges: list[tuple[int, int]] = []
        for pos in np.flatnonzero(np.fromiter((bool(r) for r in table["requires"]), bool, self.n)):
            own = table["id"][pos]
            for other in table["requires"][pos]:
                if own is not None and other == own:
                    self.problems.add("a project cannot require itself", pos=int(pos), column="requires")
                elif other not in positions:
                    self.problems.add(f"unknown project id '{other}'", pos=int(pos), column="requires")
                else:
                    edges.append((int(pos), int(positions[other])))
        for cycle in _cycles(edges, self.n):
            shown = " → ".join(str(table["id"][p]) for p in [*cycle, cycle[0]])
            self.problems.add(f"requires form a cycle: {shown}", pos=cycle[0], column="requires")

    # --- tags ---------------------------------------------------------------------------

    def _tags(self) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
        """Every other column as text, and, for those whose every cell is a number in the file's own
        convention, as numbers too (parsed here, once: later the convention is no longer known)."""
        tags: dict[str, pd.Series] = {}
        numbers: dict[str, np.ndarray] = {}
        for name, cells in self.columns.items():
            if name in CORE_COLUMNS or name.startswith(PROFILE_PREFIX):
                continue
            parsed = parse_texts(cells)
            self.problems.add_bad(parsed, name)
            tags[name] = pd.Series(parsed.values, dtype=object, index=pd.RangeIndex(self.n))
            values = _numbers_if_all(cells, self.raw.decimal_comma)
            if values is not None:
                numbers[name] = values
        return pd.DataFrame(tags, index=pd.RangeIndex(self.n)), numbers


def _frame(columns: Mapping[str, np.ndarray], n: int) -> pd.DataFrame:
    """A DataFrame whose text columns stay object dtype with None (pandas 3 would infer `str`)."""
    index = pd.RangeIndex(n)
    return pd.DataFrame(
        {name: pd.Series(values, dtype=values.dtype, index=index) for name, values in columns.items()},
        index=index,
    )


def _cycles(edges: list[tuple[int, int]], n: int) -> list[list[int]]:
    """One cycle per strongly connected group of projects, starting at its first project."""
    if not edges:
        return []
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    source, target = np.asarray(edges).T
    graph = coo_matrix((np.ones(len(edges)), (source, target)), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(labels)
    successors: dict[int, list[int]] = {}
    for a, b in edges:
        successors.setdefault(a, []).append(b)
    cycles = []
    for label in np.flatnonzero(sizes > 1):
        members = set(np.flatnonzero(labels == label).tolist())
        cycles.append(_shortest_cycle(min(members), members, successors))
    return sorted(cycles)


def _shortest_cycle(start: int, members: set[int], successors: Mapping[int, list[int]]) -> list[int]:
    """Breadth-first from `start` back to itself, within one strongly connected group."""
    previous: dict[int, int] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in successors.get(node, []):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return path[::-1]
            if nxt in members and nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    raise AssertionError("a strongly connected group always has a cycle")  # pragma: no cover


# --------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------


def _parse_scenario_file(path: Path) -> Any:
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in SCENARIO_FILE_TYPES:
        raise _file_error(
            f"cannot read {suffix or 'files without an extension'}: write the scenario as .json or .toml",
            name,
        )
    data = read_file_bytes(path, name)
    if suffix == ".json":
        document = parse_json(data, name)
    else:
        try:
            document = tomllib.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise _file_error("cannot decode the file: TOML must be UTF-8 text", name) from None
        except tomllib.TOMLDecodeError as error:
            raise _file_error(f"not valid TOML: {error}", name) from None
    if not isinstance(document, dict):
        raise _file_error(
            f"a scenario must be an object with budget_sek etc., not {_json_kind(document)}", name
        )
    return document


def _validation_problems(error: ValidationError, data: Any, source: str | None) -> list[Problem]:
    """Pydantic's errors as problems `dotted.location: message`, union branches merged."""
    found: dict[tuple[Any, ...], tuple[bool, list[str]]] = {}
    for item in error.errors():
        loc, in_union = _data_location(item["loc"], data, item["type"])
        message = re.sub(r"^(Value error|Assertion failed), ", "", item["msg"])
        messages = found.setdefault(loc, (in_union, []))[1]
        if message not in messages:
            messages.append(message)
    problems = []
    for loc, (in_union, messages) in found.items():
        deeper = any(other[: len(loc)] == loc and len(other) > len(loc) for other in found)
        if in_union and deeper:
            continue  # a union branch that got further explains the problem better
        where = _dotted(loc)
        text = _join_alternatives(messages)
        problems.append(Problem(f"{where}: {text}" if where else text, source=source))
    return problems


def _data_location(loc: tuple[Any, ...], data: Any, error_type: str) -> tuple[tuple[Any, ...], bool]:
    """The location without pydantic's union-branch labels, found by walking the input data."""
    kept: list[Any] = []
    in_union = False
    node = data
    for i, part in enumerate(loc):
        if _has_child(node, part):
            node = node[part]
        elif not ((i == len(loc) - 1 and error_type == "missing") or part == "[key]"):
            in_union = True  # a label such as 'constrained-float' naming the branch of a union
            continue
        kept.append(part)
    return tuple(kept), in_union


def _has_child(node: Any, part: Any) -> bool:
    if isinstance(node, Mapping):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _dotted(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _join_alternatives(messages: list[str]) -> str:
    prefix = "Input should be "
    if len(messages) > 1 and all(m.startswith(prefix) for m in messages):
        rest = [m[len(prefix) :] for m in messages]
        return prefix + ", ".join(rest[:-1]) + " or " + rest[-1]
    return "; ".join(messages)
