"""API keys: random bearer tokens stored only as SHA-256, looked up by hash; organisations; who is calling.

A key is `kp_` + `secrets.token_urlsafe(32)` (256 random bits), so a fast hash is enough: there is
nothing to brute-force. The plain key is returned once, when it is made, and never logged.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import ROLES, ApiKey, Organisation, PrincipalKind

KEY_PREFIX = "kp_"
SHOWN_PREFIX_LENGTH = 10


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key (by id, never its text), its organisation and role."""

    key_id: str
    organisation_id: str
    role: str

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(session: Session, organisation_id: str, role: str) -> tuple[ApiKey, str]:
    """A new key of `role` for the organisation (flushed, not committed) and its plain text."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    plain = generate_key()
    record = ApiKey(
        organisation_id=organisation_id,
        role=role,
        key_sha256=hash_key(plain),
        prefix=plain[:SHOWN_PREFIX_LENGTH],
    )
    session.add(record)
    session.flush()
    return record, plain


def lookup_key(session: Session, key: str) -> ApiKey | None:
    """The unrevoked key with this text, found by its hash; None if there is none."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    record = session.scalars(select(ApiKey).where(ApiKey.key_sha256 == hash_key(key))).first()
    if record is None or record.revoked_at is not None or record.kind != PrincipalKind.KEY:
        return None
    return record


def get_organisation(session: Session, name: str) -> Organisation | None:
    return session.scalars(select(Organisation).where(Organisation.name == name)).first()


def create_organisation(session: Session, name: str) -> tuple[Organisation, bool]:
    """The organisation called `name`, made if needed (flushed); True when it was made now."""
    existing = get_organisation(session, name)
    if existing is not None:
        return existing, False
    organisation = Organisation(name=name)
    session.add(organisation)
    session.flush()
    return organisation, True
