"""The platform's parts, wired once from settings: settings, database, cipher, tokens, catalogue,
screening, places and clocks; and the ids and timestamps every use case shares."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from sqlalchemy.orm import Session

from corredor import schema  # noqa: F401 - every table, so foreign keys between features resolve
from corredor.accounts.sessions import still_valid
from corredor.cases.domain.vetting import Screening
from corredor.cases.reference import Reference, load_reference
from corredor.cases.vetting.watchlist import WatchlistScreening
from corredor.config import Settings, refuse_development_secrets
from corredor.kernel import audit
from corredor.kernel.auth import Principal, Tokens
from corredor.kernel.clock import utc_now
from corredor.kernel.crypto import FieldCipher, LookupHasher
from corredor.kernel.database import Database
from corredor.kernel.throttle import FailureThrottle
from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.use_cases.policies import read_catalogue


def new_id() -> str:
    return str(uuid.uuid4())


# 5 wrong passwords a minute, 20 an hour, per account; an address may try many accounts (an
# assisted kiosk, a shelter's shared connection), so it gets more before it waits.
SIGN_IN_LIMITS: Final = {"account": "5/minute;20/hour", "address": "30/minute;300/hour"}
now = utc_now  # the wall clock in UTC, for timestamps; deadlines use `Platform.now`


@dataclass
class Platform:
    settings: Settings
    db: Database
    cipher: FieldCipher
    lookup: LookupHasher
    tokens: Tokens
    catalogue: Catalogue
    screening: Screening
    reference: Reference
    # The platform's clocks: every deadline (a window's close, a token's expiry, a TVRH's end)
    # is judged by these, so tests and replays set them instead of racing the wall clock.
    today: Callable[[], date] = field(default=date.today)
    now: Callable[[], datetime] = field(default=now)
    # Seconds for the rate limits' buckets; None: Redis's own clock (shared by every worker)
    # or, without Redis, the process's monotonic clock.
    limit_clock: Callable[[], float] | None = None
    # Wrong passwords per account and per address; shared through Redis when configured.
    sign_in_throttle: FailureThrottle = field(
        default_factory=lambda: FailureThrottle(SIGN_IN_LIMITS)
    )

    def __post_init__(self) -> None:
        # late-bound, so that a clock set on the platform after it is built governs tokens too
        self.tokens.clock = lambda: self.now()  # noqa: PLW0108

    @classmethod
    def build(cls, settings: Settings, screening: Screening | None = None) -> Platform:
        refuse_development_secrets(settings)
        db = Database.of(settings)
        return cls(
            settings=settings,
            db=db,
            cipher=FieldCipher(settings.key_bytes(), settings.active_key_id),
            lookup=LookupHasher(settings.lookup_key),
            tokens=Tokens(
                settings.token_secret,
                settings.token_minutes,
                still_valid=lambda principal: still_valid(db, principal),
            ),
            catalogue=read_catalogue(),
            screening=screening or WatchlistScreening.from_file(settings.watchlist_path),
            reference=load_reference(),
            sign_in_throttle=FailureThrottle(SIGN_IN_LIMITS, settings.rate_limit_url),
        )


def actor(session: Session, who: Principal) -> audit.Actor:
    """The caller as the audit log names them (a case's steps add whom a caseworker acts for:
    `cases.records.case_actor`)."""
    return audit.Actor(user_id=who.user_id, role=str(who.role))
