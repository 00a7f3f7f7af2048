"""Sign-in, who am I, and user accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from corredor.api.security import PUBLIC, SIGNED_IN, platform_of, requires
from corredor.api.submit import IdempotencyKey, submit
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission, permissions_of
from corredor.services import accounts
from corredor.services.platform import Platform
from corredor.services.schemas import LoginIn, TokenOut, UserIn, UserOut

router = APIRouter(tags=["accounts"])
PlatformDep = Annotated[Platform, Depends(platform_of)]


@router.post("/auth/token", response_model=TokenOut, dependencies=[Depends(PUBLIC)])
def sign_in(body: LoginIn, platform: PlatformDep) -> TokenOut:
    """Exchange a username and password for a short-lived bearer token."""
    with platform.db.transaction() as session:
        return accounts.login(platform, session, body)


@router.get("/me")
def me(who: Annotated[Principal, Depends(SIGNED_IN)]) -> dict[str, object]:
    return {
        "id": who.user_id,
        "username": who.username,
        "role": who.role,
        "agency": who.agency,
        "permissions": sorted(permissions_of(who.role)),
    }


@router.get("/users", response_model=list[UserOut])
def list_users(
    who: Annotated[Principal, Depends(requires(Permission.USER_LIST))], platform: PlatformDep
) -> list[UserOut]:
    with platform.db.transaction() as session:
        return accounts.list_users(session, who)


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(
    body: UserIn,
    key: IdempotencyKey,
    who: Annotated[Principal, Depends(requires(Permission.USER_CREATE))],
    platform: PlatformDep,
) -> object:
    return submit(
        platform,
        who,
        key,
        "user:create",
        body.model_copy(update={"password": "***"}),  # never keep a password in the key store
        lambda s: accounts.create_user(platform, s, who, body),
    )
