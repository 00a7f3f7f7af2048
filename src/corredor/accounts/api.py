"""Sign-in, who am I, and user accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from corredor.accounts import use_cases
from corredor.accounts.schemas import LoginIn, RoleIn, TokenOut, UserIn, UserOut
from corredor.api.idempotency import IdempotencyKey
from corredor.api.security import PUBLIC, SIGNED_IN, platform_of, requires
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission, permissions_of
from corredor.platform import Platform

router = APIRouter(tags=["accounts"])
UserId = Annotated[str, Path(min_length=1, max_length=36)]
PlatformDep = Annotated[Platform, Depends(platform_of)]


@router.post("/auth/token", response_model=TokenOut, dependencies=[Depends(PUBLIC)])
def sign_in(body: LoginIn, platform: PlatformDep, request: Request) -> TokenOut:
    """Exchange a username and password for a short-lived bearer token. Repeated failures for
    an account or from an address are answered 429 with Retry-After."""
    address = request.client.host if request.client else "unknown"
    return use_cases.sign_in(platform, body, address)


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


@router.post("/auth/sign-out", status_code=204)
def sign_out(who: Annotated[Principal, Depends(SIGNED_IN)], platform: PlatformDep) -> Response:
    """End every sign-in of this account: its tokens stop working at once, on every device."""
    use_cases.sign_out(platform, who)
    return Response(status_code=204)


@router.post("/users/{user_id}/disable", response_model=UserOut)
def disable_user(
    user_id: UserId,
    who: Annotated[Principal, Depends(requires(Permission.USER_DISABLE))],
    platform: PlatformDep,
) -> UserOut:
    """The account can no longer sign in, and its tokens stop working at once (audited)."""
    return use_cases.set_active(platform, who, user_id, active=False)


@router.post("/users/{user_id}/enable", response_model=UserOut)
def enable_user(
    user_id: UserId,
    who: Annotated[Principal, Depends(requires(Permission.USER_DISABLE))],
    platform: PlatformDep,
) -> UserOut:
    """The account may sign in again (audited)."""
    return use_cases.set_active(platform, who, user_id, active=True)


@router.post("/users/{user_id}/role", response_model=UserOut)
def change_role(
    user_id: UserId,
    body: RoleIn,
    who: Annotated[Principal, Depends(requires(Permission.USER_ROLE))],
    platform: PlatformDep,
) -> UserOut:
    """Another role (and agency) for the account; its tokens stop working at once (audited)."""
    return use_cases.change_role(platform, who, user_id, body)
