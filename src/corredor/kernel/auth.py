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

    def require(self, permission: Permission) -> None:
        if not may(self.role, permission):
            raise Forbidden(f"a {self.role} may not {permission}")


@dataclass(frozen=True)
class Token:
    value: str
    expires_at: datetime


class Tokens:
    """Short-lived signed tokens; issue and expiry are judged by `clock` (the platform's)."""

    def __init__(self, secret: str, minutes: int, clock: Callable[[], datetime] = utc_now) -> None:
        self._secret = secret
        self.lifetime = timedelta(minutes=minutes)
        self.clock = clock

    def issue(self, principal: Principal, now: datetime | None = None) -> Token:
        issued = now or self.clock()
        expires = issued + self.lifetime
        claims = {
            "sub": principal.user_id,
            "name": principal.username,
            "role": str(principal.role),
            "agency": principal.agency and str(principal.agency),
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
                options={"verify_exp": False, "verify_iat": False, "require": ["exp", "sub"]},
            )
            if datetime.fromtimestamp(int(claims["exp"]), UTC) <= self.clock():
                raise jwt.ExpiredSignatureError
            return Principal(
                user_id=str(claims["sub"]),
                username=str(claims["name"]),
                role=Role(claims["role"]),
                agency=Agency(claims["agency"]) if claims.get("agency") else None,
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired; ask for a new one") from None
        except (jwt.InvalidTokenError, KeyError, ValueError):
            raise Unauthenticated("the token is not valid") from None
