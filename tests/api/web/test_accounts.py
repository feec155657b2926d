"""People's accounts: argon2 passwords, sessions in the database, invitations used once, the sign-in
rate limit, and principals that appear in the audit trail but never work as bearer keys."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api import accounts
from api.accounts import AccountError
from api.auth import create_organisation, hash_key, lookup_key
from api.db import ApiKey, Invitation, PrincipalKind, User, now, session_factory

PASSWORD = "en lång mening som lösenord"


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test (nothing is committed)."""
    with session_factory(engine)() as opened:
        yield opened
        opened.rollback()


@pytest.fixture
def org_id(session: Session) -> str:
    organisation, _ = create_organisation(session, f"Kristinehamn-{uuid.uuid4().hex[:8]}")
    return organisation.id


def _person(session: Session, org_id: str, email: str = "Eva@Kristinehamn.se", role: str = "editor") -> User:
    invitation, _ = accounts.invite(session, org_id, email, role)
    return accounts.accept_invitation(session, invitation, PASSWORD)


def test_an_invitation_makes_an_account_with_an_argon2_hash_and_a_principal(session: Session, org_id: str) -> None:
    user = _person(session, org_id)
    assert user.email == "eva@kristinehamn.se" and user.role == "editor"
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    principal = session.get(ApiKey, user.principal_id)
    assert principal is not None and principal.kind == PrincipalKind.USER and principal.role == "editor"


def test_an_invitation_works_once_and_not_after_it_expires(session: Session, org_id: str) -> None:
    invitation, token = accounts.invite(session, org_id, "kalle@kristinehamn.se", "viewer")
    assert accounts.open_invitation(session, token) is invitation
    assert accounts.open_invitation(session, token + "x") is None
    accounts.accept_invitation(session, invitation, PASSWORD)
    assert accounts.open_invitation(session, token) is None
    late, late_token = accounts.invite(session, org_id, "sen@kristinehamn.se", "viewer")
    late.expires_at = now() - timedelta(seconds=1)
    assert accounts.open_invitation(session, late_token) is None
    stored = session.scalars(select(Invitation).where(Invitation.id == invitation.id)).one()
    assert stored.token_sha256 == hash_key(token)  # only the hash is kept


@pytest.mark.parametrize(("email", "code"), [("not an address", "email_invalid"), ("a@b", "email_invalid")])
def test_a_bad_invitation_is_refused_with_its_reason(session: Session, org_id: str, email: str, code: str) -> None:
    with pytest.raises(AccountError) as refused:
        accounts.invite(session, org_id, email, "viewer")
    assert refused.value.code == code
    with pytest.raises(AccountError) as refused:
        accounts.invite(session, org_id, "ok@kristinehamn.se", "owner")
    assert refused.value.code == "role_invalid"


def test_one_person_is_in_one_organisation(session: Session, org_id: str) -> None:
    _person(session, org_id)
    other, _ = create_organisation(session, f"Karlstad-{uuid.uuid4().hex[:8]}")
    with pytest.raises(AccountError) as refused:
        accounts.invite(session, other.id, "eva@kristinehamn.se", "viewer")
    assert refused.value.code == "email_taken"


def test_a_short_password_is_refused(session: Session, org_id: str) -> None:
    invitation, _ = accounts.invite(session, org_id, "kort@kristinehamn.se", "viewer")
    with pytest.raises(AccountError) as refused:
        accounts.accept_invitation(session, invitation, "kort")
    assert refused.value.code == "password_short"
    assert invitation.used_at is None


def test_signing_in_gives_a_session_that_signing_out_ends(session: Session, org_id: str) -> None:
    user = _person(session, org_id)
    person, token = accounts.sign_in(session, " EVA@kristinehamn.se ", PASSWORD, "10.0.0.1")
    assert person.user.id == user.id
    assert person.principal.key_id == user.principal_id and person.principal.may("editor")
    found = accounts.signed_in(session, token)
    assert found is not None and found.session.id == person.session.id
    assert person.session.token_sha256 == hash_key(token) and len(person.session.csrf_token) >= 40
    accounts.sign_out(session, person.session)
    assert accounts.signed_in(session, token) is None


def test_an_expired_or_disabled_session_is_no_session(session: Session, org_id: str) -> None:
    user = _person(session, org_id)
    person, token = accounts.sign_in(session, user.email, PASSWORD, "10.0.0.1")
    person.session.expires_at = now() - timedelta(seconds=1)
    assert accounts.signed_in(session, token) is None
    person, token = accounts.sign_in(session, user.email, PASSWORD, "10.0.0.1")
    user.disabled_at = now()
    assert accounts.signed_in(session, token) is None


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(session: Session, org_id: str) -> None:
    _person(session, org_id)
    for email, password in (("eva@kristinehamn.se", "fel lösenord här"), ("ingen@kristinehamn.se", PASSWORD)):
        with pytest.raises(AccountError) as refused:
            accounts.sign_in(session, email, password, "10.0.0.2")
        assert refused.value.code == "wrong"


def test_too_many_failures_wait_even_with_the_right_password(session: Session, org_id: str) -> None:
    _person(session, org_id)
    for _ in range(accounts.MAX_FAILURES_PER_EMAIL):
        with pytest.raises(AccountError):
            accounts.sign_in(session, "eva@kristinehamn.se", "fel lösenord här", "10.0.0.3")
    with pytest.raises(AccountError) as refused:
        accounts.sign_in(session, "eva@kristinehamn.se", PASSWORD, "10.0.0.4")
    assert refused.value.code == "rate_limited"


def test_too_many_failures_from_one_address_wait_for_every_email(session: Session, org_id: str) -> None:
    _person(session, org_id)
    for n in range(accounts.MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(AccountError):
            accounts.sign_in(session, f"gissning{n}@example.se", "fel lösenord här", "10.0.0.9")
    with pytest.raises(AccountError) as refused:
        accounts.sign_in(session, "eva@kristinehamn.se", PASSWORD, "10.0.0.9")
    assert refused.value.code == "rate_limited"
    person, _ = accounts.sign_in(session, "eva@kristinehamn.se", PASSWORD, "10.0.0.10")  # another address
    assert person.user.email == "eva@kristinehamn.se"


def test_a_person_principal_is_never_a_bearer_key(session: Session, org_id: str) -> None:
    user = _person(session, org_id)
    principal = session.get(ApiKey, user.principal_id)
    assert principal is not None
    assert lookup_key(session, "kp_" + principal.key_sha256) is None
    principal.kind = PrincipalKind.KEY  # even with a key of its hash, the secret was never shown
    assert lookup_key(session, "kp_anything") is None


def test_a_new_invitation_resets_the_password_and_ends_the_sessions(session: Session, org_id: str) -> None:
    user = _person(session, org_id)
    _, token = accounts.sign_in(session, user.email, PASSWORD, "10.0.0.1")
    invitation, _ = accounts.invite(session, org_id, user.email, "admin")
    accounts.accept_invitation(session, invitation, PASSWORD + " ny")
    assert user.role == "admin" and accounts.signed_in(session, token) is None
    with pytest.raises(AccountError):
        accounts.sign_in(session, user.email, PASSWORD, "10.0.0.1")
