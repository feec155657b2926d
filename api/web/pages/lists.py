"""Project lists in the browser: upload (XLSX, ODS, CSV also from Swedish Excel), map the file's
columns, see every problem at its row and column, store a new version only once the list is valid,
and look at versions and what changed between two.

Nothing is stored before the list is valid: between the upload and the check the file travels in the
mapping form itself (base64), so an abandoned upload leaves nothing behind. A valid list is stored as
uploaded, with the mapping it was read with (every later read applies it: nothing accepted is lost).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from api.data import list_versions, own_list, parse_list, principal_names, store_list
from api.db import ColumnMapping, ProjectListRecord, now
from api.deps import Form, Person, PersonEditor, SessionDep, SettingsDep
from api.problems import ProblemError
from api.uploads import Upload
from api.web.i18n import N_, Words
from api.web.problems import said
from api.web.render import WebError, language_of, page, redirect
from models.project import PROFILE_PREFIX, REQUIRED_COLUMNS, ProjectList
from optimizer.analysis.compare import compare_lists
from optimizer.io.mapping import Preview, preview_table, suggest_mapping, written_headers
from optimizer.io.problems import InputError, Problem
from optimizer.io.readers import PROJECT_FILE_TYPES, read_projects_bytes

router = APIRouter(include_in_schema=False)

IGNORE = ""
"""The mapping's target for a column that is left out."""
PREVIEW_ROWS = 5
DETAIL_ROWS = 1000
"""A list's page shows at most this many measures (the API gives them all)."""
GRID_ROWS = 50
"""At most this many rows with problems are shown in the grid; every problem is listed above it."""

COLUMN_LABELS = {
    "id": N_("Id"),
    "name": N_("Name of the measure"),
    "sector": N_("Sector"),
    "district": N_("District"),
    "cost_sek": N_("Cost (SEK)"),
    "year": N_("Year of the cost"),
    "grant_sek": N_("Grant (SEK)"),
    "abatement_t_per_year": N_("Reduction (t CO2e a year)"),
    "lifetime_years": N_("Lifetime (years)"),
    "opex_sek_per_year": N_("Operating cost (SEK a year)"),
    "requires": N_("Requires"),
    "exclusive_group": N_("Alternative group"),
    "mandatory": N_("Mandatory"),
    "divisible": N_("Divisible"),
    "earliest_start": N_("Earliest start"),
    "latest_start": N_("Latest start"),
    "abatement_low_t_per_year": N_("Reduction, low (t a year)"),
    "abatement_high_t_per_year": N_("Reduction, high (t a year)"),
    "cost_low_sek": N_("Cost, low (SEK)"),
    "cost_high_sek": N_("Cost, high (SEK)"),
}
"""The columns a file's header can be mapped to (English; the pages show their Swedish)."""
TAG_LABELS = {"priority_area": N_("Priority area (yes/no), for the share rule")}
"""Columns the optimiser does not read itself that scenarios usually name (optimizer.io.mapping.TAGS)."""


@dataclass(frozen=True, slots=True)
class PendingFile:
    """An uploaded file not yet stored: its name, type and bytes."""

    file_name: str
    file_type: str
    content: bytes

    @property
    def encoded(self) -> str:
        return base64.b64encode(self.content).decode("ascii")


@dataclass(frozen=True, slots=True)
class GridProblem:
    """A problem where the grid shows it: the row as numbered in messages, the file's header."""

    row: int | None
    header: str | None
    message: str


@router.get("/lists", response_class=HTMLResponse)
def lists(request: Request, person: Person, session: SessionDep) -> Response:
    by_name = list_versions(session, person.user.organisation_id)
    latest = [versions[0] for versions in by_name.values()]
    return page(
        request,
        "lists.html",
        active="lists",
        latest=latest,
        versions={name: len(versions) for name, versions in by_name.items()},
        who=principal_names(session, [r.created_by for r in latest]),
        may_upload=person.principal.may("editor"),
        file_types=", ".join(PROJECT_FILE_TYPES),
    )


@router.post("/lists/upload", response_class=HTMLResponse)
def upload(request: Request, form: Form, person: PersonEditor, session: SessionDep) -> Response:
    """The mapping step: the file's headers and first rows, with a mapping suggested from the header
    names and the organisation's last mapping."""
    pending = _uploaded(form)
    name = _list_name(form, pending)
    preview = _preview(pending)
    remembered = session.get(ColumnMapping, person.user.organisation_id)
    mapping = suggest_mapping(preview.headers, remembered=remembered.mapping if remembered is not None else None)
    return _mapping_page(request, pending, name, preview, mapping, problems=[])


@router.post("/lists/check", response_class=HTMLResponse)
def check(
    request: Request, form: Form, person: PersonEditor, session: SessionDep, settings: SettingsDep
) -> Response:
    """Read the file with the chosen mapping: every problem at its row and column, or a new version."""
    pending = _pending(form)
    name = _list_name(form, pending)
    preview = _preview(pending)
    mapping = {header: str(form.get(f"map_{i}") or IGNORE) for i, header in enumerate(preview.headers)}
    problems = _mapping_problems(mapping, Words(language_of(request)))
    projects: ProjectList | None = None
    if not problems:
        try:
            projects = read_projects_bytes(
                pending.content, file_type=pending.file_type, source_name=pending.file_name, mapping=mapping
            )
        except InputError as error:
            words = Words(language_of(request))
            problems = [_located(p, preview.headers, mapping, words) for p in error.problems]
    if projects is not None and len(projects) > settings.max_projects:
        problems = [GridProblem(None, None, f"a project list may have at most {settings.max_projects} projects")]
    if problems or projects is None:
        return _mapping_page(request, pending, name, preview, mapping, problems=problems, status=422)
    record = store_list(
        session,
        person.user.organisation_id,
        person.user.principal_id,
        Upload(name, pending.file_type, pending.content, pending.file_name, column_mapping=mapping),
        len(projects),
    )
    _remember(session, person.user.organisation_id, mapping)
    session.commit()
    return redirect(request, f"/lists/{record.id}?stored=1")


@router.get("/lists/{list_id}", response_class=HTMLResponse)
def list_detail(
    request: Request,
    list_id: str,
    person: Person,
    session: SessionDep,
    stored: Annotated[int, Query(ge=0, le=1)] = 0,
) -> Response:
    record = _own(session, person, list_id)
    projects = parse_list(record)
    versions = _versions(session, record)
    return page(
        request,
        "list_detail.html",
        active="lists",
        record=record,
        projects=_rows(projects, DETAIL_ROWS),
        versions=versions,
        who=principal_names(session, [v.created_by for v in versions]),
        stored=bool(stored),
    )


@router.get("/lists/{list_id}/compare", response_class=HTMLResponse)
def compare(
    request: Request,
    list_id: str,
    person: Person,
    session: SessionDep,
    other: Annotated[str, Query(max_length=36)],
) -> Response:
    record, against = _own(session, person, list_id), _own(session, person, other)
    difference = compare_lists(parse_list(against), parse_list(record))
    return page(
        request,
        "list_compare.html",
        active="lists",
        record=record,
        against=against,
        difference=difference,
        versions=_versions(session, record),
        partial="difference",
    )


# --- helpers --------------------------------------------------------------------------------------


def _uploaded(form: FormData) -> PendingFile:
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        raise WebError(400, "Choose a file to upload.")
    path = PurePath(file.filename)
    if path.suffix.lower() not in PROJECT_FILE_TYPES:
        raise WebError(
            400, "The file must be one of %(types)s; %(name)s is not.", types=", ".join(PROJECT_FILE_TYPES),
            name=path.name,
        )
    return PendingFile(path.name, path.suffix.lower(), file.file.read())  # spooled already by the form


def _pending(form: FormData) -> PendingFile:
    file_name, file_type = str(form.get("file_name") or ""), str(form.get("file_type") or "")
    try:
        content = base64.b64decode(str(form.get("content") or ""), validate=True)
    except (binascii.Error, ValueError):
        raise WebError(400, "The upload was damaged on its way. Upload the file again.") from None
    if file_type not in PROJECT_FILE_TYPES or not content:
        raise WebError(400, "The upload was damaged on its way. Upload the file again.")
    return PendingFile(file_name[:200], file_type, content)


def _list_name(form: FormData, pending: PendingFile) -> str:
    name = str(form.get("name") or "").replace("\x00", "").strip()
    return (name or PurePath(pending.file_name).stem or "projects")[:200]


def _preview(pending: PendingFile, rows: int = PREVIEW_ROWS) -> Preview:
    try:
        return preview_table(pending.content, file_type=pending.file_type, source_name=pending.file_name, rows=rows)
    except InputError as error:
        raise WebError(400, "The file cannot be read: %(reason)s", reason=str(error)) from None


def _mapping_problems(mapping: dict[str, str], words: Words) -> list[GridProblem]:
    """Two headers on one column, and required columns no header is mapped to (an id may be made)."""
    problems = []
    chosen: dict[str, list[str]] = {}
    for header, target in mapping.items():
        if target != IGNORE:
            chosen.setdefault(target, []).append(header)
    for target, headers in chosen.items():
        if len(headers) > 1 and target in COLUMN_LABELS:
            message = words(
                N_("%(headers)s are all mapped to %(column)s: choose one of them."),
                headers=", ".join(headers),
                column=words(COLUMN_LABELS[target]),
            )
            problems.append(GridProblem(None, headers[1], message))
    for target in REQUIRED_COLUMNS:
        if target != "id" and target not in chosen:
            message = words(
                N_("No column is mapped to %(column)s, which every list needs."), column=words(COLUMN_LABELS[target])
            )
            problems.append(GridProblem(None, None, message))
    return problems


def _located(problem: Problem, headers: list[str], mapping: dict[str, str], words: Words) -> GridProblem:
    """The problem at the file's own header (the mapping read backwards), in the page's language."""
    header = written_headers(headers, mapping).get(problem.column, problem.column) if problem.column else None
    return GridProblem(problem.row, header, said(problem.message, words))


def _mapping_page(
    request: Request,
    pending: PendingFile,
    name: str,
    preview: Preview,
    mapping: dict[str, str],
    *,
    problems: list[GridProblem],
    status: int = 200,
) -> HTMLResponse:
    bad_rows = sorted({p.row for p in problems if p.row is not None})[:GRID_ROWS]
    return page(
        request,
        "list_mapping.html",
        status=status,
        partial="outcome" if problems else None,
        active="lists",
        pending=pending,
        name=name,
        headers=preview.headers,
        rows=preview.rows,
        numbers=preview.numbers,
        mapping=mapping,
        targets=COLUMN_LABELS | TAG_LABELS,
        profile_prefix=PROFILE_PREFIX,
        problems=problems,
        bad_rows=bad_rows,
        bad_cells={(p.row, p.header): p.message for p in problems if p.row is not None},
        grid=_grid(pending, bad_rows) if bad_rows else [],
    )


def _grid(pending: PendingFile, wanted: list[int]) -> list[tuple[int, list[str]]]:
    """The rows with problems as the file has them (by the numbers messages give them), for the grid."""
    everything = _preview(pending, rows=10**9)
    by_number = dict(zip(everything.numbers, everything.rows, strict=True))
    return [(number, by_number[number]) for number in wanted if number in by_number]


def _remember(session: Session, organisation_id: str, mapping: dict[str, str]) -> None:
    record = session.get(ColumnMapping, organisation_id)
    if record is None:
        session.add(ColumnMapping(organisation_id=organisation_id, mapping=mapping, updated_at=now()))
    else:
        record.mapping = {**record.mapping, **mapping}
        record.updated_at = now()


def _own(session: Session, person: Person, list_id: str) -> ProjectListRecord:
    try:
        return own_list(session, person.principal, list_id)
    except ProblemError:
        raise WebError(404, "There is no project list %(id)s in your organisation.", id=list_id) from None


def _versions(session: Session, record: ProjectListRecord) -> list[ProjectListRecord]:
    return list(
        session.scalars(
            select(ProjectListRecord)
            .where(
                ProjectListRecord.organisation_id == record.organisation_id,
                ProjectListRecord.name == record.name,
            )
            .order_by(ProjectListRecord.version.desc())
        )
    )


def _rows(projects: ProjectList, limit: int) -> list[dict[str, object]]:
    table = projects.table
    cost = projects.total_cost
    return [
        {
            "id": str(table["id"].iat[i]),
            "name": str(table["name"].iat[i]),
            "sector": str(table["sector"].iat[i]),
            "district": "" if table["district"].iat[i] is None else str(table["district"].iat[i]),
            "cost_sek": float(cost[i]),
            "abatement_t_per_year": float(table["abatement_t_per_year"].iat[i]),
            "lifetime_years": float(table["lifetime_years"].iat[i]),
        }
        for i in range(min(len(table), limit))
    ]

