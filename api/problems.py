"""Errors as RFC 9457 problem details (`application/problem+json`), with located problems.

Every error the service answers with is a `ProblemDetail`: `type`, `title`, `status`, `detail` and,
for invalid input, `errors` — the same `{row, column, message}` items as `optimizer.InputError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from optimizer.io.problems import InputError

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:klimatportfolj:problem:"  # no public page documents them yet, so no URL


class LocatedProblem(BaseModel):
    """One thing wrong with the input: the row (spreadsheet row or 1-based list position) and column."""

    row: int | None = None
    column: str | None = None
    message: str


class ProblemDetail(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(json_schema_extra={"additionalProperties": True})

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[LocatedProblem] | None = None


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


class ProblemError(Exception):
    """Raised anywhere in a request to answer with a problem."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        title: str | None = None,
        type_: str | None = None,
        errors: Sequence[Mapping[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title or str(status))
        self.status = status
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.type = f"{TYPE_BASE}{type_}" if type_ else "about:blank"
        self.errors = list(errors) if errors is not None else None
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status}
        body["detail"] = self.detail
        if self.errors is not None:
            body["errors"] = self.errors
        return body

    def response(self) -> ProblemResponse:
        return ProblemResponse(jsonable_encoder(self.body()), status_code=self.status, headers=self.headers)


def problem_response(status: int, detail: str | None = None, **kwargs: Any) -> ProblemResponse:
    return ProblemError(status, detail, **kwargs).response()


def located(problems: Iterable[Any]) -> list[dict[str, Any]]:
    """`optimizer.Problem`s as `{row, column, message}` items."""
    return [{"row": p.row, "column": p.column, "message": p.message} for p in problems]


def invalid_input(error: InputError, detail: str) -> ProblemError:
    count = len(error.problems)
    return ProblemError(
        422,
        f"{detail}: {count} problem{'s' if count != 1 else ''}",
        title="Invalid input",
        type_="invalid-input",
        errors=located(error.problems),
    )


def request_validation_errors(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """FastAPI's request-validation errors as located problems.

    The location becomes the column (`body.scenario.budget_sek`); an index into the body's
    `projects` list becomes the row (1-based, as in the JSON project-list format).
    """
    items = []
    for error in errors:
        loc = list(error.get("loc", ()))
        row = None
        if len(loc) >= 3 and loc[:2] == ["body", "projects"] and isinstance(loc[2], int):
            row = loc[2] + 1
            loc = loc[3:]
        elif loc and loc[0] in ("body", "query", "path", "header"):
            loc = loc[1:] if loc[0] == "body" else loc
        column = ".".join(str(part) for part in loc) or None
        items.append({"row": row, "column": column, "message": str(error.get("msg", "invalid"))})
    return items


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the problems an endpoint can answer with."""
    descriptions = {
        400: "Malformed request",
        401: "Missing or invalid API key",
        403: "The key's role may not do this",
        404: "Not found (or another organisation's)",
        409: "Conflict with the resource's state",
        413: "Request body too large",
        422: "Invalid input; `errors` lists every located problem",
        429: "Too many runs in flight; retry after `Retry-After` seconds",
        503: "Not ready",
    }
    return {
        status: {
            "description": descriptions.get(status, HTTPStatus(status).phrase),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetail"}}},
        }
        for status in statuses
    }
