"""Sign-in, who am I, and user accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from corredor.accounts import use_cases
from corredor.accounts.schemas import LoginIn, TokenOut, UserIn, UserOut
from corredor.api.security import PUBLIC, SIGNED_IN, platform_of, requires
from corredor.api.submit import IdempotencyKey
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission, permissions_of
from corredor.services.platform import Platform

router = APIRouter(tags=["accounts"])
PlatformDep = Annotated[Platform, Depends(platform_of)]


@router.post("/auth/token", response_model=TokenOut, dependencies=[Depends(PUBLIC)])
def sign_in(body: LoginIn, platform: PlatformDep) -> TokenOut:
    """Exchange a username and password for a short-lived bearer token."""
    return use_cases.sign_in(platform, body)


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
    return use_cases.list_users(platform, who)


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(
    body: UserIn,
    key: IdempotencyKey,
    who: Annotated[Principal, Depends(requires(Permission.USER_CREATE))],
    platform: PlatformDep,
) -> UserOut:
    return run_command(platform, who, key, use_cases.create_user(who, body))
