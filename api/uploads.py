"""Reading uploaded bodies the same way everywhere: JSON validated by a schema, or a multipart file.

Project lists and plan actuals both come as JSON or as a file; a malformed body is a 400, a body that
does not fit its schema the usual 422 of FastAPI, and an unusable upload a located 422 problem. The
bodies are parsed here (`read_upload`, `read_actuals_upload`, the request dependencies of `api.deps`)
and validated in the routes, which may then use the database without blocking.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.datastructures import FormData, UploadFile

from api.problems import ProblemError
from api.schemas import ProjectListCreate
from optimizer.io.readers import PROJECT_FILE_TYPES
from optimizer.planning.followup import ACTUAL_FILE_TYPES

Schema = TypeVar("Schema", bound=BaseModel)


def media_type(request: Request) -> str:
    """The request's content type without parameters, lower case."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def json_body(request: Request, schema: type[Schema]) -> tuple[Schema, Any]:
    """The body validated by `schema`, and the JSON as sent."""
    raw = await request.body()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ProblemError(400, f"the body is not valid JSON: {error}", type_="malformed-request") from None
    try:
        return schema.model_validate(data), data
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)], body=data
        ) from None


async def multipart_form(request: Request) -> FormData:
    """The multipart form of a one-file upload."""
    try:
        return await request.form(max_files=1, max_fields=10)
    except Exception as error:  # noqa: BLE001 - any parser failure is the client's malformed body
        raise ProblemError(
            400, f"the multipart body cannot be read: {error}", type_="malformed-request"
        ) from None


def uploaded_file(
    form: FormData, *, what: str, suffixes: tuple[str, ...]
) -> tuple[UploadFile | None, dict | None]:
    """The form's `file` if its name ends in one of `suffixes`, else the located problem saying why not."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return None, {"row": None, "column": "file", "message": f"upload the {what} as field `file`"}
    if PurePath(upload.filename or "").suffix.lower() not in suffixes:
        allowed = ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}" if len(suffixes) > 1 else suffixes[0]
        return None, {
            "row": None,
            "column": "file",
            "message": f"cannot read {upload.filename!r}: the file name must end in {allowed}",
        }
    return upload, None


def unusable_upload(problems: list[dict]) -> ProblemError:
    return ProblemError(
        422, "the upload cannot be used", title="Invalid input", type_="invalid-input", errors=problems
    )


# --- project lists ----------------------------------------------------------------------------


class _LenientProjectList(ProjectListCreate):
    """As documented, but rows that are not objects are left to the core reader, which reports them
    with every other problem of the list."""

    projects: list[Any]


@dataclass(frozen=True, slots=True)
class Upload:
    """A project list as sent: its name, the format to read it with and its bytes."""

    name: str
    file_type: str
    content: bytes
    source_name: str
    expected_count: int | None = None
    column_mapping: dict[str, str] | None = None
    """How the file's headers map to the list's columns (the web app's mapping step); None: as written."""


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


# --- actuals ----------------------------------------------------------------------------------


class _LenientActuals(BaseModel):
    """The envelope of JSON actuals; the rows are left to `read_actuals`, which locates every problem."""

    model_config = ConfigDict(extra="forbid")

    actuals: list[Any]


@dataclass(frozen=True, slots=True)
class ActualsUpload:
    """Actuals as sent, for `read_actuals`: records (JSON) or the bytes of a file and its type."""

    source: list[Any] | bytes
    file_type: str | None


async def read_actuals_upload(request: Request) -> ActualsUpload:
    """The actuals sent: JSON `{"actuals": [...]}`, a text/csv body or a multipart `file` (parsed here,
    validated against the plan in the route, which may then use the database without blocking)."""
    media = media_type(request)
    if media == "application/json":
        body, _ = await json_body(request, _LenientActuals)
        return ActualsUpload(body.actuals, None)
    if media in ("text/csv", "application/csv"):
        return ActualsUpload(await request.body(), ".csv")
    if media == "multipart/form-data":
        upload, problem = uploaded_file(
            await multipart_form(request), what="actuals", suffixes=ACTUAL_FILE_TYPES
        )
        if problem is not None:
            raise unusable_upload([problem])
        assert upload is not None
        return ActualsUpload(await upload.read(), PurePath(upload.filename or "").suffix.lower())
    raise ProblemError(
        415,
        "send the actuals as application/json, text/csv or multipart/form-data with a field `file`",
        type_="unsupported-media-type",
    )
