"""Accounts as steps inside a caller's transaction: creating one (for the admin use case and for
seeding) and finding the account a command-line job acts as, so its actions are audited under a
person. No permission check here: the caller decides who may."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.accounts.schemas import UserIn, UserOut
from corredor.accounts.tables import User
from corredor.kernel.auth import Principal, hash_password
from corredor.kernel.domain.permissions import Agency, Role, check_agency
from corredor.kernel.errors import Conflict, InvalidInput, NotFound
from corredor.platform import new_id, now


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


def principal_named(s: Session, username: str) -> Principal:
    """The account a command-line job acts as, so its actions are audited under a person."""
    user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no account named {username!r}")
    return principal_of(user)


def principal_of(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        agency=Agency(user.agency) if user.agency else None,
        version=user.token_version,
    )


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        role=Role(user.role),
        agency=Agency(user.agency) if user.agency else None,
        active=user.active,
    )


# ---- what other features may ask about accounts, inside their own unit of work ----


def names_and_roles(s: Session, user_ids: set[str]) -> dict[str, tuple[str, str]]:
    """user id -> (username, role), for those that exist."""
    if not user_ids:
        return {}
    rows = s.execute(select(User.id, User.username, User.role).where(User.id.in_(user_ids)))
    return {user_id: (username, role) for user_id, username, role in rows}


def agencies_of(s: Session, user_ids: set[str]) -> dict[str, str | None]:
    """user id -> agency (None for applicants and agencies not recorded)."""
    if not user_ids:
        return {}
    rows = s.execute(select(User.id, User.agency).where(User.id.in_(user_ids))).all()
    return {user_id: agency for user_id, agency in rows}  # noqa: C416 - rows are Row objects


def is_applicant(s: Session, user_id: str) -> bool:
    user = s.get(User, user_id)
    return user is not None and user.role == Role.APPLICANT


def applicant_named(s: Session, username: str) -> str | None:
    """The id of the applicant account with this username, if there is one."""
    found = s.execute(
        select(User.id).where(User.username == username, User.role == str(Role.APPLICANT))
    ).scalar_one_or_none()
    return str(found) if found else None
