"""Reading uploaded bodies the same way everywhere: JSON validated by a schema, or a multipart file.

Project lists and plan actuals both come as JSON or as a file; a malformed body is a 400, a body that
does not fit its schema the usual 422 of FastAPI, and an unusable upload a located 422 problem.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile

from api.problems import ProblemError

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
