"""Who is calling: argon2 password hashes and short-lived signed tokens (JWT, HS256)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError, VerifyMismatchError

from corredor.kernel.clock import utc_now
from corredor.kernel.domain.permissions import Agency, Permission, Role, may
from corredor.kernel.errors import Forbidden, Unauthenticated

ALGORITHM = "HS256"
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError):
        return False


# Compared against when the username is unknown, so both paths take the same time.
DUMMY_HASH = hash_password("no such user")


@dataclass(frozen=True)
class Principal:
    user_id: str
    username: str
    role: Role
    agency: Agency | None
    version: int = 0  # the account's token version when the token was issued

    def require(self, permission: Permission) -> None:
        if not may(self.role, permission):
            raise Forbidden(f"a {self.role} may not {permission}")


@dataclass(frozen=True)
class Token:
    value: str
    expires_at: datetime


class Tokens:
    """Short-lived signed tokens; issue and expiry are judged by `clock` (the platform's).

    A signature proves only that the platform issued the token once. `still_valid` (wired by
    the platform to the accounts) is asked on every read whether the account still exists, is
    active, holds the same role and the token's version: signing out, disabling an account or
    changing its role bumps the version, so every token issued before ends at once."""

    def __init__(
        self,
        secret: str,
        minutes: int,
        clock: Callable[[], datetime] = utc_now,
        still_valid: Callable[[Principal], bool] | None = None,
    ) -> None:
        self._secret = secret
        self.lifetime = timedelta(minutes=minutes)
        self.clock = clock
        self.still_valid = still_valid

    def issue(self, principal: Principal, now: datetime | None = None) -> Token:
        issued = now or self.clock()
        expires = issued + self.lifetime
        claims = {
            "sub": principal.user_id,
            "name": principal.username,
            "role": str(principal.role),
            "agency": principal.agency and str(principal.agency),
            "ver": principal.version,
            "iat": issued,
            "exp": expires,
        }
        return Token(jwt.encode(claims, self._secret, algorithm=ALGORITHM), expires)

    def read(self, token: str) -> Principal:
        try:
            # expiry is checked below against the platform's clock, not PyJWT's own
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "require": ["exp", "sub", "ver"],
                },
            )
            if datetime.fromtimestamp(int(claims["exp"]), UTC) <= self.clock():
                raise jwt.ExpiredSignatureError
            principal = Principal(
                user_id=str(claims["sub"]),
                username=str(claims["name"]),
                role=Role(claims["role"]),
                agency=Agency(claims["agency"]) if claims.get("agency") else None,
                version=int(claims["ver"]),
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired; ask for a new one") from None
        except (jwt.InvalidTokenError, KeyError, ValueError, TypeError):
            raise Unauthenticated("the token is not valid") from None
        if self.still_valid is not None and not self.still_valid(principal):
            raise Unauthenticated("this sign-in has ended (signed out, disabled or changed)")
        return principal
