"""Project lists: upload (JSON body or a .csv/.xlsx/.json file), versions by name, read back."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from api import idempotency
from api.data import own_list, parse_list, plain_json, store_list
from api.db import ProjectListRecord, fetch_page
from api.deps import Editor, IdempotencyKey, Limit, Offset, SessionDep, SettingsDep, UploadDep, Viewer
from api.problems import ProblemError, invalid_input, problem_responses
from api.schemas import TEXT_PATTERN, Page, ProjectListDetail, ProjectListOut
from api.uploads import Upload
from models.project import ProjectList
from optimizer.io.problems import InputError
from optimizer.io.readers import read_projects_bytes

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
