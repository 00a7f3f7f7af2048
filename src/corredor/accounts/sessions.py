"""Whether a signed token still stands for its account: asked on every signed-in request, so it
reads one row and imports nothing else of the platform (the platform wires it into `Tokens`)."""

from __future__ import annotations

from corredor.accounts.tables import User
from corredor.kernel.auth import Principal
from corredor.kernel.database import Database
from corredor.kernel.unit_of_work import unit_of_work


def still_valid(database: Database, principal: Principal) -> bool:
    """Is the token's account still as it was when the token was issued: there, active, in the
    same role, with the same token version?"""
    with unit_of_work(database) as s:
        user = s.get(User, principal.user_id)
        return (
            user is not None
            and user.active
            and user.role == principal.role
            and user.token_version == principal.version
        )
