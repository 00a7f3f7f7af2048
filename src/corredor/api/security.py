"""Every route declares who may call it: a permission, any signed-in user, or the public.

The declaration is a dependency object, so a test can walk `app.routes` and find it on each.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import Unauthenticated
from corredor.platform import Platform

bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/token")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def platform_of(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def _principal(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    if credentials is None:
        raise Unauthenticated("sign in first: send 'Authorization: Bearer <token>'")
    return platform_of(request).tokens.read(credentials.credentials)


class Requires:
    """Declares and checks one permission. The use case checks it again, with the case's scope."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, request: Request, credentials: Credentials) -> Principal:
        principal = _principal(request, credentials)
        principal.require(self.permission)
        return principal


class SignedIn:
    """Any signed-in user, whatever the role (e.g. 'who am I')."""

    def __call__(self, request: Request, credentials: Credentials) -> Principal:
        return _principal(request, credentials)


class Public:
    """No sign-in: health and sign-in itself."""

    def __call__(self) -> None:
        return None


def requires(permission: Permission) -> Requires:
    return Requires(permission)


SIGNED_IN = SignedIn()
PUBLIC = Public()
