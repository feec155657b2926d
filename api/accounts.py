"""People's accounts for the web app: e-mail and an argon2 password, sessions kept in the database,
one-time invitations, and a sign-in rate limit. API keys (`api.auth`) stay for machines.

A person acts through a principal of their own (an `api_keys` row of kind "user", whose secret is
never shown, so it can never be used as a bearer key): what they upload, submit and adopt is in the
same audit trail as what a key does. Tokens (session cookies, invitation links) are 256-bit random;
only their SHA-256 is stored.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth import Principal, hash_key
from api.db import ROLES, ApiKey, Invitation, PrincipalKind, SignInAttempt, User, UserSession, now
from api.schemas import utc

PASSWORD_MIN_LENGTH = 12
"""NIST SP 800-63B asks for at least 8; a passphrase of 12 is what a municipality's IT policy asks."""
SESSION_HOURS = 10
"""A working day; then the person signs in again."""
INVITATION_DAYS = 7
RATE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20
"""Failed sign-ins in `RATE_WINDOW` after which the e-mail, or the address, must wait."""
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_HASHER = PasswordHasher()  # argon2id with the RFC 9106 low-memory parameters


class AccountError(ValueError):
    """An account action that cannot be done, with the reason in `code` (for the page's words)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A signed-in person: their account, the session and the principal they act as."""

    user: User
    session: UserSession

    @property
    def principal(self) -> Principal:
        return Principal(key_id=self.user.principal_id, organisation_id=self.user.organisation_id, role=self.user.role)


def normalise_email(text: str) -> str:
    """The e-mail as stored: stripped and in lower case; `AccountError` when it is not one."""
    email = text.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise AccountError("email_invalid", f"{text!r} is not an e-mail address")
    return email


def password_problem(password: str) -> str | None:
    """Why a new password is refused (a code), or None when it is good enough."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return "password_short"
    if len(password) > 1000:
        return "password_long"
    return None


# --- invitations ----------------------------------------------------------------------------------


def invite(
    session: Session, organisation_id: str, email: str, role: str, *, created_by: str | None = None
) -> tuple[Invitation, str]:
    """A one-time invitation (flushed) and its token, for the link `/invitation/<token>`."""
    if role not in ROLES:
        raise AccountError("role_invalid", f"role must be one of {', '.join(ROLES)}, not {role!r}")
    address = normalise_email(email)
    existing = session.scalars(select(User).where(User.email == address)).first()
    if existing is not None and existing.organisation_id != organisation_id:
        raise AccountError("email_taken", f"{address} already has an account in another organisation")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_sha256=hash_key(token),
        organisation_id=organisation_id,
        email=address,
        role=role,
        created_by=created_by,
        expires_at=now() + timedelta(days=INVITATION_DAYS),
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def open_invitation(session: Session, token: str) -> Invitation | None:
    """The unused, unexpired invitation with this token; None otherwise."""
    if len(token) > 200:
        return None
    invitation = session.scalars(select(Invitation).where(Invitation.token_sha256 == hash_key(token))).first()
    return invitation if invitation is not None and open_invitation_row(invitation) else None


def open_invitation_row(invitation: Invitation) -> bool:
    """Whether the invitation can still be used: not used, not expired."""
    return invitation.used_at is None and _aware(invitation.expires_at) > now()


def accept_invitation(session: Session, invitation: Invitation, password: str) -> User:
    """The invited person's account with `password` (made, or for an existing account: its new password
    and the invitation's role); the invitation is used up. Flushed, not committed."""
    problem = password_problem(password)
    if problem is not None:
        raise AccountError(problem, "the password is not long enough")
    user = session.scalars(select(User).where(User.email == invitation.email)).first()
    if user is None:
        principal = ApiKey(
            organisation_id=invitation.organisation_id,
            role=invitation.role,
            key_sha256=hash_key(secrets.token_urlsafe(32)),  # a secret nobody is ever shown
            prefix="user",
            kind=PrincipalKind.USER,
        )
        session.add(principal)
        session.flush()
        user = User(
            organisation_id=invitation.organisation_id,
            email=invitation.email,
            role=invitation.role,
            password_hash=_HASHER.hash(password),
            principal_id=principal.id,
        )
        session.add(user)
    else:
        user.password_hash = _HASHER.hash(password)
        user.role = invitation.role
        user.disabled_at = None
        held = session.get(ApiKey, user.principal_id)
        assert held is not None, "every user has a principal"
        held.role = invitation.role
        end_all_sessions(session, user)
    invitation.used_at = now()
    session.flush()
    return user


# --- signing in -----------------------------------------------------------------------------------


def sign_in(session: Session, email: str, password: str, address: str) -> tuple[SignedIn, str]:
    """A new session for the person with this e-mail and password, and its cookie token.

    `AccountError` "rate_limited" after too many failures from the e-mail or the address in
    `RATE_WINDOW`, "wrong" for an unknown e-mail or a wrong password (the same answer for both).
    Every attempt is recorded. Flushed, not committed."""
    try:
        email = normalise_email(email)
    except AccountError:
        email = email.strip().lower()[:254]
    since = now() - RATE_WINDOW
    failures = {
        column: session.scalar(
            select(func.count())
            .select_from(SignInAttempt)
            .where(column == value, SignInAttempt.succeeded.is_(False), SignInAttempt.at > since)
        )
        or 0
        for column, value in ((SignInAttempt.email, email), (SignInAttempt.address, address))
    }
    if failures[SignInAttempt.email] >= MAX_FAILURES_PER_EMAIL or (
        failures[SignInAttempt.address] >= MAX_FAILURES_PER_ADDRESS
    ):
        raise AccountError("rate_limited", "too many failed attempts; wait a quarter of an hour")
    user = session.scalars(select(User).where(User.email == email)).first()
    good = user is not None and user.disabled_at is None and _verify(user.password_hash, password)
    session.add(SignInAttempt(email=email, address=address[:64], succeeded=good))
    if not good:
        session.flush()
        raise AccountError("wrong", "the e-mail or the password is wrong")
    assert user is not None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    token = secrets.token_urlsafe(32)
    record = UserSession(
        token_sha256=hash_key(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        expires_at=now() + timedelta(hours=SESSION_HOURS),
    )
    session.add(record)
    session.flush()
    return SignedIn(user, record), token


def signed_in(session: Session, token: str) -> SignedIn | None:
    """The person whose session this cookie token is, while it lasts; None otherwise."""
    if not token or len(token) > 200:
        return None
    record = session.scalars(select(UserSession).where(UserSession.token_sha256 == hash_key(token))).first()
    if record is None or record.ended_at is not None or _aware(record.expires_at) <= now():
        return None
    user = session.get(User, record.user_id)
    if user is None or user.disabled_at is not None:
        return None
    return SignedIn(user, record)


def sign_out(session: Session, record: UserSession) -> None:
    record.ended_at = now()
    session.flush()


def end_all_sessions(session: Session, user: User) -> None:
    for record in session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    ):
        record.ended_at = now()


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _aware(moment: datetime) -> datetime:
    aware = utc(moment)  # SQLite hands times back without a zone; they were stored in UTC
    assert aware is not None
    return aware
