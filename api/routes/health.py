"""Health: `/health/live` (the process answers) and `/health/ready` (database reachable and migrated)."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import DatabaseDep
from api.problems import ProblemError, problem_responses
from api.schemas import Health

router = APIRouter(prefix="/health", tags=["health"])
log = logging.getLogger(__name__)


@lru_cache
def head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config(str(Path(__file__).parents[1] / "alembic.ini"))
    return ScriptDirectory.from_config(config).get_current_head()


@router.get("/live", response_model=Health, summary="The process is up")
def live() -> Health:
    return Health(status="ok")


@router.get(
    "/ready",
    response_model=Health,
    summary="The database is reachable and migrated",
    responses=problem_responses(503),
)
def ready(database: DatabaseDep) -> Health:
    try:
        with database.engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        log.warning("not ready: %s", type(error).__name__)
        raise ProblemError(503, "the database is not reachable or not migrated", type_="not-ready") from None
    head = head_revision()
    if revision != head:
        raise ProblemError(
            503, f"the database is at revision {revision}, not {head}: migrate it", type_="not-ready"
        )
    return Health(status="ok", database=database.engine.dialect.name, revision=revision)
