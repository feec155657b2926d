"""Idempotency-Key: the first response to a POST is stored with the resource it made and replayed."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import IdempotencyRecord
from api.problems import ProblemError
from optimizer.io.fingerprint import canonical_json


def fingerprint(*parts: bytes | str | Any) -> str:
    """SHA-256 of a request's meaningful parts (bytes as they are, anything else as canonical JSON)."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, str):
            part = part.encode("utf-8")
        elif not isinstance(part, bytes):
            part = canonical_json(part)
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def find(session: Session, organisation_id: str, endpoint: str, key: str) -> IdempotencyRecord | None:
    return session.scalars(
        select(IdempotencyRecord).where(
            IdempotencyRecord.organisation_id == organisation_id,
            IdempotencyRecord.endpoint == endpoint,
            IdempotencyRecord.key == key,
        )
    ).first()


def replay(
    session: Session, organisation_id: str, endpoint: str, key: str | None, request_sha256: str
) -> JSONResponse | None:
    """The stored response for this key, or None if the key is new; a problem if the body differs."""
    if key is None:
        return None
    record = find(session, organisation_id, endpoint, key)
    if record is None:
        return None
    if record.request_sha256 != request_sha256:
        raise ProblemError(
            422,
            "this Idempotency-Key was used before with a different request; use a new key for a new request",
            title="Idempotency-Key reused",
            type_="idempotency-key-reused",
        )
    return JSONResponse(record.body, status_code=record.status_code, headers=record.headers)


def remember(
    session: Session,
    organisation_id: str,
    endpoint: str,
    key: str | None,
    request_sha256: str,
    response: JSONResponse,
    body: Any,
) -> None:
    """Store the response in the session's transaction (with the resource it describes)."""
    if key is None:
        return
    headers = {"Location": response.headers["location"]} if "location" in response.headers else {}
    session.add(
        IdempotencyRecord(
            organisation_id=organisation_id,
            endpoint=endpoint,
            key=key,
            request_sha256=request_sha256,
            status_code=response.status_code,
            body=body,
            headers=headers,
        )
    )
