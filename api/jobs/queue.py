"""The queue's SQL: runs wait in the `runs` table; workers claim them with a lease.

A worker claims a run (`claim_next`) by taking a *lease* on it: it becomes the run's `lease_owner` until
`lease_expires_at`, and renews the lease while it works (`Lease.heartbeat`). A worker that dies stops
renewing; once its lease has expired any other worker reclaims the run and starts it again (`attempts`
counts the starts). Every write a worker makes to a claimed run is conditional on still owning the lease
(`Lease`), so a run that was reclaimed is never finished twice.

The web process only adds runs (queued) and asks for them to be cancelled (`cancel`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Select,
    and_,
    false,
    func,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.dml import Update

from api.db import ProjectListRecord, Run, now, transaction
from api.jobs.states import ACTIVE, RunState

__all__ = [
    "MAX_ATTEMPTS",
    "Claimed",
    "Factory",
    "Lease",
    "LostLease",
    "cancel",
    "claim_next",
    "in_flight",
]

MAX_ATTEMPTS = 3
"""A run whose worker died this many times is failed instead of being started again."""

Factory = sessionmaker[Session]
_NO_SYNC = {"synchronize_session": False}


def _changed(session: Session, statement: Update, *, synchronize: bool = False) -> int:
    """Execute an UPDATE; how many rows it changed."""
    result = session.execute(statement, execution_options={} if synchronize else _NO_SYNC)
    assert isinstance(result, CursorResult)  # what an UPDATE gives
    return result.rowcount


# --------------------------------------------------------------------------------------------
# Adding and cancelling (the web process)
# --------------------------------------------------------------------------------------------


def in_flight(session: Session, organisation_id: str) -> int:
    """How many of the organisation's runs are queued or running."""
    count = session.scalar(
        select(func.count())
        .select_from(Run)
        .where(Run.organisation_id == organisation_id, Run.state.in_(ACTIVE))
    )
    return count or 0


def cancel(session: Session, run_id: str) -> RunState | None:
    """Cancel a queued run at once (it is CANCELED), or ask the worker of a running one to stop it (it is
    still RUNNING, with `cancel_requested`); None when the run has finished. Not committed."""
    queued = update(Run).where(Run.id == run_id, Run.state == RunState.QUEUED)
    if _changed(session, queued.values(state=RunState.CANCELED, finished_at=now()), synchronize=True):
        return RunState.CANCELED
    running = update(Run).where(Run.id == run_id, Run.state == RunState.RUNNING)
    if _changed(session, running.values(cancel_requested=True), synchronize=True):
        return RunState.RUNNING
    return None


# --------------------------------------------------------------------------------------------
# Claiming (workers)
# --------------------------------------------------------------------------------------------


def _claimable(at: datetime) -> ColumnElement[bool]:
    """Runs a worker may start: queued ones, and running ones whose worker stopped renewing its lease."""
    return and_(
        Run.cancel_requested == false(),
        or_(
            Run.state == RunState.QUEUED,
            and_(Run.state == RunState.RUNNING, Run.lease_expires_at < at, Run.attempts < MAX_ATTEMPTS),
        ),
    )


def _claim_values(worker_id: str, at: datetime, lease_s: float) -> dict[str, Any]:
    return {
        "state": RunState.RUNNING,
        "lease_owner": worker_id,
        "lease_expires_at": at + timedelta(seconds=lease_s),
        "started_at": func.coalesce(Run.started_at, literal(at, Run.__table__.c.started_at.type)),
        "attempts": Run.attempts + 1,
    }


def settle(factory: Factory, at: datetime) -> None:
    """End the runs that must not be started: cancelled ones, and ones whose workers keep dying."""
    ended = {"finished_at": at, "lease_expires_at": None}
    with transaction(factory) as session:
        session.execute(
            update(Run)
            .where(Run.state == RunState.QUEUED, Run.cancel_requested == true())
            .values(state=RunState.CANCELED, **ended),
            execution_options=_NO_SYNC,
        )
        abandoned = and_(Run.state == RunState.RUNNING, Run.lease_expires_at < at)
        session.execute(
            update(Run)
            .where(abandoned, Run.cancel_requested == true())
            .values(state=RunState.CANCELED, **ended),
            execution_options=_NO_SYNC,
        )
        session.execute(
            update(Run)
            .where(abandoned, Run.attempts >= MAX_ATTEMPTS)
            .values(
                state=RunState.FAILED,
                error=f"the run was started {MAX_ATTEMPTS} times and each time its worker stopped "
                "responding (e.g. killed for using too much memory); it is not started again",
                **ended,
            ),
            execution_options=_NO_SYNC,
        )


def _dialect(factory: Factory) -> str:
    bind = factory.kw.get("bind")
    if bind is None:
        with factory() as session:
            bind = session.get_bind()
    return bind.dialect.name


def claim_next(factory: Factory, worker_id: str, lease_s: float) -> str | None:
    """Atomically claim the oldest startable run for `worker_id`; its id, or None when there is none.

    Startable: queued, or running with an expired lease (its worker died: the run is reclaimed).
    Queued runs with a cancel request are marked canceled instead. Safe with any number of workers:
    on PostgreSQL the candidate row is locked with FOR UPDATE SKIP LOCKED, so concurrent workers
    take different rows without waiting; on SQLite (one writer at a time) the claim is an UPDATE
    that repeats the startable condition, and only the worker whose UPDATE changed the row has it.
    """
    at = now()
    settle(factory, at)
    if _dialect(factory) == "postgresql":
        return _claim_locking(factory, worker_id, lease_s, at)
    return _claim_conditional(factory, worker_id, lease_s, at)


def _oldest_first(statement: Select[Any]) -> Select[Any]:
    return statement.order_by(Run.created_at, Run.id)


def _claim_locking(factory: Factory, worker_id: str, lease_s: float, at: datetime) -> str | None:
    with transaction(factory) as session:
        run_id = session.execute(
            _oldest_first(select(Run.id).where(_claimable(at))).limit(1).with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if run_id is None:
            return None
        session.execute(
            update(Run).where(Run.id == run_id).values(**_claim_values(worker_id, at, lease_s)),
            execution_options=_NO_SYNC,
        )
        return run_id


def _claim_conditional(factory: Factory, worker_id: str, lease_s: float, at: datetime) -> str | None:
    for _ in range(5):  # every candidate taken by other workers meanwhile: look again, a few times
        with factory() as session:
            candidates = (
                session.execute(_oldest_first(select(Run.id).where(_claimable(at))).limit(8)).scalars().all()
            )
        if not candidates:
            return None
        for run_id in candidates:
            with transaction(factory) as session:
                claimed = _changed(
                    session,
                    update(Run)
                    .where(Run.id == run_id, _claimable(at))
                    .values(**_claim_values(worker_id, at, lease_s)),
                )
                if claimed == 1:
                    return run_id
    return None


# --------------------------------------------------------------------------------------------
# A claimed run (its worker)
# --------------------------------------------------------------------------------------------


class LostLease(Exception):
    """The run is no longer this worker's: reclaimed by another, or ended by someone else."""


@dataclass(frozen=True, slots=True)
class Claimed:
    """What a worker reads of a run it has claimed: the scenario, the analysis and the list's bytes."""

    scenario: dict[str, Any]
    analysis: dict[str, Any] | None
    content: bytes
    file_type: str
    column_mapping: dict[str, str] | None
    list_name: str
    list_version: int


class Lease:
    """A run claimed by `worker_id`: every write is conditional on the worker still holding the lease (the
    run is running and its `lease_owner`); `finish` and `release` say whether it still did."""

    def __init__(self, factory: Factory, run_id: str, worker_id: str, lease_s: float) -> None:
        self.factory = factory
        self.run_id = run_id
        self.worker_id = worker_id
        self.lease_s = lease_s

    def _mine(self) -> ColumnElement[bool]:
        return and_(Run.id == self.run_id, Run.lease_owner == self.worker_id, Run.state == RunState.RUNNING)

    def load(self) -> Claimed | None:
        """The run's inputs, or None if it is not (or no longer) this worker's."""
        with self.factory() as session:
            run = session.get(Run, self.run_id)
            if run is None or run.state != RunState.RUNNING or run.lease_owner != self.worker_id:
                return None
            record = session.get(ProjectListRecord, run.project_list_id)
            assert record is not None  # a run's list is never deleted (a foreign key)
            return Claimed(
                scenario=dict(run.scenario),
                analysis=None if run.analysis is None else dict(run.analysis),
                content=record.content,
                file_type=record.file_type,
                column_mapping=record.column_mapping,
                list_name=record.name,
                list_version=record.version,
            )

    def heartbeat(self, renew: bool) -> bool:
        """Renew the lease if `renew`; True if cancellation was requested. Raises LostLease."""
        with transaction(self.factory) as session:
            if renew:
                expires = now() + timedelta(seconds=self.lease_s)
                if _changed(session, update(Run).where(self._mine()).values(lease_expires_at=expires)) != 1:
                    raise LostLease
            row = session.execute(
                select(Run.state, Run.lease_owner, Run.cancel_requested).where(Run.id == self.run_id)
            ).one_or_none()
        if row is None or row.state != RunState.RUNNING or row.lease_owner != self.worker_id:
            raise LostLease
        return bool(row.cancel_requested)

    def write_progress(self, progress: dict[str, Any]) -> None:
        """Record how far a long step has come (`api.db.Run.progress`)."""
        with transaction(self.factory) as session:
            session.execute(
                update(Run).where(self._mine()).values(progress=progress), execution_options=_NO_SYNC
            )

    def finish(self, state: RunState, **values: Any) -> bool:
        """Write the run's final state (and `values`) if it is still this worker's; whether it was."""
        with transaction(self.factory) as session:
            written = _changed(
                session,
                update(Run)
                .where(self._mine())
                .values(state=state, finished_at=now(), lease_expires_at=None, **values),
            )
        return written == 1

    def release(self) -> bool:
        """Put the run back in the queue, this start not counted, if it is still this worker's; whether
        it was."""
        with transaction(self.factory) as session:
            released = _changed(
                session,
                update(Run)
                .where(self._mine())
                .values(
                    state=RunState.QUEUED, lease_owner=None, lease_expires_at=None, attempts=Run.attempts - 1
                ),
            )
        return released == 1
