"""Project lists: upload (JSON body or a .csv/.xlsx/.json file), versions by name, read back."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import PurePath
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import idempotency
from api.db import ProjectListRecord, fetch_page, is_id
from api.deps import Editor, IdempotencyKey, Limit, Offset, Principal, SessionDep, SettingsDep, Viewer
from api.problems import ProblemError, invalid_input, problem_responses
from api.schemas import TEXT_PATTERN, Page, ProjectListCreate, ProjectListDetail, ProjectListOut
from api.uploads import json_body, media_type, multipart_form, unusable_upload, uploaded_file
from models.project import ProjectList
from optimizer.io.problems import InputError
from optimizer.io.readers import PROJECT_FILE_TYPES, read_projects_bytes

router = APIRouter(prefix="/v1/project-lists", tags=["project lists"])
ENDPOINT = "POST /v1/project-lists"

UPLOAD_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ProjectListCreate"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The list as .csv (also Swedish Excel), .xlsx or .json, by file name",
                        },
                        "name": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": 200,
                            "description": "Default: the file name without its extension",
                        },
                    },
                }
            },
        },
    }
}


class _LenientProjectList(ProjectListCreate):
    """As documented, but rows that are not objects are left to the core reader, which reports them
    with every other problem of the list."""

    projects: list[Any]


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    file_type: str
    content: bytes
    source_name: str
    expected_count: int | None = None


async def read_upload(request: Request) -> Upload:
    """The submitted list, from a JSON body or a multipart upload (parsed here, validated later)."""
    media = media_type(request)
    if media == "application/json":
        body, _ = await json_body(request, _LenientProjectList)
        content = json.dumps(body.projects, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return Upload(body.name, ".json", content, body.name, len(body.projects))
    if media == "multipart/form-data":
        form = await multipart_form(request)
        upload, problem = uploaded_file(form, what="project list", suffixes=PROJECT_FILE_TYPES)
        problems = [problem] if problem else []
        name = form.get("name")
        if name is not None and (
            not isinstance(name, str) or not 1 <= len(name.strip()) <= 200 or "\x00" in name
        ):
            problems.append({"row": None, "column": "name", "message": "a name of 1 to 200 characters"})
        if problems:
            raise unusable_upload(problems)
        assert upload is not None
        path = PurePath(upload.filename or "")
        content = await upload.read()
        list_name = (
            name.strip() if isinstance(name, str) else (path.stem.replace("\x00", "").strip() or "projects")
        )
        return Upload(list_name[:200], path.suffix.lower(), content, path.name)
    raise ProblemError(
        415,
        "send the list as application/json or as multipart/form-data with a field `file`",
        type_="unsupported-media-type",
    )


UploadDep = Annotated[Upload, Depends(read_upload)]


def own_list(session: Session, principal: Principal, list_id: str) -> ProjectListRecord:
    record = session.get(ProjectListRecord, list_id) if is_id(list_id) else None
    if record is None or record.organisation_id != principal.organisation_id:
        raise ProblemError(404, f"no project list {list_id}", type_="not-found")
    return record


def parse_list(record: ProjectListRecord) -> ProjectList:
    return read_projects_bytes(record.content, file_type=record.file_type, source_name=record.name)


def store_list(
    session: Session, organisation_id: str, created_by: str, upload: Upload, project_count: int
) -> ProjectListRecord:
    """A new version of the list called `upload.name` (flushed); versions count up from 1."""
    latest = session.scalar(
        select(func.max(ProjectListRecord.version)).where(
            ProjectListRecord.organisation_id == organisation_id, ProjectListRecord.name == upload.name
        )
    )
    record = ProjectListRecord(
        organisation_id=organisation_id,
        name=upload.name,
        version=(latest or 0) + 1,
        file_type=upload.file_type,
        content=upload.content,
        content_sha256=hashlib.sha256(upload.content).hexdigest(),
        project_count=project_count,
        created_by=created_by,
    )
    session.add(record)
    session.flush()
    return record


def validate_upload(upload: Upload, max_projects: int) -> ProjectList:
    too_many = ProblemError(
        422,
        f"a project list may have at most {max_projects} projects",
        title="Too many projects",
        type_="too-many-projects",
        errors=[],
    )
    if upload.expected_count is not None and upload.expected_count > max_projects:
        raise too_many
    try:
        projects = read_projects_bytes(
            upload.content, file_type=upload.file_type, source_name=upload.source_name
        )
    except InputError as error:
        raise invalid_input(error, "the project list is not valid") from None
    if len(projects) > max_projects:
        raise too_many
    return projects


@router.post(
    "",
    status_code=201,
    response_model=ProjectListOut,
    summary="Upload a project list (a new version if the name exists)",
    responses=problem_responses(400, 401, 403, 413, 415, 422),
    openapi_extra=UPLOAD_SCHEMA,
)
def create_project_list(
    principal: Editor,
    upload: UploadDep,
    session: SessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """JSON `{"name", "projects": [{column: value}]}` or multipart with `file` (.csv/.xlsx/.json) and `name`.

    The list is validated completely; every problem comes back located (422). The bytes are stored
    as submitted (JSON: the compact JSON of `projects`). Lists are immutable: the same name again
    makes version + 1.
    """
    org = principal.organisation_id
    request_sha = idempotency.fingerprint(upload.name, upload.file_type, upload.content)
    replayed = idempotency.replay(session, org, ENDPOINT, idempotency_key, request_sha)
    if replayed is not None:
        return replayed
    projects = validate_upload(upload, settings.max_projects)
    for _attempt in range(5):
        try:
            record = store_list(session, org, principal.key_id, upload, len(projects))
            body = jsonable_encoder(ProjectListOut.model_validate(record))
            response = JSONResponse(
                body, status_code=201, headers={"Location": f"/v1/project-lists/{record.id}"}
            )
            idempotency.remember(session, org, ENDPOINT, idempotency_key, request_sha, response, body)
            session.commit()
            return response
        except IntegrityError:  # the same version or idempotency key at the same moment
            session.rollback()
            replayed = idempotency.replay(session, org, ENDPOINT, idempotency_key, request_sha)
            if replayed is not None:
                return replayed
    raise ProblemError(409, "too many uploads of this list at once; try again", type_="conflict")


@router.get(
    "",
    response_model=Page[ProjectListOut],
    summary="List project lists, newest first",
    responses=problem_responses(401, 403, 422),
)
def list_project_lists(
    principal: Viewer,
    session: SessionDep,
    limit: Limit = 50,
    offset: Offset = 0,
    name: Annotated[
        str | None, Query(max_length=200, pattern=TEXT_PATTERN, description="only the versions of this list")
    ] = None,
) -> Page[ProjectListOut]:
    """Paged with `?limit=` (1–200, default 50) and `?offset=`; `total` counts all matching lists."""
    where = [ProjectListRecord.organisation_id == principal.organisation_id]
    if name is not None:
        where.append(ProjectListRecord.name == name)
    order = (ProjectListRecord.created_at.desc(), ProjectListRecord.version.desc(), ProjectListRecord.id)
    rows, total = fetch_page(session, ProjectListRecord, where, order, limit, offset)
    return Page[ProjectListOut](
        items=[ProjectListOut.model_validate(r) for r in rows], limit=limit, offset=offset, total=total
    )


@router.get(
    "/{list_id}",
    response_model=ProjectListDetail,
    summary="A project list with its projects as read",
    responses=problem_responses(401, 403, 404, 422),
)
def get_project_list(list_id: str, principal: Viewer, session: SessionDep) -> ProjectListDetail:
    record = own_list(session, principal, list_id)
    rows = project_rows(parse_list(record))
    return ProjectListDetail.model_validate(
        {**ProjectListOut.model_validate(record).model_dump(), "projects": rows}
    )


def plain_json(value: Any) -> Any:
    """`value` as strict JSON values: numpy scalars as Python ones, tuples as lists, NaN and infinities
    as null (PostgreSQL's JSON refuses them)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_json(v) for v in value]
    return value


def project_rows(projects: ProjectList) -> list[dict[str, Any]]:
    table = projects.table
    total = projects.total_cost
    years = projects.cost_years
    scheduled = projects.scheduled_cost.to_numpy(dtype=float)
    tag_records = projects.tags.to_dict(orient="records") if len(projects.tags.columns) else [{}] * len(table)
    rows = []
    for i, record in enumerate(table.to_dict(orient="records")):
        row = {key: plain_json(value) for key, value in record.items()}
        row["cost_sek"] = float(total[i])
        row["cost_by_year"] = {str(y): float(scheduled[i, j]) for j, y in enumerate(years) if scheduled[i, j]}
        row["tags"] = {key: plain_json(value) for key, value in tag_records[i].items()}
        rows.append(row)
    return rows
