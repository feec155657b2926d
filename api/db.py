"""Persistence: SQLAlchemy 2 tables, the engine (SQLite or PostgreSQL) and sessions.

The schema is created and changed only by Alembic migrations (`api/migrations`); `migrate()`
brings a database up to date. Rows are never updated in place except a run's state machine
(`api.jobs.states`: queued → running → succeeded | failed | canceled) and its lease, and a plan's
recorded actuals (a newer figure for the same project and year replaces the older one).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Double,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from api.jobs.states import RunState

ROLES = ("viewer", "editor", "admin")


class PrincipalKind(StrEnum):
    """Who an `api_keys` row stands for: a machine's bearer key, or a person's web account."""

    KEY = "key"
    USER = "user"


def is_id(text: str) -> bool:
    """Whether `text` can be an id of ours (a UUID): anything else is unknown without asking the database,
    which may not even accept it (PostgreSQL refuses NUL characters in text)."""
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class RunStateType(TypeDecorator[RunState]):
    """A run's state: stored as its text in a VARCHAR(16) (the column of the migrations), read as `RunState`."""

    impl = String(16)
    cache_ok = True

    def process_bind_param(self, value: RunState | str | None, dialect: Dialect) -> str | None:
        return None if value is None else RunState(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> RunState | None:
        return None if value is None else RunState(value)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True), dict: JSON, list: JSON}


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)


class ApiKey(Base):
    """A bearer key; only its SHA-256 is stored (keys are 256-bit random, so no slow hash is needed)."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    """The first characters of the key, to tell keys apart in listings and logs."""
    created_at: Mapped[datetime] = mapped_column(default=now)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    kind: Mapped[str] = mapped_column(String(8), default=PrincipalKind.KEY, server_default=PrincipalKind.KEY)
    """"key": a bearer key for machines; "user": a person's principal in the audit trail (what they
    upload, submit and adopt is recorded against it), never usable as a bearer key."""


class User(Base):
    """A person who signs in to the web app with e-mail and password (argon2), in one organisation."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), unique=True)
    """Lower case, as typed otherwise."""
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)
    principal_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    """The user's principal (an `api_keys` row of kind "user"): who did what in the audit trail."""
    created_at: Mapped[datetime] = mapped_column(default=now)
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)


class UserSession(Base):
    """A signed-in browser: only the SHA-256 of its cookie's random token is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    """Sent in every form of the session and checked on every POST."""
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column(default=None)


class Invitation(Base):
    """A one-time link to join an organisation with a role: only the SHA-256 of its token is stored."""

    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("api_keys.id"), default=None)
    """The admin's principal; None when made on the command line (`python -m api create-user`)."""
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class SignInAttempt(Base):
    """One attempt to sign in, kept for the rate limit (failures per e-mail and per address)."""

    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(default=now, index=True)


class SavedScenario(Base):
    """A scenario saved by name in an organisation (saved again: replaced; every run keeps its own copy)."""

    __tablename__ = "saved_scenarios"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict] = mapped_column(JSON)
    """The scenario as validated (`Scenario.model_dump(mode="json")`)."""
    saved_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    saved_at: Mapped[datetime] = mapped_column(default=now)


class ColumnMapping(Base):
    """An organisation's last column mapping (header as written → column), suggested at its next upload."""

    __tablename__ = "column_mappings"

    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    mapping: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class ProjectListRecord(Base):
    """An immutable, versioned project list: the bytes as submitted and the format to read them with."""

    __tablename__ = "project_lists"
    __table_args__ = (UniqueConstraint("organisation_id", "name", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    file_type: Mapped[str] = mapped_column(String(8))
    """".json", ".csv" or ".xlsx": how `content` is read (optimizer.io.readers)."""
    content: Mapped[bytes] = mapped_column(LargeBinary)
    content_sha256: Mapped[str] = mapped_column(String(64))
    project_count: Mapped[int] = mapped_column(Integer)
    column_mapping: Mapped[dict | None] = mapped_column(JSON, default=None)
    """How the file's headers map to the list's columns (header as written → column, "" to leave it
    out), as chosen in the web app's mapping step; None: the headers are the columns."""
    created_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class Run(Base):
    """One optimisation of a project list under a scenario, with its audit trail and its result."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    project_list_id: Mapped[str] = mapped_column(ForeignKey("project_lists.id"))
    scenario: Mapped[dict] = mapped_column(JSON)
    """The scenario as validated, with the time limit actually applied."""
    input_sha256: Mapped[str] = mapped_column(String(64))
    """SHA-256 over the project list's bytes and the canonical scenario JSON."""
    state: Mapped[RunState] = mapped_column(RunStateType(), default=RunState.QUEUED, index=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[dict | None] = mapped_column(JSON, default=None)
    """The CLI's JSON of the result, once succeeded."""
    analysis: Mapped[dict | None] = mapped_column(JSON, default=None)
    """The decision analysis asked for with the run (`explain`, `frontier_budgets_sek`) and, once
    succeeded, its outputs (`api.analysis`); None when none was asked for."""
    progress: Mapped[dict | None] = mapped_column(JSON, default=None)
    """How far a long step of the run has come (`step`, `done`, `total`, `eta_s`), written by the worker
    about once a second while it runs; None for runs without such a step."""
    error: Mapped[str | None] = mapped_column(Text, default=None)
    submitted_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    lease_owner: Mapped[str | None] = mapped_column(String(64), default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    solver: Mapped[str | None] = mapped_column(String(16), default=None)
    solver_version: Mapped[str | None] = mapped_column(String(64), default=None)
    plan_id: Mapped[str | None] = mapped_column(
        ForeignKey("plans.id", use_alter=True, name="fk_runs_plan_id_plans"), default=None, index=True
    )
    """The adopted plan this run re-plans; None for an ordinary run."""
    replan_basis: Mapped[dict | None] = mapped_column(JSON, default=None)
    """For a re-plan: what it was derived from (`optimizer.planning.followup.ReplanBasis` JSON), frozen when it was
    submitted so that its difference from the plan does not move with actuals recorded later."""


class Plan(Base):
    """A run adopted as the plan: the inputs and result as they were (`models.plan.AdoptedPlan` JSON)."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), index=True)
    content: Mapped[dict] = mapped_column(JSON)
    adopted_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    adopted_at: Mapped[datetime] = mapped_column(default=now, index=True)


class PlanActual(Base):
    """What happened to one project of a plan in one year: municipal money spent, tonnes reduced."""

    __tablename__ = "plan_actuals"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[str] = mapped_column(Text, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    spend_sek: Mapped[float | None] = mapped_column(Double, default=None)
    abatement_t: Mapped[float | None] = mapped_column(Double, default=None)
    recorded_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now)


class IdempotencyRecord(Base):
    """The first response to a POST with an Idempotency-Key, replayed for retries of the same request."""

    __tablename__ = "idempotency_keys"

    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    endpoint: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict] = mapped_column(JSON)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now)


def fetch_page(
    session: Session, model: type[Base], where: list, order_by: tuple, limit: int, offset: int
) -> tuple[list, int]:
    """One page of `model` rows matching `where`, and how many match in all."""
    total = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    rows = session.scalars(select(model).where(*where).order_by(*order_by).limit(limit).offset(offset)).all()
    return list(rows), total


def make_engine(database_url: str) -> Engine:
    """An engine; SQLite gets WAL, a busy timeout and foreign keys, and its folder is created."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(database_url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return create_engine(database_url, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with factory() as session, session.begin():
        yield session


def migrate(engine: Engine) -> None:
    """Bring the database schema up to date with the Alembic migrations in api/migrations."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(Path(__file__).with_name("alembic.ini")))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
