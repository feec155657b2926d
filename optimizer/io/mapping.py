"""Naming a file's own columns: which canonical column each header most likely is, and the renaming.

A finance officer's spreadsheet says `Åtgärd`, `Kostnad (kr)` and `Minskning ton/år`, not `name`,
`cost_sek` and `abatement_t_per_year`. `preview_table` shows her file's start; `suggest_mapping` proposes a
column for each header from Swedish and English synonyms (she confirms or corrects it in the service,
which may remember her choice); `apply_mapping` renames the columns before validation (as
`read_projects_bytes(..., mapping=...)` does); `written_headers` takes the column a `Problem` names back
to her own header. Suggestions do not guess: a header whose words or unit fit no column
(`Kostnad (tkr)` is in thousands, `Kostnad per år` is yearly) is kept as a tag.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from models.project import CORE_COLUMNS, PROFILE_PREFIX
from optimizer.io.problems import Problem
from optimizer.io.readers import MAX_YEAR, MIN_YEAR, RawTable, cell_texts, normalise_header, table_from_bytes

__all__ = ["SYNONYMS", "TAGS", "Preview", "apply_mapping", "preview_table", "suggest_mapping", "written_headers"]

#: Names of each canonical column as people write them (lower case, words separated by one space, units
#: left out: `Kostnad (kr)` is "kostnad"), the most telling first: it wins when two headers compete.
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "id": (
        "nr", "nummer", "löpnummer", "löpnr", "åtgärdsnummer", "åtgärdsnr", "åtgärds id", "åtgärd nr",
        "åtgärd id", "åtgärdskod", "projektnummer", "projektnr", "projekt id", "id nummer", "id nr",
        "beteckning", "no", "number", "#", "project id", "project no", "project number", "measure id",
    ),
    "name": (
        "namn", "benämning", "åtgärd", "åtgärdsnamn", "projektnamn", "åtgärder", "projekt", "titel", "rubrik",
        "measure", "measure name", "project name", "project", "title", "action",
    ),
    "sector": (
        "sektor", "förvaltning", "verksamhet", "verksamhetsområde", "nämnd", "sector", "department",
    ),
    "district": (
        "område", "stadsdel", "kommundel", "geografiskt område", "ort", "plats", "district",
        "neighbourhood", "neighborhood", "area", "location",
    ),
    "cost_sek": (
        "kostnad", "investering", "investeringskostnad", "total kostnad", "totalkostnad", "kostnad totalt",
        "investeringsbelopp", "investeringsutgift", "anskaffningskostnad", "utgift", "cost", "total cost",
        "investment", "investment cost", "capex", "capital cost",
    ),
    "year": (
        "år", "startår", "genomförandeår", "investeringsår", "utförandeår", "planerat år", "start year",
        "investment year",
    ),
    "grant_sek": (
        "bidrag", "klimatklivet", "klimatklivsbidrag", "stöd", "investeringsstöd", "statsbidrag",
        "statligt stöd", "externt bidrag", "extern finansiering", "medfinansiering", "grant", "grants",
        "subsidy", "external funding", "co funding",
    ),
    "abatement_t_per_year": (
        "minskning", "utsläppsminskning", "klimateffekt", "minskade utsläpp", "årlig minskning",
        "reduktion", "utsläppsreduktion", "växthusgasminskning", "reduction", "abatement",
        "emission reduction", "emissions reduction", "annual reduction",
    ),
    "lifetime_years": (
        "livslängd", "teknisk livslängd", "ekonomisk livslängd", "livstid", "avskrivningstid", "brukstid",
        "lifetime", "life", "lifespan", "life time", "service life", "useful life", "economic life",
        "technical life",
    ),
    "opex_sek_per_year": (
        "driftkostnad", "driftskostnad", "driftkostnader", "årlig driftkostnad", "drift och underhåll",
        "underhållskostnad", "löpande kostnad", "opex", "operating cost", "operating costs",
        "annual operating cost", "running cost", "running costs", "o&m", "operation and maintenance",
        "maintenance cost",
    ),
    "requires": (
        "kräver", "förutsätter", "beroende av", "beror på", "förutsättning", "förutsättningar", "beroenden",
        "requires", "depends on", "dependencies", "prerequisite", "prerequisites",
    ),
    "exclusive_group": (
        "alternativgrupp", "alternativ grupp", "exklusiv grupp", "uteslutande grupp",
        "ömsesidigt uteslutande", "antingen eller", "exclusive group", "alternative group",
        "mutually exclusive", "either or",
    ),
    "mandatory": (
        "obligatorisk", "obligatoriskt", "tvingande", "måste", "måste genomföras", "mandatory",
        "compulsory", "must",
    ),
    "divisible": (
        "delbar", "delbart", "kan delas", "skalbar", "skalbart", "divisible", "partial", "scalable",
        "can be split", "splittable",
    ),
    "earliest_start": (
        "tidigaste start", "tidigaste startår", "tidigast start", "start tidigast", "earliest start",
        "earliest start year",
    ),
    "latest_start": (
        "senaste start", "senaste startår", "senast start", "start senast", "latest start",
        "latest start year",
    ),
    "abatement_low_t_per_year": (
        "minskning låg", "minskning lägst", "lägsta minskning", "minsta minskning", "minskning min",
        "minskning minimum", "utsläppsminskning låg", "abatement low", "reduction low", "minimum reduction",
        "reduction min", "reduction minimum",
    ),
    "abatement_high_t_per_year": (
        "minskning hög", "minskning högst", "högsta minskning", "största minskning", "minskning max",
        "minskning maximum", "utsläppsminskning hög", "abatement high", "reduction high",
        "maximum reduction", "reduction max", "reduction maximum",
    ),
    "cost_low_sek": (
        "kostnad låg", "kostnad lägst", "lägsta kostnad", "kostnad min", "kostnad minimum", "cost low",
        "minimum cost", "cost min", "cost minimum",
    ),
    "cost_high_sek": (
        "kostnad hög", "kostnad högst", "högsta kostnad", "kostnad max", "kostnad maximum", "cost high",
        "maximum cost", "cost max", "cost maximum",
    ),
}  # fmt: skip
#: Names of columns the optimiser does not read itself but that scenarios usually name (a rule's
#: `where`), as people write them; such a header is suggested under this name, its values as written.
TAGS: Mapping[str, tuple[str, ...]] = {
    "priority_area": (
        "prioriterat område", "prioriterat", "prioriterad", "prioriterad stadsdel", "prioriterat bostadsområde",
        "prioriterade områden", "priority area", "priority", "prioritised area", "prioritized area",
    ),
}  # fmt: skip
#: Words that name a column only when the header also gives its unit: `Effekt (tCO2e/år)` is the
#: reduction, `Effekt` or `Effekt (kW)` may be anything.
_WITH_UNIT: Mapping[str, tuple[str, ...]] = {
    "abatement_t_per_year": ("effekt", "impact"),
    "cost_sek": ("belopp", "summa", "amount"),
}

_MONEY = frozenset({"kr", "sek", "kronor", ":-"})
_MASS = frozenset({"t", "ton", "tons", "tonne", "tonnes", "tco2", "tco2e", "tco₂", "tco₂e"})
_GAS = frozenset({"co2", "co2e", "co₂", "co₂e", "ekv", "co2ekv", "koldioxid", "koldioxidekvivalenter", "ghg"})
_PER = frozenset({"/", "per"})
_YEARS = frozenset({"år", "året", "yr", "yrs", "year", "years"})
_UNIT_WORDS = _MONEY | _MASS | _GAS | _PER | _YEARS
_TOKEN = re.compile(r":-|/|[^\s/()\[\]_,.:;\-]+")
_YES_NO = re.compile(r"\(\s*(?:ja|j|yes|y|sant|true)\s*/\s*(?:nej|n|no|falskt|false)\s*\)")
_PROFILE_NAME = re.compile(re.escape(PROFILE_PREFIX) + r"([0-9]{4})")

_MONEY_UNITS = frozenset({None, "money"})
_YEAR_UNITS = frozenset({None, "years"})
_TONNE_UNITS = frozenset({None, "mass", "mass/year", "/year"})
_YES_NO_UNITS = frozenset({None, "yes/no"})
#: The units a header may give for each column (none: the column takes no unit).
_UNITS: Mapping[str, frozenset[str | None]] = {
    "cost_sek": _MONEY_UNITS,
    "grant_sek": _MONEY_UNITS,
    "cost_low_sek": _MONEY_UNITS,
    "cost_high_sek": _MONEY_UNITS,
    "opex_sek_per_year": frozenset({None, "money", "money/year", "/year"}),
    "abatement_t_per_year": _TONNE_UNITS,
    "abatement_low_t_per_year": _TONNE_UNITS,
    "abatement_high_t_per_year": _TONNE_UNITS,
    "lifetime_years": _YEAR_UNITS,
    "year": _YEAR_UNITS,
    "earliest_start": _YEAR_UNITS,
    "latest_start": _YEAR_UNITS,
    "mandatory": _YES_NO_UNITS,
    "divisible": _YES_NO_UNITS,
}
_PROFILE_UNITS = frozenset({None, "money", "years"})  # `Kostnad år 2026 (kr)`
_NO_UNIT: frozenset[str | None] = frozenset({None})
_CANONICAL, _SYNONYM, _WEAK = 3, 2, 1  # how telling a match is


class Preview(NamedTuple):
    """The start of a file as its person sees it, for the mapping step."""

    headers: list[str]
    """The header of each column, as written."""
    rows: list[list[str]]
    """The first rows' cells as text ("" where empty), one list per row, in the order of `headers`."""
    numbers: list[int]
    """The number by which messages name each of these rows (empty rows are skipped but counted)."""


def preview_table(data: bytes, *, file_type: str, source_name: str, rows: int = 5) -> Preview:
    """The headers as written and the first `rows` rows as display text, to choose a mapping from before the
    list is read; a file that cannot be read at all raises `InputError` as the readers do."""
    raw = table_from_bytes(data, file_type=file_type, source_name=source_name)
    head = raw.cells.iloc[: max(rows, 0)]
    columns = [cell_texts(head[c]) for c in head.columns]
    shown = [list(row) for row in zip(*columns, strict=True)] if columns else [[] for _ in range(len(head))]
    return Preview(list(raw.headers), shown, raw.rows[: len(head)].tolist())


def suggest_mapping(headers: Sequence[str], *, remembered: Mapping[str, str] | None = None) -> dict[str, str]:
    """For each header as written, the column it most likely is (a canonical column, or its own
    normalised name: a tag), for a person to confirm before the list is read with the mapping.

    `remembered` (header as written → column, e.g. saved from her last upload; matched like headers,
    ignoring case and spacing) wins for its headers. No two headers get the same canonical column: the
    more telling match wins (an exact canonical name, then the earlier synonym, then the earlier
    column) and the other stays a tag; one that already is that canonical name has no tag name of its
    own and is suggested as "" (left out), so the person sees the file names the column twice; so is a
    column without a header. A header such as `Prioriterat område` gets the name scenarios use for it
    (`TAGS`: priority_area), unless the file already has a column of that name.
    """
    recalled = {normalise_header(k): v for k, v in (remembered or {}).items()}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        target = recalled.get(normalise_header(header))
        if target is not None and header not in mapping and normalise_header(target) not in taken:
            mapping[header] = target
            taken.add(normalise_header(target))
    candidates = []
    for position, header in enumerate(headers):
        found = None if header in mapping else _candidate(header)
        if found is not None:
            column, level, rank = found
            candidates.append(((-level, rank, position), header, column))
    for _, header, column in sorted(candidates):
        if column not in taken and header not in mapping:
            mapping[header] = column
            taken.add(column)
    taken |= {normalise_header(h) for h in headers if normalise_header(h) in TAGS}  # already so named
    for header in headers:
        tag = None if header in mapping or normalise_header(header) in TAGS else _tag(header)
        if tag is not None and tag not in taken:
            mapping[header] = tag
            taken.add(tag)
        own = normalise_header(header)
        mapping.setdefault(header, "" if own in taken and _is_canonical(own) else own)
    return {header: mapping[header] for header in headers}  # in the file's order


def apply_mapping(raw: RawTable, mapping: Mapping[str, str]) -> RawTable:
    """The table with its columns renamed as `mapping` says (header as written → column; "" leaves the
    column out), ready for validation; headers not in `mapping` keep their own name.

    Columns keep their place in the file (a left-out one becomes an empty column without a name, which
    validation passes over) and rows their numbers, so that every message still points at the file's
    cell. Two columns under one name are a problem naming both headers. A list without an id column
    gets ids P001, P002, … in the order of its rows, and `notes` says so.
    """
    names = [normalise_header(mapping.get(h, h)) for h in raw.headers]
    left_out = {p for p, h in enumerate(raw.headers) if h in mapping and not names[p]}
    problems = list(raw.problems)
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(names):
        if name:
            positions.setdefault(name, []).append(position)
    for name, where in positions.items():
        if len(where) > 1:
            shown = ", ".join(f"'{raw.headers[p]}'" for p in where)
            problems.append(
                Problem(f"more than one column of the file is mapped to it: {shown}", column=name)
            )
            left_out.update(where[1:])
    empty = pd.Series(None, index=raw.cells.index, dtype=object)
    cells = pd.DataFrame(
        {p: empty if p in left_out else raw.cells[p] for p in raw.cells.columns}, index=raw.cells.index
    )
    headers = ["" if p in left_out else name for p, name in enumerate(names)]
    notes = list(raw.notes)
    n = len(raw.rows)
    if "id" not in positions and n:
        ids = _generated_ids(n)
        cells[len(headers)] = pd.Series(ids, index=raw.cells.index, dtype=object)
        headers.append("id")
        given = f"the id {ids[0]}" if n == 1 else f"the ids {ids[0]} to {ids[-1]}"
        notes.append(
            f"the list has no id column, so the projects were given {given} in the order of their rows"
        )
    return dataclasses.replace(raw, headers=headers, cells=cells, problems=problems, notes=notes)


def written_headers(headers: Sequence[str], mapping: Mapping[str, str] | None = None) -> dict[str, str]:
    """For each column name a `Problem` can carry, the header as written in the file it came from (the
    first of several), so that a grid can show each problem at the file's own column.

    `headers` are the file's (`preview_table` gives them), `mapping` the one the list was read with
    (None: read without one). Generated ids have no column in the file and are not in the result.
    """
    found: dict[str, str] = {}
    for header in headers:
        name = normalise_header((mapping or {}).get(header, header))
        if name:
            found.setdefault(name, header)
    return found


def _generated_ids(n: int) -> np.ndarray:
    """P001, P002, …: zero-padded to the list's length (at least three digits), so they sort in row order."""
    numbers = np.arange(1, n + 1).astype(str)
    return np.strings.add("P", np.strings.zfill(numbers, max(3, len(str(n))))).astype(object)


def _is_canonical(name: str) -> bool:
    profile = _PROFILE_NAME.fullmatch(name)
    return name in CORE_COLUMNS or (profile is not None and _is_year(profile.group(1)))


def _is_year(word: str) -> bool:
    """A calendar year a list may plan in, not just any four digits."""
    return len(word) == 4 and word.isascii() and word.isdigit() and MIN_YEAR <= int(word) <= MAX_YEAR


def _candidate(header: str) -> tuple[str, int, int] | None:
    """The column a header most likely is, how telling the match is, and the synonym's rank; or None."""
    own = normalise_header(header)
    if _is_canonical(own):
        return own, _CANONICAL, 0
    words, unit = _describe(header)
    if unit is not None and (words, unit) in _BY_WORDS:  # a synonym that says its unit (`Start year`)
        column, rank = _BY_WORDS[words, unit]
        return column, _SYNONYM, rank
    if (words, None) in _BY_WORDS:
        column, rank = _BY_WORDS[words, None]
        return (column, _SYNONYM, rank) if unit in _UNITS.get(column, _NO_UNIT) else None
    if (words, None) in _BY_WORDS_WITH_UNIT:
        column, rank = _BY_WORDS_WITH_UNIT[words, None]
        return (column, _WEAK, rank) if unit is not None and unit in _UNITS[column] else None
    return _profile_candidate(words, unit)


def _tag(header: str) -> str | None:
    """The usual name of a column scenarios name (`Prioriterat område (ja/nej)` is priority_area), or None."""
    words, unit = _describe(header)
    if unit not in (None, "yes/no"):
        return None
    return next((tag for tag, names in TAGS.items() if words in names), None)


def _profile_candidate(words: str, unit: str | None) -> tuple[str, int, int] | None:
    """A yearly cost column, only when it clearly is money: `Kostnad 2026`, `Belopp 2026 (kr)`, `2026 (kr)`."""
    *rest, last = words.split(" ")
    if not _is_year(last) or unit not in _PROFILE_UNITS:
        return None
    column = PROFILE_PREFIX + last
    cost_words = " ".join(rest)
    found = _BY_WORDS.get((cost_words, None))
    if found is not None and found[0] == "cost_sek":
        return column, _SYNONYM, found[1]
    if unit == "money" and (not rest or cost_words in _WITH_UNIT["cost_sek"]):
        return column, _WEAK, 0
    return None


def _describe(header: str) -> tuple[str, str | None]:
    """The words naming a header's column, and the kind of unit it gives.

    `Utsläppsminskning (ton CO2e/år)` is ("utsläppsminskning", "mass/year"), `Kostnad (kr)` ("kostnad",
    "money"), `Delbar (ja/nej)` ("delbar", "yes/no"). The first word always names the column (`År` is the
    year); words that are no unit stay in the name (`Kostnad (tkr)` is "kostnad tkr", which is no column).
    """
    text = header.replace("\ufeff", "").lower()
    yes_no = _YES_NO.search(text)
    if yes_no:
        text = f"{text[: yes_no.start()]} {text[yes_no.end() :]}"
    tokens = _TOKEN.findall(text)
    if not tokens:
        return "", None
    name = [tokens[0], *(t for t in tokens[1:] if t not in _UNIT_WORDS)]
    named = [t for t in name if t not in _GAS] or name  # `CO2-minskning` is the reduction
    unit = _unit_kind({t for t in tokens[1:] if t in _UNIT_WORDS} - _GAS)
    if yes_no:
        unit = "yes/no" if unit is None else "other"
    return " ".join(named), unit


def _unit_kind(words: set[str]) -> str | None:
    """The kind of a header's unit words: money, mass, years, /year, money/year, mass/year, or "other"
    for a unit no column has (`kr/t`); None without a unit."""
    if not words:
        return None
    money, mass, per, years = (bool(words & kind) for kind in (_MONEY, _MASS, _PER, _YEARS))
    if (money and mass) or (per and not years):
        return "other"
    base = "money" if money else "mass" if mass else ""
    if per:
        return f"{base}/year"
    return base or "years"


def _index(table: Mapping[str, tuple[str, ...]]) -> dict[tuple[str, str | None], tuple[str, int]]:
    """Synonyms by their words and unit as `_describe` reads a header, with their column and rank."""
    return {
        _describe(name): (column, rank) for column, names in table.items() for rank, name in enumerate(names)
    }


_BY_WORDS = _index(SYNONYMS)  # built here, after `_describe`
_BY_WORDS_WITH_UNIT = _index(_WITH_UNIT)
