"""Accounts, sign-in, and the audit log's read side."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.adapters.db.models import AuditEntry, User
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import DUMMY_HASH, Principal, hash_password, password_matches
from corredor.kernel.domain.permissions import Agency, Permission, Role, check_agency
from corredor.kernel.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from corredor.services.platform import Platform, actor, new_id, now
from corredor.services.schemas import (
    AuditEntryOut,
    LoginIn,
    TokenOut,
    UserIn,
    UserOut,
    VerificationOut,
)

Answer = tuple[int, dict[str, Any]]


def _user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        role=Role(user.role),
        agency=Agency(user.agency) if user.agency else None,
    )


def add_user(s: Session, body: UserIn) -> User:
    """Create an account (no permission check: for the admin use case and for seeding)."""
    try:
        check_agency(body.role, body.agency)
    except ValueError as error:
        raise InvalidInput("agency", str(error)) from None
    if s.execute(select(User.id).where(User.username == body.username)).first():
        raise Conflict(f"the username {body.username} is taken")
    user = User(
        id=new_id(),
        username=body.username,
        password_hash=hash_password(body.password),
        role=str(body.role),
        agency=str(body.agency) if body.agency else None,
        created_at=now(),
    )
    s.add(user)
    s.flush()
    return user


def create_user(p: Platform, s: Session, who: Principal, body: UserIn) -> Answer:
    who.require(Permission.USER_CREATE)
    user = add_user(s, body)
    audit.append(
        s,
        actor(s, who),
        AuditTag.USER_CREATE,
        detail={"user_id": user.id, "role": user.role, "agency": user.agency},
    )
    return 201, _user_out(user).model_dump(mode="json")


def list_users(s: Session, who: Principal) -> list[UserOut]:
    who.require(Permission.USER_LIST)
    return [_user_out(u) for u in s.execute(select(User).order_by(User.username)).scalars()]


def principal_named(s: Session, username: str) -> Principal:
    """The account a command-line job acts as, so its actions are audited under a person."""
    user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no account named {username!r}")
    return _principal(user)


def _principal(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        agency=Agency(user.agency) if user.agency else None,
    )


def login(p: Platform, s: Session, body: LoginIn) -> TokenOut:
    user = s.execute(select(User).where(User.username == body.username)).scalar_one_or_none()
    if not password_matches(user.password_hash if user else DUMMY_HASH, body.password) or not user:
        raise Unauthenticated("unknown username or wrong password")
    principal = _principal(user)
    token = p.tokens.issue(principal)
    audit.append(s, actor(s, principal), AuditTag.SESSION_SIGN_IN)
    return TokenOut(access_token=token.value, expires_at=token.expires_at, role=principal.role)


def audit_entries(s: Session, who: Principal, after: int, limit: int) -> list[AuditEntryOut]:
    who.require(Permission.AUDIT_READ)
    rows = s.execute(
        select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)
    ).scalars()
    return [
        AuditEntryOut(
            seq=e.seq,
            at=audit.as_utc(e.at),
            actor_id=e.actor_id,
            actor_role=e.actor_role,
            on_behalf_of=e.on_behalf_of,
            action=e.action,
            case_id=e.case_id,
            detail=e.detail,
            hash=e.hash,
        )
        for e in rows
    ]


def verify_audit(s: Session, who: Principal) -> VerificationOut:
    who.require(Permission.AUDIT_VERIFY)
    result = audit.verify(s)
    return VerificationOut(
        ok=result.ok,
        checked=result.checked,
        first_bad_seq=result.first_bad_seq,
        problem=result.problem,
    )
