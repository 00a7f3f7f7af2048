"""What the API and the pages do with accounts: sign in, list and create users. Each use case
opens its own unit of work and returns typed output; creating a user is an idempotent command.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.accounts.schemas import LoginIn, RoleIn, TokenOut, UserIn, UserOut
from corredor.accounts.tables import User
from corredor.accounts.users import add_user, principal_of, user_out
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import DUMMY_HASH, Principal, password_matches
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission, check_agency
from corredor.kernel.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
)
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform, actor


def sign_in(p: Platform, body: LoginIn, address: str) -> TokenOut:
    """A short-lived bearer token for a username and password. Sign-ins and failures are
    audited; after repeated failures for the account or from the address, attempts wait
    (`TooManyAttempts`) before any password is even hashed."""
    keys = {"account": body.username.casefold(), "address": address}
    if wait := p.sign_in_throttle.wait(keys):
        raise TooManyAttempts(wait)
    with unit_of_work(p) as s:
        user = s.execute(select(User).where(User.username == body.username)).scalar_one_or_none()
        # the hash is checked even for an unknown name, so timing does not tell names apart
        matches = password_matches(user.password_hash if user else DUMMY_HASH, body.password)
        if not matches or not user or not user.active:  # a disabled account reads the same
            # recorded and committed before refusing; the name typed is kept only as a keyed
            # hash, since it may be a mistyped password or a person's name
            tried = {"username_hash": p.lookup.digest(body.username), "address": address}
            who = audit.Actor(user_id=user.id if user else None, role=None)
            audit.append(s, who, AuditTag.SESSION_SIGN_IN_FAILED, detail=tried)
            token = None
        else:
            principal = principal_of(user)
            token = p.tokens.issue(principal)
            audit.append(s, actor(s, principal), AuditTag.SESSION_SIGN_IN)
    if token is None:
        p.sign_in_throttle.failed(keys)
        raise Unauthenticated("unknown username or wrong password")
    return TokenOut(access_token=token.value, expires_at=token.expires_at, role=principal.role)


def list_users(p: Platform, who: Principal) -> list[UserOut]:
    who.require(Permission.USER_LIST)
    with unit_of_work(p) as s:
        return [user_out(u) for u in s.execute(select(User).order_by(User.username)).scalars()]


def get_user(p: Platform, who: Principal, user_id: str) -> UserOut:
    who.require(Permission.USER_LIST)
    with unit_of_work(p) as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFound(f"no user {user_id}")
        return user_out(user)


def create_user(who: Principal, body: UserIn) -> Command[UserOut]:
    """An administrator creates an account; the key store never keeps its password."""

    def run(s: Session) -> UserOut:
        who.require(Permission.USER_CREATE)
        user = add_user(s, body)
        audit.append(
            s,
            actor(s, who),
            AuditTag.USER_CREATE,
            detail={"user_id": user.id, "role": user.role, "agency": user.agency},
        )
        return user_out(user)

    return Command(
        operation="user:create",
        payload=body.model_copy(update={"password": "***"}).model_dump(mode="json"),
        output=UserOut,
        run=run,
    )


def sign_out(p: Platform, who: Principal) -> None:
    """End every sign-in of this account (all its devices): its token version moves on."""
    with unit_of_work(p) as s:
        user = s.get(User, who.user_id)
        if user is None:
            raise NotFound("no such account")
        user.token_version += 1
        audit.append(s, actor(s, who), AuditTag.SESSION_SIGN_OUT)


def set_active(p: Platform, who: Principal, user_id: str, active: bool) -> UserOut:
    """An administrator disables an account (its tokens end at once) or enables it again."""
    who.require(Permission.USER_DISABLE)
    with unit_of_work(p) as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFound(f"no user {user_id}")
        if user.id == who.user_id and not active:
            raise Conflict("an administrator cannot disable their own account", "active", [])
        if user.active != active:
            user.active = active
            user.token_version += 1
            tag = AuditTag.USER_ENABLE if active else AuditTag.USER_DISABLE
            audit.append(s, actor(s, who), tag, detail={"user_id": user.id})
        return user_out(user)


def change_role(p: Platform, who: Principal, user_id: str, body: RoleIn) -> UserOut:
    """An administrator gives an account another role (and agency). Its tokens end at once, as
    on disabling: a token still naming the old role must not keep its permissions."""
    who.require(Permission.USER_ROLE)
    try:
        check_agency(body.role, body.agency)
    except ValueError as error:
        raise InvalidInput("agency", str(error)) from None
    with unit_of_work(p) as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFound(f"no user {user_id}")
        if user.id == who.user_id:
            # the last administrator must not lock everyone out by demoting themself
            raise Conflict("an administrator cannot change their own role", "role", [])
        before = (user.role, user.agency)
        after = (str(body.role), str(body.agency) if body.agency else None)
        if before != after:
            user.role, user.agency = after
            user.token_version += 1
            audit.append(
                s,
                actor(s, who),
                AuditTag.USER_ROLE_CHANGE,
                detail={
                    "user_id": user.id,
                    "from": before[0],
                    "to": after[0],
                    "agency": after[1],
                },
            )
        return user_out(user)
