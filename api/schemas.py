"""Request and response bodies. Requests forbid unknown fields; times are UTC (ISO 8601)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

Role = Literal["viewer", "editor", "admin"]
RunState = Literal["queued", "running", "succeeded", "failed", "canceled"]

T = TypeVar("T")


def utc(value: datetime | None) -> datetime | None:
    """SQLite hands times back without a zone; they were stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


TEXT_PATTERN = r"^[^\x00]*$"
"""Text without NUL characters, which PostgreSQL cannot store."""


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        return utc(value) if isinstance(value, datetime) else value


class Page(BaseModel, Generic[T]):
    """One page of a list, newest first: `?limit=` items from `?offset=`; `total` counts them all."""

    items: list[T]
    limit: int
    offset: int
    total: int


# --- project lists ----------------------------------------------------------------------------


class ProjectListCreate(_Request):
    """A project list as JSON: one object per project, keyed by column (see the README's table)."""

    name: Annotated[str, Field(min_length=1, max_length=200, pattern=TEXT_PATTERN)]
    projects: Annotated[list[dict[str, Any]], Field(min_length=1)]


class ProjectListOut(_Response):
    id: str
    name: str
    version: int
    file_type: str
    project_count: int
    content_sha256: str
    created_at: datetime


class ProjectListDetail(ProjectListOut):
    projects: list[dict[str, Any]] = Field(
        description="The projects as read and validated: `row` (where it stood in the source), the core "
        "columns, `cost_sek` (total), `cost_by_year` (scheduled costs; a cost without a year falls in the "
        "scenario's first year) and `tags` (every other column)."
    )


# --- runs -------------------------------------------------------------------------------------


class RunCreate(_Request):
    project_list_id: Annotated[str, Field(min_length=1, max_length=36)]
    scenario: dict[str, Any] = Field(
        description="A scenario in the optimiser's schema (README: Scenario), e.g. "
        '`{"budget_sek": {"2026": 25000000}, "constraints": [...]}`'
    )


class RunOut(_Response):
    id: str
    state: RunState
    cancel_requested: bool
    project_list_id: str
    scenario: dict[str, Any]
    input_sha256: str
    submitted_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    solver: str | None
    solver_version: str | None
    result: dict[str, Any] | None = Field(
        description="The CLI's JSON result (`python -m optimizer solve --format json`) once succeeded"
    )
    error: str | None


class RunSummary(_Response):
    id: str
    state: RunState
    project_list_id: str
    input_sha256: str
    submitted_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


# --- API keys ---------------------------------------------------------------------------------


class ApiKeyCreate(_Request):
    role: Role


class ApiKeyOut(_Response):
    id: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The key itself, shown only this once")


# --- health -----------------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]
    database: str | None = None
    revision: str | None = None
